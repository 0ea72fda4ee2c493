//! The app shell in bytes: `/app/` and every stylesheet, script and module it loads,
//! followed as a browser follows them (`<script src>`, `<link rel=stylesheet>`,
//! `<link rel=modulepreload>`, the modules' static and dynamic imports, a stylesheet's
//! `@import`), each fetched as the Mini App fetches it (`Accept-Encoding: br, gzip`),
//! and again with gzip only and with no encoding, for comparison.
//!
//! Counted are the bodies as they go over the wire (the compressed bytes; headers
//! left out). Scripts of other hosts (Telegram's `telegram-web-app.js`) are named
//! and not counted; so are the menu's photos and the API's answers, which the shell
//! does not include. The page itself carries the menu and a language's texts, which
//! are counted with it; the size of one catalog alone is shown beside the total.

use crate::stats::verdict;
use anyhow::{bail, ensure, Context, Result};
use std::collections::{BTreeSet, VecDeque};
use url::Url;

/// The target for HTML + JS + CSS as served: 60 KB.
const TARGET: usize = 60 * 1024;
/// What the Mini App's WebView sends.
const ACCEPT: &str = "br, gzip";

/// One file of the shell with its body's size in each encoding.
pub(crate) struct File {
    path: String,
    kind: &'static str,
    raw: usize,
    gzip: usize,
    br: usize,
    /// As served for [`ACCEPT`], and the `Content-Encoding` it came with.
    served: usize,
    encoding: String,
}

pub(crate) struct Shell {
    files: Vec<File>,
    /// URLs of other hosts the page loads (not counted).
    external: Vec<String>,
    /// The English catalog, as served for [`ACCEPT`].
    catalog: usize,
}

/// The body of `url` for `accept` (none: no `Accept-Encoding`), its type and encoding.
async fn get(
    client: &reqwest::Client,
    url: &Url,
    accept: Option<&str>,
) -> Result<(Vec<u8>, String, String)> {
    let mut request = client.get(url.clone());
    if let Some(accept) = accept {
        request = request.header("accept-encoding", accept);
    }
    let response = request.send().await?;
    let status = response.status();
    // A redirect would cost the page a request more: the shell must name files as they are.
    ensure!(status == reqwest::StatusCode::OK, "{url}: {status}");
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    let (kind, encoding) = (header("content-type"), header("content-encoding"));
    Ok((response.bytes().await?.to_vec(), kind, encoding))
}

/// The value of attribute `name` in the tag text `tag` (`<link rel=… href=…`).
fn attribute<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let lower = tag.to_ascii_lowercase();
    let mut from = 0;
    while let Some(at) = lower[from..].find(name).map(|i| i + from) {
        from = at + name.len();
        let before = lower[..at].chars().next_back();
        if !before.is_some_and(char::is_whitespace) {
            continue;
        }
        let rest = tag[from..].trim_start();
        let Some(value) = rest.strip_prefix('=') else {
            continue;
        };
        let value = value.trim_start();
        return Some(match value.chars().next() {
            Some(q @ ('"' | '\'')) => value[1..].split(q).next().unwrap_or(""),
            _ => value
                .split(|c: char| c.is_whitespace() || c == '>')
                .next()
                .unwrap_or(""),
        });
    }
    None
}

/// Every tag named `name` in `html`, as the text between `<name` and `>`.
fn tags<'a>(html: &'a str, name: &str) -> Vec<&'a str> {
    let lower = html.to_ascii_lowercase();
    let open = format!("<{name}");
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = lower[from..].find(&open).map(|i| i + from) {
        let end = lower[at..].find('>').map_or(html.len(), |i| i + at);
        let after = lower[at + open.len()..].chars().next();
        if after.is_some_and(|c| c.is_whitespace() || c == '>') {
            found.push(&html[at..end]);
        }
        from = end;
    }
    found
}

/// What a page loads before it runs: its scripts (module or not), stylesheets and
/// preloaded modules, as (URL as written, whether it is a module).
fn page_loads(html: &str) -> Vec<(String, bool)> {
    let mut loads = Vec::new();
    for tag in tags(html, "script") {
        if let Some(src) = attribute(tag, "src") {
            loads.push((src.to_string(), attribute(tag, "type") == Some("module")));
        }
    }
    for tag in tags(html, "link") {
        let rel = attribute(tag, "rel").unwrap_or("").to_ascii_lowercase();
        let module = rel.split_whitespace().any(|r| r == "modulepreload");
        let style = rel.split_whitespace().any(|r| r == "stylesheet");
        if let (Some(href), true) = (attribute(tag, "href"), module || style) {
            loads.push((href.to_string(), module));
        }
    }
    loads
}

/// The specifiers a module imports: `import … from '…'`, `export … from '…'`,
/// `import '…'` and `import('…')` with a literal. Only paths (`./`, `../`, `/`)
/// are taken: a bare name is no file of the app.
fn module_imports(js: &str) -> Vec<String> {
    let mut found = Vec::new();
    for keyword in ["from", "import"] {
        let mut from = 0;
        while let Some(at) = js[from..].find(keyword).map(|i| i + from) {
            from = at + keyword.len();
            let word_before = js[..at]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$' || c == '.');
            if word_before {
                continue;
            }
            let mut rest = js[from..].trim_start();
            if keyword == "import" {
                if let Some(call) = rest.strip_prefix('(') {
                    rest = call.trim_start();
                }
            }
            let Some(q @ ('"' | '\'')) = rest.chars().next() else {
                continue;
            };
            let spec = rest[1..].split(q).next().unwrap_or("");
            if ["./", "../", "/"].iter().any(|p| spec.starts_with(p)) {
                found.push(spec.to_string());
            }
        }
    }
    found
}

/// The stylesheets a stylesheet imports (`@import "…"`, `@import url(…)`).
fn css_imports(css: &str) -> Vec<String> {
    css.match_indices("@import")
        .filter_map(|(at, _)| {
            let rest = css[at + "@import".len()..].trim_start();
            let rest = rest.strip_prefix("url(").unwrap_or(rest).trim_start();
            let q = rest.chars().next()?;
            let spec = if q == '"' || q == '\'' {
                rest[1..].split(q).next()?
            } else {
                rest.split([')', ';']).next()?.trim()
            };
            Some(spec.to_string())
        })
        .collect()
}

fn kind_of(content_type: &str) -> Result<&'static str> {
    Ok(match content_type.split(';').next().unwrap_or("").trim() {
        "text/html" => "html",
        "text/javascript" | "application/javascript" => "js",
        "text/css" => "css",
        other => bail!("the shell loads a file of type {other:?}"),
    })
}

/// `url` as shown: its path, with the release's hash shortened.
fn shown(url: &Url) -> String {
    let path = url.path();
    match path.strip_prefix("/app/v/").and_then(|p| p.split_once('/')) {
        Some((_, rest)) => format!("/app/v/…/{rest}"),
        None => path.to_string(),
    }
}

pub(crate) async fn measure(base: &str) -> Result<Shell> {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let base = Url::parse(base)?;
    let page = base.join("/app/")?;
    let mut queue = VecDeque::from([(page.clone(), false)]);
    let mut seen = BTreeSet::from([page.clone()]);
    let mut shell = Shell {
        files: Vec::new(),
        external: Vec::new(),
        catalog: 0,
    };
    while let Some((url, module)) = queue.pop_front() {
        let (raw, content_type, _) = get(&client, &url, None).await?;
        let (gzip, _, _) = get(&client, &url, Some("gzip")).await?;
        let (served, _, encoding) = get(&client, &url, Some(ACCEPT)).await?;
        let (br, _, _) = get(&client, &url, Some("br")).await?;
        let kind = kind_of(&content_type)?;
        let text = String::from_utf8_lossy(&raw);
        let next: Vec<(String, bool)> = match kind {
            "html" => page_loads(&text),
            "js" if module => module_imports(&text)
                .into_iter()
                .map(|s| (s, true))
                .collect(),
            "css" => css_imports(&text).into_iter().map(|s| (s, false)).collect(),
            _ => Vec::new(),
        };
        for (spec, module) in next {
            let target = url
                .join(&spec)
                .with_context(|| format!("{spec:?} in {url}"))?;
            if target.origin() != base.origin() {
                if !shell.external.contains(&target.to_string()) {
                    shell.external.push(target.to_string());
                }
            } else if seen.insert(target.clone()) {
                queue.push_back((target, module));
            }
        }
        shell.files.push(File {
            path: shown(&url),
            kind,
            raw: raw.len(),
            gzip: gzip.len(),
            br: br.len(),
            served: served.len(),
            encoding: if encoding.is_empty() {
                "identity".into()
            } else {
                encoding
            },
        });
    }
    let catalog = base.join("/app/i18n/en.json")?;
    shell.catalog = get(&client, &catalog, Some(ACCEPT)).await?.0.len();
    Ok(shell)
}

pub(crate) fn report(s: &Shell) {
    println!(
        "\napp shell: /app/ and everything it loads, body bytes on the wire (headers not counted)"
    );
    println!(
        "file                              type      raw     gzip   brotli  served ({ACCEPT})"
    );
    let row = |name: &str, kind: &str, raw: usize, gzip: usize, br: usize, served: String| {
        println!("{name:<33} {kind:<4} {raw:>8} {gzip:>8} {br:>8}  {served}");
    };
    for f in &s.files {
        let served = format!("{:>6} {}", f.served, f.encoding);
        row(&f.path, f.kind, f.raw, f.gzip, f.br, served);
    }
    let sum = |field: fn(&File) -> usize| s.files.iter().map(field).sum::<usize>();
    let total = sum(|f| f.served);
    let name = format!("total ({} files)", s.files.len());
    row(
        &name,
        "",
        sum(|f| f.raw),
        sum(|f| f.gzip),
        sum(|f| f.br),
        format!("{total:>6}"),
    );
    for kind in ["html", "js", "css"] {
        let of_kind: usize = s
            .files
            .iter()
            .filter(|f| f.kind == kind)
            .map(|f| f.served)
            .sum();
        println!("  {kind:<4} {of_kind:>8} served");
    }
    println!(
        "  the html carries the menu and the texts of the browser's language; a customer of another language fetches theirs (/app/i18n/en.json: {} bytes)",
        s.catalog
    );
    for url in &s.external {
        println!("  not counted: {url} (another host's)");
    }
    println!("  not counted: menu photos (lazy) and the API's answers");
    println!(
        "target: shell HTML+JS+CSS <= {TARGET} bytes (60 KB) as served  {total} bytes {}",
        verdict(total <= TARGET)
    );
}
