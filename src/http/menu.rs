//! `GET /api/v1/menu`: the public menu, with photo URLs the Mini App can load.
//! Rendered once at start, since the menu does not change while the server runs.
//! `GET /menu/photos/{file}`: the photos themselves.

use super::menu_views::Menu;
use super::AppState;
use axum::extract::State;
use axum::response::IntoResponse;
use foodbot_domain::catalog::Catalog;

/// The menu as its JSON answer (rendered once: the menu does not change
/// while the server runs).
pub fn render(catalog: &Catalog) -> String {
    serde_json::to_string(&Menu::from(catalog)).unwrap_or_default()
}

/// The public menu.
#[utoipa::path(get, path = "/menu", tag = "menu", responses((status = 200, description = "The menu.", body = Menu)))]
pub async fn menu(State(state): State<AppState>) -> impl IntoResponse {
    (
        [("content-type", "application/json")],
        state.menu_json.clone(),
    )
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
