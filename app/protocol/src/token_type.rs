//! The `typ` header of the two JWTs of the implicit flow.

use std::{fmt, str::FromStr};

use serde::{Deserialize, Serialize};

/// What a JWT says it is in its `typ` header (RFC 7515 §4.1.9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TokenType {
    /// `at+jwt`: a JWT access token (RFC 9068 §2.1), so that it cannot be
    /// taken for an ID token or the other way round.
    #[serde(rename = "at+jwt")]
    AtJwt,
    /// `JWT` (RFC 7519 §5.1): what ID tokens say (OIDC Core §2 defines no
    /// `typ`), and the access tokens of providers that do not follow RFC
    /// 9068 (Auth0's default profile).
    #[serde(rename = "jwt", alias = "JWT")]
    Jwt,
}

impl TokenType {
    /// The header value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AtJwt => "at+jwt",
            Self::Jwt => "JWT",
        }
    }

    /// Reads a `typ` header: a media type, compared case-insensitively,
    /// with `application/` implied when it has no `/` (RFC 7515 §4.1.9).
    /// `None` for any other type.
    pub fn from_typ(typ: &str) -> Option<Self> {
        let typ = typ
            .get(..12)
            .filter(|prefix| prefix.eq_ignore_ascii_case("application/"))
            .map_or(typ, |_| &typ[12..]);
        [Self::AtJwt, Self::Jwt]
            .into_iter()
            .find(|known| typ.eq_ignore_ascii_case(known.as_str()))
    }
}

impl fmt::Display for TokenType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A token type other than `at+jwt` or `jwt`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a token type: use at+jwt or jwt")]
pub struct TokenTypeError(String);

impl FromStr for TokenType {
    type Err = TokenTypeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::from_typ(s).ok_or_else(|| TokenTypeError(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typ_is_read_as_a_media_type() {
        assert_eq!(TokenType::from_typ("at+jwt"), Some(TokenType::AtJwt));
        assert_eq!(
            TokenType::from_typ("application/AT+JWT"),
            Some(TokenType::AtJwt)
        );
        assert_eq!(TokenType::from_typ("JWT"), Some(TokenType::Jwt));
        assert_eq!(TokenType::from_typ("jwt"), Some(TokenType::Jwt));
        assert_eq!(TokenType::from_typ("text/at+jwt"), None);
        assert_eq!(TokenType::from_typ("JOSE"), None);
        assert_eq!("jwt".parse(), Ok(TokenType::Jwt));
        assert!("dpop+jwt".parse::<TokenType>().is_err());
    }

    #[test]
    fn a_configuration_names_it_in_lower_case() {
        let read = |json: &str| serde_json::from_str::<TokenType>(json).ok();
        assert_eq!(read("\"at+jwt\""), Some(TokenType::AtJwt));
        assert_eq!(read("\"jwt\""), Some(TokenType::Jwt));
        assert_eq!(read("\"JWT\""), Some(TokenType::Jwt));
        assert_eq!(read("\"none\""), None);
    }
}
