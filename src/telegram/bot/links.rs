//! Where the bot's buttons lead: the Mini App, opened at an item or an order.
//!
//! A `web_app` button opens `<PUBLIC_URL>/app/` directly, but Telegram signs
//! no start parameter for it, and the app trusts only signed ones. So a
//! button that opens the app *at* something (`item_<id>`, `order_<id>`,
//! `reorder_<id>`) is a link, `https://t.me/<bot>/<app>?startapp=<param>`,
//! which Telegram opens as the Mini App with the parameter inside the signed
//! initData; so are the inline results shared into other chats.

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
    /// The Mini App for a `web_app` button (at its start screen).
    pub fn app(&self) -> Option<Url> {
        self.public_url.as_ref()?.join("app/").ok()
    }

    /// Where a button opening the Mini App at `start` leads: the `t.me` link
    /// (see the module's note), when the app is served somewhere.
    pub fn app_at(&self, start: &str) -> Option<Url> {
        self.public_url.as_ref()?;
        self.direct(Some(start))
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
    fn the_app_opens_at_an_item_only_through_a_signed_start_parameter() {
        let l = links(Some("https://food.example/"));
        assert_eq!(
            l.app_at("item_margherita").unwrap().as_str(),
            "https://t.me/foodbot_demo_bot/menu?startapp=item_margherita"
        );
        assert_eq!(
            l.direct(Some("item_margherita")).unwrap().as_str(),
            "https://t.me/foodbot_demo_bot/menu?startapp=item_margherita"
        );
        assert_eq!(l.app().unwrap().as_str(), "https://food.example/app/");
        assert!(links(None).app().is_none());
        assert!(links(None).app_at("item_margherita").is_none());
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
