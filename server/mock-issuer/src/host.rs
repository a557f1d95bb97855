//! The `Host` check in front of every route: the issuer answers only for
//! the authority of its own URL.
//!
//! A page on `attacker.example` whose DNS name is re-pointed at 127.0.0.1
//! (DNS rebinding) reaches a loopback server *same-origin* from the
//! browser's point of view, so neither CORS nor the dev controls' `Origin`
//! check sees anything wrong; only `Host` still says `attacker.example`.
//! RFC 9110 §7.2 makes `Host` the target's authority; RFC 9110 §15.5.20
//! names the answer for one this server does not serve: 421.

use axum::{
    extract::Request,
    http::{StatusCode, header, uri::Authority},
    middleware::Next,
    response::{IntoResponse, Response},
};

/// The `host[:port]` the issuer answers for, from its URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ServedHost {
    /// Lower case; an IPv6 literal keeps its brackets.
    host: String,
    port: u16,
    /// The port a `Host` without one means: the scheme's.
    default_port: u16,
}

impl ServedHost {
    /// The authority of an absolute http(s) URL.
    pub fn of(url: &url::Url) -> Option<Self> {
        Some(Self {
            host: url.host_str()?.to_ascii_lowercase(),
            port: url.port_or_known_default()?,
            default_port: match url.scheme() {
                "https" => 443,
                _ => 80,
            },
        })
    }

    /// Whether a request's authority names this host, the port defaulting
    /// to the scheme's as in the URL (`localhost` is `localhost:80`).
    fn matches(&self, authority: &Authority) -> bool {
        authority.host().eq_ignore_ascii_case(&self.host)
            && authority.port_u16().unwrap_or(self.default_port) == self.port
    }
}

/// Why a request was not for this issuer.
#[derive(Debug, thiserror::Error)]
pub(crate) enum HostError {
    /// No `Host` header and no authority in the request target.
    #[error("the request names no host (RFC 9110 §7.2)")]
    Missing,
    /// A `Host` that is not an authority.
    #[error("the Host header is not a host name and port")]
    Malformed,
    /// Another host: a rebound DNS name, or a misrouted request.
    #[error("this server answers only for {0}")]
    Other(String),
}

impl IntoResponse for HostError {
    fn into_response(self) -> Response {
        let status = match self {
            Self::Missing | Self::Malformed => StatusCode::BAD_REQUEST,
            Self::Other(_) => StatusCode::MISDIRECTED_REQUEST,
        };
        (status, self.to_string()).into_response()
    }
}

/// Runs the request only when it names the issuer's own host. HTTP/1.1
/// puts it in `Host`; HTTP/2 in the `:authority` that becomes the URI's.
pub(crate) async fn guard(served: ServedHost, request: Request, next: Next) -> Response {
    let authority = match request.headers().get(header::HOST) {
        Some(value) => value
            .to_str()
            .ok()
            .and_then(|host| host.parse::<Authority>().ok())
            .ok_or(HostError::Malformed),
        None => request.uri().authority().cloned().ok_or(HostError::Missing),
    };
    match authority {
        Ok(authority) if served.matches(&authority) => next.run(request).await,
        Ok(_) => HostError::Other(format!("{}:{}", served.host, served.port)).into_response(),
        Err(error) => error.into_response(),
    }
}
