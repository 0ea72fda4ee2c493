//! The Mini App's files as they are served: read once from the embedded
//! `webapp/` folder (from disk in debug builds, so a changed file needs a
//! restart there), each compressed with gzip and brotli once, and the whole
//! release named by one hash.
//!
//! The release hash covers every file and every language's catalog, so any
//! change to what the app loads gives every versioned URL a new name and
//! browsers fetch the new release at once, while an unchanged release is
//! cached for good.

use crate::i18n::{self, Lang};
use axum::body::Bytes;
use rust_embed::Embed;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::Write;
use std::sync::LazyLock;

#[derive(Embed)]
#[folder = "webapp/"]
struct Files;

/// The entry page, a template: every `{{V}}` in it becomes `v/<release>`.
pub const INDEX: &str = "index.html";
/// The folder of the offline demo's console, left out of the app.
const CONSOLE: &str = "console/";
/// What `index.html` writes for the release's folder.
pub const PLACEHOLDER: &str = "{{V}}";
/// Where `index.html` takes the stylesheet, inline: a stylesheet of its own
/// would be one more request before the menu shows.
pub const STYLE: &str = "{{CSS}}";
/// The stylesheet written into the page.
const STYLESHEET: &str = "app.css";

/// One file's bodies: as stored, and compressed where that makes it smaller.
pub struct Asset {
    pub content_type: &'static str,
    pub raw: Bytes,
    pub gzip: Option<Bytes>,
    pub br: Option<Bytes>,
    /// A hash of `raw`, the base of the entity tags of every encoding.
    pub tag: String,
}

impl Asset {
    pub fn new(content_type: &'static str, raw: Vec<u8>) -> Asset {
        let (gzip, br) = if compressible(content_type) {
            (smaller(gzip(&raw), &raw), smaller(brotli(&raw), &raw))
        } else {
            (None, None)
        };
        Asset {
            content_type,
            tag: short_hash(&raw),
            raw: raw.into(),
            gzip,
            br,
        }
    }
}

/// Everything the app serves, for one release.
pub struct Bundle {
    /// 16 hex digits naming this release's files.
    pub release: String,
    /// `index.html` with its placeholders filled in; none if the folder has none.
    pub index: Option<Asset>,
    /// Every other file, by its path inside `webapp/`.
    pub files: BTreeMap<String, Asset>,
    /// Each language's catalog (`crate::i18n::catalog_json`), by language code.
    pub catalogs: BTreeMap<&'static str, Asset>,
    /// The page's Content-Security-Policy: [`super::CSP`] with the inline
    /// stylesheet's hash allowed.
    pub csp: String,
}

static BUNDLE: LazyLock<Bundle> = LazyLock::new(Bundle::build);

/// The bundle, built on first use.
pub fn bundle() -> &'static Bundle {
    &BUNDLE
}

impl Bundle {
    fn build() -> Bundle {
        let mut sources: BTreeMap<String, Vec<u8>> = BTreeMap::new();
        for path in Files::iter() {
            // The offline demo's console lives beside the app but is not part
            // of it: it is served at `/` (`crate::telegram::demo::console`).
            if path.starts_with(CONSOLE) {
                continue;
            }
            if let Some(file) = Files::get(&path) {
                sources.insert(path.into_owned(), file.data.into_owned());
            }
        }
        let catalogs: BTreeMap<&'static str, Vec<u8>> = Lang::ALL
            .into_iter()
            .map(|l| {
                let json = serde_json::to_vec(&i18n::catalog_json(l)).unwrap_or_default();
                (l.code(), json)
            })
            .collect();

        let mut release = Sha256::new();
        for (path, data) in &sources {
            digest_part(&mut release, path.as_bytes(), data);
        }
        for (code, data) in &catalogs {
            digest_part(&mut release, format!("i18n/{code}.json").as_bytes(), data);
        }
        let release = hex::encode(&release.finalize()[..8]);

        let style = sources
            .get(STYLESHEET)
            .map(|css| String::from_utf8_lossy(css).into_owned())
            .unwrap_or_default();
        let index = sources.remove(INDEX).map(|html| {
            let html = String::from_utf8_lossy(&html)
                .replace(PLACEHOLDER, &format!("v/{release}"))
                .replacen(STYLE, &style, 1);
            Asset::new(content_type(INDEX), html.into_bytes())
        });
        let csp = super::CSP.replacen(
            "style-src 'self'",
            &format!("style-src 'self' 'sha256-{}'", base64_sha256(&style)),
            1,
        );
        let files = sources
            .into_iter()
            .map(|(path, data)| {
                let asset = Asset::new(content_type(&path), data);
                (path, asset)
            })
            .collect();
        let catalogs = catalogs
            .into_iter()
            .map(|(code, json)| (code, Asset::new("application/json", json)))
            .collect();
        Bundle {
            release,
            index,
            files,
            catalogs,
            csp,
        }
    }
}

/// A CSP hash source's digest of `text`: SHA-256, base64.
fn base64_sha256(text: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(Sha256::digest(text.as_bytes()))
}

/// Adds one named part to the release hash, so that no two sets of files
/// (a name moved into a body, say) hash alike.
fn digest_part(hash: &mut Sha256, name: &[u8], data: &[u8]) {
    hash.update((name.len() as u64).to_be_bytes());
    hash.update(name);
    hash.update((data.len() as u64).to_be_bytes());
    hash.update(data);
}

fn short_hash(data: &[u8]) -> String {
    hex::encode(&Sha256::digest(data)[..8])
}

/// The content type of a file by its extension.
pub fn content_type(path: &str) -> &'static str {
    let extension = path.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    match extension.to_ascii_lowercase().as_str() {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json",
        "webmanifest" => "application/manifest+json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "webp" => "image/webp",
        "jpg" | "jpeg" => "image/jpeg",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Text compresses; images and fonts are compressed already.
fn compressible(content_type: &str) -> bool {
    content_type.starts_with("text/")
        || content_type.starts_with("application/json")
        || content_type.starts_with("application/manifest+json")
        || content_type.starts_with("image/svg+xml")
}

fn smaller(compressed: Vec<u8>, raw: &[u8]) -> Option<Bytes> {
    (compressed.len() < raw.len()).then(|| compressed.into())
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    // Writing to memory does not fail.
    let _ = encoder.write_all(data);
    encoder.finish().unwrap_or_default()
}

fn brotli(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    {
        // Quality 11 (the best) with a 4 MiB window: done once per release.
        let mut writer = brotli::CompressorWriter::new(&mut out, 4096, 11, 22);
        let _ = writer.write_all(data);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn compressed_bodies_give_back_the_file() {
        let text = "body { color: red; }\n".repeat(200);
        let asset = Asset::new(content_type("a.css"), text.clone().into_bytes());
        let mut unzipped = String::new();
        flate2::read::GzDecoder::new(&asset.gzip.as_ref().unwrap()[..])
            .read_to_string(&mut unzipped)
            .unwrap();
        assert_eq!(unzipped, text);
        let mut unbrotli = String::new();
        brotli::Decompressor::new(&asset.br.as_ref().unwrap()[..], 4096)
            .read_to_string(&mut unbrotli)
            .unwrap();
        assert_eq!(unbrotli, text);
    }

    #[test]
    fn each_kind_of_file_has_its_type() {
        for (file, ty) in [
            ("index.html", "text/html; charset=utf-8"),
            ("a/b.js", "text/javascript; charset=utf-8"),
            ("app.css", "text/css; charset=utf-8"),
            ("logo.svg", "image/svg+xml"),
            ("x.json", "application/json"),
            ("x.PNG", "image/png"),
            ("x.webp", "image/webp"),
            ("f.woff2", "font/woff2"),
            ("LICENSE", "application/octet-stream"),
        ] {
            assert_eq!(content_type(file), ty, "{file}");
        }
    }

    #[test]
    fn images_are_not_compressed_again_and_tiny_files_stay_raw() {
        let png = Asset::new(content_type("x.png"), vec![0; 1000]);
        assert!(png.gzip.is_none() && png.br.is_none());
        let tiny = Asset::new(content_type("x.js"), b"1".to_vec());
        assert!(tiny.gzip.is_none() && tiny.br.is_none());
    }

    #[test]
    fn the_release_names_every_file_and_the_index_points_into_it() {
        let b = bundle();
        assert_eq!(b.release.len(), 16);
        let index = String::from_utf8(b.index.as_ref().unwrap().raw.to_vec()).unwrap();
        assert!(!index.contains(PLACEHOLDER));
        assert!(index.contains(&format!("v/{}/app.js", b.release)));
        assert!(b.files.contains_key("app.js") && b.files.contains_key("app.css"));
        assert_eq!(b.catalogs.len(), Lang::ALL.len());
    }

    #[test]
    fn the_page_preloads_every_module_the_menu_needs_and_no_other() {
        // The modules imported when the app starts are named in the page, so
        // they are fetched beside app.js instead of after it; the screens the
        // menu does not need (`import('./…')` in app.js) are not, so that
        // they do not hold up the menu on a slow network.
        let b = bundle();
        let index = String::from_utf8(b.index.as_ref().unwrap().raw.to_vec()).unwrap();
        let app = String::from_utf8(b.files["app.js"].raw.to_vec()).unwrap();
        let mut later = 0;
        for path in b.files.keys().filter(|p| p.ends_with(".js")) {
            let link = format!(
                "<link rel=\"modulepreload\" href=\"v/{}/{path}\">",
                b.release
            );
            let lazy = app.contains(&format!("import('./{path}')"));
            later += usize::from(lazy);
            assert!(
                index.contains(&link) != lazy,
                "{path}: preloaded {}, loaded later {lazy}",
                index.contains(&link)
            );
        }
        assert_eq!(
            later, 6,
            "cart, item, checkout, order, history and profile load later"
        );
    }

    #[test]
    fn the_stylesheet_is_in_the_page_and_its_hash_in_the_policy() {
        let b = bundle();
        let index = String::from_utf8(b.index.as_ref().unwrap().raw.to_vec()).unwrap();
        let css = String::from_utf8(b.files[STYLESHEET].raw.to_vec()).unwrap();
        assert!(index.contains(&format!("<style>{css}</style>")));
        assert!(!index.contains(STYLE) && !index.contains("rel=\"stylesheet\""));
        let style_src = b
            .csp
            .split(';')
            .find(|d| d.trim().starts_with("style-src"))
            .unwrap();
        assert_eq!(
            style_src.trim(),
            format!("style-src 'self' 'sha256-{}'", base64_sha256(&css))
        );
        // Only the hash was added: scripts stay as strict as they were.
        assert_eq!(
            b.csp.replace(style_src, " style-src 'self'"),
            super::super::CSP
        );
    }
}
