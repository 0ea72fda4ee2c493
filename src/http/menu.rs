//! `GET /api/v1/menu`: the public menu, with photo URLs the Mini App can load,
//! and every sold-out dish shown as unavailable. Rendered (and compressed with
//! brotli and gzip, chosen by `Accept-Encoding`) again only when the stop-list
//! changes: it is the Mini App's largest answer, and on a slow phone network
//! its bytes count.
//! `GET /menu/photos/{file}`: the photos themselves.

use super::error::ApiError;
use super::menu_views::Menu;
use super::webapp::{compressed, Asset};
use super::AppState;
use crate::app::MenuNow;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use foodbot_domain::catalog::Catalog;
use std::sync::Arc;

/// The menu as its JSON answer.
pub fn render(catalog: &Catalog) -> String {
    serde_json::to_string(&Menu::from(catalog)).unwrap_or_default()
}

/// The last rendered menu, with its compressed bodies, and the stop-list
/// version it shows.
#[derive(Default)]
pub struct Rendered(parking_lot::Mutex<Option<(usize, Arc<Asset>)>>);

impl Rendered {
    pub fn get(&self, now: &MenuNow) -> Arc<Asset> {
        let mut last = self.0.lock();
        if let Some((version, json)) = last.as_ref() {
            if *version == now.version {
                return json.clone();
            }
        }
        let json = Arc::new(Asset::new(
            "application/json",
            render(&now.menu).into_bytes(),
        ));
        *last = Some((now.version, json.clone()));
        json
    }
}

/// The public menu, sold-out dishes marked `available: false`.
#[utoipa::path(get, path = "/menu", tag = "menu", responses((status = 200, description = "The menu (brotli or gzip when `Accept-Encoding` allows).", body = Menu), (status = 500, description = "The stop-list could not be read.", body = super::error::ErrorBody)))]
pub async fn menu(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    let now = state.app.menu_now().await?;
    Ok(compressed(&state.menu_json.get(&now), &headers))
}

/// The longest file name a file system takes (bytes); a longer name in the URL
/// is not a photo of ours, and asking the file system would be a server error.
const MAX_FILE_NAME: usize = 255;

/// The menu's photos as static files. Only plain file names in the photo
/// folder: anything else is a JSON 404 before the file system is asked, so that
/// bad input never makes an I/O error (a 500).
pub fn photos(dir: std::path::PathBuf) -> axum::Router<super::AppState> {
    axum::Router::new()
        .fallback_service(tower_http::services::ServeDir::new(dir))
        .layer(axum::middleware::from_fn(plain_file_names_only))
}

async fn plain_file_names_only(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let name = req.uri().path().trim_start_matches('/');
    let plain = !name.is_empty()
        && name.len() <= MAX_FILE_NAME
        && !name.contains('/')
        && !name.starts_with('.');
    if plain {
        next.run(req).await
    } else {
        super::ApiError::not_found().into_response()
    }
}
