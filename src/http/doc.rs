//! The OpenAPI document, generated from the handlers' annotations and the
//! request and response types they use, and served at `/api/v1/openapi.json`.
//! What the annotations cannot say (the security scheme, the errors every
//! command can answer) is added here.

use super::codes::ErrorCode;
use super::ErrorBody;
use axum::http::StatusCode;
use std::collections::BTreeMap;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
use utoipa::openapi::{RefOr, Response, ResponseBuilder};
use utoipa::{IntoParams, Modify, OpenApi, ToSchema};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "foodbot Mini App API",
        version = "1",
        description = "The HTTP API of the foodbot Telegram Mini App: the public menu, the caller's profile and settings, and the caller's cart and orders. Authenticated routes take `Authorization: tma <raw initData>`; a customer only ever reaches their own orders, anything else is 404, never its data. Commands accept an optional `Idempotency-Key` header. Every error is JSON `{\"error\": {\"code\", \"message\", \"details\"?}}`; `ErrorCode` lists every code, each with its HTTP status. An unknown path under `/api/v1` is 404 `not_found`, a known path with a method it does not support 405 `method_not_allowed`. Money is always `{amount, currency}` in minor units; times are RFC 3339 in UTC. A command's answer carries an `X-Read-After` header: pass it as `?after=` to a read to see the write."
    ),
    components(schemas(ErrorCode, ErrorBody)),
    modifiers(&Security),
    tags(
        (name = "menu", description = "The public menu."),
        (name = "me", description = "The caller's profile and settings. The first call registers the user."),
        (name = "orders", description = "The caller's cart and orders."),
        (name = "demo", description = "Offline demo mode."),
        (name = "ops", description = "Health checks and this document."),
    )
)]
pub struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "tma",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "Authorization",
                "`tma <raw initData>` as Telegram hands it to the Mini App.",
            ))),
        );
    }
}

/// utoipa does not carry `deny_unknown_fields` into the variants of a tagged
/// enum; the server refuses unknown fields there too, so the document says so.
/// Run on the whole document, once the routes have added their schemas.
pub fn close_variants(openapi: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::schema::{AdditionalProperties, Schema};
    let Some(components) = openapi.components.as_mut() else {
        return;
    };
    if let Some(RefOr::T(Schema::OneOf(one_of))) = components.schemas.get_mut("FulfilmentInput") {
        for variant in &mut one_of.items {
            if let RefOr::T(Schema::Object(object)) = variant {
                object.additional_properties =
                    Some(Box::new(AdditionalProperties::FreeForm(false)));
            }
        }
    }
}

/// The `Idempotency-Key` header of a command: the same key twice has one effect.
#[derive(IntoParams)]
#[into_params(parameter_in = Header)]
#[allow(dead_code)] // Only its documentation is used; the key is read in `auth`.
pub struct IdempotencyKey {
    /// Printable ASCII, 1 to 128 characters.
    #[param(
        rename = "Idempotency-Key",
        min_length = 1,
        max_length = 128,
        pattern = "^[!-~]+$"
    )]
    idempotency_key: Option<String>,
}

/// The errors any command on an order (or on the caller) can answer with.
pub struct CommandErrors;

impl utoipa::IntoResponses for CommandErrors {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        let mut by_status: BTreeMap<u16, Vec<&str>> = BTreeMap::new();
        for code in ErrorCode::ALL {
            let status = code.status();
            // Errors of reads and routing, not of commands; the invoice's
            // own (Telegram, payment settings) are listed on its route.
            if matches!(
                code,
                ErrorCode::NotYetVisible
                    | ErrorCode::TelegramUnavailable
                    | ErrorCode::PaymentsNotConfigured
                    | ErrorCode::InvalidReadToken
                    | ErrorCode::InvalidQuery
                    | ErrorCode::MethodNotAllowed
            ) {
                continue;
            }
            by_status
                .entry(status.as_u16())
                .or_default()
                .push(code.as_str());
        }
        by_status
            .into_iter()
            .map(|(status, codes)| {
                let list: Vec<String> = codes.iter().map(|c| format!("`{c}`")).collect();
                let reason = StatusCode::from_u16(status)
                    .ok()
                    .and_then(|s| s.canonical_reason())
                    .unwrap_or("");
                let response = ResponseBuilder::new()
                    .description(format!("{reason}: {}.", list.join(", ")))
                    .content(
                        "application/json",
                        utoipa::openapi::ContentBuilder::new()
                            .schema(Some(RefOr::Ref(utoipa::openapi::Ref::from_schema_name(
                                ErrorBody::name(),
                            ))))
                            .build(),
                    )
                    .build();
                (status.to_string(), RefOr::T(response))
            })
            .collect()
    }
}
