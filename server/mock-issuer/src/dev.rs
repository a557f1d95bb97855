//! Dev controls: a JSON API under `/dev/` that makes the issuer misbehave on
//! purpose, so the SPA can show (and its tests can check) how a client must
//! react. It exists only with `dev_controls = true`; otherwise the routes are
//! not mounted at all and answer 404 like any unknown path.
//!
//! | route | body | effect |
//! |---|---|---|
//! | `GET /dev/state` | | faults, latency, lifetimes, sessions, consents, keys |
//! | `GET /dev/events?after=<seq>&limit=<n>` | | the decisions log after `seq`, each with its `summary`, `verdict` and `spec` ([`teaching::dev_controls::IssuerEvent`]), and the log's `boot`, new at each start ([`teaching::dev_controls::IssuerEvents`]) |
//! | `POST /dev/rotate-keys` | `{}` | next key signs, current one is kept until its tokens expire |
//! | `GET /dev/faults` | | every fault with what it breaks, the client check that must catch it and the rule behind it; and the armed ones |
//! | `POST /dev/faults` | `{"fault": F, "count": 1, "prompt_none_only": false}` | the next `count` authorization responses that would issue tokens fail or carry tampered tokens (a tamper waits for a response with an ID token, whose checks must catch it; the `at_hash` ones for one with an access token too) |
//! | `DELETE /dev/faults` | `{}` | disarm every fault |
//! | `POST /dev/latency` | `{"ms": 3000}` | delay every `/authorize` request |
//! | `POST /dev/narrow-scope` | `{"enabled": true}` | answer with a `scope` that names only the API's scopes (no `openid`, `profile`, `email`), as some certified providers do: RFC 6749 §4.2.2 lets the granted scope differ from the requested one; the tokens are unchanged |
//! | `POST /dev/third-party-cookies` | `{"blocked": true}` | ignore the session cookie of a request from a frame of another site (`Sec-Fetch-Dest: iframe`, `Sec-Fetch-Site: cross-site`), as a browser that blocks third-party cookies would not send it: renewal in an iframe finds no session, a top-level request does |
//! | `POST /dev/response-iss` | `{"iss": "https://other.example"}`, `{"omit": true}` or `{}` | answer every authorization response with that `iss`, with none, or (`{}`) with the issuer's own again: the mix-up a client must refuse (RFC 9207 §2.4) |
//! | `POST /dev/lifetimes` | `{"access_token_secs": 5, "id_token_secs": 5}` | override token (and `sso_*_secs` session) lifetimes |
//! | `POST /dev/revoke-consent` | `{"username": "alice", "client_id": "demo-spa"}` (each optional) | forget matching consents |
//! | `POST /dev/end-sessions` | `{}` | log everyone out |
//! | `POST /dev/reset` | `{}` | back to the configured tenant: no fault, no latency, configured lifetimes, no session, no consent, no login failures counted, empty event log (keys are kept) |
//!
//! `F` is `{"document": D}` with `D` `userinfo_bad_sub` or
//! `discovery_issuer_mismatch` (the next UserInfo answer or discovery
//! document that a page reads, a request with `Origin`, is broken so); or
//! `{"error": E}` with `E` one of `login_required`,
//! `consent_required`, `interaction_required`, `access_denied`,
//! `server_error`; or `{"tamper": T}` with `T` a [`Tamper`]: `wrong_nonce`,
//! `bad_signature`, `alg_none`, `hs256_public_key`, `hs256_client_id`,
//! `kid_absent_multiple_jwks`, `kid_absent_single_jwks`, `wrong_aud`,
//! `extra_aud`, `wrong_iss`, `expired`, `missing_iat`, `iat_future`,
//! `iat_within_skew`, `missing_sub`, `missing_at_hash`, `wrong_at_hash`,
//! each named after the OpenID RP conformance test it mirrors in the
//! catalogue. All but `kid_absent_single_jwks` (the JWKS then lists the
//! signing key alone for two minutes) and `iat_within_skew` must be refused;
//! a flipped bit breaks every token of the response, the clock faults both
//! tokens' times, the others the ID token only.
//!
//! The registered web origins may call it from a browser (CORS). A
//! state-changing request whose `Origin` is neither one of them nor the
//! issuer itself is refused with 403, and one that is not
//! `Content-Type: application/json` (send `{}` when there is nothing to
//! say) with 415, so another site cannot flip the switches through a
//! user's browser, not even with an HTML form. Like every issuer route,
//! `/dev/` answers only requests whose `Host` is the issuer's own (no DNS
//! rebinding), and it exists only on a loopback listener unless
//! `dev_controls_beyond_loopback` says otherwise
//! ([`IssuerConfig::check_listen_addr`](crate::IssuerConfig::check_listen_addr)).

mod settings;

use std::{
    collections::VecDeque,
    sync::{Mutex, MutexGuard, PoisonError},
    time::Duration,
};

use axum::{
    Json, Router,
    extract::{RawQuery, Request, State},
    http::{HeaderValue, Method, StatusCode, header},
    middleware::{self, Next},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use protocol::ResponseType;
use serde_json::json;
pub use teaching::dev_controls::{
    ArmedFault, CaughtBy, DocumentFault, Expected, FUTURE_IAT_SECS, Fault, FaultError, FaultInfo,
    Faults, SKEWED_IAT_SECS, Tamper,
};
use tower_http::cors::{AllowOrigin, CorsLayer};

use super::{AppState, events::EventKind, params::Params, tenant::Lifetimes};

/// The dev controls' settings.
#[derive(Debug, Default)]
pub struct DevSettings(Mutex<Settings>);

#[derive(Debug, Default)]
struct Settings {
    faults: VecDeque<ArmedFault>,
    latency_ms: u64,
    lifetimes: Option<Lifetimes>,
    narrow_scope: bool,
    block_third_party_cookies: bool,
    response_iss: ResponseIss,
    /// Until when (Unix seconds) the JWKS lists the signing key alone.
    signing_key_only_until: u64,
}

/// The `iss` authorization responses carry (RFC 9207 §2).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ResponseIss {
    /// The issuer's own identifier, as the RFC says.
    #[default]
    Issuer,
    /// Another issuer's: a mix-up.
    Other(String),
    /// None, although discovery promises it.
    Omitted,
}

/// Longest latency accepted, in milliseconds.
pub const MAX_LATENCY_MS: u64 = 60_000;
/// Most faults armed at once.
pub const MAX_FAULTS: usize = 32;

impl DevSettings {
    fn lock(&self) -> MutexGuard<'_, Settings> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Uses up one occurrence of the first fault that applies to this
    /// response: armed for it (any request, or silent ones only) and able
    /// to break it (a tamper waits for a response with an ID token, which
    /// `response_type=token` has not: see [`Tamper::breaks`]).
    pub fn take_fault(&self, prompt_none: bool, response_type: ResponseType) -> Option<Fault> {
        let mut settings = self.lock();
        let index = settings
            .faults
            .iter()
            .position(|f| (prompt_none || !f.prompt_none_only) && f.fault.breaks(response_type))?;
        let armed = settings.faults.get_mut(index)?;
        let fault = armed.fault;
        armed.remaining = armed.remaining.saturating_sub(1);
        if armed.remaining == 0 {
            settings.faults.remove(index);
        }
        Some(fault)
    }

    /// Uses up one occurrence of an armed `document` fault, if there is one
    /// (`prompt_none_only` has no meaning for a document).
    pub fn take_document_fault(&self, document: DocumentFault) -> bool {
        let mut settings = self.lock();
        let Some(index) = settings
            .faults
            .iter()
            .position(|f| f.fault == Fault::Document(document))
        else {
            return false;
        };
        if let Some(armed) = settings.faults.get_mut(index) {
            armed.remaining = armed.remaining.saturating_sub(1);
            if armed.remaining == 0 {
                settings.faults.remove(index);
            }
        }
        true
    }

    /// The delay before answering /authorize.
    pub fn latency(&self) -> Option<Duration> {
        let ms = self.lock().latency_ms;
        (ms > 0).then(|| Duration::from_millis(ms))
    }

    /// Whether responses name only the API's scopes in `scope`.
    pub fn narrow_scope(&self) -> bool {
        self.lock().narrow_scope
    }

    /// Whether a cross-site frame's session cookie is ignored.
    pub fn block_third_party_cookies(&self) -> bool {
        self.lock().block_third_party_cookies
    }

    /// The `iss` authorization responses carry.
    pub fn response_iss(&self) -> ResponseIss {
        self.lock().response_iss.clone()
    }

    /// Lists only the signing key in the JWKS until `until` (Unix seconds),
    /// so a token without `kid` has one key to match.
    /// (`0` ends it at once.)
    pub fn publish_signing_key_only_until(&self, until: u64) {
        self.lock().signing_key_only_until = until;
    }

    /// Whether the JWKS lists only the signing key at `now`.
    pub fn signing_key_only(&self, now: u64) -> bool {
        now < self.lock().signing_key_only_until
    }

    /// The lifetimes in force: the override, else the tenant's.
    pub fn lifetimes(&self, configured: &Lifetimes) -> Lifetimes {
        self.lock().lifetimes.unwrap_or(*configured)
    }

    fn reset(&self) {
        *self.lock() = Settings::default();
    }
}

/// The `/dev/` routes, with CORS for `web_origins` and the origin guard.
pub(crate) fn routes(web_origins: &[String], issuer_origin: &str) -> Router<AppState> {
    let origins: Vec<HeaderValue> = web_origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o).ok())
        .collect();
    let mut trusted = web_origins.to_vec();
    trusted.push(issuer_origin.to_owned());
    let cors = CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods([Method::GET, Method::POST, Method::DELETE])
        .allow_headers([header::CONTENT_TYPE]);
    Router::new()
        .route("/dev/state", get(state_get))
        .route("/dev/events", get(events_get))
        .route("/dev/rotate-keys", post(rotate_keys_post))
        .route(
            "/dev/faults",
            get(faults_get).post(faults_post).delete(faults_delete),
        )
        .route("/dev/latency", post(settings::latency_post))
        .route("/dev/narrow-scope", post(settings::narrow_scope_post))
        .route(
            "/dev/third-party-cookies",
            post(settings::third_party_cookies_post),
        )
        .route("/dev/response-iss", post(settings::response_iss_post))
        .route("/dev/lifetimes", post(settings::lifetimes_post))
        .route("/dev/revoke-consent", post(settings::revoke_consent_post))
        .route("/dev/end-sessions", post(settings::end_sessions_post))
        .route("/dev/reset", post(settings::reset_post))
        .layer(middleware::from_fn(move |request: Request, next: Next| {
            let trusted = trusted.clone();
            async move { guard(&trusted, request, next).await }
        }))
        .layer(cors)
}

/// What every state-changing request must show, so that only a script of
/// a trusted page (or a tool) can send it:
/// - no `Origin` of an untrusted page (requests without one, from curl or
///   tests, pass: a browser always sends it on a cross-origin POST);
/// - `Content-Type: application/json`, body or not: an HTML form can only
///   send `application/x-www-form-urlencoded`, `multipart/form-data` or
///   `text/plain`, and a script on another origin that sets JSON must pass
///   a CORS preflight, which only the registered web origins do.
async fn guard(trusted: &[String], request: Request, next: Next) -> Response {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if safe {
        return next.run(request).await;
    }
    let headers = request.headers();
    let origin = headers
        .get(header::ORIGIN)
        .map(|o| o.to_str().unwrap_or_default());
    if origin.is_some_and(|origin| !trusted.iter().any(|t| t == origin)) {
        return DevError::Forbidden.into_response();
    }
    if !is_json(headers.get(header::CONTENT_TYPE)) {
        return DevError::NotJson.into_response();
    }
    next.run(request).await
}

/// Whether a `Content-Type` is `application/json`, parameters aside
/// (RFC 9110 §8.3.1: the type and subtype are case-insensitive).
fn is_json(content_type: Option<&HeaderValue>) -> bool {
    content_type
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("application/json"))
}

/// An error of the dev API, as JSON.
#[derive(Debug, thiserror::Error)]
pub enum DevError {
    /// 400: a value out of range.
    #[error("{0}")]
    BadRequest(String),
    /// 403: called from a page of an untrusted origin.
    #[error("this origin may not use the dev controls")]
    Forbidden,
    /// 415: a state-changing call that is not `application/json`.
    #[error("send Content-Type: application/json (a body of {{}} will do)")]
    NotJson,
    /// 500: key generation failed (logged).
    #[error("the keys could not be rotated")]
    Keys(#[from] super::keys::KeyError),
}

impl IntoResponse for DevError {
    fn into_response(self) -> Response {
        let status = match &self {
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Forbidden => StatusCode::FORBIDDEN,
            Self::NotJson => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Keys(error) => {
                tracing::error!(%error, "key rotation failed");
                StatusCode::INTERNAL_SERVER_ERROR
            }
        };
        (status, Json(json!({ "error": self.to_string() }))).into_response()
    }
}

async fn state_get(State(state): State<AppState>) -> Json<serde_json::Value> {
    Json(snapshot(&state))
}

fn snapshot(state: &AppState) -> serde_json::Value {
    let now = state.now();
    let lifetimes = state.lifetimes();
    let settings = state.dev.lock();
    json!({
        "faults": settings.faults,
        "latency_ms": settings.latency_ms,
        "narrow_scope": settings.narrow_scope,
        "block_third_party_cookies": settings.block_third_party_cookies,
        "response_iss": settings.response_iss,
        "lifetimes": lifetimes,
        "configured_lifetimes": state.tenant.lifetimes,
        "sessions": state.store.sessions(now, &lifetimes),
        "consents": state.store.consents(),
        "keys": state.keys.describe(now),
        "last_event_seq": state.events.last_seq(),
    })
}

async fn events_get(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Json<serde_json::Value>, DevError> {
    let params = Params::parse(query.unwrap_or_default().as_bytes())
        .map_err(|e| DevError::BadRequest(e.to_string()))?;
    let number = |name: &'static str, default: u64| -> Result<u64, DevError> {
        match params
            .single(name)
            .map_err(|e| DevError::BadRequest(e.to_string()))?
        {
            Some(v) => v.parse().map_err(|_| {
                DevError::BadRequest(format!("{name} must be a non-negative integer"))
            }),
            None => Ok(default),
        }
    };
    let after = number("after", 0)?;
    let limit = number("limit", 100)?.clamp(1, super::events::CAPACITY as u64);
    let (events, last) = state
        .events
        .after(after, usize::try_from(limit).unwrap_or(100));
    Ok(Json(json!({
        "boot": state.events.boot(),
        "events": events,
        "last_seq": last,
    })))
}

async fn rotate_keys_post(
    State(state): State<AppState>,
) -> Result<Json<serde_json::Value>, DevError> {
    let now = state.now();
    // The current key's tokens expire at the latest one token lifetime from
    // now (or later, if the lifetimes were longer when it signed them: the
    // ring keeps it until its latest `exp`); a minute more covers skew.
    let lifetimes = state.lifetimes();
    let retire_at = now
        + lifetimes.access_token_secs.max(lifetimes.id_token_secs)
        + super::keys::RETIRE_SKEW_SECS;
    let keys = state.keys.rotate(now, retire_at).await?;
    let current = state.keys.current();
    let next = keys
        .iter()
        .find(|k| k.status == "next")
        .map(|k| k.kid.clone());
    state.event(EventKind::KeysRotated {
        current_kid: current.kid().to_owned(),
        next_kid: next.unwrap_or_default(),
    });
    Ok(Json(json!({ "keys": keys })))
}

async fn faults_post(
    State(state): State<AppState>,
    Json(armed): Json<ArmedFault>,
) -> Result<Json<serde_json::Value>, DevError> {
    if !(1..=100).contains(&armed.remaining) {
        return Err(DevError::BadRequest(
            "count must be between 1 and 100".into(),
        ));
    }
    {
        let mut settings = state.dev.lock();
        if settings.faults.len() >= MAX_FAULTS {
            return Err(DevError::BadRequest(format!(
                "at most {MAX_FAULTS} faults can be armed"
            )));
        }
        settings.faults.push_back(armed);
    }
    state.event(EventKind::DevControl {
        control: "faults",
        detail: format!(
            "armed {} for {} response(s){}",
            armed.fault.name(),
            armed.remaining,
            if armed.prompt_none_only {
                ", prompt=none only"
            } else {
                ""
            }
        ),
    });
    Ok(Json(json!({ "faults": state.dev.lock().faults })))
}

async fn faults_get(State(state): State<AppState>) -> Json<Faults> {
    Json(Faults {
        catalogue: Fault::catalogue(),
        armed: state.dev.lock().faults.iter().copied().collect(),
    })
}

async fn faults_delete(State(state): State<AppState>) -> Json<serde_json::Value> {
    state.dev.lock().faults.clear();
    state.event(EventKind::DevControl {
        control: "faults",
        detail: "disarmed all faults".into(),
    });
    Json(json!({ "faults": [] }))
}

#[cfg(test)]
mod tests;
