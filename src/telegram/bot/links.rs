//! Where the bot's buttons lead: the Mini App, opened at an item or an order.
//!
//! In a private chat a `web_app` button opens `<PUBLIC_URL>/app/` directly.
//! Elsewhere (inline results in other chats) only a link can open it:
//! `https://t.me/<bot>/<app>?startapp=<param>`. Both carry the same start
//! parameter (`item_<id>`, `order_<id>`), so the app reads one thing.

use url::Url;

#[derive(Debug, Clone)]
pub struct Links {
    /// The server's public address, when configured.
    pub public_url: Option<Url>,
    /// The bot's username (from getMe).
    pub bot_username: String,
    /// The Mini App's short name from @BotFather.
    pub app_short_name: String,
}

impl Links {
    /// The Mini App for a `web_app` button, at `start` when given.
    pub fn app(&self, start: Option<&str>) -> Option<Url> {
        let mut url = self.public_url.as_ref()?.join("app/").ok()?;
        if let Some(start) = start {
            url.query_pairs_mut().append_pair("startapp", start);
        }
        Some(url)
    }

    /// A `t.me` link that opens the Mini App from any chat.
    pub fn direct(&self, start: Option<&str>) -> Option<Url> {
        let mut url = Url::parse("https://t.me/")
            .ok()?
            .join(&format!("{}/{}", self.bot_username, self.app_short_name))
            .ok()?;
        if let Some(start) = start {
            url.query_pairs_mut().append_pair("startapp", start);
        }
        Some(url)
    }

    /// A photo's public address, for photos Telegram can show (JPEG, PNG, WebP).
    pub fn photo(&self, path: &str) -> Option<Url> {
        let lower = path.to_ascii_lowercase();
        let shown = [".jpg", ".jpeg", ".png", ".webp"]
            .iter()
            .any(|ext| lower.ends_with(ext));
        let file = path.strip_prefix("photos/")?;
        shown
            .then(|| {
                self.public_url
                    .as_ref()?
                    .join("menu/photos/")
                    .ok()?
                    .join(file)
                    .ok()
            })
            .flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn links(public: Option<&str>) -> Links {
        Links {
            public_url: public.map(|u| Url::parse(u).unwrap()),
            bot_username: "foodbot_demo_bot".into(),
            app_short_name: "menu".into(),
        }
    }

    #[test]
    fn buttons_open_the_app_at_the_item_both_ways() {
        let l = links(Some("https://food.example/"));
        assert_eq!(
            l.app(Some("item_margherita")).unwrap().as_str(),
            "https://food.example/app/?startapp=item_margherita"
        );
        assert_eq!(
            l.direct(Some("item_margherita")).unwrap().as_str(),
            "https://t.me/foodbot_demo_bot/menu?startapp=item_margherita"
        );
        assert_eq!(l.app(None).unwrap().as_str(), "https://food.example/app/");
        assert!(links(None).app(None).is_none());
    }

    #[test]
    fn only_photos_telegram_shows_get_an_address() {
        let l = links(Some("https://food.example/"));
        assert_eq!(
            l.photo("photos/burger.jpg").unwrap().as_str(),
            "https://food.example/menu/photos/burger.jpg"
        );
        assert!(l.photo("photos/margherita.svg").is_none());
        assert!(links(None).photo("photos/burger.jpg").is_none());
    }
}
