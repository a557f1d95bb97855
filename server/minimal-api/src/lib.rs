//! The smallest API protected by `bearer-auth` alone: one route for any
//! valid access token, one that needs a scope, CORS for one browser app.
//! Everything about tokens is the crate's; this file is the wiring.

use axum::{Router, http::HeaderValue, routing::get};
use bearer_auth::{Authenticated, Authorized, BearerAuth, RequiredScope};
use tower_http::cors::CorsLayer;

/// The scope `GET /messages` needs.
pub struct ReadMessages;

impl RequiredScope for ReadMessages {
    const SCOPE: &'static str = "read:messages";
}

/// The API: `GET /hello` for any valid token, `GET /messages` with
/// `read:messages`, callable from the page at `app_origin`.
pub fn app(auth: BearerAuth, app_origin: HeaderValue) -> Router {
    Router::new()
        .route("/hello", get(hello_get))
        .route("/messages", get(messages_get))
        .layer(
            CorsLayer::new()
                .allow_origin(app_origin)
                .allow_headers([axum::http::header::AUTHORIZATION]),
        )
        .with_state(auth)
}

async fn hello_get(Authenticated(claims): Authenticated) -> String {
    format!("hello, {}", claims.sub)
}

async fn messages_get(auth: Authorized<ReadMessages>) -> String {
    format!("no messages yet for {}", auth.claims.sub)
}
