//! The `response_type` of the implicit flow.

use std::{fmt, str::FromStr};

use serde::{Deserialize, Serialize};

/// The response types of the implicit flow: RFC 6749 §4.2.1 (`token`) and
/// OpenID Connect Core §3.2.2.1 (`id_token`, `id_token token`). The value is
/// a space-delimited set, so `token id_token` is the same as `id_token token`
/// (OAuth 2.0 Multiple Response Type Encoding Practices §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum ResponseType {
    /// `token`: an access token only (plain OAuth 2.0, RFC 6749 §4.2).
    Token,
    /// `id_token`: an ID token only (OpenID Connect Core §3.2).
    IdToken,
    /// `id_token token`: both, the ID token carrying `at_hash`.
    IdTokenToken,
}

/// A `response_type` this implicit-flow server does not support.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unsupported response_type {0:?}: use token, id_token or \"id_token token\"")]
pub struct ResponseTypeError(pub String);

impl ResponseType {
    /// Whether the response carries an access token.
    pub fn has_access_token(self) -> bool {
        matches!(self, Self::Token | Self::IdTokenToken)
    }

    /// Whether the response carries an ID token (and so a nonce is required,
    /// OpenID Connect Core §3.2.2.1).
    pub fn has_id_token(self) -> bool {
        matches!(self, Self::IdToken | Self::IdTokenToken)
    }

    /// The canonical wire form.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Token => "token",
            Self::IdToken => "id_token",
            Self::IdTokenToken => "id_token token",
        }
    }
}

impl FromStr for ResponseType {
    type Err = ResponseTypeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut parts: Vec<&str> = s.split(' ').collect();
        parts.sort_unstable();
        match parts.as_slice() {
            ["token"] => Ok(Self::Token),
            ["id_token"] => Ok(Self::IdToken),
            ["id_token", "token"] => Ok(Self::IdTokenToken),
            _ => Err(ResponseTypeError(s.to_owned())),
        }
    }
}

impl TryFrom<String> for ResponseType {
    type Error = ResponseTypeError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        value.parse()
    }
}

impl From<ResponseType> for String {
    fn from(value: ResponseType) -> Self {
        value.as_str().to_owned()
    }
}

impl fmt::Display for ResponseType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_orders_of_id_token_token_are_the_same_response_type() {
        assert_eq!("id_token token".parse(), Ok(ResponseType::IdTokenToken));
        assert_eq!("token id_token".parse(), Ok(ResponseType::IdTokenToken));
    }

    #[test]
    fn the_code_flow_and_junk_are_not_implicit_response_types() {
        for bad in [
            "code",
            "",
            "token token",
            "id_token  token",
            "TOKEN",
            "code id_token",
        ] {
            assert!(bad.parse::<ResponseType>().is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn only_id_token_responses_need_a_nonce() {
        assert!(!ResponseType::Token.has_id_token());
        assert!(ResponseType::IdToken.has_id_token());
        assert!(!ResponseType::IdToken.has_access_token());
        assert!(ResponseType::IdTokenToken.has_access_token());
    }
}
