//! The login page of a pending authorization request.

use std::net::SocketAddr;

use axum::{
    Extension,
    body::Bytes,
    extract::{ConnectInfo, RawQuery, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use axum_extra::extract::cookie::CookieJar;

use super::{
    AppState,
    authorize::proceed,
    cookies::{
        continued_request, pending_from_query, require_form, same_browser, session_cookies,
        session_id,
    },
    events::EventKind,
    pages,
    params::Params,
    respond::{Framing, PageError, html},
    store::Session,
    tenant::verify_password,
    throttle::Throttled,
};

/// `GET /login?request=<id>`: the login form of a pending request.
pub async fn login_get(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
    jar: CookieJar,
) -> Result<Response, PageError> {
    let (id, pending) = pending_from_query(&state, query.as_deref())?;
    same_browser(&state, &jar, &pending)?;
    let client = state
        .tenant
        .client(pending.request.client_id.as_str())
        .ok_or(PageError::Expired)?;
    state.event_on(
        pending.request.oauth_state(),
        EventKind::LoginShown {
            client_id: client.client_id.clone(),
        },
    );
    Ok(html(
        StatusCode::OK,
        pages::login(client, &id, &pending.csrf, "", None, &state.tenant.users),
        Framing::Deny,
    ))
}

/// `POST /login`: checks the password, starts a new session (a new id, so a
/// session id planted before login is useless: session fixation), then
/// continues the authorization request. Floods are throttled first
/// ([`crate::throttle`]): the client address is the TCP peer's, when the
/// server was started with connect info (as [`spawn`](crate::spawn) and
/// the demo do).
pub async fn login_post(
    State(state): State<AppState>,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    jar: CookieJar,
    body: Bytes,
) -> Result<Response, PageError> {
    require_form(&headers)?;
    let form = Params::parse(&body)?;
    let field = |name| form.single(name).ok().flatten();
    let (id, pending) = continued_request(&state, &jar, &form)?;
    let client = state
        .tenant
        .client(pending.request.client_id.as_str())
        .ok_or(PageError::Expired)?;
    let username = field("username").unwrap_or_default();
    let password = field("password").unwrap_or_default().to_owned();
    let page = |status, error: &str| {
        let page = pages::login(
            client,
            id,
            &pending.csrf,
            username,
            Some(error),
            &state.tenant.users,
        );
        html(status, page, Framing::Deny)
    };
    let throttled = |refusal: Throttled| {
        state.event_on(
            pending.request.oauth_state(),
            EventKind::LoginThrottled {
                retry_after_secs: refusal.retry_after_secs(),
            },
        );
        let (status, sentence) = match refusal {
            Throttled::LockedOut { retry_after_secs } => (
                StatusCode::TOO_MANY_REQUESTS,
                format!("Too many failed logins. Try again in {retry_after_secs} seconds."),
            ),
            Throttled::Busy => (
                StatusCode::SERVICE_UNAVAILABLE,
                "Too many logins at once. Try again in a moment.".to_owned(),
            ),
        };
        let mut response = page(status, &sentence);
        response.headers_mut().insert(
            header::RETRY_AFTER,
            HeaderValue::from(refusal.retry_after_secs()),
        );
        Ok(response)
    };

    let address = peer.map(|Extension(ConnectInfo(addr))| addr.ip());
    let attempt = match state.throttle.admit(username, address, state.now()) {
        Ok(attempt) => attempt,
        Err(refusal) => return throttled(refusal),
    };
    let user = state.tenant.user(username);
    // An unknown user costs one Argon2 check too, so timing does not tell
    // which usernames exist.
    let hash = user.map_or_else(|| state.dummy_hash.clone(), |u| u.password_hash.clone());
    let slot = match state.throttle.check_slot().await {
        Ok(slot) => slot,
        Err(refusal) => return throttled(refusal),
    };
    // The slot goes with the check: freed when it ends, not when this
    // request does.
    let verified = tokio::task::spawn_blocking(move || {
        let _slot = slot;
        verify_password(&hash, &password)
    })
    .await
    .unwrap_or(false);
    let Some(user) = user.filter(|_| verified) else {
        state.event_on(
            pending.request.oauth_state(),
            EventKind::LoginFailed {
                username: user.map(|u| u.username.clone()),
            },
        );
        let slowdown = attempt.failed(state.now());
        if !slowdown.is_zero() {
            tokio::time::sleep(slowdown).await;
        }
        return Ok(page(StatusCode::BAD_REQUEST, "Wrong username or password."));
    };
    attempt.succeeded();

    if let Some(old) = session_id(&jar, state.cookies) {
        state.store.end_session(&old);
    }
    let now = state.now();
    let lifetimes = state.lifetimes();
    let session_id = state.store.create_session(&user.username, now, &lifetimes);
    state.event_on(
        pending.request.oauth_state(),
        EventKind::LoginSucceeded {
            username: user.username.clone(),
        },
    );
    let session = Session {
        username: user.username.clone(),
        auth_time: now,
        last_seen: now,
    };
    let mut pending = pending;
    pending.login_done = true;
    pending.username = Some(user.username.clone());
    let jar = session_cookies(&session_id, state.cookies)
        .into_iter()
        .fold(jar, CookieJar::add);
    let response = proceed(&state, pending, Some(id.to_owned()), Ok(session), true);
    Ok((jar, response).into_response())
}
