//! Holds every answer the tests get to the OpenAPI document the server serves:
//! the route, method and status must be documented, and the body must match
//! the documented schema (with `$ref`s resolved against the document's
//! components). A mismatch fails the test naming route, status and error.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::Mutex;

pub struct Contract {
    document: Value,
    validators: Mutex<HashMap<String, std::sync::Arc<jsonschema::Validator>>>,
}

impl Contract {
    pub fn new(document: Value) -> Contract {
        Contract {
            document,
            validators: Mutex::new(HashMap::new()),
        }
    }

    /// Panics unless `body` is what the document says `method path` answers with `status`.
    pub fn check(&self, method: &Method, path: &str, status: StatusCode, body: &Value) {
        let path = path.split('?').next().unwrap_or(path);
        // Static files are outside the API and its document.
        if !(path.starts_with("/api/v1/") || path == "/healthz" || path == "/readyz") {
            return;
        }
        let route = match self.template(path) {
            Some(t) => t,
            // The API's fallbacks answer unknown routes with its errors.
            None => {
                return self.validate(
                    "#/components/schemas/Error",
                    &format!("{method} {path} (no such route)"),
                    status,
                    body,
                )
            }
        };
        let operation = &self.document["paths"][&route][method.as_str().to_lowercase()];
        if operation.is_null() {
            assert_eq!(
                status,
                StatusCode::METHOD_NOT_ALLOWED,
                "{method} {route}: {body}"
            );
            return self.validate("#/components/schemas/Error", &route, status, body);
        }
        let response = &operation["responses"][status.as_str()];
        assert!(
            response.is_object(),
            "{method} {route} answered {status}, which its documentation does not list: {body}"
        );
        let pointer = format!(
            "#/paths/{}/{}/responses/{}/content/application~1json/schema",
            // A JSON pointer in a URI fragment: braces percent-encoded.
            route
                .replace('~', "~0")
                .replace('/', "~1")
                .replace('{', "%7B")
                .replace('}', "%7D"),
            method.as_str().to_lowercase(),
            status.as_str()
        );
        self.validate(&pointer, &format!("{method} {route}"), status, body);
    }

    /// Panics unless `body` matches the document's schema `name` (for what
    /// is not a JSON answer of its own, such as a server-sent event's data).
    pub fn check_schema(&self, name: &str, what: &str, body: &Value) {
        let pointer = format!("#/components/schemas/{name}");
        self.validate(&pointer, what, StatusCode::OK, body);
    }

    /// The documented route `path` is an instance of.
    fn template(&self, path: &str) -> Option<String> {
        let segments: Vec<&str> = path.split('/').collect();
        let paths = self.document["paths"].as_object()?;
        paths
            .keys()
            .find(|t| {
                let ts: Vec<&str> = t.split('/').collect();
                ts.len() == segments.len()
                    && ts
                        .iter()
                        .zip(&segments)
                        .all(|(t, s)| t == s || (t.starts_with('{') && t.ends_with('}')))
            })
            .cloned()
    }

    fn validate(&self, pointer: &str, route: &str, status: StatusCode, body: &Value) {
        let validator = {
            let mut cache = self.validators.lock().unwrap();
            cache
                .entry(pointer.to_string())
                .or_insert_with(|| {
                    // The document is the root, so that its `$ref`s resolve.
                    let mut schema = self.document.clone();
                    schema["$ref"] = json!(pointer);
                    std::sync::Arc::new(
                        jsonschema::draft202012::new(&schema)
                            .unwrap_or_else(|e| panic!("{route}: bad schema at {pointer}: {e}")),
                    )
                })
                .clone()
        };
        let errors: Vec<String> = validator
            .iter_errors(body)
            .map(|e| format!("{e} (at {})", e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "{route} answered {status} with a body its documentation does not allow:\n{}\nbody: {body}",
            errors.join("\n")
        );
    }
}
