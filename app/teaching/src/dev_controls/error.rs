//! The error answers a fault can give instead of tokens.

use serde::{Deserialize, Serialize};

use protocol::ErrorCode;

use crate::spec::{self, Section};

listed! {
/// Errors a fault can return (RFC 6749 §4.2.2.1, OIDC Core §3.1.2.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultError {
    /// The session is gone (silent renewal must fall back to a login).
    LoginRequired,
    /// Consent is needed.
    ConsentRequired,
    /// Some page must be shown.
    InteractionRequired,
    /// The user or the server said no.
    AccessDenied,
    /// The server failed.
    ServerError,
}
}

impl FaultError {
    /// What the error means, and what a correct client does about it.
    pub fn description(self) -> &'static str {
        match self {
            Self::LoginRequired => {
                "The user has no session at the issuer. A silent renewal stops and the client asks for an interactive login; after an interactive login, the client shows the error."
            }
            Self::ConsentRequired => {
                "The user has not consented. A silent renewal stops and the client asks for an interactive login; after an interactive login, the client shows the error."
            }
            Self::InteractionRequired => {
                "The issuer must show a page. A silent renewal stops and the client asks for an interactive login; after an interactive login, the client shows the error."
            }
            Self::AccessDenied => {
                "The user or the issuer said no. The client shows the error, as text, and keeps no token."
            }
            Self::ServerError => {
                "The issuer failed. The client shows the error, as text, and keeps no token."
            }
        }
    }

    /// The section that defines the error.
    pub fn spec(self) -> Section {
        match self {
            Self::LoginRequired | Self::ConsentRequired | Self::InteractionRequired => {
                spec::OIDC_AUTHENTICATION_ERROR
            }
            Self::AccessDenied | Self::ServerError => spec::RFC6749_ERROR_RESPONSE,
        }
    }

    /// The error code's wire form (`"login_required"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::LoginRequired => "login_required",
            Self::ConsentRequired => "consent_required",
            Self::InteractionRequired => "interaction_required",
            Self::AccessDenied => "access_denied",
            Self::ServerError => "server_error",
        }
    }

    /// The error code sent.
    pub fn code(self) -> ErrorCode {
        match self {
            Self::LoginRequired => ErrorCode::LoginRequired,
            Self::ConsentRequired => ErrorCode::ConsentRequired,
            Self::InteractionRequired => ErrorCode::InteractionRequired,
            Self::AccessDenied => ErrorCode::AccessDenied,
            Self::ServerError => ErrorCode::ServerError,
        }
    }
}
