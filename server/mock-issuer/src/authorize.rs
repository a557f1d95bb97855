//! The authorization endpoint and the pages it may show (RFC 6749 §4.2,
//! OpenID Connect Core §3.2):
//!
//! ```text
//!  SPA                 /authorize            /login           /consent
//!   | GET ?response_type=id_token token&client_id&redirect_uri&...
//!   |------------------->| 1 validate client + redirect_uri
//!   |                    |   (bad: HTML 400 page, no redirect)
//!   |                    | 2 validate the rest (bad: error to redirect_uri)
//!   |                    | 3 session? max_age? prompt=login? --no--> 302 ----->| form (CSRF)
//!   |                    |                                   POST: new session cookie
//!   |                    | 4 consent covers the scopes? --no--------------------------->| Allow / Deny
//!   |                    | 5 sign tokens (dev faults may interfere)                      |
//!   |<-- 302/303 redirect_uri#access_token=..&id_token=..&state=.. (or web_message page) --|
//! ```
//!
//! With `prompt=none` steps 3 and 4 never show a page: they answer
//! `login_required` or `consent_required` instead (OIDC Core §3.1.2.6).
//! A request waiting for the user is kept server-side under a random id
//! ([`Store`](super::store::Store)); the pages carry only that id and a CSRF
//! token bound to it, and answer only the browser that sent the request
//! (a cookie set when the first page is shown: no login CSRF).

use axum::{
    body::Bytes,
    extract::{RawQuery, State},
    http::HeaderMap,
    response::{IntoResponse, Response},
};
use axum_extra::extract::cookie::CookieJar;
use protocol::{ErrorCode, IdTokenClaims, ResponseMode, TokenType};

use super::{
    AppState,
    cookies::{browser_cookie, browser_id, current_session, require_form, session_id},
    events::{EventKind, LoginReason},
    issue::{issue, silent_outcome},
    params::Params,
    paths,
    request::{AuthorizeRequest, Refusal, Target},
    respond::{PageError, deliver_error, redirect},
    store::{Pending, Session, random_id},
    third_party::{Context, NoSession},
};

/// `GET /authorize`.
pub async fn authorize_get(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    jar: CookieJar,
) -> Response {
    let query = query.unwrap_or_default();
    authorize(&state, query.as_bytes(), &headers, &jar, false).await
}

/// `POST /authorize` (OIDC Core §3.1.2.1: form-encoded, same parameters).
pub async fn authorize_post(
    State(state): State<AppState>,
    headers: HeaderMap,
    jar: CookieJar,
    body: Bytes,
) -> Result<Response, PageError> {
    require_form(&headers)?;
    Ok(authorize(&state, &body, &headers, &jar, true).await)
}

async fn authorize(
    state: &AppState,
    raw: &[u8],
    headers: &HeaderMap,
    jar: &CookieJar,
    after_post: bool,
) -> Response {
    if let Some(delay) = state.dev.latency() {
        tokio::time::sleep(delay).await;
    }
    let params = match Params::parse(raw) {
        Ok(params) => params,
        Err(error) => {
            state.event(EventKind::ClientRefused {
                client_id: None,
                reason: error.to_string(),
            });
            return PageError::Params(error).into_response();
        }
    };
    state.event_on(
        params.first("state"),
        EventKind::AuthorizeReceived {
            client_id: params.first("client_id").map(short),
            response_type: params.first("response_type").map(short),
            response_mode: params.first("response_mode").map(short),
            prompt: params.first("prompt").map(short),
        },
    );
    let request = match AuthorizeRequest::parse(&params, &state.tenant) {
        Ok(request) => request,
        Err(Refusal::Page { client_id, message }) => {
            state.event_on(
                params.first("state"),
                EventKind::ClientRefused {
                    client_id: client_id.as_deref().map(short),
                    reason: message.clone(),
                },
            );
            return PageError::InvalidRequest(message).into_response();
        }
        Err(Refusal::Redirect {
            target,
            error,
            description,
        }) => {
            validated(state, &target);
            return refuse(state, &target, &error, &description, after_post);
        }
    };
    validated(state, &request.target());
    let session = find_session(state, jar, Context::of(headers));
    let pending = Pending {
        request,
        csrf: String::new(),
        // Empty: `show` binds the request to a browser if it shows a page.
        browser: browser_id(jar, state.cookies)
            .unwrap_or_default()
            .to_owned(),
        created_at: state.now(),
        login_done: false,
        consent_done: false,
        username: None,
    };
    proceed(state, pending, None, session, after_post)
}

/// The session the request's cookie names, or why there is none.
fn find_session(state: &AppState, jar: &CookieJar, context: Context) -> Result<Session, NoSession> {
    let cookie = session_id(jar, state.cookies).is_some();
    if cookie
        && matches!(context, Context::ThirdPartyFrame(_))
        && state.dev.block_third_party_cookies()
    {
        return Err(NoSession::Simulated);
    }
    current_session(state, jar)
        .map(|(_, session)| session)
        .ok_or_else(|| NoSession::why(context, cookie))
}

fn validated(state: &AppState, target: &Target) {
    state.event_on(
        target.oauth_state(),
        EventKind::ClientValidated {
            client_id: target.client_id.clone(),
            redirect_uri: target.redirect_uri.to_string(),
            response_mode: target.response_mode.as_str(),
        },
    );
}

/// Sends an error answer decided once the client and redirect URI are known
/// (the error goes back to the client), and logs it and a silent request's
/// outcome.
pub(super) fn refuse(
    state: &AppState,
    target: &Target,
    error: &ErrorCode,
    description: &str,
    after_post: bool,
) -> Response {
    state.event_on(
        target.oauth_state(),
        EventKind::RequestRefused {
            client_id: target.client_id.clone(),
            error: error.clone(),
            description: description.to_owned(),
        },
    );
    if target.prompt_none {
        silent_outcome(state, target, error.as_str());
    }
    deliver_error(state, target, error, description, after_post)
}

/// Steps 3 to 5: log in, consent, issue; or show the page that is missing.
pub(super) fn proceed(
    state: &AppState,
    mut pending: Pending,
    pending_id: Option<String>,
    session: Result<Session, NoSession>,
    after_post: bool,
) -> Response {
    let request = &pending.request;
    let target = request.target();
    let now = state.now();
    let too_old = |s: &Session| {
        request
            .max_age
            // "max_age=0 is equivalent to prompt=login" (OIDC Core §3.1.2.1),
            // even within the second of the login.
            .is_some_and(|max_age| max_age == 0 || now.saturating_sub(s.auth_time) > max_age)
    };

    if request.prompt.none {
        // Silent authentication: answer at once (OIDC Core §3.1.2.6).
        let refusal = match &session {
            Err(why) => {
                state.event_on(
                    request.oauth_state(),
                    EventKind::NoSession {
                        client_id: request.client_id.clone(),
                        why: *why,
                    },
                );
                Some((ErrorCode::LoginRequired, why.description()))
            }
            Ok(s) if too_old(s) => {
                Some((ErrorCode::LoginRequired, "the login is older than max_age"))
            }
            Ok(s) if !consent_covers(state, s, request) => Some((
                ErrorCode::ConsentRequired,
                "the user has not consented to these scopes for this application",
            )),
            Ok(s) => hint_refusal(state, request, s).map(|why| (ErrorCode::LoginRequired, why)),
        };
        if let Some((error, description)) = refusal {
            silent_outcome(state, &target, error.as_str());
            return deliver_error(state, &target, &error, description, after_post);
        }
    }

    let login_reason = match &session {
        Err(_) => Some(LoginReason::NoSession),
        Ok(_) if request.prompt.login && !pending.login_done => Some(LoginReason::PromptLogin),
        Ok(s) if too_old(s) && !pending.login_done => Some(LoginReason::MaxAge),
        Ok(_) => None,
    };
    if let Some(reason) = login_reason {
        state.event_on(
            request.oauth_state(),
            EventKind::LoginRequired {
                client_id: request.client_id.clone(),
                reason,
            },
        );
        return show(state, pending, pending_id, paths::LOGIN, after_post);
    }
    let Ok(session) = session else {
        return show(state, pending, pending_id, paths::LOGIN, after_post);
    };
    pending.username = Some(session.username.clone());

    let covered = consent_covers(state, &session, request);
    if !covered || (request.prompt.consent && !pending.consent_done) {
        return show(state, pending, pending_id, paths::CONSENT, after_post);
    }
    if !pending.consent_done {
        state.event_on(
            request.oauth_state(),
            EventKind::ConsentRemembered {
                username: session.username.clone(),
                client_id: request.client_id.clone(),
                scope: request.scope.clone(),
            },
        );
    }
    if let Some(id) = &pending_id {
        state.store.remove_pending(id);
    }
    issue(state, &pending.request, &session, after_post)
}

fn consent_covers(state: &AppState, session: &Session, request: &AuthorizeRequest) -> bool {
    state
        .store
        .granted(
            &session.username,
            &request.client_id,
            request.audience.as_deref().unwrap_or_default(),
        )
        .is_some_and(|granted| granted.contains_all(&request.scope))
}

/// Keeps the request and sends the browser to the login or consent page,
/// with a fresh CSRF token for it.
fn show(
    state: &AppState,
    mut pending: Pending,
    pending_id: Option<String>,
    page: &str,
    after_post: bool,
) -> Response {
    if pending.request.response_mode == ResponseMode::WebMessage {
        // A web_message request runs in a hidden iframe where no page can
        // be shown (and the pages refuse to be framed anyway).
        let target = pending.request.target();
        if let Some(id) = &pending_id {
            state.store.remove_pending(id);
        }
        return refuse(
            state,
            &target,
            &ErrorCode::InteractionRequired,
            "response_mode=web_message cannot show a login or consent page; use prompt=none, or a full-page redirect",
            after_post,
        );
    }
    pending.csrf = random_id();
    // A page is about to be shown: bind the request to this browser, giving
    // it an id if it has none yet. Only here, so that silent requests and
    // direct answers never set the cookie.
    let new_browser = pending.browser.is_empty().then(|| {
        pending.browser = random_id();
        pending.browser.clone()
    });
    let id = match pending_id {
        Some(id) => {
            state.store.update_pending(&id, pending);
            id
        }
        None => state.store.insert_pending(pending, state.now()),
    };
    let response = redirect(&format!("{page}?request={id}"), after_post);
    match new_browser {
        Some(browser) => {
            let cookie = browser_cookie(browser, state.cookies);
            (CookieJar::new().add(cookie), response).into_response()
        }
        None => response,
    }
}

/// A value from the request, shortened for the event log.
fn short(value: &str) -> String {
    value.chars().take(100).collect()
}

/// OIDC Core §3.1.2.1: a silent request with an `id_token_hint` is answered
/// for the user the hint names, or with `login_required`: the hint must be
/// an ID token this issuer signed for this client (expired is fine: it only
/// names the user), and its `sub` the session's user.
fn hint_refusal(
    state: &AppState,
    request: &AuthorizeRequest,
    session: &Session,
) -> Option<&'static str> {
    let hint = request.id_token_hint.as_ref()?;
    let Ok(claims) = state
        .keys
        .verify::<IdTokenClaims>(hint.as_str(), TokenType::Jwt, state.now())
    else {
        return Some("the id_token_hint was not issued by this server");
    };
    let for_this_client =
        (claims.aud.as_ref()).is_some_and(|aud| aud.contains(request.client_id.as_str()));
    if claims.iss.as_deref() != Some(state.issuer.as_str()) || !for_this_client {
        return Some("the id_token_hint was issued by another issuer or to another client");
    }
    let session_sub = state.tenant.user(&session.username).map(|u| u.sub.as_str());
    if claims.sub.is_none() || claims.sub.as_deref() != session_sub {
        return Some(
            "the session at the authorization server is another user's than the id_token_hint's",
        );
    }
    None
}
