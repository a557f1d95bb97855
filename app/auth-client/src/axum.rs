//! For the server that serves the app (feature `axum`): the page the
//! provider's silent (`prompt=none`) answers land on.
//!
//! ```ignore
//! let app = Router::new()
//!     .route(auth_client::SILENT_CALLBACK_PATH, auth_client::axum::silent_callback());
//! ```

use std::sync::LazyLock;

use axum::{
    http::{HeaderValue, header},
    response::IntoResponse,
    routing::{MethodRouter, get},
};
use base64::{Engine, engine::general_purpose::STANDARD};
use protocol::SILENT_CALLBACK_MESSAGE;

/// The page's whole script: hand the fragment to the parent window, at this
/// origin only, then drop it from the iframe's history. Loading the app
/// here would cost far more than the renewal.
pub static SILENT_CALLBACK_SCRIPT: LazyLock<String> = LazyLock::new(|| {
    // A JSON string is a JavaScript string literal.
    let message_type = serde_json::to_string(SILENT_CALLBACK_MESSAGE).unwrap_or_default();
    format!(
        "parent.postMessage({{type:{message_type},fragment:location.hash}},location.origin);history.replaceState(null,\"\",location.pathname);"
    )
});

/// `GET` [`SILENT_CALLBACK_PATH`](crate::SILENT_CALLBACK_PATH).
pub fn silent_callback<S: Clone + Send + Sync + 'static>() -> MethodRouter<S> {
    get(silent_callback_page)
}

/// The page: only its own script may run (a CSP hash), only this origin may
/// frame it, it sends no `Referer`, and nothing of it is cached.
pub async fn silent_callback_page() -> impl IntoResponse {
    let script = SILENT_CALLBACK_SCRIPT.as_str();
    let html = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Silent authentication</title></head><body><script>{script}</script></body></html>"
    );
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, script.as_bytes());
    let csp = format!(
        "default-src 'none'; script-src 'sha256-{}'; frame-ancestors 'self'; base-uri 'none'; form-action 'none'",
        STANDARD.encode(digest.as_ref())
    );
    let csp = HeaderValue::from_str(&csp).unwrap_or(HeaderValue::from_static("default-src 'none'"));
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            ),
            (header::CONTENT_SECURITY_POLICY, csp),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            (
                header::REFERRER_POLICY,
                HeaderValue::from_static("no-referrer"),
            ),
        ],
        html,
    )
}
