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
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use protocol::{ErrorCode, ResponseMode};

use super::{
    AppState, BROWSER_COOKIE, BROWSER_COOKIE_HOST, SESSION_COOKIE, SESSION_COOKIE_HOST,
    dev::Fault,
    events::{EventKind, LoginReason},
    pages,
    params::Params,
    request::{AuthorizeRequest, Refusal, Target},
    respond::{Framing, PageError, deliver, deliver_error, html},
    store::{Pending, Session, random_id},
    tenant::verify_password,
    tokens,
};

/// `GET /authorize`.
pub async fn authorize_get(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
    jar: CookieJar,
) -> Response {
    authorize(&state, query.unwrap_or_default().as_bytes(), &jar, false).await
}

/// `POST /authorize` (OIDC Core §3.1.2.1: form-encoded, same parameters).
pub async fn authorize_post(
    State(state): State<AppState>,
    headers: HeaderMap,
    jar: CookieJar,
    body: Bytes,
) -> Result<Response, PageError> {
    require_form(&headers)?;
    Ok(authorize(&state, &body, &jar, true).await)
}

async fn authorize(state: &AppState, raw: &[u8], jar: &CookieJar, after_post: bool) -> Response {
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
    let session = current_session(state, jar);
    let pending = Pending {
        request,
        csrf: String::new(),
        // Empty: `show` binds the request to a browser if it shows a page.
        browser: browser_id(jar, state.secure_cookies)
            .unwrap_or_default()
            .to_owned(),
        created_at: state.now(),
        login_done: false,
        consent_done: false,
        username: None,
    };
    proceed(state, pending, None, session.map(|(_, s)| s), after_post)
}

/// The name of the browser cookie: with `__Host-` on an https issuer, so that
/// no other origin, not even a sibling subdomain, can plant one.
fn browser_cookie_name(secure: bool) -> &'static str {
    if secure {
        BROWSER_COOKIE_HOST
    } else {
        BROWSER_COOKIE
    }
}

/// The name of the session cookie: with `__Host-` on an https issuer, like
/// the browser cookie's.
pub(super) fn session_cookie_name(secure: bool) -> &'static str {
    if secure {
        SESSION_COOKIE_HOST
    } else {
        SESSION_COOKIE
    }
}

/// The browser id a request carries, if it has the shape of one this server
/// makes (43 base64url characters).
fn browser_id(jar: &CookieJar, secure: bool) -> Option<&str> {
    jar.get(browser_cookie_name(secure))
        .map(|cookie| cookie.value())
        .filter(|id| {
            id.len() == 43
                && id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

/// The authorization request that a form posted by the login or consent
/// page continues: still pending, started in this browser, and the form
/// carries that request's CSRF token.
fn continued_request<'f>(
    state: &AppState,
    jar: &CookieJar,
    form: &'f Params,
) -> Result<(&'f str, Pending), PageError> {
    let field = |name| form.single(name).ok().flatten();
    let id = field("request").ok_or(PageError::Incomplete("request"))?;
    let csrf = field("csrf").ok_or(PageError::Incomplete("csrf"))?;
    let pending = state
        .store
        .pending(id, state.now())
        .ok_or(PageError::Expired)?;
    same_browser(state, jar, &pending)?;
    if !same_secret(csrf, &pending.csrf) {
        return Err(PageError::Forged);
    }
    Ok((id, pending))
}

/// The login and consent pages of a request answer only the browser that
/// sent it: without this, an attacker could start a request, then make a
/// victim's browser post the attacker's credentials to its login form and
/// sign the victim in as the attacker (login CSRF). The binding is as strong
/// as the cookie's integrity: on http (this demo) any local origin could
/// set it; on https its `__Host-` name keeps other origins out.
fn same_browser(state: &AppState, jar: &CookieJar, pending: &Pending) -> Result<(), PageError> {
    match browser_id(jar, state.secure_cookies) {
        Some(id) if !pending.browser.is_empty() && same_secret(id, &pending.browser) => Ok(()),
        _ => Err(PageError::OtherBrowser),
    }
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
fn refuse(
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
    let origins = state.web_origins_of(target);
    deliver_error(target, origins, error, description, after_post)
}

fn silent_outcome(state: &AppState, target: &Target, outcome: &str) {
    state.event_on(
        target.oauth_state(),
        EventKind::SilentAuthentication {
            client_id: target.client_id.clone(),
            outcome: outcome.to_owned(),
        },
    );
}

/// Steps 3 to 5: log in, consent, issue; or show the page that is missing.
fn proceed(
    state: &AppState,
    mut pending: Pending,
    pending_id: Option<String>,
    session: Option<Session>,
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
            None => Some((
                ErrorCode::LoginRequired,
                "no session at the authorization server",
            )),
            Some(s) if too_old(s) => {
                Some((ErrorCode::LoginRequired, "the login is older than max_age"))
            }
            Some(s) if !consent_covers(state, s, request) => Some((
                ErrorCode::ConsentRequired,
                "the user has not consented to these scopes for this application",
            )),
            Some(_) => None,
        };
        if let Some((error, description)) = refusal {
            silent_outcome(state, &target, error.as_str());
            let origins = state.web_origins_of(&target);
            return deliver_error(&target, origins, &error, description, after_post);
        }
    }

    let login_reason = match &session {
        None => Some(LoginReason::NoSession),
        Some(_) if request.prompt.login && !pending.login_done => Some(LoginReason::PromptLogin),
        Some(s) if too_old(s) && !pending.login_done => Some(LoginReason::MaxAge),
        Some(_) => None,
    };
    if let Some(reason) = login_reason {
        state.event_on(
            request.oauth_state(),
            EventKind::LoginRequired {
                client_id: request.client_id.clone(),
                reason,
            },
        );
        return show(state, pending, pending_id, "/login", after_post);
    }
    let Some(session) = session else {
        return show(state, pending, pending_id, "/login", after_post);
    };
    pending.username = Some(session.username.clone());

    let covered = consent_covers(state, &session, request);
    if !covered || (request.prompt.consent && !pending.consent_done) {
        return show(state, pending, pending_id, "/consent", after_post);
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
            let cookie = browser_cookie(browser, state.secure_cookies);
            (CookieJar::new().add(cookie), response).into_response()
        }
        None => response,
    }
}

/// Step 5: tokens, or the error a dev fault asks for.
fn issue(
    state: &AppState,
    request: &AuthorizeRequest,
    session: &Session,
    after_post: bool,
) -> Response {
    let target = request.target();
    let origins = state.web_origins_of(&target);
    let Some(user) = state.tenant.user(&session.username) else {
        // Sessions only name users of this tenant; refuse rather than guess.
        return refuse(
            state,
            &target,
            &ErrorCode::ServerError,
            "unknown user",
            after_post,
        );
    };
    let fault = state
        .dev
        .take_fault(request.prompt.none, request.response_type);
    if let Some(fault) = fault {
        state.event_on(
            request.oauth_state(),
            EventKind::FaultInjected {
                client_id: request.client_id.clone(),
                fault,
            },
        );
    }
    let tamper = match fault {
        Some(Fault::Error(error)) => {
            let code = error.code();
            if request.prompt.none {
                silent_outcome(state, &target, code.as_str());
            }
            return deliver_error(
                &target,
                origins,
                &code,
                "injected by the authorization server's dev controls",
                after_post,
            );
        }
        Some(Fault::Tamper(tamper)) => Some(tamper),
        None => None,
    };
    match tokens::mint(state, request, session, user, tamper) {
        Ok(minted) => {
            state.event_on(
                request.oauth_state(),
                EventKind::TokensIssued {
                    client_id: request.client_id.clone(),
                    username: user.username.clone(),
                    response_type: request.response_type.as_str(),
                    access_token_kid: minted.access_token_kid,
                    id_token_kid: minted.id_token_kid,
                    expires_in: minted.expires_in,
                    scope: minted
                        .scope
                        .clone()
                        .unwrap_or_else(|| request.scope.clone()),
                    tampered: tamper,
                },
            );
            if request.prompt.none {
                // Tokens a client must refuse are no successful renewal.
                let outcome = match tamper {
                    Some(tamper) => format!("issued, broken on purpose ({})", tamper.as_str()),
                    None => "issued".to_owned(),
                };
                silent_outcome(state, &target, &outcome);
            }
            deliver(&target, origins, &minted.params, after_post)
        }
        Err(error) => {
            tracing::error!(%error, "cannot sign tokens");
            refuse(
                state,
                &target,
                &ErrorCode::ServerError,
                "the tokens could not be signed",
                after_post,
            )
        }
    }
}

// ---- login --------------------------------------------------------------

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
/// continues the authorization request.
pub async fn login_post(
    State(state): State<AppState>,
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
    let user = state.tenant.user(username);
    // An unknown user costs one Argon2 check too, so timing does not tell
    // which usernames exist.
    let hash = user.map_or_else(|| state.dummy_hash.clone(), |u| u.password_hash.clone());
    let verified = tokio::task::spawn_blocking(move || verify_password(&hash, &password))
        .await
        .unwrap_or(false);
    let Some(user) = user.filter(|_| verified) else {
        state.event_on(
            pending.request.oauth_state(),
            EventKind::LoginFailed {
                username: user.map(|u| u.username.clone()),
            },
        );
        let page = pages::login(
            client,
            id,
            &pending.csrf,
            username,
            Some("Wrong username or password."),
            &state.tenant.users,
        );
        return Ok(html(StatusCode::BAD_REQUEST, page, Framing::Deny));
    };

    if let Some(old) = jar.get(session_cookie_name(state.secure_cookies)) {
        state.store.end_session(old.value());
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
    let jar = jar.add(session_cookie(session_id, state.secure_cookies));
    let response = proceed(&state, pending, Some(id.to_owned()), Some(session), true);
    Ok((jar, response).into_response())
}

// ---- consent ------------------------------------------------------------

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
            let session = current_session(&state, &jar).map(|(_, s)| s);
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
            let origins = state.web_origins_of(&target);
            deliver_error(
                &target,
                origins,
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
) -> Result<(&'a super::tenant::Client, &'a super::tenant::User), PageError> {
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

// ---- helpers --------------------------------------------------------------

fn pending_from_query(
    state: &AppState,
    query: Option<&str>,
) -> Result<(String, Pending), PageError> {
    let params = Params::parse(query.unwrap_or_default().as_bytes())?;
    let id = params
        .single("request")
        .ok()
        .flatten()
        .ok_or(PageError::Expired)?;
    let pending = state
        .store
        .pending(id, state.now())
        .ok_or(PageError::Expired)?;
    Ok((id.to_owned(), pending))
}

/// The live session named by the cookie, if any.
pub fn current_session(state: &AppState, jar: &CookieJar) -> Option<(String, Session)> {
    let id = jar
        .get(session_cookie_name(state.secure_cookies))?
        .value()
        .to_owned();
    let session = state.store.session(&id, state.now(), &state.lifetimes())?;
    Some((id, session))
}

pub(super) fn redirect(location: &str, after_post: bool) -> Response {
    let status = if after_post {
        StatusCode::SEE_OTHER
    } else {
        StatusCode::FOUND
    };
    let mut response = status.into_response();
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Refuses a POST whose body is not a form (415).
pub fn require_form(headers: &HeaderMap) -> Result<(), PageError> {
    let is_form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| {
            v.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        });
    if is_form {
        Ok(())
    } else {
        Err(PageError::NotForm)
    }
}

/// Compares secrets without stopping at the first difference.
pub(super) fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// A value from the request, shortened for the event log.
fn short(value: &str) -> String {
    value.chars().take(100).collect()
}

/// The browser cookie: HttpOnly, SameSite=Lax (a cross-site POST to the
/// login form does not carry it), Path=/, for the browser's session.
fn browser_cookie(id: String, secure: bool) -> Cookie<'static> {
    Cookie::build((browser_cookie_name(secure), id))
        .http_only(true)
        .same_site(SameSite::Lax)
        .path("/")
        .secure(secure)
        .build()
}

/// The SSO session cookie: HttpOnly (no script reads it), SameSite=Lax (the
/// SPA at localhost:3000 and the issuer at localhost:9000 are same-site, so
/// the hidden iframe of silent renewal still sends it; a provider on another
/// site would need `SameSite=None; Secure`), Path=/.
pub fn session_cookie(id: String, secure: bool) -> Cookie<'static> {
    Cookie::build((session_cookie_name(secure), id))
        .http_only(true)
        .same_site(SameSite::Lax)
        .path("/")
        .secure(secure)
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_compare_by_value() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("abc", "ab"));
    }
}
