//! The consent page of a pending authorization request.

use axum::{
    body::Bytes,
    extract::{RawQuery, State},
    http::{HeaderMap, StatusCode},
    response::Response,
};
use axum_extra::extract::cookie::CookieJar;
use protocol::ErrorCode;

use super::{
    AppState,
    authorize::proceed,
    cookies::{continued_request, current_session, pending_from_query, require_form, same_browser},
    events::EventKind,
    pages,
    params::Params,
    respond::{Framing, PageError, deliver_error, html},
    store::Pending,
    tenant::{Client, User},
    third_party::NoSession,
};

/// `GET /consent?request=<id>`: what the client asks for, Allow / Deny.
pub async fn consent_get(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
    jar: CookieJar,
) -> Result<Response, PageError> {
    let (id, pending) = pending_from_query(&state, query.as_deref())?;
    same_browser(&state, &jar, &pending)?;
    let (client, user) = consent_parties(&state, &pending, &jar)?;
    let request = &pending.request;
    state.event_on(
        request.oauth_state(),
        EventKind::ConsentShown {
            username: user.username.clone(),
            client_id: client.client_id.clone(),
            scope: request.scope.clone(),
        },
    );
    let audience = request.audience.as_deref();
    let granted = state
        .store
        .granted(
            &user.username,
            &client.client_id,
            audience.unwrap_or_default(),
        )
        .unwrap_or_default();
    let page = pages::consent(
        &state.tenant,
        client,
        user,
        &pages::ConsentRequest {
            scope: &request.scope,
            granted: &granted,
            audience,
            request_id: &id,
            csrf: &pending.csrf,
        },
    );
    Ok(html(StatusCode::OK, page, Framing::Deny))
}

/// `POST /consent`: Allow remembers the scopes and continues; Deny answers
/// `access_denied` (RFC 6749 §4.2.2.1).
pub async fn consent_post(
    State(state): State<AppState>,
    headers: HeaderMap,
    jar: CookieJar,
    body: Bytes,
) -> Result<Response, PageError> {
    require_form(&headers)?;
    let form = Params::parse(&body)?;
    let decision = form
        .single("decision")
        .ok()
        .flatten()
        .ok_or(PageError::Incomplete("decision"))?;
    let (id, mut pending) = continued_request(&state, &jar, &form)?;
    let (client, user) = consent_parties(&state, &pending, &jar)?;
    let request = &pending.request;
    Ok(match decision {
        "allow" => {
            state.store.grant(
                &user.username,
                &client.client_id,
                request.audience.as_deref().unwrap_or_default(),
                &request.scope,
            );
            state.event_on(
                request.oauth_state(),
                EventKind::ConsentGranted {
                    username: user.username.clone(),
                    client_id: client.client_id.clone(),
                    scope: request.scope.clone(),
                },
            );
            pending.consent_done = true;
            let session = current_session(&state, &jar)
                .map(|(_, s)| s)
                .ok_or(NoSession::NotLoggedIn);
            proceed(&state, pending, Some(id.to_owned()), session, true)
        }
        "deny" => {
            state.event_on(
                request.oauth_state(),
                EventKind::ConsentDenied {
                    username: user.username.clone(),
                    client_id: client.client_id.clone(),
                },
            );
            state.store.remove_pending(id);
            let target = request.target();
            deliver_error(
                &state,
                &target,
                &ErrorCode::AccessDenied,
                "the user denied the request",
                true,
            )
        }
        _ => return Err(PageError::Incomplete("decision (allow or deny)")),
    })
}

/// The client and the logged-in user of a consent page; the session must
/// be the one that logged in for this request.
fn consent_parties<'a>(
    state: &'a AppState,
    pending: &Pending,
    jar: &CookieJar,
) -> Result<(&'a Client, &'a User), PageError> {
    let session = current_session(state, jar).map(|(_, s)| s);
    let user = match (&session, &pending.username) {
        (Some(session), Some(expected)) if &session.username == expected => {
            state.tenant.user(&session.username)
        }
        _ => None,
    };
    let client = state.tenant.client(pending.request.client_id.as_str());
    match (client, user) {
        (Some(client), Some(user)) => Ok((client, user)),
        _ => Err(PageError::SessionChanged),
    }
}
