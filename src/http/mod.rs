//! The HTTP API of the Mini App (axum, JSON, under `/api/v1`), health checks,
//! the Mini App's own files (`/app/`, see [`webapp`]) and static files (menu
//! photos).

mod auth;
mod codes;
mod doc;
mod error;
mod events;
mod invoice;
mod me;
mod me_views;
pub mod menu;
mod menu_views;
mod orders;
mod read_views;
mod reorder_views;
mod requests;
mod views;
pub mod webapp;

pub use codes::ErrorCode;
pub use error::{chain as error_chain, ApiError, ErrorBody};

use crate::app::App;
use axum::extract::{DefaultBodyLimit, FromRequest};
use axum::http::{HeaderName, Request, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use codes::ErrorCode as Code;
use secrecy::SecretString;
use std::sync::Arc;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;
use utoipa_axum::{router::OpenApiRouter, routes};

pub type AppState = Arc<ServerState>;

pub struct ServerState {
    pub app: Arc<App>,
    pub bot_token: SecretString,
    pub init_data_max_age: chrono::Duration,
    /// The menu as JSON, rendered again when the stop-list changes.
    pub menu_json: menu::Rendered,
    /// The Mini App's entry page with the menu in it, per language.
    pub pages: webapp::Pages,
    /// What the read models show, watched once for every read-your-writes wait.
    pub visibility: foodbot_projections::Visibility,
    /// How long a read given `?after=` waits before `not_yet_visible`.
    pub read_after_timeout: std::time::Duration,
    /// Offline demo mode: no real bot token, a demo login is offered.
    pub demo: bool,
    /// What this process's projector has done (steps looked, steps written).
    pub projector: Arc<foodbot_projections::projector::Counters>,
    /// Which orders' timelines moved, for the live timelines.
    pub timeline: foodbot_projections::TimelineChanges,
    /// The Bot API client, for invoice links.
    pub telegram: teloxide::Bot,
}

/// JSON body extractor whose rejections are our JSON errors.
#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct ApiJson<T>(pub T);

/// The API's routes with their documentation: the document is made from the
/// same routes the server answers.
fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(doc::ApiDoc::openapi())
        .routes(routes!(menu::menu))
        .routes(routes!(me::me))
        .routes(routes!(me::set_language))
        .routes(routes!(me::set_notifications))
        .routes(routes!(me::save_address))
        .routes(routes!(me::remove_address))
        .routes(routes!(orders::list, orders::create))
        .routes(routes!(orders::show))
        .routes(routes!(events::events))
        .routes(routes!(orders::add_item))
        .routes(routes!(orders::change_quantity, orders::remove_item))
        .routes(routes!(orders::set_fulfilment))
        .routes(routes!(orders::checkout))
        .routes(routes!(orders::reopen))
        .routes(routes!(orders::cancel))
        .routes(routes!(orders::reorder))
        .routes(routes!(invoice::invoice))
        .routes(routes!(me::demo_init_data))
}

/// The OpenAPI document of the whole server, as served.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let (_, api) = api_routes().split_for_parts();
    let (_, ops) = OpenApiRouter::<AppState>::new()
        .routes(routes!(healthz))
        .routes(routes!(readyz))
        .split_for_parts();
    let mut whole = api;
    whole.paths.paths = whole
        .paths
        .paths
        .into_iter()
        .map(|(path, item)| (format!("/api/v1{path}"), item))
        .collect();
    whole.merge(ops);
    doc::close_variants(&mut whole);
    whole
        .paths
        .paths
        .insert("/api/v1/openapi.json".into(), openapi_path_item());
    whole
}

fn openapi_path_item() -> utoipa::openapi::PathItem {
    use utoipa::openapi::path::{HttpMethod, OperationBuilder};
    use utoipa::openapi::{ContentBuilder, ObjectBuilder, ResponseBuilder};
    let doc = ResponseBuilder::new()
        .description("This document (OpenAPI 3.1).")
        .content(
            "application/json",
            ContentBuilder::new()
                .schema(Some(ObjectBuilder::new()))
                .build(),
        )
        .build();
    utoipa::openapi::PathItem::new(
        HttpMethod::Get,
        OperationBuilder::new()
            .tag("ops")
            .operation_id(Some("openapi"))
            .response("200", doc),
    )
}

pub fn router(state: AppState, menu_dir: std::path::PathBuf, max_body_bytes: usize) -> Router {
    let request_id = HeaderName::from_static("x-request-id");
    let document = Arc::new(openapi().to_json().unwrap_or_default());
    let (api, _) = api_routes().split_for_parts();
    let api = api
        .route(
            "/openapi.json",
            get(move || {
                let document = document.clone();
                async move { ([("content-type", "application/json")], (*document).clone()) }
            }),
        )
        .fallback(|| async { ApiError::not_found() })
        .method_not_allowed_fallback(|| async {
            ApiError::new(Code::MethodNotAllowed, "method not allowed")
        });

    Router::new()
        .nest("/api/v1", api)
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .nest("/menu/photos", menu::photos(menu_dir.join("photos")))
        .merge(webapp::routes())
        .layer(DefaultBodyLimit::max(max_body_bytes))
        .layer(axum::middleware::from_fn(error::log_server_errors))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &Request<_>| {
                    let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("");
                    tracing::info_span!("request", request_id = %id, method = %req.method(), path = %req.uri().path())
                })
                // A 5xx is logged once, with its cause, by `log_server_errors`.
                .on_failure(()),
        )
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
        .with_state(state)
}

/// `{"status": "ok"}` while the process serves requests.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Health {
    pub status: String,
}

/// Liveness.
#[utoipa::path(get, path = "/healthz", tag = "ops", responses((status = 200, description = "Alive.", body = Health)))]
async fn healthz() -> Json<Health> {
    Json(Health {
        status: "ok".into(),
    })
}

/// Readiness: `status` is `ready`, `database unavailable` or `read models
/// stopped` (then `stopped` names them and why).
#[derive(serde::Serialize, utoipa::ToSchema)]
#[allow(dead_code)] // The answer is built as JSON; this is its documentation.
pub struct Ready {
    status: String,
    /// `postgres` or `sqlite`.
    store: Option<String>,
    #[schema(value_type = Option<Vec<Object>>)]
    stopped: Option<Vec<serde_json::Value>>,
    #[schema(value_type = Option<Object>)]
    held_back_by: Option<serde_json::Value>,
}

/// Readiness: the database answers and no read model has stopped.
#[utoipa::path(get, path = "/readyz", tag = "ops", responses(
    (status = 200, description = "Ready.", body = Ready),
    (status = 503, description = "The database is unreachable or a read model stopped.", body = Ready),
))]
async fn readyz(axum::extract::State(state): axum::extract::State<AppState>) -> impl IntoResponse {
    if !state.app.db.ping().await {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(serde_json::json!({ "status": "database unavailable" })),
        );
    }
    let pdb = state.app.db.projection_db();
    // A read model that stopped, or a projector that cannot step, makes the
    // server unready, naming the cause.
    let mut stopped: Vec<serde_json::Value> =
        match foodbot_projections::projector::marks(&pdb).await {
            Ok(marks) => {
                let mut v: Vec<_> = marks
                    .into_iter()
                    .filter_map(|(m, mark)| {
                        mark.stuck
                            .map(|e| serde_json::json!({ "read_model": m.name(), "error": e }))
                    })
                    .collect();
                v.sort_by(|a, b| a["read_model"].as_str().cmp(&b["read_model"].as_str()));
                v
            }
            Err(e) => vec![serde_json::json!({ "read_model": null, "error": e.to_string() })],
        };
    if let Some(e) = state.projector.failure() {
        stopped.push(serde_json::json!({ "read_model": null, "error": e }));
    }
    if !stopped.is_empty() {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(serde_json::json!({ "status": "read models stopped", "stopped": stopped })),
        );
    }
    let mut body = serde_json::json!({ "status": "ready", "store": state.app.db.kind() });
    // An old open transaction does not make the server unready (the API's
    // read models go on), but the operator should see who holds the log's
    // final part, and with it the hash chain, back.
    match foodbot_projections::projector::held_back(&pdb).await {
        Ok(Some(open)) => body["held_back_by"] = serde_json::json!(open),
        Ok(None) => {}
        Err(e) => tracing::warn!(error = %e, "Could not look for an open transaction."),
    }
    (StatusCode::OK, Json(body))
}

/// A JSON body that may be left out entirely (then `T::default()`).
pub struct OptionalJson<T>(pub T);

impl<T: serde::de::DeserializeOwned + Default, S: Send + Sync> FromRequest<S> for OptionalJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        let (parts, body) = req.into_parts();
        let whole = axum::extract::Request::from_parts(parts.clone(), body);
        let bytes = axum::body::Bytes::from_request(whole, state)
            .await
            .map_err(|r| {
                if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    ApiError::new(Code::PayloadTooLarge, r.body_text())
                } else {
                    ApiError::new(Code::InvalidJson, r.body_text())
                }
            })?;
        if bytes.is_empty() {
            return Ok(OptionalJson(T::default()));
        }
        // A body that is there is held to the same rules as any JSON body.
        let req = axum::extract::Request::from_parts(parts, axum::body::Body::from(bytes));
        let axum::Json(value) = axum::Json::<T>::from_request(req, state).await?;
        Ok(OptionalJson(value))
    }
}
