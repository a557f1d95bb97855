//! Newtypes for the string values of an authorization request.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Declares a newtype over `String` whose `Debug` output is redacted when the
/// value is a secret-like one-time value (state, nonce).
macro_rules! string_newtype {
    ($(#[$meta:meta])* $name:ident, debug = $debug:ident) => {
        $(#[$meta])*
        #[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Wraps a value without checks (the value is opaque to the protocol).
            pub fn new(value: impl Into<String>) -> Self {
                Self(value.into())
            }

            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        string_newtype!(@debug $name, $debug);
    };
    (@debug $name:ident, plain) => {
        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({:?})", stringify!($name), self.0)
            }
        }
    };
    (@debug $name:ident, redacted) => {
        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}([redacted])", stringify!($name))
            }
        }
    };
}

string_newtype!(
    /// The client identifier issued at registration (RFC 6749 §2.2).
    ClientId,
    debug = plain
);

string_newtype!(
    /// The opaque `state` value that binds an authorization response to the
    /// request that caused it, against CSRF (RFC 6749 §4.2.1, §10.12).
    State,
    debug = redacted
);

string_newtype!(
    /// The `nonce` that binds an id_token to the client's session, against
    /// replay (OpenID Connect Core §3.2.2.1, §15.5.2).
    Nonce,
    debug = redacted
);

string_newtype!(
    /// An ID token the provider issued earlier, sent back as
    /// `id_token_hint` (OIDC Core §3.1.2.1) so that a silent request renews
    /// that user's session or fails; a token, so never printed.
    IdTokenHint,
    debug = redacted
);

/// A redirection endpoint (RFC 6749 §3.1.2): an absolute URI without a
/// fragment. Registered and requested values are compared as exact strings
/// (RFC 9700 §4.1.3), so this type never normalises what it holds.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RedirectUri(String);

/// Why a string is not a usable redirection endpoint.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RedirectUriError {
    /// RFC 6749 §3.1.2: the endpoint URI MUST be an absolute URI.
    #[error("the redirect URI must be an absolute http:// or https:// URI")]
    NotAbsolute,
    /// RFC 6749 §3.1.2: the endpoint URI MUST NOT include a fragment component.
    #[error("the redirect URI must not contain a fragment (#)")]
    HasFragment,
    /// Whitespace or control characters have no place in a URI (RFC 3986 §2).
    #[error("the redirect URI contains whitespace or control characters")]
    BadCharacters,
}

impl RedirectUri {
    /// Checks the shape required by RFC 6749 §3.1.2: absolute `http(s)` URI
    /// with a host, no fragment, no whitespace.
    pub fn parse(value: impl Into<String>) -> Result<Self, RedirectUriError> {
        let value = value.into();
        if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(RedirectUriError::BadCharacters);
        }
        let rest = value
            .strip_prefix("https://")
            .or_else(|| value.strip_prefix("http://"))
            .ok_or(RedirectUriError::NotAbsolute)?;
        let host = rest.split(['/', '?']).next().unwrap_or_default();
        if host.is_empty() || host.starts_with(':') {
            return Err(RedirectUriError::NotAbsolute);
        }
        if value.contains('#') {
            return Err(RedirectUriError::HasFragment);
        }
        Ok(Self(value))
    }

    /// The URI exactly as registered or requested.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The origin (`scheme://host[:port]`) of this URI, as the browser's
    /// `postMessage` and CORS compare it.
    pub fn origin(&self) -> &str {
        let scheme_len = if self.0.starts_with("https://") { 8 } else { 7 };
        let end = self.0[scheme_len..]
            .find(['/', '?'])
            .map_or(self.0.len(), |i| i + scheme_len);
        &self.0[..end]
    }
}

impl TryFrom<String> for RedirectUri {
    type Error = RedirectUriError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(value)
    }
}

impl From<RedirectUri> for String {
    fn from(value: RedirectUri) -> Self {
        value.0
    }
}

impl fmt::Display for RedirectUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for RedirectUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RedirectUri({:?})", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_absolute_https_uri_is_a_redirect_uri() {
        let uri = RedirectUri::parse("https://app.example.com/callback?x=1").unwrap();
        assert_eq!(uri.as_str(), "https://app.example.com/callback?x=1");
        assert_eq!(uri.origin(), "https://app.example.com");
    }

    #[test]
    fn the_origin_keeps_the_port() {
        let uri = RedirectUri::parse("http://localhost:3000/callback").unwrap();
        assert_eq!(uri.origin(), "http://localhost:3000");
        let bare = RedirectUri::parse("http://localhost:3000").unwrap();
        assert_eq!(bare.origin(), "http://localhost:3000");
    }

    #[test]
    fn a_relative_uri_is_refused() {
        assert_eq!(
            RedirectUri::parse("/callback"),
            Err(RedirectUriError::NotAbsolute)
        );
        assert_eq!(
            RedirectUri::parse("javascript:alert(1)"),
            Err(RedirectUriError::NotAbsolute)
        );
        assert_eq!(
            RedirectUri::parse("https:///nohost"),
            Err(RedirectUriError::NotAbsolute)
        );
    }

    #[test]
    fn a_uri_with_a_fragment_is_refused() {
        assert_eq!(
            RedirectUri::parse("https://a.example/cb#x"),
            Err(RedirectUriError::HasFragment)
        );
    }

    #[test]
    fn a_uri_with_whitespace_is_refused() {
        assert_eq!(
            RedirectUri::parse("https://a.example/cb\n"),
            Err(RedirectUriError::BadCharacters)
        );
    }

    #[test]
    fn one_time_values_are_redacted_in_debug_output() {
        assert_eq!(format!("{:?}", State::new("s3cret")), "State([redacted])");
        assert_eq!(format!("{:?}", Nonce::new("s3cret")), "Nonce([redacted])");
        assert_eq!(format!("{:?}", ClientId::new("spa")), "ClientId(\"spa\")");
    }
}
