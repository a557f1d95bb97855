//! Ending the single sign-on session: Auth0's `GET /v2/logout` and the
//! OpenID Connect RP-Initiated Logout endpoint (`end_session_endpoint`,
//! RP-Initiated Logout 1.0 §2). Either returns only to a logout URL the
//! client registered, compared as an exact string; any other return URL
//! gets an error page and the session is left alone (an open redirector
//! would be worse than a failed logout).
//!
//! The end-session endpoint asks "Log out?" unless the request carries an
//! `id_token_hint` of the user logged in (§2: otherwise any page could end
//! the session with a link). `/v2/logout` ends it at once, as Auth0's does:
//! it is here for clients written against Auth0, and it is the reason such
//! a logout link works from any site.

use axum::{
    body::Bytes,
    extract::{RawQuery, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};
use axum_extra::extract::cookie::CookieJar;
use protocol::{IdTokenClaims, TokenType};
use url::form_urlencoded;

use aws_lc_rs::digest;
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};

use super::{
    AppState,
    cookies::{current_session, require_form, same_secret, session_id, without_session_cookies},
    events::EventKind,
    pages::{self, LogoutQuestion},
    params::Params,
    respond::{Framing, PageError, html, redirect},
    tenant::Client,
};

/// `GET /v2/logout?client_id=&returnTo=` (Auth0).
pub async fn v2_logout_get(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
    jar: CookieJar,
) -> Result<Response, PageError> {
    let params = Params::parse(query.unwrap_or_default().as_bytes())?;
    let read = |name| param(&state, &params, name);
    let client = read("client_id")?
        .map(|id| named_client(&state, id))
        .transpose()?;
    let return_to = return_url(&state, client, read("returnTo")?, None)?;
    Ok(log_out(&state, jar, client, return_to, false))
}

/// `GET /oidc/logout` (RP-Initiated Logout §2).
pub async fn end_session_get(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
    jar: CookieJar,
) -> Result<Response, PageError> {
    let params = Params::parse(query.unwrap_or_default().as_bytes())?;
    end_session(&state, &params, jar, false)
}

/// `POST /oidc/logout`: the same parameters, form-encoded.
pub async fn end_session_post(
    State(state): State<AppState>,
    headers: HeaderMap,
    jar: CookieJar,
    body: Bytes,
) -> Result<Response, PageError> {
    require_form(&headers)?;
    end_session(&state, &Params::parse(&body)?, jar, true)
}

fn end_session(
    state: &AppState,
    params: &Params,
    jar: CookieJar,
    after_post: bool,
) -> Result<Response, PageError> {
    let read = |name| param(state, params, name);
    let hint = read("id_token_hint")?;
    let client_id = read("client_id")?;
    let redirect = read("post_logout_redirect_uri")?;
    let logout_state = read("state")?;

    // The client is named by client_id, by the hint's audience, or both,
    // and then they must agree (RP-Initiated Logout §2).
    let hinted = hint.map(|hint| read_hint(state, hint)).transpose()?;
    let hinted_sub = hinted.as_ref().map(|(_, sub)| sub.as_str());
    let named = client_id.map(|id| named_client(state, id)).transpose()?;
    let client = match (hinted.as_ref().map(|(client, _)| *client), named) {
        (Some(a), Some(b)) if a.client_id != b.client_id => {
            return Err(refuse(
                state,
                "client_id is not the audience of the id_token_hint".into(),
            ));
        }
        (a, b) => a.or(b),
    };
    let return_to = return_url(state, client, redirect, logout_state)?;

    // RP-Initiated Logout §2: the OP MUST ask the user when no hint was
    // given or the hint is not the current user's, since anyone can send a
    // browser here (a plain link on another site would end the session).
    if let Some((session_id, session)) = current_session(state, &jar) {
        let hinted_user = hinted_sub
            .and_then(|sub| state.tenant.user_by_sub(sub))
            .map(|user| user.username.as_str());
        let reason = match hinted_user {
            _ if hint.is_none() => Some("no id_token_hint"),
            Some(user) if user == session.username => None,
            _ => Some("the id_token_hint is another user's"),
        };
        if let Some(reason) = reason {
            state.event(EventKind::LogoutConfirmationShown {
                reason,
                client_id: client.map(|c| c.client_id.clone()),
            });
            let user_name = state
                .tenant
                .user(&session.username)
                .map_or(session.username.as_str(), |user| user.name.as_str());
            let page = pages::confirm_logout(&LogoutQuestion {
                user_name,
                client,
                post_logout_redirect_uri: redirect,
                state: logout_state,
                csrf: &confirmation_token(&session_id),
            });
            return Ok(html(StatusCode::OK, page, Framing::Deny));
        }
    }
    Ok(log_out(state, jar, client, return_to, after_post))
}

/// `POST /oidc/logout/confirm`: the answer from the confirmation page. Its
/// client and return URL are checked again: the form is only the browser's
/// copy of them.
pub async fn confirm_post(
    State(state): State<AppState>,
    headers: HeaderMap,
    jar: CookieJar,
    body: Bytes,
) -> Result<Response, PageError> {
    require_form(&headers)?;
    let params = Params::parse(&body)?;
    let read = |name| param(&state, &params, name);
    let csrf = read("csrf")?.unwrap_or_default();
    let decision = read("decision")?;
    let client = read("client_id")?
        .map(|id| named_client(&state, id))
        .transpose()?;
    let return_to = return_url(
        &state,
        client,
        read("post_logout_redirect_uri")?,
        read("state")?,
    )?;
    let Some((session_id, session)) = current_session(&state, &jar) else {
        // The session already ended (expired, or logged out elsewhere).
        return Ok(log_out(&state, jar, client, return_to, true));
    };
    if !same_secret(csrf, &confirmation_token(&session_id)) {
        return Err(refuse(
            &state,
            "this answer did not come from the confirmation page shown to this browser".into(),
        ));
    }
    match decision {
        Some("logout") => Ok(log_out(&state, jar, client, return_to, true)),
        Some("stay") => {
            state.event(EventKind::LogoutDeclined {
                username: session.username,
            });
            Ok(match return_to {
                Some(url) => redirect(&url, true),
                None => html(StatusCode::OK, pages::still_logged_in(), Framing::Deny),
            })
        }
        _ => Err(refuse(&state, "decision must be logout or stay".into())),
    }
}

/// The confirmation page's anti-CSRF token: derived from the session id,
/// which only this browser holds (an `HttpOnly` cookie), so another site can
/// neither read nor compute it.
fn confirmation_token(session_id: &str) -> String {
    let input = format!("logout-confirmation:{session_id}");
    URL_SAFE_NO_PAD.encode(digest::digest(&digest::SHA256, input.as_bytes()))
}

/// The client named by `client_id`.
fn named_client<'a>(state: &'a AppState, client_id: &str) -> Result<&'a Client, PageError> {
    state.tenant.client(client_id).ok_or_else(|| {
        refuse(
            state,
            format!("no application has the client_id {client_id:?}"),
        )
    })
}

/// The client an `id_token_hint` was issued to, and its `sub`: the hint
/// must be an ID token this issuer signed; expired is fine (it only names
/// the client and the user).
fn read_hint<'a>(state: &'a AppState, hint: &str) -> Result<(&'a Client, String), PageError> {
    let claims: IdTokenClaims = state
        .keys
        .verify(hint, TokenType::Jwt, state.now())
        .map_err(|error| {
            refuse(
                state,
                format!("the id_token_hint was not issued by this server ({error})"),
            )
        })?;
    if claims.iss.as_deref() != Some(state.issuer.as_str()) {
        return Err(refuse(
            state,
            "the id_token_hint was issued by another issuer".into(),
        ));
    }
    let Some(sub) = claims.sub else {
        return Err(refuse(
            state,
            "the id_token_hint names no user (sub)".into(),
        ));
    };
    state
        .tenant
        .clients
        .iter()
        .find(|c| (claims.aud.as_ref()).is_some_and(|aud| aud.contains(c.client_id.as_str())))
        .map(|client| (client, sub))
        .ok_or_else(|| {
            refuse(
                state,
                "the id_token_hint is for no registered application".into(),
            )
        })
}

/// A parameter of a logout request, present at most once.
fn param<'p>(
    state: &AppState,
    params: &'p Params,
    name: &'static str,
) -> Result<Option<&'p str>, PageError> {
    params
        .single(name)
        .map_err(|e| refuse(state, e.to_string()))
}

/// Where to go after logging out: `url` if it is one of `client`'s
/// registered logout URLs, with `logout_state` added; refused otherwise.
fn return_url(
    state: &AppState,
    client: Option<&Client>,
    url: Option<&str>,
    logout_state: Option<&str>,
) -> Result<Option<String>, PageError> {
    url.map(|url| {
        check_return_url(client, url)
            .map(|url| with_state(url, logout_state))
            .map_err(|message| refuse(state, message))
    })
    .transpose()
}

/// The registered logout URL equal to `url`, or why not.
fn check_return_url<'a>(client: Option<&Client>, url: &'a str) -> Result<&'a str, String> {
    let Some(client) = client else {
        return Err(
            "a return URL needs the application (client_id, or an id_token_hint) whose logout URLs list it".into(),
        );
    };
    if client.allows_logout_url(url) {
        Ok(url)
    } else {
        Err(format!(
            "{url:?} is not one of the allowed logout URLs of {} (compared as exact strings)",
            client.name
        ))
    }
}

/// Adds `state` to the query of a registered URL without re-serializing
/// (and so changing) the URL itself.
fn with_state(url: &str, state: Option<&str>) -> String {
    match state {
        Some(state) => {
            let separator = if url.contains('?') { '&' } else { '?' };
            let encoded: String = form_urlencoded::byte_serialize(state.as_bytes()).collect();
            format!("{url}{separator}state={encoded}")
        }
        None => url.to_owned(),
    }
}

/// Ends the session this browser has, if any, and returns to `return_to`
/// (already checked) or shows "You are logged out". `after_post`: answer a
/// form with 303 See Other, so that the browser follows with a GET.
fn log_out(
    state: &AppState,
    jar: CookieJar,
    client: Option<&Client>,
    return_to: Option<String>,
    after_post: bool,
) -> Response {
    let ended =
        session_id(&jar, state.cookies).and_then(|session_id| state.store.end_session(&session_id));
    state.event(EventKind::LoggedOut {
        username: ended.map(|s| s.username),
        client_id: client.map(|c| c.client_id.clone()),
    });
    let jar = without_session_cookies(jar, state.cookies);
    let response = match return_to {
        Some(url) => redirect(&url, after_post),
        None => html(StatusCode::OK, pages::logged_out(), Framing::Deny),
    };
    (jar, response).into_response()
}

fn refuse(state: &AppState, message: String) -> PageError {
    state.event(EventKind::LogoutRefused {
        reason: message.clone(),
    });
    PageError::LogoutRefused(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_state_is_appended_without_touching_the_registered_url() {
        assert_eq!(
            with_state("http://localhost:3000/logged-out", Some("a b&c")),
            "http://localhost:3000/logged-out?state=a+b%26c"
        );
        assert_eq!(
            with_state("http://localhost:3000/?x=1", Some("s")),
            "http://localhost:3000/?x=1&state=s"
        );
        assert_eq!(
            with_state("http://localhost:3000/", None),
            "http://localhost:3000/"
        );
    }
}
