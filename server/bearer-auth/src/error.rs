//! What a refused request is told (RFC 6750 §3), what is logged instead,
//! and why a configuration is refused at startup.

use std::sync::Arc;

use axum::{
    Json,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use jsonwebtoken::Algorithm;
use protocol::ErrorCode;
use serde::Serialize;

use crate::{MAX_TOKEN_BYTES, jwks::JwksSetupError};

/// Why a request was refused, as RFC 6750 §3 tells the client: a status,
/// a `WWW-Authenticate` challenge and a small JSON body. What exactly was
/// wrong with a token is logged, not sent.
#[derive(Debug, thiserror::Error)]
pub enum BearerError {
    /// 401 and a bare challenge without error code (RFC 6750 §3.1): no
    /// `Authorization` header, or another scheme such as `Basic`.
    #[error("the request has no bearer token")]
    MissingToken { realm: Realm },
    /// 400 `invalid_request` (RFC 6750 §3.1): two headers, an empty token,
    /// a token with spaces, a token in the query string.
    #[error("malformed request: {reason}")]
    InvalidRequest { realm: Realm, reason: &'static str },
    /// 401 `invalid_token` (RFC 6750 §3.1): the token failed a check.
    #[error("invalid token: {reason}")]
    InvalidToken {
        realm: Realm,
        reason: TokenRejection,
    },
    /// 403 `insufficient_scope` naming the scope needed (RFC 6750 §3.1).
    #[error("the token lacks the scope {scope}")]
    InsufficientScope { realm: Realm, scope: &'static str },
    /// 503 with `Retry-After`: the issuer's keys cannot be had, so no token
    /// can be checked. Fail closed, and say "unavailable", not "invalid
    /// token": a 401 would make the client drop a token that may be fine and
    /// send the user to a login page that is down too, and would hide an
    /// outage as a burst of bad tokens.
    #[error("the issuer's signing keys are unavailable")]
    KeysUnavailable { retry_after_secs: u64 },
}

impl BearerError {
    /// The RFC 6750 §3.1 error code, if the answer has one (a request
    /// without credentials gets a bare challenge).
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            Self::MissingToken { .. } => None,
            Self::InvalidRequest { .. } => Some(ErrorCode::InvalidRequest),
            Self::InvalidToken { .. } => Some(ErrorCode::InvalidToken),
            Self::InsufficientScope { .. } => Some(ErrorCode::InsufficientScope),
            Self::KeysUnavailable { .. } => Some(ErrorCode::TemporarilyUnavailable),
        }
    }
}

/// Why a token was refused. Logged at debug level, never sent.
#[derive(Debug, thiserror::Error)]
pub enum TokenRejection {
    #[error("longer than {MAX_TOKEN_BYTES} bytes")]
    TooLong,
    #[error("not a JWS in compact serialization (three dot-separated parts)")]
    NotCompactJws,
    #[error("unreadable header: {0}")]
    BadHeader(jsonwebtoken::errors::Error),
    #[error("algorithm {0:?} is not allowed")]
    AlgorithmNotAllowed(Algorithm),
    #[error("typ {0:?} is not an accepted access-token type")]
    WrongType(Option<String>),
    #[error("the header carries {0}, and keys come only from the issuer's JWKS")]
    KeyInHeader(&'static str),
    #[error("the header has crit {0:?}, and this API implements no JWS extension")]
    Critical(Vec<String>),
    #[error("the header has no kid")]
    MissingKid,
    #[error("the issuer has no key with this kid")]
    UnknownKid,
    #[error("the key is for {key:?}, the token says {token:?}")]
    KeyAlgorithmMismatch { key: Algorithm, token: Algorithm },
    #[error("signature or claims: {0}")]
    Jwt(jsonwebtoken::errors::Error),
    #[error("iss is not the configured issuer")]
    WrongIssuer,
    #[error("aud does not name this API")]
    WrongAudience,
    #[error("expired at {exp}, now {now}")]
    Expired { exp: u64, now: u64 },
    #[error("not valid before {nbf}, now {now}")]
    NotYetValid { nbf: u64, now: u64 },
    #[error("issued in the future ({iat}), now {now}")]
    IssuedInTheFuture { iat: u64, now: u64 },
    #[error("the claim {0} required by RFC 9068 §2.2 is missing")]
    MissingClaim(&'static str),
}

/// The `realm` of the challenge: a quoted-string without quotes,
/// backslashes or control characters.
#[derive(Debug, Clone)]
pub struct Realm(Arc<str>);

impl Realm {
    pub(crate) fn new(realm: &str) -> Result<Self, BearerSetupError> {
        if realm
            .bytes()
            .all(|b| (0x20..0x7f).contains(&b) && b != b'"' && b != b'\\')
        {
            Ok(Self(realm.into()))
        } else {
            Err(BearerSetupError::BadRealm(realm.to_owned()))
        }
    }
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: &'a str,
    error_description: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    scope: Option<&'a str>,
}

impl IntoResponse for BearerError {
    fn into_response(self) -> Response {
        let realm = match &self {
            Self::MissingToken { realm }
            | Self::InvalidRequest { realm, .. }
            | Self::InvalidToken { realm, .. }
            | Self::InsufficientScope { realm, .. } => Some(&realm.0),
            Self::KeysUnavailable { .. } => None,
        };
        let (status, description, scope) = match &self {
            Self::MissingToken { .. } => (
                StatusCode::UNAUTHORIZED,
                "this resource needs an access token: Authorization: Bearer <token>",
                None,
            ),
            Self::InvalidRequest { reason, .. } => (StatusCode::BAD_REQUEST, *reason, None),
            Self::InvalidToken { .. } => (
                StatusCode::UNAUTHORIZED,
                "the access token is invalid or expired",
                None,
            ),
            Self::InsufficientScope { scope, .. } => (
                StatusCode::FORBIDDEN,
                "the access token lacks the scope this resource needs",
                Some(*scope),
            ),
            Self::KeysUnavailable { .. } => (
                StatusCode::SERVICE_UNAVAILABLE,
                "the access token cannot be checked right now; try again shortly",
                None,
            ),
        };
        let code = self.code();
        let challenge = realm.map(|realm| {
            let mut challenge = format!("Bearer realm=\"{realm}\"");
            if let Some(code) = &code {
                challenge.push_str(&format!(", error=\"{}\"", code.as_str()));
            }
            if let Some(scope) = scope {
                challenge.push_str(&format!(", scope=\"{scope}\""));
            }
            challenge
        });
        let body = ErrorBody {
            // A request without credentials gets no error code (§3.1); its
            // body still says what happened.
            error: code.as_ref().map_or("unauthorized", ErrorCode::as_str),
            error_description: description,
            scope,
        };
        let mut response = (status, Json(body)).into_response();
        let headers = response.headers_mut();
        if let Some(challenge) = challenge {
            // Realm and scope are checked to be header-safe; should one not
            // be, a bare challenge still tells the client to use Bearer.
            let value = HeaderValue::from_str(&challenge)
                .unwrap_or_else(|_| HeaderValue::from_static("Bearer"));
            headers.insert(header::WWW_AUTHENTICATE, value);
        }
        if let Self::KeysUnavailable { retry_after_secs } = self {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
        }
        response
    }
}

/// A [`BearerConfig`](crate::BearerConfig) that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum BearerSetupError {
    /// An empty allow-list would refuse every token.
    #[error("no signature algorithm is allowed: list at least one, e.g. RS256")]
    NoAlgorithms,
    /// RFC 8725 §3.1–3.2: a resource server verifies with the issuer's
    /// public keys; allowing an HMAC algorithm invites the classic attack of
    /// a token "signed" with the public key as the shared secret.
    #[error(
        "{0:?} is a shared-secret algorithm: only public-key algorithms (RS*, PS*, ES*) are allowed"
    )]
    SymmetricAlgorithm(Algorithm),
    /// The audience check is what binds a token to this API.
    #[error("the audience (this API's identifier) must not be empty")]
    EmptyAudience,
    /// The realm is sent in a quoted-string.
    #[error("the realm {0:?} cannot be sent in a WWW-Authenticate header")]
    BadRealm(String),
    /// The issuer URL is unusable or the HTTP client cannot be built.
    #[error(transparent)]
    Keys(#[from] JwksSetupError),
}
