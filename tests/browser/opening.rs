//! How a test opens the Mini App: as which user, in which language and
//! theme, with which deep link, and the initData Telegram would hand it for
//! that, signed with the test server's bot token.

use crate::helpers::BOT_TOKEN;
use serde_json::{json, Value};

/// Telegram's colour schemes, as its clients hand them to Mini Apps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Theme {
    Light,
    Dark,
}

impl Theme {
    pub fn name(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    /// `themeParams` as a Telegram client of this scheme sends them.
    pub fn params(self) -> Value {
        crate::chromium::theme_params(self == Theme::Dark)
    }
}

/// Who opens the app, and how: the user, their language, the theme, the
/// signed `start_param` of a deep link, and the phone's viewport.
#[derive(Clone, Debug)]
pub struct Open {
    pub user: i64,
    pub first_name: String,
    pub language: String,
    pub theme: Theme,
    pub start_param: Option<String>,
    /// initData altered after signing: the server must refuse it.
    pub tampered: bool,
    /// CSS pixels.
    pub viewport: (u32, u32),
}

impl Open {
    /// User `user`, English, light theme, no deep link, a 390 × 844 phone.
    pub fn user(user: i64) -> Open {
        Open {
            user,
            first_name: format!("User {user}"),
            language: "en".into(),
            theme: Theme::Light,
            start_param: None,
            tampered: false,
            viewport: (390, 844),
        }
    }

    pub fn language(mut self, code: &str) -> Open {
        self.language = code.into();
        self
    }

    pub fn dark(mut self) -> Open {
        self.theme = Theme::Dark;
        self
    }

    pub fn start_param(mut self, param: &str) -> Open {
        self.start_param = Some(param.into());
        self
    }

    pub fn tampered(mut self) -> Open {
        self.tampered = true;
        self
    }

    pub fn viewport(mut self, width: u32, height: u32) -> Open {
        self.viewport = (width, height);
        self
    }

    /// The initData Telegram would hand the app, signed with the server's
    /// bot token (and, if asked, altered afterwards), and what
    /// `initDataUnsafe` shows of it.
    pub fn init_data(&self) -> (String, Value) {
        let user = json!({
            "id": self.user,
            "first_name": self.first_name,
            "username": format!("user{}", self.user),
            "language_code": self.language,
            "allows_write_to_pm": true,
        });
        let user_json = user.to_string();
        let auth_date = chrono::Utc::now().timestamp().to_string();
        let mut fields = vec![
            ("query_id", "AAHdF6IQAAAAAN0XohDhrOrc"),
            ("user", user_json.as_str()),
            ("auth_date", auth_date.as_str()),
        ];
        if let Some(p) = &self.start_param {
            fields.push(("start_param", p));
        }
        let mut raw = foodbot::telegram::init_data::sign(&fields, BOT_TOKEN);
        if self.tampered {
            // Another user's id, the signature left as it was.
            let forged = form_urlencoded::byte_serialize(user_json.as_bytes()).collect::<String>();
            let other = user_json.replace(
                &format!("\"id\":{}", self.user),
                &format!("\"id\":{}", self.user + 1),
            );
            let other = form_urlencoded::byte_serialize(other.as_bytes()).collect::<String>();
            raw = raw.replace(&forged, &other);
        }
        let mut unsafe_data = json!({
            "query_id": "AAHdF6IQAAAAAN0XohDhrOrc",
            "user": user,
            "auth_date": auth_date.parse::<i64>().unwrap_or_default(),
            "hash": raw.split('&').find_map(|p| p.strip_prefix("hash=")).unwrap_or_default(),
        });
        if let Some(p) = &self.start_param {
            unsafe_data["start_param"] = json!(p);
        }
        (raw, unsafe_data)
    }
}
