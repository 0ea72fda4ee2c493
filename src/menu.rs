//! Loading the restaurant's menu file at start.

use anyhow::Context;
use foodbot_domain::catalog::Catalog;
use std::path::Path;

/// Reads, parses and checks a menu file. Errors name the bad entry and field.
pub fn load(path: &Path) -> anyhow::Result<Catalog> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read menu file {}", path.display()))?;
    let catalog: Catalog =
        toml::from_str(&text).map_err(|e| anyhow::anyhow!("menu file {}: {e}", path.display()))?;
    let dir = path.parent().unwrap_or(Path::new("."));
    catalog
        .validate(&|photo| dir.join(photo).is_file())
        .map_err(|issues| {
            let list: Vec<String> = issues.iter().map(|i| format!("  - {i}")).collect();
            anyhow::anyhow!(
                "menu file {} has {} problem(s):\n{}",
                path.display(),
                issues.len(),
                list.join("\n")
            )
        })?;
    Ok(catalog)
}
