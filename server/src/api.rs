//! The protected resource API (RFC 6750), as it would sit in front of Auth0
//! or any OpenID provider: it knows the issuer URL and its own identifier
//! (the audience), and finds everything else in the issuer's discovery
//! document and JWKS. Nothing here reaches into the mock issuer.
//!
//! | route | needs | answers |
//! |---|---|---|
//! | `GET /api/public` | nothing | a greeting |
//! | `GET /api/private` | a valid access token | a greeting and `sub` |
//! | `GET /api/private-scoped` | `read:messages` | a greeting and `sub` |
//! | `GET /api/me` | a valid access token | `sub`, `scope`, `exp`, `client_id` |
//! | `GET /api/messages` | `read:messages` | the caller's messages |
//! | `POST /api/messages` | `write:messages` | 201, the stored message |
//! | `GET /health` | nothing | `{"status":"ok"}` |
//!
//! Token validation is the reusable part, the `bearer-auth` crate: its
//! extractors in a handler's arguments are the whole authentication
//! boundary.
//! Every response is JSON, including 404, 405 and bad input, and carries
//! `Cache-Control: no-store` (they vary with the `Authorization` header, and
//! most hold user data). CORS allows exactly the configured SPA origins, the
//! `Authorization` and `Content-Type` request headers, and `GET` / `POST`.

pub mod error;
pub mod messages;

use std::{sync::Arc, time::Duration};

use axum::{
    Json, Router,
    extract::{DefaultBodyLimit, FromRef, MatchedPath, Request},
    http::{HeaderValue, Method, header},
    routing::get,
};
use protocol::{ClientId, ScopeSet};
use serde::Serialize;
use serde_json::{Value, json};
use tower_http::{
    cors::{AllowOrigin, CorsLayer},
    set_header::SetResponseHeaderLayer,
    trace::TraceLayer,
};
use url::Url;

use bearer_auth::{Authenticated, Authorized, BearerAuth, BearerSetupError, Clock, SystemClock};

use self::{
    error::ApiError,
    messages::{MessageStore, ReadMessages},
};
use crate::config::ApiConfig;

/// Request bodies are small JSON messages; refuse anything much larger.
const MAX_BODY_BYTES: usize = 4 * 1024;

/// How long a browser may cache a CORS preflight answer.
const PREFLIGHT_MAX_AGE: Duration = Duration::from_secs(600);

/// Why the protected API cannot start.
#[derive(Debug, thiserror::Error)]
pub enum ApiSetupError {
    /// The token settings are unusable (algorithms, issuer URL, audience).
    #[error(transparent)]
    Bearer(#[from] BearerSetupError),
    /// An allowed origin is not what a browser sends in `Origin`, so it
    /// would never match; refused rather than silently ignored.
    #[error(
        "the allowed origin {origin:?} is not an origin like http://localhost:3000 (scheme, host, optional port; no path, no trailing slash): {reason}"
    )]
    BadOrigin {
        origin: String,
        reason: &'static str,
    },
}

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// Verifies bearer tokens.
    pub auth: BearerAuth,
    /// The per-user messages.
    pub messages: Arc<MessageStore>,
    /// The clock, injected so tests control time.
    pub clock: Arc<dyn Clock>,
}

/// Where the `bearer-auth` extractors find their verifier.
impl FromRef<AppState> for BearerAuth {
    fn from_ref(state: &AppState) -> Self {
        state.auth.clone()
    }
}

/// The API's router, on the system clock.
pub async fn router(config: &ApiConfig) -> Result<Router, ApiSetupError> {
    router_with_clock(config, Arc::new(SystemClock)).await
}

/// The API's router with an injected clock, so tests can move time.
pub async fn router_with_clock(
    config: &ApiConfig,
    clock: Arc<dyn Clock>,
) -> Result<Router, ApiSetupError> {
    let auth = config.token.clone().build_with_clock(Arc::clone(&clock))?;
    let cors = cors(&config.allowed_origins)?;
    let state = AppState {
        auth,
        messages: Arc::default(),
        clock,
    };
    Ok(Router::new()
        .route("/health", get(health_get))
        .route("/api/public", get(public_get))
        .route("/api/private", get(private_get))
        .route("/api/private-scoped", get(private_scoped_get))
        .route("/api/me", get(me_get))
        .route(
            "/api/messages",
            get(messages::messages_get).post(messages::messages_post),
        )
        .fallback(not_found)
        // After every route: it applies to the routes that exist when called.
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(cors)
        .layer(
            TraceLayer::new_for_http().make_span_with(|request: &Request| {
                // Method and route only: never headers (the token) or the query.
                let route = request
                    .extensions()
                    .get::<MatchedPath>()
                    .map_or("-", MatchedPath::as_str);
                tracing::info_span!("api", method = %request.method(), route)
            }),
        )
        .with_state(state))
}

/// CORS for a bearer-token API: the SPA's exact origins, the two request
/// headers it sends, the two methods it uses. No credentials mode: the
/// token travels in a header, not a cookie.
fn cors(origins: &[String]) -> Result<CorsLayer, ApiSetupError> {
    let origins = origins
        .iter()
        .map(|origin| parse_origin(origin))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE])
        // Lets the SPA read the RFC 6750 challenge (error, scope).
        .expose_headers([header::WWW_AUTHENTICATE])
        .max_age(PREFLIGHT_MAX_AGE))
}

/// An origin exactly as a browser serializes it (RFC 6454 §6.2), because
/// CORS compares bytes: `http://localhost:3000/` or `HTTP://LOCALHOST:3000`
/// would never match and are refused at startup.
fn parse_origin(origin: &str) -> Result<HeaderValue, ApiSetupError> {
    let bad = |reason| ApiSetupError::BadOrigin {
        origin: origin.to_owned(),
        reason,
    };
    let url = Url::parse(origin).map_err(|_| bad("not an absolute URL"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(bad("the scheme must be http or https"));
    }
    if url.origin().ascii_serialization() != origin {
        return Err(bad("it is not in the form a browser sends"));
    }
    HeaderValue::from_str(origin).map_err(|_| bad("not a valid header value"))
}

async fn health_get() -> Json<Value> {
    Json(json!({ "status": "ok", "service": "protected API" }))
}

/// The body of the three greeting routes (as in Auth0's API quickstarts).
#[derive(Serialize)]
struct Greeting {
    message: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    sub: Option<String>,
}

/// `GET /api/public`: no token needed.
async fn public_get() -> Json<Greeting> {
    Json(Greeting {
        message: "Hello from a public endpoint! You don't need to be authenticated to see this.",
        sub: None,
    })
}

/// `GET /api/private`: any valid access token for this API.
async fn private_get(Authenticated(claims): Authenticated) -> Json<Greeting> {
    Json(Greeting {
        message: "Hello from a private endpoint! You need to be authenticated to see this.",
        sub: Some(claims.sub.clone()),
    })
}

/// `GET /api/private-scoped`: a valid access token with `read:messages`.
async fn private_scoped_get(auth: Authorized<ReadMessages>) -> Json<Greeting> {
    Json(Greeting {
        message: "Hello from a private endpoint! You need to be authenticated and have a scope of read:messages to see this.",
        sub: Some(auth.claims.sub.clone()),
    })
}

/// The validated claims that `GET /api/me` echoes.
#[derive(Serialize)]
struct Me {
    sub: String,
    scope: ScopeSet,
    exp: u64,
    client_id: Option<ClientId>,
}

/// `GET /api/me`: what the API saw in the token, for the demo's UI.
async fn me_get(Authenticated(claims): Authenticated) -> Json<Me> {
    Json(Me {
        sub: claims.sub.clone(),
        scope: claims.scope.clone(),
        exp: claims.exp,
        client_id: claims.client().cloned(),
    })
}

async fn not_found() -> ApiError {
    ApiError::NotFound
}

async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_allowed_origin_must_be_exactly_what_a_browser_sends() {
        for good in [
            "http://localhost:3000",
            "https://app.example.com",
            "http://[::1]:3000",
        ] {
            assert!(parse_origin(good).is_ok(), "{good} was refused");
        }
        for bad in [
            "http://localhost:3000/",
            "http://localhost:3000/app",
            "HTTP://localhost:3000",
            "http://LOCALHOST:3000",
            "https://app.example.com:443",
            "*",
            "null",
            "file:///tmp",
            "localhost:3000",
        ] {
            assert!(parse_origin(bad).is_err(), "{bad} was accepted");
        }
    }
}
