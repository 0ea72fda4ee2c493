//! The entry page as served: `index.html` with what the menu screen needs to
//! draw written into it, so that a first visit on a slow network does not wait
//! for a round trip of API calls after the scripts before it shows the menu.
//!
//! `{{BOOT}}` in the template becomes a data block (not a script: the page's
//! Content-Security-Policy is unchanged):
//!
//! ```html
//! <script type="application/json" id="boot-data">{"menu": …, "catalog": …}</script>
//! ```
//!
//! `menu` is the public menu exactly as `GET /api/v1/menu` answers it now
//! (sold-out dishes marked), `catalog` the app's texts in the language the
//! browser's `Accept-Language` prefers (`GET /app/i18n/{lang}.json`). The app
//! uses the catalog when it is the language of the Telegram user, and fetches
//! its own otherwise. Pages are made once per menu version and language, and
//! kept compressed like every other file.

use super::bundle::{bundle, content_type, Asset, INDEX};
use crate::app::MenuNow;
use crate::http::menu::Rendered;
use crate::i18n::Lang;
use parking_lot::Mutex;
use std::collections::HashMap;
use std::sync::Arc;

/// Where the template takes the data block.
pub const BOOT: &str = "{{BOOT}}";

/// The pages made for one menu version, by language.
type Made = (usize, HashMap<Lang, Arc<Asset>>);

/// The pages made for the current menu version.
#[derive(Default)]
pub struct Pages(Mutex<Option<Made>>);

impl Pages {
    /// The page for `lang` with the menu as it is `now`.
    pub fn get(&self, now: &MenuNow, menu: &Rendered, lang: Lang) -> Arc<Asset> {
        let mut made = self.0.lock();
        if made
            .as_ref()
            .is_none_or(|(version, _)| *version != now.version)
        {
            *made = None;
        }
        let (_, pages) = made.get_or_insert_with(|| (now.version, HashMap::new()));
        pages
            .entry(lang)
            .or_insert_with(|| Arc::new(page(Some(&menu.get(now).raw), lang)))
            .clone()
    }

    /// The page for `lang` without the menu (it could not be read): the app
    /// asks the API for it.
    pub fn without_menu(&self, lang: Lang) -> Arc<Asset> {
        Arc::new(page(None, lang))
    }
}

/// The template with its data block for `menu` (JSON) and `lang`.
fn page(menu: Option<&[u8]>, lang: Lang) -> Asset {
    let template = bundle()
        .index
        .as_ref()
        .map(|a| String::from_utf8_lossy(&a.raw).into_owned())
        .unwrap_or_default();
    let catalog = bundle()
        .catalogs
        .get(lang.code())
        .map(|a| String::from_utf8_lossy(&a.raw).into_owned())
        .unwrap_or_else(|| "null".into());
    let menu = menu.map_or_else(|| "null".into(), String::from_utf8_lossy);
    let data = format!("{{\"menu\":{menu},\"catalog\":{catalog}}}");
    let block = format!(
        "<script type=\"application/json\" id=\"boot-data\">{}</script>",
        inert(&data)
    );
    let html = template.replacen(BOOT, &block, 1);
    Asset::new(content_type(INDEX), html.into_bytes())
}

/// JSON that cannot end the element it is in: `<` appears in JSON only inside
/// strings, where `\u003c` means the same.
fn inert(json: &str) -> String {
    json.replace('<', "\\u003c")
}

/// The language of `Accept-Language` the app speaks, by the header's
/// preferences (`q`), else the default.
pub fn language(accept: Option<&str>) -> Lang {
    let mut choices: Vec<(f32, Lang)> = accept
        .unwrap_or("")
        .split(',')
        .filter_map(|part| {
            let mut pieces = part.split(';');
            let tag = pieces.next()?.trim();
            let q = pieces
                .find_map(|p| p.trim().strip_prefix("q="))
                .map_or(Some(1.0), |q| q.trim().parse::<f32>().ok())?;
            let primary = tag.split(['-', '_']).next()?.to_ascii_lowercase();
            Some((q, Lang::parse(&primary)?)).filter(|(q, _)| *q > 0.0)
        })
        .collect();
    // Stable: among equal preferences the header's order decides.
    choices.sort_by(|a, b| b.0.total_cmp(&a.0));
    choices.first().map_or(Lang::DEFAULT, |(_, l)| *l)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_preferred_language_we_speak_is_chosen() {
        assert_eq!(language(None), Lang::DEFAULT);
        assert_eq!(language(Some("")), Lang::DEFAULT);
        assert_eq!(language(Some("de-AT,de;q=0.9,en;q=0.8")), Lang::De);
        assert_eq!(language(Some("xx,pt-BR;q=0.5")), Lang::Pt);
        assert_eq!(language(Some("en;q=0.3, ar")), Lang::Ar);
        assert_eq!(language(Some("fr;q=0, uk;q=0.2")), Lang::Uk);
        assert_eq!(language(Some("ru;q=bad, it")), Lang::It);
        assert_eq!(language(Some("zh-CN,ja")), Lang::DEFAULT);
    }

    #[test]
    fn the_data_block_cannot_close_its_element() {
        let menu = br#"{"name":"</script><script>alert(1)</script>"}"#;
        let html = String::from_utf8(page(Some(menu), Lang::En).raw.to_vec()).unwrap();
        let block = html
            .split("<script type=\"application/json\" id=\"boot-data\">")
            .nth(1)
            .and_then(|rest| rest.split("</script>").next())
            .expect("the data block");
        let data: serde_json::Value = serde_json::from_str(block).unwrap();
        assert_eq!(data["menu"]["name"], "</script><script>alert(1)</script>");
        assert_eq!(data["catalog"]["lang"], "en");
        assert!(!html.contains(BOOT));
    }

    #[test]
    fn without_the_menu_the_page_still_has_the_catalog() {
        let html = String::from_utf8(page(None, Lang::Ar).raw.to_vec()).unwrap();
        assert!(html.contains(r#"{"menu":null,"catalog":{"#), "{html}");
        assert!(html.contains(r#""dir":"rtl""#));
    }
}
