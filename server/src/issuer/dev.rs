//! Dev controls: a JSON API under `/dev/` that makes the issuer misbehave on
//! purpose, so the SPA can show (and its tests can check) how a client must
//! react. It exists only with `dev_controls = true`; otherwise the routes are
//! not mounted at all and answer 404 like any unknown path.
//!
//! | route | body | effect |
//! |---|---|---|
//! | `GET /dev/state` | | faults, latency, lifetimes, sessions, consents, keys |
//! | `GET /dev/events?after=<seq>&limit=<n>` | | the decisions log after `seq` |
//! | `POST /dev/rotate-keys` | | next key signs, current one is kept until its tokens expire |
//! | `GET /dev/faults` | | every fault with what it breaks, the client check that must catch it and the rule behind it; and the armed ones |
//! | `POST /dev/faults` | `{"fault": F, "count": 1, "prompt_none_only": false}` | the next `count` authorization responses that would issue tokens fail or carry tampered tokens |
//! | `DELETE /dev/faults` | | disarm every fault |
//! | `POST /dev/latency` | `{"ms": 3000}` | delay every `/authorize` request |
//! | `POST /dev/lifetimes` | `{"access_token_secs": 5, "id_token_secs": 5}` | override token (and `sso_*_secs` session) lifetimes |
//! | `POST /dev/revoke-consent` | `{"username": "alice", "client_id": "demo-spa"}` (each optional) | forget matching consents |
//! | `POST /dev/end-sessions` | | log everyone out |
//! | `POST /dev/reset` | | back to the configured tenant: no fault, no latency, configured lifetimes, no session, no consent, empty event log (keys are kept) |
//!
//! `F` is `{"error": E}` with `E` one of `login_required`,
//! `consent_required`, `interaction_required`, `access_denied`,
//! `server_error`; or `{"tamper": T}` with `T` one of `wrong_nonce`,
//! `bad_signature`, `wrong_aud`, `wrong_iss`, `expired`, `missing_at_hash`,
//! `wrong_at_hash` (applied to every token of the response that has the
//! claim; `bad_signature` to every token).
//!
//! The registered web origins may call it from a browser (CORS). A
//! state-changing request whose `Origin` is neither one of them nor the
//! issuer itself is refused with 403, so another site cannot flip the
//! switches through a user's browser.

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
use protocol::{ErrorCode, IdTokenCheck};
use serde::{Deserialize, Serialize};
use serde_json::json;
use tower_http::cors::{AllowOrigin, CorsLayer};

use super::{AppState, events::EventKind, params::Params, tenant::Lifetimes};

/// Declares a field-less enum together with `ALL`, every variant in order,
/// so the fault catalogue cannot leave out a variant added later.
macro_rules! listed {
    (
        $(#[$meta:meta])*
        pub enum $name:ident { $($(#[$variant_meta:meta])* $variant:ident,)* }
    ) => {
        $(#[$meta])*
        pub enum $name { $($(#[$variant_meta])* $variant,)* }

        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: &'static [Self] = &[$(Self::$variant),*];
        }
    };
}

/// A deliberate misbehaviour of the next authorization responses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fault {
    /// Answer with this error instead of tokens.
    Error(FaultError),
    /// Issue tokens, broken in this way.
    Tamper(Tamper),
}

listed! {
/// Errors a fault can return (RFC 6749 §4.2.2.1, OIDC Core §3.1.2.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultError {
    /// The session is gone (silent renewal must fall back to a login).
    LoginRequired,
    /// Consent is needed.
    ConsentRequired,
    /// Some page must be shown.
    InteractionRequired,
    /// The user or the server said no.
    AccessDenied,
    /// The server failed.
    ServerError,
}
}

impl FaultError {
    /// What the error means, and what a correct client does about it.
    pub fn description(self) -> &'static str {
        match self {
            Self::LoginRequired => {
                "The user has no session at the issuer. A silent renewal stops and the client asks for an interactive login; after an interactive login, the client shows the error."
            }
            Self::ConsentRequired => {
                "The user has not consented. A silent renewal stops and the client asks for an interactive login; after an interactive login, the client shows the error."
            }
            Self::InteractionRequired => {
                "The issuer must show a page. A silent renewal stops and the client asks for an interactive login; after an interactive login, the client shows the error."
            }
            Self::AccessDenied => {
                "The user or the issuer said no. The client shows the error, as text, and keeps no token."
            }
            Self::ServerError => {
                "The issuer failed. The client shows the error, as text, and keeps no token."
            }
        }
    }

    /// The section that defines the error, and a link.
    pub fn spec(self) -> (&'static str, &'static str) {
        match self {
            Self::LoginRequired | Self::ConsentRequired | Self::InteractionRequired => (
                "OIDC Core §3.1.2.6",
                "https://openid.net/specs/openid-connect-core-1_0.html#AuthError",
            ),
            Self::AccessDenied | Self::ServerError => (
                "RFC 6749 §4.2.2.1",
                "https://www.rfc-editor.org/rfc/rfc6749#section-4.2.2.1",
            ),
        }
    }

    /// The error code sent.
    pub fn code(self) -> ErrorCode {
        match self {
            Self::LoginRequired => ErrorCode::LoginRequired,
            Self::ConsentRequired => ErrorCode::ConsentRequired,
            Self::InteractionRequired => ErrorCode::InteractionRequired,
            Self::AccessDenied => ErrorCode::AccessDenied,
            Self::ServerError => ErrorCode::ServerError,
        }
    }
}

listed! {
/// Ways to break a token, each caught by one check a client must make.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tamper {
    /// ID token `nonce` differs from the request's (OIDC Core §3.2.2.11).
    WrongNonce,
    /// One bit of each signature is flipped (OIDC Core §3.1.3.7 step 6).
    BadSignature,
    /// `aud` names someone else (step 3; RFC 9068 §4 for the API).
    WrongAud,
    /// `iss` is another issuer (step 2).
    WrongIss,
    /// `exp` is ten minutes ago (step 9).
    Expired,
    /// ID token without `at_hash` although an access token came with it
    /// (OIDC Core §3.2.2.10).
    MissingAtHash,
    /// `at_hash` of another access token (token substitution, §3.2.2.9).
    WrongAtHash,
}
}

impl Tamper {
    /// What is done to the response's tokens, and the attack it stands for.
    pub fn description(self) -> &'static str {
        match self {
            Self::WrongNonce => {
                "The ID token's nonce is not the one the request sent: an ID token replayed or injected into this login."
            }
            Self::BadSignature => {
                "One bit of each token's signature is flipped: tokens altered after the issuer signed them."
            }
            Self::WrongAud => "aud names someone else: tokens issued to another client or API.",
            Self::WrongIss => {
                "iss is another issuer: tokens from a provider this client does not trust."
            }
            Self::Expired => "exp is ten minutes ago: stale tokens.",
            Self::MissingAtHash => {
                "The ID token has no at_hash although an access token came with it: nothing ties the two together."
            }
            Self::WrongAtHash => {
                "at_hash is that of another access token: an access token substituted in the fragment."
            }
        }
    }

    /// The client's ID token check that must refuse the response (OIDC
    /// Core §3.2.2.11 lists them; each cites its own section).
    pub fn caught_by(self) -> IdTokenCheck {
        match self {
            Self::WrongNonce => IdTokenCheck::Nonce,
            Self::BadSignature => IdTokenCheck::Signature,
            Self::WrongAud => IdTokenCheck::Audience,
            Self::WrongIss => IdTokenCheck::Issuer,
            Self::Expired => IdTokenCheck::Expiry,
            Self::MissingAtHash | Self::WrongAtHash => IdTokenCheck::AtHash,
        }
    }
}

/// One entry of `GET /dev/faults`: a fault, what it breaks, and what must
/// notice — what a failure playground shows beside its "arm" button.
#[derive(Debug, Serialize)]
pub struct FaultInfo {
    /// The fault, exactly as `POST /dev/faults` takes it.
    pub fault: Fault,
    /// What it does and what a correct client does about it.
    pub description: &'static str,
    /// For a tampered token, the client check that must refuse it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub caught_by: Option<CaughtBy>,
    /// The rule at stake, e.g. `OIDC Core §3.2.2.11`.
    pub spec: &'static str,
    /// A link to it.
    pub spec_url: &'static str,
}

/// The check that catches a tampered token, by name and as people read it.
#[derive(Debug, Serialize)]
pub struct CaughtBy {
    /// As the SPA's event log names it (`"nonce"`).
    pub check: IdTokenCheck,
    /// Its label (`"nonce matches"`).
    pub label: &'static str,
}

impl Fault {
    /// Every fault the dev controls can arm: tampered tokens first, then
    /// error answers.
    pub fn catalogue() -> Vec<FaultInfo> {
        let tampers = Tamper::ALL.iter().copied().map(|tamper| {
            let check = tamper.caught_by();
            let (spec, spec_url) = check.spec();
            FaultInfo {
                fault: Self::Tamper(tamper),
                description: tamper.description(),
                caught_by: Some(CaughtBy {
                    check,
                    label: check.label(),
                }),
                spec,
                spec_url,
            }
        });
        let errors = FaultError::ALL.iter().copied().map(|error| {
            let (spec, spec_url) = error.spec();
            FaultInfo {
                fault: Self::Error(error),
                description: error.description(),
                caught_by: None,
                spec,
                spec_url,
            }
        });
        tampers.chain(errors).collect()
    }
}

/// An armed fault and how many more responses it affects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArmedFault {
    /// What to do.
    pub fault: Fault,
    /// How many more times.
    #[serde(default = "one", rename = "count")]
    pub remaining: u32,
    /// Only `prompt=none` requests (silent renewal) are affected.
    #[serde(default)]
    pub prompt_none_only: bool,
}

fn one() -> u32 {
    1
}

/// The dev controls' settings.
#[derive(Debug, Default)]
pub struct DevSettings(Mutex<Settings>);

#[derive(Debug, Default)]
struct Settings {
    faults: VecDeque<ArmedFault>,
    latency_ms: u64,
    lifetimes: Option<Lifetimes>,
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
    /// response.
    pub fn take_fault(&self, prompt_none: bool) -> Option<Fault> {
        let mut settings = self.lock();
        let index = settings
            .faults
            .iter()
            .position(|f| prompt_none || !f.prompt_none_only)?;
        let armed = settings.faults.get_mut(index)?;
        let fault = armed.fault;
        armed.remaining = armed.remaining.saturating_sub(1);
        if armed.remaining == 0 {
            settings.faults.remove(index);
        }
        Some(fault)
    }

    /// The delay before answering /authorize.
    pub fn latency(&self) -> Option<Duration> {
        let ms = self.lock().latency_ms;
        (ms > 0).then(|| Duration::from_millis(ms))
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
        .route("/dev/latency", post(latency_post))
        .route("/dev/lifetimes", post(lifetimes_post))
        .route("/dev/revoke-consent", post(revoke_consent_post))
        .route("/dev/end-sessions", post(end_sessions_post))
        .route("/dev/reset", post(reset_post))
        .layer(middleware::from_fn(move |request: Request, next: Next| {
            let trusted = trusted.clone();
            async move { origin_guard(&trusted, request, next).await }
        }))
        .layer(cors)
}

/// Refuses state-changing requests sent by a page of an untrusted origin.
/// Requests without `Origin` (curl, tests) pass: a browser always sends it
/// on a cross-origin POST.
async fn origin_guard(trusted: &[String], request: Request, next: Next) -> Response {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    let origin = request
        .headers()
        .get(header::ORIGIN)
        .map(|o| o.to_str().unwrap_or_default().to_owned());
    match origin {
        Some(origin) if !safe && !trusted.contains(&origin) => DevError::Forbidden.into_response(),
        _ => next.run(request).await,
    }
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
    /// 500: key generation failed (logged).
    #[error("the keys could not be rotated")]
    Keys(#[from] super::keys::KeyError),
}

impl IntoResponse for DevError {
    fn into_response(self) -> Response {
        let status = match &self {
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Forbidden => StatusCode::FORBIDDEN,
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
    Ok(Json(json!({ "events": events, "last_seq": last })))
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
            "armed {:?} for {} response(s){}",
            armed.fault,
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

async fn faults_get(State(state): State<AppState>) -> Json<serde_json::Value> {
    Json(json!({
        "catalogue": Fault::catalogue(),
        "armed": state.dev.lock().faults,
    }))
}

async fn faults_delete(State(state): State<AppState>) -> Json<serde_json::Value> {
    state.dev.lock().faults.clear();
    state.event(EventKind::DevControl {
        control: "faults",
        detail: "disarmed all faults".into(),
    });
    Json(json!({ "faults": [] }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LatencyBody {
    ms: u64,
}

async fn latency_post(
    State(state): State<AppState>,
    Json(body): Json<LatencyBody>,
) -> Result<Json<serde_json::Value>, DevError> {
    if body.ms > MAX_LATENCY_MS {
        return Err(DevError::BadRequest(format!(
            "ms must be at most {MAX_LATENCY_MS}"
        )));
    }
    state.dev.lock().latency_ms = body.ms;
    state.event(EventKind::DevControl {
        control: "latency",
        detail: format!("/authorize answers after {} ms", body.ms),
    });
    Ok(Json(json!({ "latency_ms": body.ms })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LifetimesBody {
    access_token_secs: Option<u64>,
    id_token_secs: Option<u64>,
    sso_idle_secs: Option<u64>,
    sso_absolute_secs: Option<u64>,
}

async fn lifetimes_post(
    State(state): State<AppState>,
    Json(body): Json<LifetimesBody>,
) -> Result<Json<serde_json::Value>, DevError> {
    let mut lifetimes = state.lifetimes();
    for (value, slot, name) in [
        (
            body.access_token_secs,
            &mut lifetimes.access_token_secs,
            "access_token_secs",
        ),
        (
            body.id_token_secs,
            &mut lifetimes.id_token_secs,
            "id_token_secs",
        ),
        (
            body.sso_idle_secs,
            &mut lifetimes.sso_idle_secs,
            "sso_idle_secs",
        ),
        (
            body.sso_absolute_secs,
            &mut lifetimes.sso_absolute_secs,
            "sso_absolute_secs",
        ),
    ] {
        if let Some(value) = value {
            if !(1..=86_400).contains(&value) {
                return Err(DevError::BadRequest(format!(
                    "{name} must be between 1 and 86400"
                )));
            }
            *slot = value;
        }
    }
    if lifetimes.sso_idle_secs > lifetimes.sso_absolute_secs {
        return Err(DevError::BadRequest(
            "sso_idle_secs must not exceed sso_absolute_secs".into(),
        ));
    }
    state.dev.lock().lifetimes = Some(lifetimes);
    state.event(EventKind::DevControl {
        control: "lifetimes",
        detail: format!(
            "access token {} s, id_token {} s, session idle {} s, absolute {} s",
            lifetimes.access_token_secs,
            lifetimes.id_token_secs,
            lifetimes.sso_idle_secs,
            lifetimes.sso_absolute_secs
        ),
    });
    Ok(Json(json!({ "lifetimes": lifetimes })))
}

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RevokeBody {
    username: Option<String>,
    client_id: Option<String>,
}

async fn revoke_consent_post(
    State(state): State<AppState>,
    body: Option<Json<RevokeBody>>,
) -> Json<serde_json::Value> {
    let body = body.map(|Json(b)| b).unwrap_or_default();
    let revoked = state
        .store
        .revoke(body.username.as_deref(), body.client_id.as_deref());
    state.event(EventKind::DevControl {
        control: "revoke_consent",
        detail: format!(
            "forgot {revoked} consent(s) of {} to {}",
            body.username.as_deref().unwrap_or("every user"),
            body.client_id.as_deref().unwrap_or("every client")
        ),
    });
    Json(json!({ "revoked": revoked }))
}

async fn end_sessions_post(State(state): State<AppState>) -> Json<serde_json::Value> {
    let ended = state.store.end_all_sessions();
    state.event(EventKind::DevControl {
        control: "end_sessions",
        detail: format!("ended {ended} session(s)"),
    });
    Json(json!({ "ended": ended }))
}

async fn reset_post(State(state): State<AppState>) -> Json<serde_json::Value> {
    state.dev.reset();
    state.store.end_all_sessions();
    state.store.clear_pending();
    state.store.revoke(None, None);
    state.events.clear();
    state.event(EventKind::DevControl {
        control: "reset",
        detail: "back to the configured tenant".into(),
    });
    Json(snapshot(&state))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn armed(json: serde_json::Value) -> ArmedFault {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn the_fault_json_of_the_documentation_parses() {
        let a = armed(
            json!({"fault": {"error": "login_required"}, "count": 2, "prompt_none_only": true}),
        );
        assert_eq!(a.fault, Fault::Error(FaultError::LoginRequired));
        assert_eq!(a.remaining, 2);
        assert!(a.prompt_none_only);
        let b = armed(json!({"fault": {"tamper": "wrong_at_hash"}}));
        assert_eq!(b.fault, Fault::Tamper(Tamper::WrongAtHash));
        assert_eq!(b.remaining, 1);
        assert!(
            serde_json::from_value::<ArmedFault>(json!({"fault": {"tamper": "nope"}})).is_err()
        );
    }

    #[test]
    fn a_fault_is_used_up_and_a_silent_only_fault_skips_interactive_responses() {
        let dev = DevSettings::default();
        dev.lock().faults.push_back(armed(
            json!({"fault": {"error": "login_required"}, "prompt_none_only": true}),
        ));
        dev.lock()
            .faults
            .push_back(armed(json!({"fault": {"tamper": "expired"}, "count": 2})));
        assert_eq!(dev.take_fault(false), Some(Fault::Tamper(Tamper::Expired)));
        assert_eq!(
            dev.take_fault(true),
            Some(Fault::Error(FaultError::LoginRequired))
        );
        assert_eq!(dev.take_fault(true), Some(Fault::Tamper(Tamper::Expired)));
        assert_eq!(dev.take_fault(true), None);
    }
}
