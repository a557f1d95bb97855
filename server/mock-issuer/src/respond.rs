//! Building responses: HTML pages with their framing policy, and
//! authorization responses in the redirect URI's fragment (RFC 6749
//! §4.2.2) or as a web message.

use axum::{
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use maud::Markup;
use protocol::{ErrorCode, ResponseMode};
use url::form_urlencoded;

use super::{
    AppState, dev::ResponseIss, pages, params::ParamsError, request::Target, store::random_id,
};

/// Who may show a page in a frame.
#[derive(Debug, Clone, Copy)]
pub enum Framing<'a> {
    /// Nobody: login, consent and error pages (clickjacking, RFC 6749
    /// §10.13).
    Deny,
    /// Only these origins: silent-authentication responses, which the
    /// client loads in a hidden iframe.
    Origins(&'a [String]),
}

impl Framing<'_> {
    fn frame_ancestors(self) -> String {
        match self {
            Self::Deny => "'none'".to_owned(),
            Self::Origins([]) => "'none'".to_owned(),
            Self::Origins(origins) => origins.join(" "),
        }
    }

    /// Adds `Content-Security-Policy` (with `extra` directives) and, when
    /// framing is denied, `X-Frame-Options: DENY` for old browsers.
    fn apply(self, headers: &mut HeaderMap, extra: &str) {
        let csp = format!("{extra}; frame-ancestors {}", self.frame_ancestors());
        if let Ok(value) = HeaderValue::from_str(&csp) {
            headers.insert(header::CONTENT_SECURITY_POLICY, value);
        }
        if matches!(self, Self::Deny) {
            headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
        }
    }
}

/// The CSP of every HTML page: nothing but the issuer's own stylesheet and
/// images (and the page's empty `data:` icon, which keeps the browser from
/// asking for `/favicon.ico`), no script, no `<base>`.
const PAGE_CSP: &str =
    "default-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'none'";

/// An HTML page.
pub fn html(status: StatusCode, page: Markup, framing: Framing<'_>) -> Response {
    let mut response = (status, page).into_response();
    let headers = response.headers_mut();
    framing.apply(headers, PAGE_CSP);
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// An error page (HTTP `status`): nothing goes back to the client.
pub fn error_page(status: StatusCode, title: &str, message: &str) -> Response {
    html(status, pages::error(title, message), Framing::Deny)
}

/// Sends an authorization response to the client at `target`: `params`
/// plus `state` and `iss`, the issuer identifier (RFC 9207 §2, in every
/// response, success or error, fragment or web message). Status 302 for a
/// GET, 303 after a form POST (so the browser follows with a GET).
pub fn deliver(
    state: &AppState,
    target: &Target,
    params: &[(&str, String)],
    after_post: bool,
) -> Response {
    let web_origins = state.web_origins_of(target);
    let oauth_state = target.state.as_ref().map(|s| ("state", s.as_str()));
    let iss = match state.dev.response_iss() {
        ResponseIss::Issuer => Some(state.issuer.clone()),
        ResponseIss::Other(other) => Some(other),
        ResponseIss::Omitted => None,
    };
    let all = params
        .iter()
        .map(|(k, v)| (*k, v.as_str()))
        .chain(oauth_state)
        .chain(iss.as_deref().map(|iss| ("iss", iss)));
    let framing = if target.prompt_none {
        Framing::Origins(web_origins)
    } else {
        Framing::Deny
    };
    match target.response_mode {
        ResponseMode::Fragment => {
            let fragment = form_urlencoded::Serializer::new(String::new())
                .extend_pairs(all)
                .finish();
            let location = format!("{}#{fragment}", target.redirect_uri.as_str());
            let Ok(location) = HeaderValue::from_str(&location) else {
                // Registered URIs are ASCII (checked at load) and the
                // fragment is percent-encoded, so this does not happen.
                return error_page(
                    StatusCode::BAD_REQUEST,
                    "Cannot redirect",
                    "The redirect URI cannot be sent in a Location header.",
                );
            };
            let status = if after_post {
                StatusCode::SEE_OTHER
            } else {
                StatusCode::FOUND
            };
            let mut response = status.into_response();
            let headers = response.headers_mut();
            headers.insert(header::LOCATION, location);
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            // Tokens in the fragment must not leak through Referer.
            headers.insert(
                header::REFERRER_POLICY,
                HeaderValue::from_static("no-referrer"),
            );
            framing.apply(headers, "default-src 'none'");
            response
        }
        ResponseMode::WebMessage => {
            let object: serde_json::Map<String, serde_json::Value> = all
                .map(|(k, v)| {
                    // auth0.js reads expires_in as a number.
                    let value = match (k, v.parse::<u64>()) {
                        ("expires_in", Ok(n)) => n.into(),
                        _ => v.into(),
                    };
                    (k.to_owned(), value)
                })
                .collect();
            let json = serde_json::Value::Object(object).to_string();
            let nonce = random_id();
            let page = pages::web_message(&json, target.redirect_uri.origin(), &nonce);
            let mut response = (StatusCode::OK, page).into_response();
            let headers = response.headers_mut();
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            headers.insert(
                header::REFERRER_POLICY,
                HeaderValue::from_static("no-referrer"),
            );
            // Only the client's own origins may frame it: it carries tokens.
            Framing::Origins(web_origins).apply(
                headers,
                &format!("default-src 'none'; script-src 'nonce-{nonce}'; base-uri 'none'"),
            );
            response
        }
    }
}

/// Sends an error response to the client (RFC 6749 §4.2.2.1).
pub fn deliver_error(
    state: &AppState,
    target: &Target,
    error: &ErrorCode,
    description: &str,
    after_post: bool,
) -> Response {
    deliver(
        state,
        target,
        &[
            ("error", error.as_str().to_owned()),
            ("error_description", description.to_owned()),
        ],
        after_post,
    )
}

/// A request answered with an error page: the browser stays at the
/// authorization server and nothing goes back to an application. Each
/// variant's status is in its documentation.
#[derive(Debug, thiserror::Error)]
pub enum PageError {
    /// 400: the authorization request cannot be answered at its redirect
    /// URI (unknown client, unregistered redirect URI, ...).
    #[error("{0}")]
    InvalidRequest(String),
    /// 400, 413: parameters that cannot be read.
    #[error("{0}.")]
    Params(#[from] ParamsError),
    /// 415: a POST that is not a form.
    #[error("Send the parameters as application/x-www-form-urlencoded.")]
    NotForm,
    /// 400: a form without one of its fields.
    #[error("The form is incomplete: {0} is missing.")]
    Incomplete(&'static str),
    /// 400: the pending request is unknown or expired.
    #[error(
        "The authorization request is unknown or too old. Go back to the application and log in again."
    )]
    Expired,
    /// 400: the CSRF token does not match the pending request.
    #[error(
        "The form's anti-forgery token does not match this request. Reload the page and try again."
    )]
    Forged,
    /// 400: the login or consent page of a request that another browser
    /// started (login CSRF: RFC 6749 §10.12, OIDC Core §3.1.2.3).
    #[error(
        "This page belongs to a login started in another browser. Go back to the application and log in from there."
    )]
    OtherBrowser,
    /// 400: the consent page is not that of the logged-in user.
    #[error(
        "This consent page belongs to another login. Go back to the application and start again."
    )]
    SessionChanged,
    /// 400: a logout that cannot be honoured; the session is kept.
    #[error("{0}. You are still logged in.")]
    LogoutRefused(String),
    /// 404.
    #[error("The authorization server has no page at this address.")]
    NotFound,
}

impl PageError {
    fn status_and_title(&self) -> (StatusCode, &'static str) {
        match self {
            Self::InvalidRequest(_) => (StatusCode::BAD_REQUEST, "Invalid authorization request"),
            Self::Params(ParamsError::TooLarge) => {
                (StatusCode::PAYLOAD_TOO_LARGE, "Request too large")
            }
            Self::Params(_) => (StatusCode::BAD_REQUEST, "Invalid request"),
            Self::NotForm => (StatusCode::UNSUPPORTED_MEDIA_TYPE, "Unsupported request"),
            Self::Incomplete(_) | Self::Forged => (StatusCode::BAD_REQUEST, "Invalid form"),
            Self::Expired => (StatusCode::BAD_REQUEST, "This page has expired"),
            Self::SessionChanged => (StatusCode::BAD_REQUEST, "Session changed"),
            Self::OtherBrowser => (StatusCode::BAD_REQUEST, "Another browser's login"),
            Self::LogoutRefused(_) => (StatusCode::BAD_REQUEST, "Logout refused"),
            Self::NotFound => (StatusCode::NOT_FOUND, "Not found"),
        }
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let (status, title) = self.status_and_title();
        error_page(status, title, &self.to_string())
    }
}

/// A redirect that is never cached: 303 after a form post, else 302.
pub fn redirect(location: &str, after_post: bool) -> Response {
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
