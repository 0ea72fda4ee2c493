//! Architecture invariants that are checked by looking at the project itself.

use std::process::Command;

/// The domain crate makes decisions only: no database, network or web crate may
/// be among its (normal) dependencies.
#[test]
fn the_domain_crate_depends_on_no_io_crate() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args([
            "tree",
            "-p",
            "foodbot-domain",
            "-e",
            "normal",
            "--prefix",
            "none",
            "--offline",
        ])
        .output()
        .expect("cargo tree runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let tree = String::from_utf8(out.stdout).unwrap();
    assert!(tree.contains("cqrs-es"), "unexpected tree:\n{tree}");
    let forbidden = [
        "sqlx",
        "axum",
        "teloxide",
        "reqwest",
        "hyper",
        "tokio-postgres",
        "redis",
        "postgres-es",
        "sqlite-es",
        "mio",
    ];
    for line in tree.lines() {
        let name = line.split_whitespace().next().unwrap_or("");
        assert!(
            !forbidden
                .iter()
                .any(|f| name == *f || name.starts_with(&format!("{f}-"))),
            "domain depends on {name}"
        );
    }
}

/// docs/events.md catalogues every event with its type and version strings.
#[test]
fn every_event_is_catalogued_with_its_version() {
    let doc = std::fs::read_to_string("docs/events.md").expect("docs/events.md exists");
    use foodbot_domain::order::OrderEvent;
    use foodbot_domain::user::UserEvent;
    let order = OrderEvent::TYPES.map(|t| (t, OrderEvent::current_version(t)));
    let user = UserEvent::TYPES.map(|t| (t, UserEvent::current_version(t)));
    for (name, version) in order.into_iter().chain(user) {
        let version = version.unwrap_or_else(|| panic!("{name} has no current version"));
        let heading = format!("### `{name}` (version `{version}`)");
        assert!(doc.contains(&heading), "docs/events.md lacks {heading}");
    }
}
