//! Error codes of the authorization endpoint and of bearer-token challenges.

use std::{fmt, str::FromStr};

use serde::{Deserialize, Serialize};

/// The `error` of an authorization error response (RFC 6749 §4.2.2.1,
/// OpenID Connect Core §3.1.2.6) or of a bearer-token challenge (RFC 6750
/// §3.1). Codes this crate does not know are kept as
/// [`ErrorCode::Other`], since providers may add their own.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub enum ErrorCode {
    /// RFC 6749 §4.2.2.1: the request is missing or has a bad parameter.
    InvalidRequest,
    /// RFC 6749 §4.2.2.1: the client may not use this flow.
    UnauthorizedClient,
    /// RFC 6749 §4.2.2.1: the resource owner or the server denied the request.
    AccessDenied,
    /// RFC 6749 §4.2.2.1: the server does not support this response type.
    UnsupportedResponseType,
    /// RFC 6749 §4.2.2.1: a requested scope is invalid or unknown.
    InvalidScope,
    /// RFC 6749 §4.2.2.1: the server met an unexpected condition.
    ServerError,
    /// RFC 6749 §4.2.2.1: the server is overloaded or down for maintenance.
    TemporarilyUnavailable,
    /// OpenID Connect Core §3.1.2.6: `prompt=none` but the user must interact.
    InteractionRequired,
    /// OpenID Connect Core §3.1.2.6: `prompt=none` but the user must log in.
    LoginRequired,
    /// OpenID Connect Core §3.1.2.6: `prompt=none` but consent is needed.
    ConsentRequired,
    /// RFC 6750 §3.1: the access token is expired, revoked or malformed.
    InvalidToken,
    /// RFC 6750 §3.1: the access token lacks a scope the resource needs.
    InsufficientScope,
    /// A code outside these specifications.
    Other(String),
}

impl ErrorCode {
    /// The wire form.
    pub fn as_str(&self) -> &str {
        match self {
            Self::InvalidRequest => "invalid_request",
            Self::UnauthorizedClient => "unauthorized_client",
            Self::AccessDenied => "access_denied",
            Self::UnsupportedResponseType => "unsupported_response_type",
            Self::InvalidScope => "invalid_scope",
            Self::ServerError => "server_error",
            Self::TemporarilyUnavailable => "temporarily_unavailable",
            Self::InteractionRequired => "interaction_required",
            Self::LoginRequired => "login_required",
            Self::ConsentRequired => "consent_required",
            Self::InvalidToken => "invalid_token",
            Self::InsufficientScope => "insufficient_scope",
            Self::Other(code) => code,
        }
    }

    /// Whether a silent (`prompt=none`) request failed because the user has to
    /// interact with the provider: the client must stop retrying silently
    /// (OpenID Connect Core §3.1.2.6).
    pub fn needs_interaction(&self) -> bool {
        matches!(
            self,
            Self::InteractionRequired | Self::LoginRequired | Self::ConsentRequired
        )
    }
}

impl From<&str> for ErrorCode {
    fn from(value: &str) -> Self {
        match value {
            "invalid_request" => Self::InvalidRequest,
            "unauthorized_client" => Self::UnauthorizedClient,
            "access_denied" => Self::AccessDenied,
            "unsupported_response_type" => Self::UnsupportedResponseType,
            "invalid_scope" => Self::InvalidScope,
            "server_error" => Self::ServerError,
            "temporarily_unavailable" => Self::TemporarilyUnavailable,
            "interaction_required" => Self::InteractionRequired,
            "login_required" => Self::LoginRequired,
            "consent_required" => Self::ConsentRequired,
            "invalid_token" => Self::InvalidToken,
            "insufficient_scope" => Self::InsufficientScope,
            other => Self::Other(other.to_owned()),
        }
    }
}

impl From<String> for ErrorCode {
    fn from(value: String) -> Self {
        Self::from(value.as_str())
    }
}

impl FromStr for ErrorCode {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self::from(s))
    }
}

impl From<ErrorCode> for String {
    fn from(value: ErrorCode) -> Self {
        value.as_str().to_owned()
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_known_code_round_trips() {
        for code in [
            "invalid_request",
            "unauthorized_client",
            "access_denied",
            "unsupported_response_type",
            "invalid_scope",
            "server_error",
            "temporarily_unavailable",
            "interaction_required",
            "login_required",
            "consent_required",
            "invalid_token",
            "insufficient_scope",
        ] {
            let parsed = ErrorCode::from(code);
            assert!(!matches!(parsed, ErrorCode::Other(_)), "{code} is unknown");
            assert_eq!(parsed.as_str(), code);
        }
    }

    #[test]
    fn an_unknown_code_is_kept_verbatim() {
        assert_eq!(
            ErrorCode::from("mfa_required"),
            ErrorCode::Other("mfa_required".into())
        );
    }

    #[test]
    fn only_the_oidc_prompt_none_codes_need_interaction() {
        assert!(ErrorCode::LoginRequired.needs_interaction());
        assert!(ErrorCode::ConsentRequired.needs_interaction());
        assert!(ErrorCode::InteractionRequired.needs_interaction());
        assert!(!ErrorCode::AccessDenied.needs_interaction());
        assert!(!ErrorCode::ServerError.needs_interaction());
    }
}
