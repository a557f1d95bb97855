//! The dev controls that change how the issuer behaves from now on:
//! latency, scope narrowing, lifetimes, consents, sessions, reset.

use axum::{Json, extract::State};
use serde::Deserialize;
use serde_json::json;

use super::{DevError, MAX_LATENCY_MS, ResponseIss, snapshot};
use crate::{AppState, events::EventKind};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct LatencyBody {
    ms: u64,
}

pub(super) async fn latency_post(
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
pub(super) struct NarrowScopeBody {
    enabled: bool,
}

pub(super) async fn narrow_scope_post(
    State(state): State<AppState>,
    Json(body): Json<NarrowScopeBody>,
) -> Json<serde_json::Value> {
    state.dev.lock().narrow_scope = body.enabled;
    state.event(EventKind::DevControl {
        control: "narrow_scope",
        detail: if body.enabled {
            "responses name only the API's scopes in scope".into()
        } else {
            "responses name every granted scope".into()
        },
    });
    Json(json!({ "narrow_scope": body.enabled }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ThirdPartyCookiesBody {
    blocked: bool,
}

pub(super) async fn third_party_cookies_post(
    State(state): State<AppState>,
    Json(body): Json<ThirdPartyCookiesBody>,
) -> Json<serde_json::Value> {
    state.dev.lock().block_third_party_cookies = body.blocked;
    state.event(EventKind::DevControl {
        control: "third_party_cookies",
        detail: if body.blocked {
            "the session cookie of a frame on another site is ignored, as a browser that blocks third-party cookies would not send it".into()
        } else {
            "the session cookie of a frame on another site counts again".into()
        },
    });
    Json(json!({ "block_third_party_cookies": body.blocked }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ResponseIssBody {
    #[serde(default)]
    iss: Option<String>,
    #[serde(default)]
    omit: bool,
}

pub(super) async fn response_iss_post(
    State(state): State<AppState>,
    Json(body): Json<ResponseIssBody>,
) -> Result<Json<serde_json::Value>, DevError> {
    let (response_iss, detail) = match (body.iss, body.omit) {
        (Some(_), true) => {
            return Err(DevError::BadRequest(
                "give either iss or omit, not both".into(),
            ));
        }
        (Some(iss), false) => {
            let detail = format!("authorization responses name {iss:?} as their iss");
            (ResponseIss::Other(iss), detail)
        }
        (None, true) => (
            ResponseIss::Omitted,
            "authorization responses carry no iss".into(),
        ),
        (None, false) => (
            ResponseIss::Issuer,
            "authorization responses name this issuer as their iss".into(),
        ),
    };
    state.dev.lock().response_iss = response_iss.clone();
    state.event(EventKind::DevControl {
        control: "response_iss",
        detail,
    });
    Ok(Json(json!({ "response_iss": response_iss })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct LifetimesBody {
    access_token_secs: Option<u64>,
    id_token_secs: Option<u64>,
    sso_idle_secs: Option<u64>,
    sso_absolute_secs: Option<u64>,
}

pub(super) async fn lifetimes_post(
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
pub(super) struct RevokeBody {
    username: Option<String>,
    client_id: Option<String>,
}

pub(super) async fn revoke_consent_post(
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

pub(super) async fn end_sessions_post(State(state): State<AppState>) -> Json<serde_json::Value> {
    let ended = state.store.end_all_sessions();
    state.event(EventKind::DevControl {
        control: "end_sessions",
        detail: format!("ended {ended} session(s)"),
    });
    Json(json!({ "ended": ended }))
}

pub(super) async fn reset_post(State(state): State<AppState>) -> Json<serde_json::Value> {
    state.dev.reset();
    state.store.end_all_sessions();
    state.store.clear_pending();
    state.store.revoke(None, None);
    state.throttle.clear();
    state.events.clear();
    state.event(EventKind::DevControl {
        control: "reset",
        detail: "back to the configured tenant".into(),
    });
    Json(snapshot(&state))
}
