//! Right to left and dark: an Arabic-speaking customer in Telegram's dark
//! theme gets a mirrored page, the Arabic catalog's texts, prices written
//! as Arabic writes them, and the theme's colours, in the item sheet too
//! (whose head stays clear of what scrolls under it).

use crate::harness::{Harness, Open};
use crate::opening::Theme;
use foodbot::i18n::{format_money, Lang};

/// A message of a Mini App catalog, read from its file.
fn catalog(code: &str, id: &str) -> String {
    let path = format!("locales/{code}/app.ftl");
    let text = std::fs::read_to_string(&path).unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("{id} = ")))
        .unwrap_or_else(|| panic!("{id} is not in {path}"))
        .trim()
        .to_string()
}

/// The relative luminance of an sRGB colour (WCAG 2).
fn luminance([r, g, b]: [u8; 3]) -> f64 {
    let lin = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.039_28 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
}

/// The WCAG contrast ratio of two colours.
fn contrast(a: [u8; 3], b: [u8; 3]) -> f64 {
    let (a, b) = (luminance(a), luminance(b));
    (a.max(b) + 0.05) / (a.min(b) + 0.05)
}

/// `#rrggbb` as CSS computes it: `rgb(r, g, b)`.
fn rgb(hex: &str) -> String {
    let v = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).unwrap();
    format!("rgb({}, {}, {})", v(1), v(3), v(5))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_arabic_customer_in_the_dark_theme_gets_a_mirrored_dark_page_in_arabic() {
    let h = Harness::start("rtl_dark").await;
    let s = h.open(&Open::user(7_406).language("ar").dark()).await;
    s.wait_for("[data-testid=screen-menu]").await;

    // Right to left, in Arabic.
    assert_eq!(
        s.eval::<String>("document.documentElement.dir").await,
        "rtl"
    );
    assert_eq!(
        s.eval::<String>("document.documentElement.lang").await,
        "ar"
    );
    assert_eq!(
        s.eval::<String>(
            "getComputedStyle(document.querySelector('[data-testid=screen-menu]')).direction"
        )
        .await,
        "rtl"
    );
    let placeholder: String = s
        .eval("document.querySelector('[data-testid=menu-search]').placeholder")
        .await;
    assert_eq!(placeholder, catalog("ar", "app-search-placeholder"));
    let history: String = s
        .eval("document.querySelector('[data-testid=open-history]').getAttribute('aria-label')")
        .await;
    assert_eq!(history, catalog("ar", "app-history"));
    // The menu's own texts in Arabic too.
    assert_eq!(s.text(".brand").await, "مطبخ Foodbot التجريبي");
    assert!(s
        .text("[data-testid=menu-item-margherita]")
        .await
        .contains("مارغريتا"));

    // The page is mirrored: the restaurant's name on the right, the buttons
    // on the left, a card's photo on its left.
    let (brand, buttons): (f64, f64) = s
        .eval("[document.querySelector('.brand').getBoundingClientRect().right, document.querySelector('[data-testid=open-history]').getBoundingClientRect().right]")
        .await;
    assert!(
        buttons < brand,
        "the buttons ({buttons}) left of the name ({brand})"
    );
    let width: f64 = s.eval("document.documentElement.clientWidth").await;
    assert!(
        brand > width * 0.8,
        "the name starts at the right: {brand} of {width}"
    );
    let (photo, name): (f64, f64) = s
        .eval("(c => [c.querySelector('.card-img').getBoundingClientRect().left, c.querySelector('.card-name').getBoundingClientRect().left])(document.querySelector('[data-testid=menu-item-margherita]'))")
        .await;
    assert!(photo < name, "photo {photo}, name {name}");

    // Prices as Arabic writes them: Western digits, the number before the
    // sign, the same as the bot's (the browser adds a right-to-left mark).
    let price = s
        .text("[data-testid=menu-item-margherita] .card-price")
        .await
        .replace('\u{200f}', "");
    assert_eq!(price, format_money(Lang::Ar, 890, "EUR"));
    assert_ne!(price, format_money(Lang::En, 890, "EUR"));

    // Dark: the page, its cards and its text in the theme's colours.
    let dark = Theme::Dark.params();
    assert_eq!(
        s.eval::<String>("document.documentElement.dataset.scheme")
            .await,
        "dark"
    );
    let colours: Vec<String> = s
        .eval("[document.body, document.querySelector('.card'), document.querySelector('.card-name')].map((e, i) => { const c = getComputedStyle(e); return i === 2 ? c.color : c.backgroundColor; })")
        .await;
    assert_eq!(
        colours,
        [
            rgb(dark["secondary_bg_color"].as_str().unwrap()),
            rgb(dark["section_bg_color"].as_str().unwrap()),
            rgb(dark["text_color"].as_str().unwrap()),
        ]
    );
    let page: String = s
        .eval("getComputedStyle(document.documentElement).backgroundColor")
        .await;
    assert_eq!(page, rgb(dark["secondary_bg_color"].as_str().unwrap()));
    // Telegram is asked to paint around the page in the same colour.
    let asked = s.calls_to("setBackgroundColor").await;
    assert_eq!(asked[0]["args"][0], "secondary_bg_color", "{asked:?}");

    // The item sheet: an optional group's badge is drawn from the theme's
    // text colours, not its separator colour (black here): lighter than the
    // sheet, and readable.
    s.click("[data-testid=menu-item-open-margherita]").await;
    s.wait_for("[data-testid=screen-item]").await;
    s.settle().await;
    // The colours as painted: the sheet, and the badge over it.
    let painted: Vec<[u8; 3]> = s
        .eval(
            "(() => {
               const paint = (...colours) => { const x = document.createElement('canvas').getContext('2d');
                 for (const c of colours) { x.fillStyle = c; x.fillRect(0, 0, 1, 1); }
                 return [...x.getImageData(0, 0, 1, 1).data].slice(0, 3); };
               const sheet = getComputedStyle(document.querySelector('.sheet')).backgroundColor;
               const badge = getComputedStyle(document.querySelector('[data-testid=option-group-extra-toppings] .badge'));
               return [paint(sheet), paint(sheet, badge.backgroundColor), paint(sheet, badge.color)];
             })()",
        )
        .await;
    let [sheet, badge, text] = [painted[0], painted[1], painted[2]];
    assert_eq!(sheet, [0x21, 0x21, 0x21], "the theme's section colour");
    assert!(
        luminance(badge) > luminance(sheet),
        "the badge {badge:?} stands out light on the sheet {sheet:?}"
    );
    assert!(
        contrast(text, badge) >= 4.5,
        "badge text {text:?} on {badge:?}: {}",
        contrast(text, badge)
    );

    // Scrolled, the description and the choices pass under the sheet's head,
    // never under its close button.
    let scrolled: f64 = s
        .eval("(b => { b.scrollTop = b.scrollHeight; return b.scrollTop; })(document.querySelector('.sheet-body'))")
        .await;
    assert!(scrolled > 0.0, "the sheet scrolls");
    let (body_top, close_bottom, on_top): (f64, f64, bool) = s
        .eval(
            "(() => {
               const close = document.querySelector('[data-testid=item-sheet-close]').getBoundingClientRect();
               const body = document.querySelector('.sheet-body').getBoundingClientRect();
               const hit = document.elementFromPoint((close.left + close.right) / 2, (close.top + close.bottom) / 2);
               return [body.top, close.bottom, !!hit?.closest('[data-testid=item-sheet-close]')];
             })()",
        )
        .await;
    assert!(
        body_top >= close_bottom - 0.5,
        "what scrolls starts at {body_top}, below the close button's {close_bottom}"
    );
    assert!(on_top, "the close button is what a tap on it reaches");
    s.click("[data-testid=item-sheet-close]").await;
    s.wait_gone("[data-testid=screen-item]").await;

    // The same page in the light theme and English is neither.
    let light = h.open(&Open::user(7_407)).await;
    light.wait_for("[data-testid=screen-menu]").await;
    assert_eq!(
        light.eval::<String>("document.documentElement.dir").await,
        "ltr"
    );
    let background: String = light
        .eval("getComputedStyle(document.body).backgroundColor")
        .await;
    assert_eq!(
        background,
        rgb(Theme::Light.params()["secondary_bg_color"]
            .as_str()
            .unwrap())
    );
    assert_ne!(background, colours[0]);
    h.close().await;
}
