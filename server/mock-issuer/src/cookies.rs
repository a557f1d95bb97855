//! The issuer's two cookies (the browser that started a request, the SSO
//! session) and what the login and consent forms must carry: the same
//! browser, a form body, the request's CSRF token.

use axum::http::{HeaderMap, header};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};

use super::{
    AppState, BROWSER_COOKIE, BROWSER_COOKIE_HOST, SESSION_COOKIE, SESSION_COOKIE_HOST,
    params::Params,
    respond::PageError,
    store::{Pending, Session},
};

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
pub(super) fn browser_id(jar: &CookieJar, secure: bool) -> Option<&str> {
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
pub(super) fn continued_request<'f>(
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
pub(super) fn same_browser(
    state: &AppState,
    jar: &CookieJar,
    pending: &Pending,
) -> Result<(), PageError> {
    match browser_id(jar, state.secure_cookies) {
        Some(id) if !pending.browser.is_empty() && same_secret(id, &pending.browser) => Ok(()),
        _ => Err(PageError::OtherBrowser),
    }
}

/// The pending request a page's `?request=<id>` names.
pub(super) fn pending_from_query(
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

/// The browser cookie: HttpOnly, SameSite=Lax (a cross-site POST to the
/// login form does not carry it), Path=/, for the browser's session.
pub(super) fn browser_cookie(id: String, secure: bool) -> Cookie<'static> {
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
