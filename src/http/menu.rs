//! `GET /api/v1/menu`: the public menu, with photo URLs the Mini App can load.
//! Rendered once at start, since the menu does not change while the server runs.

use super::AppState;
use axum::extract::State;
use axum::response::IntoResponse;
use foodbot_domain::catalog::Catalog;
use serde_json::Value;

pub fn render(catalog: &Catalog) -> String {
    let mut menu = serde_json::to_value(catalog).unwrap_or_default();
    if let Some(items) = menu.get_mut("items").and_then(Value::as_array_mut) {
        for item in items {
            if let Some(photo) = item.get("photo").and_then(Value::as_str) {
                let file = photo.strip_prefix("photos/").unwrap_or(photo);
                item["photo_url"] = Value::String(format!("/menu/photos/{file}"));
            }
        }
    }
    menu.to_string()
}

pub async fn menu(State(state): State<AppState>) -> impl IntoResponse {
    (
        [("content-type", "application/json")],
        state.menu_json.clone(),
    )
}
