//! Parsing the authorization response from the redirect URI's fragment
//! (RFC 6749 §4.2.2 and §4.2.2.1, OpenID Connect Core §3.2.2.5–6).

use std::fmt;

use crate::{ErrorCode, ScopeSet, State};

/// What the provider sent back in the fragment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthorizationResponse {
    /// RFC 6749 §4.2.2 / OIDC Core §3.2.2.5: tokens.
    Success(TokenResponse),
    /// RFC 6749 §4.2.2.1: the request failed.
    Error(ErrorResponse),
}

impl AuthorizationResponse {
    /// The `state` echoed by the provider, on success and on error alike.
    pub fn state(&self) -> Option<&State> {
        match self {
            Self::Success(tokens) => Some(&tokens.state),
            Self::Error(error) => error.state.as_ref(),
        }
    }

    /// The issuer that says it sent the response (RFC 9207 §2), on success
    /// and on error alike.
    pub fn iss(&self) -> Option<&str> {
        match self {
            Self::Success(tokens) => tokens.iss.as_deref(),
            Self::Error(error) => error.iss.as_deref(),
        }
    }

    /// RFC 9207 §2.4, against mix-up attacks: a response that names an
    /// issuer must name `expected`, the one the request went to; one that
    /// names none is refused when that issuer's discovery document
    /// promised `iss` (`promised`), and accepted otherwise, as from a
    /// provider that predates RFC 9207.
    pub fn check_issuer(&self, expected: &str, promised: bool) -> Result<(), ResponseIssuerError> {
        match self.iss() {
            Some(iss) if iss == expected => Ok(()),
            Some(iss) => Err(ResponseIssuerError::Differs {
                received: iss.to_owned(),
                expected: expected.to_owned(),
            }),
            None if promised => Err(ResponseIssuerError::Missing),
            None => Ok(()),
        }
    }
}

/// Why a response's `iss` parameter is refused (RFC 9207 §2.4).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResponseIssuerError {
    /// Another issuer's response: a mix-up, or an attacker's provider.
    #[error(
        "the response comes from {received:?}, not from the issuer this client asked ({expected:?}): refused as a mix-up (RFC 9207 §2.4)"
    )]
    Differs {
        /// The response's `iss`.
        received: String,
        /// The issuer the request went to.
        expected: String,
    },
    /// The issuer promised `iss` in every response, and this one has none.
    #[error(
        "the response has no iss although the issuer's discovery document promises one (RFC 9207 §2.4)"
    )]
    Missing,
}

/// A successful implicit response. The token values are redacted in `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct TokenResponse {
    /// RFC 6749 §4.2.2: REQUIRED unless only an id_token was asked for.
    pub access_token: Option<String>,
    /// RFC 6749 §4.2.2 / RFC 6750 §4: `Bearer`.
    pub token_type: Option<String>,
    /// RFC 6749 §4.2.2: lifetime of the access token in seconds.
    pub expires_in: Option<u64>,
    /// RFC 6749 §4.2.2: the granted scope, when it differs from the request.
    pub scope: Option<ScopeSet>,
    /// RFC 6749 §4.2.2: REQUIRED when the request had one (it always has here).
    pub state: State,
    /// OIDC Core §3.2.2.5: the ID token, when asked for.
    pub id_token: Option<String>,
    /// RFC 9207 §2: the issuer identifier of the provider that sent it.
    pub iss: Option<String>,
}

impl fmt::Debug for TokenResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let redact = |v: &Option<String>| v.as_ref().map(|_| "[redacted]");
        f.debug_struct("TokenResponse")
            .field("access_token", &redact(&self.access_token))
            .field("token_type", &self.token_type)
            .field("expires_in", &self.expires_in)
            .field("scope", &self.scope)
            .field("state", &self.state)
            .field("id_token", &redact(&self.id_token))
            .field("iss", &self.iss)
            .finish()
    }
}

/// An error response (RFC 6749 §4.2.2.1). `description` and `uri` are text
/// from the provider: show them escaped, never as HTML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorResponse {
    /// The error code.
    pub error: ErrorCode,
    /// `error_description`: human-readable text.
    pub description: Option<String>,
    /// `error_uri`: a page about the error.
    pub uri: Option<String>,
    /// `state` as sent in the request.
    pub state: Option<State>,
    /// RFC 9207 §2: the issuer identifier of the provider that sent it.
    pub iss: Option<String>,
}

/// Why a fragment is not an authorization response.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResponseParseError {
    /// Nothing after `#`.
    #[error("the URL has no fragment: there is no authorization response to read")]
    Empty,
    /// RFC 6749 §3.1: parameters MUST NOT be included more than once.
    #[error("the parameter `{0}` appears more than once (RFC 6749 §3.1)")]
    Duplicate(String),
    /// RFC 6749 §4.2.2: `state` is required when the request carried one.
    #[error("the response has no `state` (RFC 6749 §4.2.2)")]
    MissingState,
    /// Neither tokens nor an error.
    #[error("the response has neither tokens nor an `error` (RFC 6749 §4.2.2)")]
    NoTokens,
    /// `expires_in` is not a number of seconds.
    #[error("`expires_in` is not a whole number of seconds")]
    BadExpiresIn,
    /// `scope` does not follow RFC 6749 §3.3.
    #[error("`scope` is malformed (RFC 6749 §3.3)")]
    BadScope,
}

/// Parses `#access_token=...&state=...` (with or without the leading `#`).
pub fn parse_fragment(fragment: &str) -> Result<AuthorizationResponse, ResponseParseError> {
    let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
    if fragment.is_empty() {
        return Err(ResponseParseError::Empty);
    }
    let mut params: Vec<(String, String)> = Vec::new();
    for (name, value) in form_urlencoded::parse(fragment.as_bytes()) {
        if params.iter().any(|(n, _)| *n == name) {
            return Err(ResponseParseError::Duplicate(name.into_owned()));
        }
        params.push((name.into_owned(), value.into_owned()));
    }
    let mut take = |name: &str| {
        params
            .iter()
            .position(|(n, _)| n == name)
            .map(|i| params.swap_remove(i).1)
            .filter(|v| !v.is_empty())
    };

    let state = take("state").map(State::new);
    let iss = take("iss");
    if let Some(error) = take("error") {
        return Ok(AuthorizationResponse::Error(ErrorResponse {
            error: ErrorCode::from(error),
            description: take("error_description"),
            uri: take("error_uri"),
            state,
            iss,
        }));
    }
    let state = state.ok_or(ResponseParseError::MissingState)?;
    let access_token = take("access_token");
    let id_token = take("id_token");
    if access_token.is_none() && id_token.is_none() {
        return Err(ResponseParseError::NoTokens);
    }
    let expires_in = take("expires_in")
        .map(|v| {
            v.parse::<u64>()
                .map_err(|_| ResponseParseError::BadExpiresIn)
        })
        .transpose()?;
    let scope = take("scope")
        .map(|v| {
            v.parse::<ScopeSet>()
                .map_err(|_| ResponseParseError::BadScope)
        })
        .transpose()?;
    Ok(AuthorizationResponse::Success(TokenResponse {
        access_token,
        token_type: take("token_type"),
        expires_in,
        scope,
        state,
        id_token,
        iss,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_success_fragment_gives_the_tokens() {
        let r = parse_fragment(
            "#access_token=at.x.y&token_type=Bearer&expires_in=120&scope=openid%20read%3Amessages&state=abc&id_token=it.x.y",
        )
        .unwrap();
        let AuthorizationResponse::Success(t) = r else {
            panic!("{r:?}")
        };
        assert_eq!(t.access_token.as_deref(), Some("at.x.y"));
        assert_eq!(t.id_token.as_deref(), Some("it.x.y"));
        assert_eq!(t.token_type.as_deref(), Some("Bearer"));
        assert_eq!(t.expires_in, Some(120));
        assert_eq!(t.scope, Some("openid read:messages".parse().unwrap()));
        assert_eq!(t.state, State::new("abc"));
    }

    #[test]
    fn an_error_fragment_keeps_its_text_verbatim_for_escaped_display() {
        let r = parse_fragment(
            "error=access_denied&error_description=%3Cb%3Eno%3C%2Fb%3E+thanks&state=abc",
        )
        .unwrap();
        let AuthorizationResponse::Error(e) = r else {
            panic!("{r:?}")
        };
        assert_eq!(e.error, ErrorCode::AccessDenied);
        assert_eq!(e.description.as_deref(), Some("<b>no</b> thanks"));
        assert_eq!(e.state, Some(State::new("abc")));
    }

    #[test]
    fn a_repeated_parameter_is_refused() {
        assert_eq!(
            parse_fragment("access_token=a&state=s&access_token=b"),
            Err(ResponseParseError::Duplicate("access_token".into()))
        );
        assert_eq!(
            parse_fragment("access_token=a&state=s&state=t"),
            Err(ResponseParseError::Duplicate("state".into()))
        );
    }

    #[test]
    fn tokens_without_state_are_refused() {
        assert_eq!(
            parse_fragment("#access_token=a"),
            Err(ResponseParseError::MissingState)
        );
        assert_eq!(
            parse_fragment("#access_token=a&state="),
            Err(ResponseParseError::MissingState)
        );
    }

    #[test]
    fn junk_fragments_are_refused() {
        assert_eq!(parse_fragment("#"), Err(ResponseParseError::Empty));
        assert_eq!(parse_fragment(""), Err(ResponseParseError::Empty));
        assert_eq!(
            parse_fragment("#state=s"),
            Err(ResponseParseError::NoTokens)
        );
        assert_eq!(
            parse_fragment("#access_token=a&state=s&expires_in=-5"),
            Err(ResponseParseError::BadExpiresIn)
        );
        assert_eq!(
            parse_fragment("#access_token=a&state=s&scope=%22"),
            Err(ResponseParseError::BadScope)
        );
    }

    #[test]
    fn the_issuer_of_a_response_is_checked_as_rfc_9207_says() {
        let ours = "https://idp.example";
        let with =
            |iss: &str| parse_fragment(&format!("access_token=a&state=s&iss={iss}")).unwrap();
        let error =
            |iss: &str| parse_fragment(&format!("error=login_required&state=s{iss}")).unwrap();
        // The issuer asked: accepted, promised or not.
        assert_eq!(
            with("https%3A%2F%2Fidp.example").check_issuer(ours, true),
            Ok(())
        );
        assert_eq!(
            error("&iss=https://idp.example").check_issuer(ours, true),
            Ok(())
        );
        // Another issuer (a mix-up), even one differing only by a slash: refused.
        for other in ["https://evil.example", "https://idp.example/"] {
            let refused = with(other).check_issuer(ours, false).unwrap_err();
            assert_eq!(
                refused,
                ResponseIssuerError::Differs {
                    received: other.to_owned(),
                    expected: ours.to_owned()
                }
            );
        }
        assert!(
            error("&iss=https://evil.example")
                .check_issuer(ours, false)
                .is_err()
        );
        // None: refused only when the discovery document promised one.
        let bare = parse_fragment("access_token=a&state=s").unwrap();
        assert_eq!(
            bare.check_issuer(ours, true),
            Err(ResponseIssuerError::Missing)
        );
        assert_eq!(bare.check_issuer(ours, false), Ok(()));
        assert_eq!(
            error("").check_issuer(ours, true),
            Err(ResponseIssuerError::Missing)
        );
    }

    #[test]
    fn debug_output_never_shows_a_token() {
        let r = parse_fragment("access_token=SECRET1&id_token=SECRET2&state=s").unwrap();
        let debug = format!("{r:?}");
        assert!(!debug.contains("SECRET"), "{debug}");
    }
}
