//! The issuer's two cookies (the browser that started a request, the SSO
//! session) and what the login and consent forms must carry: the same
//! browser, a form body, the request's CSRF token.

use axum::http::{HeaderMap, header};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};

use super::{
    AppState, BROWSER_COOKIE, BROWSER_COOKIE_HOST, SESSION_COOKIE, SESSION_COOKIE_HOST,
    SESSION_COOKIE_LAX,
    params::Params,
    respond::PageError,
    store::{Pending, Session},
};

/// How the issuer's cookies are made, from its URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CookiePolicy {
    /// An https issuer: `Secure` cookies with `__Host-` names, so no other
    /// origin, not even a sibling subdomain, can plant one.
    pub https: bool,
    /// An origin browsers treat as secure (https, or http on loopback:
    /// Chromium since 89 and Firefox since 75 take `Secure` cookies from
    /// `http://localhost` and `http://127.0.0.1`): the session cookie can be
    /// `SameSite=None; Secure`, which a cross-site iframe sends.
    pub cross_site: bool,
}

impl CookiePolicy {
    /// The policy for an issuer at `url`.
    pub fn of(url: &url::Url) -> Self {
        let https = url.scheme() == "https";
        let loopback = match url.host() {
            Some(url::Host::Domain(name)) => name == "localhost" || name.ends_with(".localhost"),
            Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
            None => false,
        };
        Self {
            https,
            cross_site: https || loopback,
        }
    }

    /// The session cookie's name.
    fn session_name(self) -> &'static str {
        if self.https {
            SESSION_COOKIE_HOST
        } else {
            SESSION_COOKIE
        }
    }

    /// The fallback session cookie's name, on an http issuer whose session
    /// cookie is `Secure`: for a browser that takes no `Secure` cookie over
    /// http (Safari), which then keeps a login but not a cross-site iframe's
    /// renewal (as with its third-party cookies, which it blocks anyway).
    fn fallback_name(self) -> Option<&'static str> {
        (self.cross_site && !self.https).then_some(SESSION_COOKIE_LAX)
    }

    fn browser_name(self) -> &'static str {
        if self.https {
            BROWSER_COOKIE_HOST
        } else {
            BROWSER_COOKIE
        }
    }
}

/// The session cookies to set for `id`: HttpOnly (no script reads it),
/// Path=/; `SameSite=None; Secure` where the browser takes it, so that the
/// hidden iframe of silent renewal, on the client's site, sends it
/// (RFC 6265bis §5.4.7), plus the `SameSite=Lax` fallback on http.
pub fn session_cookies(id: &str, policy: CookiePolicy) -> Vec<Cookie<'static>> {
    let primary = Cookie::build((policy.session_name(), id.to_owned()))
        .http_only(true)
        .path("/");
    let primary = if policy.cross_site {
        primary.same_site(SameSite::None).secure(true)
    } else {
        primary.same_site(SameSite::Lax)
    };
    let mut cookies = vec![primary.build()];
    if let Some(name) = policy.fallback_name() {
        cookies.push(
            Cookie::build((name, id.to_owned()))
                .http_only(true)
                .same_site(SameSite::Lax)
                .path("/")
                .build(),
        );
    }
    cookies
}

/// The session id the request carries: the session cookie's, else the
/// fallback's.
pub fn session_id(jar: &CookieJar, policy: CookiePolicy) -> Option<String> {
    jar.get(policy.session_name())
        .or_else(|| policy.fallback_name().and_then(|name| jar.get(name)))
        .map(|cookie| cookie.value().to_owned())
}

/// `jar` with every session cookie it was sent removed, with the attributes
/// each was set with (a browser ignores a `__Host-` cookie, even an expired
/// one that removes it, without `Secure`). A cookie it was not sent is not
/// touched: a cross-site POST arrives without a `SameSite=Lax` cookie, and
/// deleting it anyway would let any page log the user out.
pub fn without_session_cookies(mut jar: CookieJar, policy: CookiePolicy) -> CookieJar {
    let names = std::iter::once(policy.session_name()).chain(policy.fallback_name());
    for name in names {
        if jar.get(name).is_some() {
            let secure = name != SESSION_COOKIE_LAX && policy.cross_site;
            jar = jar.remove(Cookie::build(name).path("/").secure(secure));
        }
    }
    jar
}

/// The browser id a request carries, if it has the shape of one this server
/// makes (43 base64url characters).
pub(super) fn browser_id(jar: &CookieJar, policy: CookiePolicy) -> Option<&str> {
    jar.get(policy.browser_name())
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
    match browser_id(jar, state.cookies) {
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
    let id = session_id(jar, state.cookies)?;
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
/// login form does not carry it; only top-level pages of the issuer need
/// it), Path=/, for the browser's session.
pub(super) fn browser_cookie(id: String, policy: CookiePolicy) -> Cookie<'static> {
    Cookie::build((policy.browser_name(), id))
        .http_only(true)
        .same_site(SameSite::Lax)
        .path("/")
        .secure(policy.https)
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(url: &str) -> CookiePolicy {
        CookiePolicy::of(&url::Url::parse(url).unwrap())
    }

    #[test]
    fn loopback_and_https_issuers_get_cross_site_session_cookies() {
        for url in [
            "http://127.0.0.1:9000",
            "http://localhost:9000",
            "http://issuer.localhost:9000",
            "http://[::1]:9000",
            "https://idp.example",
        ] {
            assert!(policy(url).cross_site, "{url}");
        }
        for url in ["http://192.168.1.20:9000", "http://idp.example"] {
            assert!(!policy(url).cross_site, "{url}");
        }
    }

    #[test]
    fn the_session_cookies_an_issuer_sets() {
        let shape = |url: &str| -> Vec<String> {
            session_cookies("id", policy(url))
                .iter()
                .map(|c| c.to_string())
                .collect()
        };
        assert_eq!(
            shape("http://127.0.0.1:9000"),
            [
                "issuer_session=id; HttpOnly; SameSite=None; Secure; Path=/",
                "issuer_session_lax=id; HttpOnly; SameSite=Lax; Path=/"
            ]
        );
        assert_eq!(
            shape("https://idp.example"),
            ["__Host-issuer_session=id; HttpOnly; SameSite=None; Secure; Path=/"]
        );
        assert_eq!(
            shape("http://idp.example"),
            ["issuer_session=id; HttpOnly; SameSite=Lax; Path=/"]
        );
    }

    #[test]
    fn secrets_compare_by_value() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("abc", "ab"));
    }
}
