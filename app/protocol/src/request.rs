//! Values of an authorization request besides the newtypes: `prompt` and
//! `response_mode`.

use std::{fmt, str::FromStr};

use serde::{Deserialize, Serialize};

/// The `prompt` parameter (OpenID Connect Core §3.1.2.1): whether the
/// provider may or must interact with the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Prompt {
    /// No interaction at all: answer at once, or fail with `login_required`,
    /// `consent_required` or `interaction_required`. Silent authentication.
    None,
    /// Ask the user to log in again even with a live session.
    Login,
    /// Ask for consent again even if it was given before.
    Consent,
    /// Let the user pick an account.
    SelectAccount,
}

impl Prompt {
    /// The wire form.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Login => "login",
            Self::Consent => "consent",
            Self::SelectAccount => "select_account",
        }
    }
}

/// A `prompt` value this crate does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unsupported prompt value {0:?}")]
pub struct PromptError(pub String);

impl FromStr for Prompt {
    type Err = PromptError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "none" => Ok(Self::None),
            "login" => Ok(Self::Login),
            "consent" => Ok(Self::Consent),
            "select_account" => Ok(Self::SelectAccount),
            other => Err(PromptError(other.to_owned())),
        }
    }
}

impl fmt::Display for Prompt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How the authorization response reaches the client (OAuth 2.0 Multiple
/// Response Type Encoding Practices §2.1).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResponseMode {
    /// In the redirect URI's fragment: the default of the implicit flow,
    /// because the fragment is never sent to a server (RFC 6749 §4.2.2).
    #[default]
    Fragment,
    /// Posted with `window.postMessage` from a page of the provider to the
    /// client's window at its registered web origin (Auth0's `web_message`,
    /// used by `checkSession` for silent authentication).
    WebMessage,
}

impl ResponseMode {
    /// The wire form.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Fragment => "fragment",
            Self::WebMessage => "web_message",
        }
    }
}

/// A `response_mode` this crate does not support (e.g. `query`, which would
/// put tokens where servers and logs see them).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unsupported response_mode {0:?}: use fragment or web_message")]
pub struct ResponseModeError(pub String);

impl FromStr for ResponseMode {
    type Err = ResponseModeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "fragment" => Ok(Self::Fragment),
            "web_message" => Ok(Self::WebMessage),
            other => Err(ResponseModeError(other.to_owned())),
        }
    }
}

impl fmt::Display for ResponseMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prompt_values_round_trip() {
        for p in [
            Prompt::None,
            Prompt::Login,
            Prompt::Consent,
            Prompt::SelectAccount,
        ] {
            assert_eq!(p.as_str().parse::<Prompt>(), Ok(p));
        }
        assert!("None".parse::<Prompt>().is_err());
    }

    #[test]
    fn the_query_response_mode_is_refused_for_tokens() {
        assert_eq!("fragment".parse(), Ok(ResponseMode::Fragment));
        assert_eq!("web_message".parse(), Ok(ResponseMode::WebMessage));
        assert!("query".parse::<ResponseMode>().is_err());
        assert!("form_post".parse::<ResponseMode>().is_err());
    }
}
