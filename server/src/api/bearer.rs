//! Bearer-token authentication for an axum resource server: RFC 6750 on the
//! wire, RFC 9068 and RFC 8725 for what a JWT access token must be.
//!
//! Copy this file and `jwks.rs` next to it into your own API. The wiring is
//! one line — tell axum where the [`BearerAuth`] lives in your state — and
//! each handler then says what it needs in its signature:
//!
//! ```no_run
//! use std::sync::Arc;
//!
//! use axum::{Json, Router, extract::FromRef, routing::get};
//! use server::api::bearer::{
//!     Authenticated, Authorized, BearerAuth, BearerConfig, RequiredScope, SystemClock, TokenType,
//! };
//!
//! #[derive(Clone)]
//! struct AppState {
//!     auth: BearerAuth,
//! }
//!
//! // The one line of wiring.
//! impl FromRef<AppState> for BearerAuth {
//!     fn from_ref(state: &AppState) -> Self { state.auth.clone() }
//! }
//!
//! /// The scope a route needs, as a type.
//! struct ReadMessages;
//! impl RequiredScope for ReadMessages {
//!     const SCOPE: &'static str = "read:messages";
//! }
//!
//! async fn private_get(Authenticated(claims): Authenticated) -> Json<String> {
//!     Json(claims.sub.clone())
//! }
//!
//! async fn messages_get(auth: Authorized<ReadMessages>) -> Json<String> {
//!     Json(auth.claims.sub.clone())
//! }
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let auth = BearerAuth::new(
//!     BearerConfig {
//!         issuer: "https://tenant.example.com/".into(),
//!         audience: "https://api.example.com".into(),
//!         realm: "api.example.com".into(),
//!         algorithms: vec![jsonwebtoken::Algorithm::RS256],
//!         token_type: TokenType::AtJwt,
//!         leeway_secs: 30,
//!         jwks_cache_secs: 600,
//!         jwks_min_refresh_secs: 10,
//!         token_cache_entries: 10_000,
//!     },
//!     Arc::new(SystemClock),
//! )?;
//! let app: Router = Router::new()
//!     .route("/private", get(private_get))
//!     .route("/messages", get(messages_get))
//!     .with_state(AppState { auth });
//! # Ok(()) }
//! ```
//!
//! # What is checked, in order
//!
//! 1. **Where the token is** (RFC 6750 §2.1): the `Authorization` header
//!    only, scheme `Bearer` in any case, one header, one `b64token` (the
//!    character check runs when the cache does not know the token). No
//!    header or another scheme is a request without credentials (401, a bare
//!    challenge, §3.1); two headers, an empty or a two-part token, or an
//!    `access_token` query parameter is `invalid_request` (400).
//! 2. **Its shape**: at most [`MAX_TOKEN_BYTES`], three base64url parts (a
//!    JWS in compact form, not a JWE), a header that is JSON.
//! 3. **Its header** (RFC 8725 §3.1, RFC 9068 §4, RFC 7515 §4.1.11): `alg`
//!    in the configured allow-list (so `none` and HS256 never verify); `typ`
//!    `at+jwt` by default, so an id_token cannot pass for an access token;
//!    a `kid`; no `jku`, `x5u`, `jwk` or `x5c` (keys come from the issuer's
//!    JWKS, never from the token); no `crit` (this API implements no
//!    extension, so it understands none).
//! 4. **Its signature**, with the issuer's key of that `kid` (see `jwks.rs`),
//!    whose own `alg`, if set, must match.
//! 5. **Its claims** (RFC 9068 §2.2, §4): `iss` equal to the configured
//!    issuer, `aud` containing this API's identifier, `exp` / `nbf` / `iat`
//!    against the injected [`Clock`] with a small leeway, and for `at+jwt`
//!    the claims RFC 9068 makes required (`client_id`, `iat`, `jti`).
//! 6. **Per route, the scope** ([`Authorized`]): 403 `insufficient_scope`
//!    naming the scope (§3.1).
//!
//! Why a token failed is logged at debug level with an 8-hex-digit
//! fingerprint of its SHA-256; the client gets one generic `invalid_token`.
//!
//! # The verified-token cache, and why it is safe
//!
//! An RSA signature check on every request would cost the API about half
//! its throughput. So the result of a **fully successful** verification
//! (steps 1–5) is remembered, and a later request with the very same token
//! bytes skips the rest of step 1 and steps 2–5:
//! - only successes are cached, so nothing an attacker sends without a
//!   valid token changes what is stored (no negative cache to poison);
//! - an entry is found by the SHA-256 of the token's signature and then
//!   matched on its signing input (`header.payload`) byte for byte; equal
//!   digests mean equal signatures (collision resistance), so a hit is
//!   exactly the token once verified, and a token that differs in one bit
//!   is not one. The token itself is never stored or logged: without its
//!   signature, a signing input is only the header and claims, and a
//!   signature cannot be had back from its digest. Hashing the signature
//!   alone (342 of about 900 bytes for RS256) keeps a hit cheap;
//! - every hit re-checks the time claims against the clock, so an entry
//!   dies at `exp` exactly as a fresh verification would;
//! - every hit checks that the key which verified the token is still the
//!   issuer's current, fresh key for that `kid`: a key removed from the
//!   JWKS, a refetched key set, or keys gone stale (issuer unreachable past
//!   `jwks_cache_secs`) all send the token back through full verification;
//! - the scope check (step 6) runs on every request, never cached;
//! - it is bounded (`token_cache_entries`, 0 to switch it off): when full,
//!   expired entries go first, then the one closest to expiry.

use std::{
    collections::HashMap,
    fmt,
    hash::{BuildHasherDefault, Hash, Hasher},
    marker::PhantomData,
    str::FromStr,
    sync::{Arc, PoisonError, RwLock},
    time::{SystemTime, UNIX_EPOCH},
};

use aws_lc_rs::digest;
use axum::{
    Json,
    extract::{FromRef, FromRequestParts},
    http::{HeaderMap, HeaderValue, StatusCode, header, request::Parts},
    response::{IntoResponse, Response},
};
use jsonwebtoken::{Algorithm, AlgorithmFamily, Validation};
use protocol::{ClientId, ScopeSet};
use serde::{Deserialize, Deserializer, Serialize};

use super::jwks::{JwksSetupError, KeyError, KeyStore, VerifyingKey};

/// The longest token looked at. Real access tokens are one or two
/// kilobytes; anything much larger is refused before it is decoded.
pub const MAX_TOKEN_BYTES: usize = 8 * 1024;

/// Seconds since the Unix epoch, the unit of JWT times (RFC 7519 §2,
/// `NumericDate`). Injected so that expiry and rate limits are tested
/// without sleeping.
pub trait Clock: Send + Sync + 'static {
    /// The current time in Unix seconds.
    fn now(&self) -> u64;
}

/// The system's wall clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> u64 {
        // A clock before 1970 reads as 0: every token is then "not yet
        // valid", which fails closed.
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.as_secs())
    }
}

/// Which `typ` header access tokens carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum TokenType {
    /// `at+jwt` (RFC 9068 §2.1, §4): the only type accepted, so an id_token
    /// (`typ` `JWT`) is never taken for an access token. RFC 9068's required
    /// claims (`client_id`, `iat`, `jti`) are required too.
    #[serde(rename = "at+jwt")]
    AtJwt,
    /// `JWT`, `at+jwt` or none, for providers whose access tokens are typed
    /// `JWT` (Auth0's default profile). The audience check alone then keeps
    /// id_tokens out: their `aud` is the client, not this API.
    #[serde(rename = "jwt")]
    Jwt,
}

impl TokenType {
    /// RFC 7515 §4.1.9: `typ` is a media type, compared case-insensitively,
    /// with `application/` implied when it has no `/`.
    fn accepts(self, typ: Option<&str>) -> bool {
        let typ = typ.map(|t| {
            t.get(..12)
                .filter(|prefix| prefix.eq_ignore_ascii_case("application/"))
                .map_or(t, |_| &t[12..])
        });
        match (self, typ) {
            (_, Some(t)) if t.eq_ignore_ascii_case("at+jwt") => true,
            (Self::Jwt, None) => true,
            (Self::Jwt, Some(t)) => t.eq_ignore_ascii_case("jwt"),
            (Self::AtJwt, _) => false,
        }
    }
}

/// A token type other than `at+jwt` or `jwt`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a token type: use at+jwt or jwt")]
pub struct TokenTypeError(String);

impl FromStr for TokenType {
    type Err = TokenTypeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "at+jwt" => Ok(Self::AtJwt),
            "jwt" => Ok(Self::Jwt),
            other => Err(TokenTypeError(other.to_owned())),
        }
    }
}

/// What a [`BearerAuth`] accepts.
#[derive(Debug, Clone)]
pub struct BearerConfig {
    /// The issuer URL, compared exactly with `iss` and with the discovery
    /// document's `issuer`.
    pub issuer: String,
    /// This API's identifier, which `aud` must contain (RFC 9068 §4).
    pub audience: String,
    /// The `realm` of the `WWW-Authenticate` challenge (RFC 6750 §3).
    pub realm: String,
    /// The allowed signature algorithms (RFC 8725 §3.1); asymmetric only.
    pub algorithms: Vec<Algorithm>,
    /// The `typ` access tokens carry.
    pub token_type: TokenType,
    /// Clock skew tolerated on `exp`, `nbf` and `iat`, in seconds.
    pub leeway_secs: u64,
    /// How long fetched keys are trusted, in seconds.
    pub jwks_cache_secs: u64,
    /// Least time between two key fetches, in seconds.
    pub jwks_min_refresh_secs: u64,
    /// Bound of the verified-token cache; 0 verifies every request.
    pub token_cache_entries: usize,
}

/// A [`BearerConfig`] that cannot be used.
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

/// The claims of a verified access token (RFC 9068 §2.2).
#[derive(Debug, Clone, Deserialize)]
pub struct Claims {
    /// The issuer (RFC 7519 §4.1.1), equal to the configured one.
    pub iss: String,
    /// The user, or the client for a client-credentials token (§4.1.2).
    pub sub: String,
    /// The audiences (§4.1.3), one of which is this API.
    #[serde(deserialize_with = "one_or_many")]
    pub aud: Vec<String>,
    /// Expiry (§4.1.4).
    #[serde(deserialize_with = "numeric_date")]
    pub exp: u64,
    /// Not before (§4.1.5).
    #[serde(default, deserialize_with = "optional_numeric_date")]
    pub nbf: Option<u64>,
    /// Issued at (§4.1.6); required for `at+jwt`.
    #[serde(default, deserialize_with = "optional_numeric_date")]
    pub iat: Option<u64>,
    /// Token id (§4.1.7); required for `at+jwt`.
    #[serde(default)]
    pub jti: Option<String>,
    /// The client the token was issued to (RFC 9068 §2.2, RFC 8693 §4.3).
    #[serde(default)]
    pub client_id: Option<ClientId>,
    /// The authorized party, which Auth0 uses instead of `client_id`.
    #[serde(default)]
    pub azp: Option<ClientId>,
    /// The granted scopes (RFC 9068 §2.2.3), space-delimited.
    #[serde(default)]
    pub scope: ScopeSet,
}

impl Claims {
    /// The client the token was issued to: `client_id`, else `azp`.
    pub fn client(&self) -> Option<&ClientId> {
        self.client_id.as_ref().or(self.azp.as_ref())
    }
}

/// RFC 7519 §4.1.3: `aud` is one string or an array of strings.
fn one_or_many<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match OneOrMany::deserialize(deserializer)? {
        OneOrMany::One(one) => vec![one],
        OneOrMany::Many(many) => many,
    })
}

/// RFC 7519 §2: a `NumericDate` is seconds, possibly fractional; negative,
/// huge or non-numeric values are refused.
fn numeric_date<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u64, D::Error> {
    let number = serde_json::Number::deserialize(deserializer)?;
    if let Some(seconds) = number.as_u64() {
        return Ok(seconds);
    }
    match number.as_f64() {
        // In range, so the cast neither wraps nor saturates.
        Some(seconds) if (0.0..1e15).contains(&seconds) => Ok(seconds.floor() as u64),
        _ => Err(serde::de::Error::custom("not a NumericDate")),
    }
}

/// An absent claim is `None` (`#[serde(default)]`); `null` is not a date.
fn optional_numeric_date<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<u64>, D::Error> {
    numeric_date(deserializer).map(Some)
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
    fn new(realm: &str) -> Result<Self, BearerSetupError> {
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
    /// can be checked. Fail closed — and say "unavailable", not "invalid
    /// token": a 401 would make the client drop a token that may be fine and
    /// send the user to a login page that is down too, and would hide an
    /// outage as a burst of bad tokens.
    #[error("the issuer's signing keys are unavailable")]
    KeysUnavailable { retry_after_secs: u64 },
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
        let (status, code, description, challenge) = match &self {
            Self::MissingToken { realm } => (
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "this resource needs an access token: Authorization: Bearer <token>",
                Some(format!("Bearer realm=\"{}\"", realm.0)),
            ),
            Self::InvalidRequest { realm, reason } => (
                StatusCode::BAD_REQUEST,
                "invalid_request",
                *reason,
                Some(format!(
                    "Bearer realm=\"{}\", error=\"invalid_request\"",
                    realm.0
                )),
            ),
            Self::InvalidToken { realm, .. } => (
                StatusCode::UNAUTHORIZED,
                "invalid_token",
                "the access token is invalid or expired",
                Some(format!(
                    "Bearer realm=\"{}\", error=\"invalid_token\"",
                    realm.0
                )),
            ),
            Self::InsufficientScope { realm, scope } => (
                StatusCode::FORBIDDEN,
                "insufficient_scope",
                "the access token lacks the scope this resource needs",
                Some(format!(
                    "Bearer realm=\"{}\", error=\"insufficient_scope\", scope=\"{scope}\"",
                    realm.0
                )),
            ),
            Self::KeysUnavailable { .. } => (
                StatusCode::SERVICE_UNAVAILABLE,
                "temporarily_unavailable",
                "the access token cannot be checked right now; try again shortly",
                None,
            ),
        };
        let scope = match &self {
            Self::InsufficientScope { scope, .. } => Some(*scope),
            _ => None,
        };
        let body = ErrorBody {
            error: code,
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

/// Verifies bearer tokens; cheap to clone (one `Arc`). Put one in your
/// state and implement `FromRef` for it (see the module docs).
#[derive(Clone)]
pub struct BearerAuth(Arc<Inner>);

struct Inner {
    issuer: String,
    realm: Realm,
    token_type: TokenType,
    leeway_secs: u64,
    /// One `Validation` per allowed algorithm: `jsonwebtoken` refuses a list
    /// mixing families (RSA, EC) for one key, so each token gets the one
    /// for its own, already allow-listed, `alg`.
    validations: HashMap<Algorithm, Validation>,
    keys: KeyStore,
    verified: VerifiedTokens,
    clock: Arc<dyn Clock>,
}

impl fmt::Debug for BearerAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BearerAuth")
            .field("issuer", &self.0.issuer)
            .field("token_type", &self.0.token_type)
            .field("keys", &self.0.keys)
            .finish_non_exhaustive()
    }
}

impl BearerAuth {
    /// Checks the configuration; fetches nothing yet.
    pub fn new(config: BearerConfig, clock: Arc<dyn Clock>) -> Result<Self, BearerSetupError> {
        if config.algorithms.is_empty() {
            return Err(BearerSetupError::NoAlgorithms);
        }
        if let Some(alg) = config
            .algorithms
            .iter()
            .find(|alg| alg.family() == AlgorithmFamily::Hmac)
        {
            return Err(BearerSetupError::SymmetricAlgorithm(*alg));
        }
        if config.audience.trim().is_empty() {
            return Err(BearerSetupError::EmptyAudience);
        }
        let realm = Realm::new(&config.realm)?;
        let keys = KeyStore::new(
            &config.issuer,
            config.jwks_cache_secs,
            config.jwks_min_refresh_secs,
        )?;
        let validations = config
            .algorithms
            .iter()
            .map(|alg| (*alg, validation(*alg, &config)))
            .collect();
        Ok(Self(Arc::new(Inner {
            issuer: config.issuer,
            realm,
            token_type: config.token_type,
            leeway_secs: config.leeway_secs,
            validations,
            keys,
            verified: VerifiedTokens::new(config.token_cache_entries),
            clock,
        })))
    }

    /// Finds the bearer token of a request (RFC 6750 §2.1) and verifies it.
    pub async fn authenticate(&self, parts: &Parts) -> Result<Arc<Claims>, BearerError> {
        match bearer_credentials(&parts.headers, parts.uri.query()) {
            Ok(token) => self.verify(token).await,
            Err(Extraction::Missing) => Err(BearerError::MissingToken {
                realm: self.0.realm.clone(),
            }),
            Err(Extraction::Malformed(reason)) => Err(self.malformed(reason)),
        }
    }

    fn malformed(&self, reason: &'static str) -> BearerError {
        tracing::debug!(reason, "malformed bearer request");
        BearerError::InvalidRequest {
            realm: self.0.realm.clone(),
            reason,
        }
    }

    /// Verifies the credentials of one request: from the cache when these
    /// exact bytes were fully verified before and nothing has changed
    /// since, otherwise every check of the module docs (then credentials
    /// that are not one `b64token` are an `invalid_request`).
    async fn verify(&self, token: &[u8]) -> Result<Arc<Claims>, BearerError> {
        let inner = &*self.0;
        if token.len() > MAX_TOKEN_BYTES {
            // Refused before anything, hashing included, is spent on it.
            tracing::debug!(bytes = token.len(), "bearer token refused: too long");
            return Err(BearerError::InvalidToken {
                realm: inner.realm.clone(),
                reason: TokenRejection::TooLong,
            });
        }
        let now = inner.clock.now();
        // No dot: no JWS, so nothing to look up (full verification says why).
        let cache_key = CacheKey::of(token);
        if let Some(cache_key) = &cache_key {
            match inner
                .verified
                .get(cache_key, |hit| self.still_valid(hit, now))
            {
                Cached::Valid(claims) => return Ok(claims),
                // Expired, or its key was rotated out: verify from scratch,
                // which gives the precise reason in the log.
                Cached::Stale => inner.verified.remove(cache_key),
                Cached::Absent => {}
            }
        }
        // Checked here rather than on every request: a hit is, byte for
        // byte, a token that passed this check when it was first verified.
        let token = b64token(token).map_err(|reason| self.malformed(reason))?;
        // Boxed: the cold path's future (JSON, RSA, maybe a JWKS fetch) is
        // over a kilobyte, and unboxed it would be part of every request's
        // future, copied on each move even when the cache answers.
        match Box::pin(self.verify_uncached(token, now)).await {
            Ok(verified) => {
                let claims = Arc::clone(&verified.claims);
                // A verified token is a JWS, so it has its dot.
                if let Some(cache_key) = &cache_key {
                    inner
                        .verified
                        .insert(cache_key, verified, now, inner.leeway_secs);
                }
                Ok(claims)
            }
            Err(Failure::Token(reason)) => {
                tracing::debug!(token = %Fingerprint::of(token), %reason, "bearer token refused");
                Err(BearerError::InvalidToken {
                    realm: inner.realm.clone(),
                    reason,
                })
            }
            Err(Failure::KeysUnavailable) => {
                tracing::debug!(token = %Fingerprint::of(token), "bearer token not checked: no signing keys");
                Err(BearerError::KeysUnavailable {
                    retry_after_secs: inner.keys.min_refresh_secs().max(1),
                })
            }
        }
    }

    fn still_valid(&self, hit: &Verified, now: u64) -> bool {
        check_time(&hit.claims, now, self.0.leeway_secs).is_ok()
            && self.0.keys.is_current(&hit.key, now)
    }

    /// Steps 2–5; `verify` has already refused a token over [`MAX_TOKEN_BYTES`].
    async fn verify_uncached(&self, token: &str, now: u64) -> Result<Verified, Failure> {
        let inner = &*self.0;
        // Five parts would be a JWE (RFC 7516 §7.1), which this API does not decrypt.
        if token.split('.').count() != 3 {
            return Err(TokenRejection::NotCompactJws.into());
        }
        let header = jsonwebtoken::decode_header(token).map_err(TokenRejection::BadHeader)?;
        let validation = inner
            .validations
            .get(&header.alg)
            .ok_or(TokenRejection::AlgorithmNotAllowed(header.alg))?;
        if !inner.token_type.accepts(header.typ.as_deref()) {
            return Err(TokenRejection::WrongType(header.typ).into());
        }
        // RFC 8725 §3.10 and RFC 7515 §4.1.2–4.1.6: a token naming its own
        // key would let its author pick the key that verifies it.
        for (present, name) in [
            (header.jku.is_some(), "jku"),
            (header.jwk.is_some(), "jwk"),
            (header.x5u.is_some(), "x5u"),
            (header.x5c.is_some(), "x5c"),
        ] {
            if present {
                return Err(TokenRejection::KeyInHeader(name).into());
            }
        }
        // RFC 7515 §4.1.11: a recipient that does not understand a critical
        // extension MUST reject the JWS; this API understands none.
        if let Some(crit) = header.crit {
            return Err(TokenRejection::Critical(crit).into());
        }
        let kid = header.kid.as_deref().ok_or(TokenRejection::MissingKid)?;
        let key = inner
            .keys
            .key(kid, now)
            .await
            .map_err(|error| match error {
                KeyError::UnknownKid => Failure::Token(TokenRejection::UnknownKid),
                KeyError::Unavailable => Failure::KeysUnavailable,
            })?;
        if let Some(key_alg) = key.alg
            && key_alg != header.alg
        {
            return Err(TokenRejection::KeyAlgorithmMismatch {
                key: key_alg,
                token: header.alg,
            }
            .into());
        }
        let claims = jsonwebtoken::decode::<Claims>(token, &key.key, validation)
            .map_err(TokenRejection::Jwt)?
            .claims;
        // Also checked by `validation`; said again here because `iss` is
        // compared as an exact string, never as "one of an array".
        if claims.iss != inner.issuer {
            return Err(TokenRejection::WrongIssuer.into());
        }
        check_time(&claims, now, inner.leeway_secs)?;
        if inner.token_type == TokenType::AtJwt {
            // RFC 9068 §2.2: required in a JWT access token.
            for (present, name) in [
                (claims.client_id.is_some(), "client_id"),
                (claims.iat.is_some(), "iat"),
                (claims.jti.is_some(), "jti"),
            ] {
                if !present {
                    return Err(TokenRejection::MissingClaim(name).into());
                }
            }
        }
        Ok(Verified {
            claims: Arc::new(claims),
            key,
        })
    }
}

/// `jsonwebtoken`'s `Validation` for tokens signed with `alg`, every field
/// set on purpose (its defaults are not what a resource server needs).
fn validation(alg: Algorithm, config: &BearerConfig) -> Validation {
    let mut validation = Validation::new(alg);
    // Exactly this token's algorithm, already checked against the allow-list.
    validation.algorithms = vec![alg];
    // Default is only `exp`: RFC 9068 §2.2 requires all four.
    validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
    // Exact issuer (RFC 9068 §4); `Claims::iss` being a string keeps out an array.
    validation.set_issuer(&[&config.issuer]);
    // "Any of": the token's `aud` may list several audiences (this API and
    // the userinfo endpoint); it must contain this API's (RFC 9068 §4).
    validation.validate_aud = true;
    validation.set_audience(&[&config.audience]);
    // Any subject.
    validation.sub = None;
    // Time is checked by `check_time` against the injected `Clock` — the
    // same clock the verified-token cache uses, so both always agree —
    // because `jsonwebtoken` reads the system clock. Its default leeway
    // (60 s) and `validate_nbf = false` would not do either.
    validation.validate_exp = false;
    validation.validate_nbf = false;
    validation.leeway = config.leeway_secs;
    validation.reject_tokens_expiring_in_less_than = 0;
    validation
}

/// RFC 7519 §4.1.4–4.1.6 with `leeway` seconds of clock skew each way.
fn check_time(claims: &Claims, now: u64, leeway: u64) -> Result<(), TokenRejection> {
    // "MUST NOT be accepted on or after" exp.
    if now >= claims.exp.saturating_add(leeway) {
        return Err(TokenRejection::Expired {
            exp: claims.exp,
            now,
        });
    }
    if let Some(nbf) = claims.nbf
        && now.saturating_add(leeway) < nbf
    {
        return Err(TokenRejection::NotYetValid { nbf, now });
    }
    if let Some(iat) = claims.iat
        && iat > now.saturating_add(leeway)
    {
        return Err(TokenRejection::IssuedInTheFuture { iat, now });
    }
    Ok(())
}

enum Failure {
    Token(TokenRejection),
    KeysUnavailable,
}

impl From<TokenRejection> for Failure {
    fn from(reason: TokenRejection) -> Self {
        Self::Token(reason)
    }
}

enum Extraction {
    /// No bearer credentials at all.
    Missing,
    /// Bearer credentials sent wrongly.
    Malformed(&'static str),
}

/// RFC 6750 §2.1: `Authorization: Bearer <b64token>`, the only method this
/// API supports (§2.2 form bodies and §2.3 query parameters are not).
/// Returns the credentials' bytes; whether they are one `b64token` is
/// [`b64token`]'s to say, on the verified-token cache's miss path.
fn bearer_credentials<'a>(
    headers: &'a HeaderMap,
    query: Option<&str>,
) -> Result<&'a [u8], Extraction> {
    // §2.3 tokens end up in logs and browser history; say so rather than
    // silently ignore one.
    if query.is_some_and(|q| {
        url::form_urlencoded::parse(q.as_bytes()).any(|(name, _)| name == "access_token")
    }) {
        return Err(Extraction::Malformed(
            "send the access token in the Authorization header, not in the URL",
        ));
    }
    let mut values = headers.get_all(header::AUTHORIZATION).iter();
    let Some(value) = values.next() else {
        return Err(Extraction::Missing);
    };
    if values.next().is_some() {
        return Err(Extraction::Malformed("more than one Authorization header"));
    }
    let value = value.as_bytes();
    let (scheme, rest) = match value.iter().position(|&b| b == b' ') {
        Some(space) => (&value[..space], &value[space + 1..]),
        None => (value, &[][..]),
    };
    // The scheme is case-insensitive (RFC 9110 §11.1). Another scheme is not
    // an error in a bearer request, just no bearer credentials (§3.1).
    if !scheme.eq_ignore_ascii_case(b"Bearer") {
        return Err(Extraction::Missing);
    }
    let token = &rest[rest.iter().take_while(|&&b| b == b' ').count()..];
    if token.is_empty() {
        return Err(Extraction::Malformed("the bearer token is empty"));
    }
    Ok(token)
}

/// The credentials as one `b64token` (RFC 6750 §2.1), or why not. This also
/// rules out anything that is not visible ASCII.
fn b64token(token: &[u8]) -> Result<&str, &'static str> {
    const NOT_B64TOKEN: &str = "the bearer token is not one b64token (RFC 6750 §2.1)";
    if !is_b64token(token) {
        return Err(NOT_B64TOKEN);
    }
    // Always ASCII here, so always UTF-8.
    std::str::from_utf8(token).map_err(|_| NOT_B64TOKEN)
}

/// `b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="`
fn is_b64token(token: &[u8]) -> bool {
    let padding = token.iter().rev().take_while(|&&b| b == b'=').count();
    let body = &token[..token.len() - padding];
    // No early exit and no table: the compiler then checks a whole vector of
    // bytes per instruction. This runs on every token the cache does not know.
    !body.is_empty() && body.iter().fold(true, |ok, &b| ok & is_b64token_char(b))
}

/// One character of a `b64token` body (RFC 6750 §2.1), without branches.
fn is_b64token_char(b: u8) -> bool {
    let letter = (b | 0x20).wrapping_sub(b'a') < 26;
    let digit = b.wrapping_sub(b'0') < 10;
    letter
        | digit
        | (b == b'-')
        | (b == b'.')
        | (b == b'_')
        | (b == b'~')
        | (b == b'+')
        | (b == b'/')
}

fn sha256(bytes: &[u8]) -> [u8; 32] {
    let mut digest = [0; 32];
    digest.copy_from_slice(digest::digest(&digest::SHA256, bytes).as_ref());
    digest
}

/// What stands for a token in logs: the first 4 bytes of its SHA-256, as
/// eight hex digits.
struct Fingerprint([u8; 4]);

impl Fingerprint {
    fn of(token: &str) -> Self {
        let digest = sha256(token.as_bytes());
        Self([digest[0], digest[1], digest[2], digest[3]])
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
    }
}

/// SHA-256 of a token's signature: the verified-token cache's key.
#[derive(Clone, Copy, PartialEq, Eq)]
struct SignatureDigest([u8; 32]);

/// A SHA-256 digest is already uniformly spread, so its first eight bytes
/// serve as the table hash; hashing it again (std's SipHash) would only
/// cost time on every request. Flooding is no concern: only verified
/// tokens are inserted, and nobody picks their digests.
impl Hash for SignatureDigest {
    fn hash<H: Hasher>(&self, state: &mut H) {
        let mut prefix = [0; 8];
        prefix.copy_from_slice(&self.0[..8]);
        state.write_u64(u64::from_ne_bytes(prefix));
    }
}

/// The table hasher for [`SignatureDigest`] keys: their own first eight bytes.
#[derive(Default)]
struct DigestPrefix(u64);

impl Hasher for DigestPrefix {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write_u64(&mut self, prefix: u64) {
        self.0 = prefix;
    }

    /// Only `write_u64` is ever called (see `SignatureDigest`'s `Hash`);
    /// this keeps the hasher correct should anything else be hashed with it.
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
}

/// How the verified-token cache finds a token: the SHA-256 of its
/// signature, then its signing input (`header.payload`, RFC 7515 §5.1)
/// compared byte for byte. Equal digests mean equal signatures (SHA-256 is
/// collision resistant), so a hit is this exact token; yet the cache holds
/// no credential, since without its signature a JWS is only its header and
/// claims. Hashing the signature alone (342 bytes for RS256) rather than
/// the whole token (about 900) is most of what a hit costs.
struct CacheKey<'a> {
    signature: SignatureDigest,
    signing_input: &'a [u8],
}

impl<'a> CacheKey<'a> {
    /// `None` without a dot, which no JWS lacks.
    fn of(token: &'a [u8]) -> Option<Self> {
        let dot = memchr::memrchr(b'.', token)?;
        Some(Self {
            signature: SignatureDigest(sha256(&token[dot + 1..])),
            signing_input: &token[..dot],
        })
    }
}

/// A fully verified token: its claims and the key that verified it.
#[derive(Clone)]
struct Verified {
    claims: Arc<Claims>,
    key: Arc<VerifyingKey>,
}

/// What the verified-token cache holds for a digest.
enum Cached {
    /// Verified before and still valid now: its claims.
    Valid(Arc<Claims>),
    /// Verified before, but expired or its key is gone.
    Stale,
    /// Never verified, evicted, or the cache is off.
    Absent,
}

/// One verified token in the cache, under the digest of its signature.
struct Entry {
    /// Compared on every hit; see [`CacheKey`].
    signing_input: Box<[u8]>,
    verified: Verified,
}

/// The bounded cache of verified tokens (see the module docs for why it is safe).
struct VerifiedTokens {
    capacity: usize,
    entries: RwLock<HashMap<SignatureDigest, Entry, BuildHasherDefault<DigestPrefix>>>,
}

impl VerifiedTokens {
    fn new(capacity: usize) -> Self {
        Self {
            capacity,
            entries: RwLock::default(),
        }
    }

    /// The cached entry's claims if `valid` still accepts it. Checked under
    /// the read lock, so a hit writes one reference count and nothing else
    /// that other requests share.
    fn get(&self, key: &CacheKey, valid: impl FnOnce(&Verified) -> bool) -> Cached {
        if self.capacity == 0 {
            return Cached::Absent;
        }
        match self
            .entries
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&key.signature)
        {
            // Same signature, other claims: not this token (and never a
            // valid one: a signature verifies one signing input only).
            Some(hit) if *hit.signing_input != *key.signing_input => Cached::Absent,
            Some(hit) if valid(&hit.verified) => Cached::Valid(Arc::clone(&hit.verified.claims)),
            Some(_) => Cached::Stale,
            None => Cached::Absent,
        }
    }

    fn remove(&self, key: &CacheKey) {
        self.entries
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&key.signature);
    }

    fn insert(&self, key: &CacheKey, verified: Verified, now: u64, leeway: u64) {
        if self.capacity == 0 {
            return;
        }
        let mut entries = self.entries.write().unwrap_or_else(PoisonError::into_inner);
        if entries.len() >= self.capacity && !entries.contains_key(&key.signature) {
            entries.retain(|_, entry| check_time(&entry.verified.claims, now, leeway).is_ok());
            if entries.len() >= self.capacity
                && let Some(soonest) = entries
                    .iter()
                    .min_by_key(|(_, entry)| entry.verified.claims.exp)
                    .map(|(digest, _)| *digest)
            {
                entries.remove(&soonest);
            }
        }
        entries.insert(
            key.signature,
            Entry {
                signing_input: key.signing_input.into(),
                verified,
            },
        );
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.entries
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }
}

/// A scope that a route requires, as a type, so the requirement is in the
/// handler's signature: `auth: Authorized<ReadMessages>`.
pub trait RequiredScope {
    /// The scope token (RFC 6749 §3.3 syntax: no spaces, quotes or backslashes).
    const SCOPE: &'static str;
}

/// Extractor: the request carries a valid access token for this API.
/// Rejects with [`BearerError`] (401, 400 or 503).
#[derive(Debug, Clone)]
pub struct Authenticated(pub Arc<Claims>);

impl<S> FromRequestParts<S> for Authenticated
where
    BearerAuth: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = BearerError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let auth = BearerAuth::from_ref(state);
        auth.authenticate(parts).await.map(Self)
    }
}

/// Extractor: a valid access token that was granted the scope `S`
/// (RFC 6750 §3.1); otherwise 403 `insufficient_scope` naming it.
#[derive(Debug, Clone)]
pub struct Authorized<S> {
    /// The token's claims.
    pub claims: Arc<Claims>,
    scope: PhantomData<fn() -> S>,
}

impl<S, State> FromRequestParts<State> for Authorized<S>
where
    S: RequiredScope,
    BearerAuth: FromRef<State>,
    State: Send + Sync,
{
    type Rejection = BearerError;

    async fn from_request_parts(parts: &mut Parts, state: &State) -> Result<Self, Self::Rejection> {
        let auth = BearerAuth::from_ref(state);
        let claims = auth.authenticate(parts).await?;
        if !claims.scope.contains(S::SCOPE) {
            tracing::debug!(scope = S::SCOPE, "bearer token lacks the route's scope");
            return Err(BearerError::InsufficientScope {
                realm: auth.0.realm.clone(),
                scope: S::SCOPE,
            });
        }
        Ok(Self {
            claims,
            scope: PhantomData,
        })
    }
}

#[cfg(test)]
mod tests {
    use axum::http::Request;

    use super::*;

    fn claims(exp: u64, nbf: Option<u64>, iat: Option<u64>) -> Claims {
        let mut json = serde_json::json!({
            "iss": "https://issuer.test", "sub": "u", "aud": "api", "exp": exp,
        });
        if let Some(nbf) = nbf {
            json["nbf"] = nbf.into();
        }
        if let Some(iat) = iat {
            json["iat"] = iat.into();
        }
        serde_json::from_value(json).unwrap()
    }

    fn headers(values: &[&str]) -> HeaderMap {
        let mut request = Request::builder();
        for value in values {
            request = request.header(header::AUTHORIZATION, *value);
        }
        request.body(()).unwrap().into_parts().0.headers
    }

    /// What a request's credentials come to before any cache lookup or
    /// signature check: the token, or why there is none.
    fn extract<'a>(headers: &'a HeaderMap, query: Option<&str>) -> Result<&'a str, String> {
        let token = bearer_credentials(headers, query).map_err(|e| match e {
            Extraction::Missing => "missing".to_owned(),
            Extraction::Malformed(reason) => reason.to_owned(),
        })?;
        b64token(token).map_err(str::to_owned)
    }

    #[test]
    fn a_token_expires_at_exp_plus_the_leeway_and_not_a_second_later() {
        let c = claims(1_000, None, None);
        assert!(check_time(&c, 1_029, 30).is_ok());
        assert!(matches!(
            check_time(&c, 1_030, 30),
            Err(TokenRejection::Expired { .. })
        ));
        assert!(check_time(&c, 999, 0).is_ok());
        assert!(check_time(&c, 1_000, 0).is_err(), "exp itself is too late");
    }

    #[test]
    fn a_token_is_not_valid_before_nbf_minus_the_leeway() {
        let c = claims(10_000, Some(1_000), None);
        assert!(matches!(
            check_time(&c, 969, 30),
            Err(TokenRejection::NotYetValid { .. })
        ));
        assert!(check_time(&c, 970, 30).is_ok());
    }

    #[test]
    fn a_token_issued_in_the_future_is_refused() {
        let c = claims(10_000, None, Some(2_000));
        assert!(check_time(&c, 1_969, 30).is_err());
        assert!(check_time(&c, 1_970, 30).is_ok());
    }

    #[test]
    fn numeric_dates_may_be_fractional_but_not_negative_or_strings() {
        let parse = |exp: serde_json::Value| {
            serde_json::from_value::<Claims>(serde_json::json!({
                "iss": "i", "sub": "s", "aud": ["a", "b"], "exp": exp
            }))
        };
        assert_eq!(parse(serde_json::json!(1_000.7)).unwrap().exp, 1_000);
        assert_eq!(parse(serde_json::json!(1_000)).unwrap().aud, ["a", "b"]);
        assert!(parse(serde_json::json!(-1)).is_err());
        assert!(parse(serde_json::json!("1000")).is_err());
        assert!(parse(serde_json::json!(1e300)).is_err());
        assert!(parse(serde_json::Value::Null).is_err());
    }

    #[test]
    fn the_bearer_scheme_is_case_insensitive_and_other_schemes_are_no_credentials() {
        assert_eq!(extract(&headers(&["bearer abc.def"]), None), Ok("abc.def"));
        assert_eq!(extract(&headers(&["BEARER  abc"]), None), Ok("abc"));
        assert_eq!(
            extract(&headers(&["Basic dXNlcjpwYXNz"]), None),
            Err("missing".into())
        );
        assert_eq!(extract(&headers(&[]), None), Err("missing".into()));
    }

    #[test]
    fn empty_doubled_or_spaced_tokens_are_malformed_requests() {
        for bad in [
            &["Bearer"][..],
            &["Bearer "],
            &["Bearer a b"],
            &["Bearer a,b"],
            &["Bearer ="],
            &["Bearer a", "Bearer b"],
        ] {
            let map = headers(bad);
            let result = extract(&map, None);
            assert!(
                result.as_ref().is_err_and(|e| e != "missing"),
                "{bad:?}: {result:?}"
            );
        }
        assert!(extract(&headers(&["Bearer a"]), Some("x=1&access_token=t")).is_err());
        assert_eq!(extract(&headers(&["Bearer a=="]), Some("x=1")), Ok("a=="));
    }

    #[test]
    fn typ_is_compared_as_a_media_type() {
        assert!(TokenType::AtJwt.accepts(Some("at+jwt")));
        assert!(TokenType::AtJwt.accepts(Some("application/AT+JWT")));
        assert!(!TokenType::AtJwt.accepts(Some("JWT")));
        assert!(!TokenType::AtJwt.accepts(None));
        assert!(!TokenType::AtJwt.accepts(Some("text/at+jwt")));
        assert!(TokenType::Jwt.accepts(Some("JWT")));
        assert!(TokenType::Jwt.accepts(None));
        assert!(TokenType::Jwt.accepts(Some("at+jwt")));
        assert!(!TokenType::Jwt.accepts(Some("JOSE")));
    }

    #[test]
    fn a_b64token_is_its_characters_and_trailing_equals_signs_only() {
        let alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/";
        assert!(is_b64token(alphabet.as_bytes()));
        assert!(is_b64token(b"abc=="));
        for bad in [
            "", "==", "a=b", "a b", "a,b", "a\"b", "a\\b", "é", "a\u{7f}", "a%2F",
        ] {
            assert!(!is_b64token(bad.as_bytes()), "{bad:?} accepted");
        }
    }

    #[test]
    fn the_branch_free_character_check_is_exactly_the_rfc_6750_set() {
        for b in 0..=u8::MAX {
            let rfc = b.is_ascii_alphanumeric() || b"-._~+/".contains(&b);
            assert_eq!(is_b64token_char(b), rfc, "byte {b:#04x}");
        }
    }

    #[test]
    fn a_header_that_is_not_ascii_is_no_bearer_token() {
        let mut map = HeaderMap::new();
        map.insert(
            header::AUTHORIZATION,
            HeaderValue::from_bytes(b"Bearer abc\xe9").unwrap(),
        );
        assert!(extract(&map, None).unwrap_err().contains("b64token"));
        map.insert(
            header::AUTHORIZATION,
            HeaderValue::from_bytes(b"Basic \xe9").unwrap(),
        );
        assert_eq!(extract(&map, None), Err("missing".into()));
    }

    #[test]
    fn a_realm_with_a_quote_is_refused() {
        assert!(Realm::new("api.example.com").is_ok());
        assert!(Realm::new("a\"b").is_err());
        assert!(Realm::new("a\nb").is_err());
    }

    #[test]
    fn the_fingerprint_is_eight_hex_digits_of_the_sha256() {
        let fp = Fingerprint::of("abc").to_string();
        // SHA-256("abc") = ba7816bf...
        assert_eq!(fp, "ba7816bf");
    }

    fn verified(exp: u64) -> Verified {
        let key = jsonwebtoken::DecodingKey::from_rsa_raw_components(&[1], &[1]);
        Verified {
            claims: Arc::new(claims(exp, None, None)),
            key: Arc::new(VerifyingKey::new("k".into(), key, None)),
        }
    }

    #[test]
    fn the_verified_token_cache_is_bounded_and_evicts_expired_then_soonest_entries() {
        let cache = VerifiedTokens::new(2);
        let [a, b, c, d] = [b"h.p.a", b"h.p.b", b"h.p.c", b"h.p.d"].map(|token| key(token));
        cache.insert(&a, verified(100), 0, 0);
        cache.insert(&b, verified(500), 0, 0);
        // At t=200, a has expired: it goes, b stays.
        cache.insert(&c, verified(300), 200, 0);
        assert_eq!(cache.len(), 2);
        assert!(!holds(&cache, &a) && holds(&cache, &b));
        // Nothing expired: the soonest to expire (c) goes.
        cache.insert(&d, verified(900), 200, 0);
        assert_eq!(cache.len(), 2);
        assert!(!holds(&cache, &c) && holds(&cache, &d));
        // An entry the caller no longer accepts is reported, not returned.
        assert!(matches!(cache.get(&d, |_| false), Cached::Stale));
    }

    fn key(token: &[u8]) -> CacheKey<'_> {
        CacheKey::of(token).unwrap()
    }

    fn holds(cache: &VerifiedTokens, key: &CacheKey) -> bool {
        matches!(cache.get(key, |_| true), Cached::Valid(_))
    }

    #[test]
    fn a_cached_signature_under_other_claims_is_no_hit() {
        let cache = VerifiedTokens::new(10);
        cache.insert(&key(b"header.payload.signature"), verified(100), 0, 0);
        assert!(holds(&cache, &key(b"header.payload.signature")));
        for other in [
            &b"header.payload2.signature"[..],
            b"header2.payload.signature",
            b"header.payloa.signature",
            b"headerpayload.signature",
            b".signature",
        ] {
            assert!(
                !holds(&cache, &key(other)),
                "{}",
                String::from_utf8_lossy(other)
            );
        }
        assert!(!holds(&cache, &key(b"header.payload.signaturf")));
        assert!(CacheKey::of(b"no-dot-at-all").is_none());
    }

    #[test]
    fn a_cache_of_size_zero_remembers_nothing() {
        let cache = VerifiedTokens::new(0);
        cache.insert(&key(b"h.p.a"), verified(100), 0, 0);
        assert!(matches!(
            cache.get(&key(b"h.p.a"), |_| true),
            Cached::Absent
        ));
    }

    #[test]
    fn hmac_algorithms_and_an_empty_allow_list_are_refused_at_setup() {
        let config = |algorithms| BearerConfig {
            issuer: "https://issuer.test/".into(),
            audience: "api".into(),
            realm: "api".into(),
            algorithms,
            token_type: TokenType::AtJwt,
            leeway_secs: 30,
            jwks_cache_secs: 600,
            jwks_min_refresh_secs: 10,
            token_cache_entries: 10,
        };
        let clock: Arc<dyn Clock> = Arc::new(SystemClock);
        assert!(matches!(
            BearerAuth::new(
                config(vec![Algorithm::RS256, Algorithm::HS256]),
                clock.clone()
            ),
            Err(BearerSetupError::SymmetricAlgorithm(Algorithm::HS256))
        ));
        assert!(matches!(
            BearerAuth::new(config(vec![]), clock.clone()),
            Err(BearerSetupError::NoAlgorithms)
        ));
        assert!(BearerAuth::new(config(vec![Algorithm::RS256, Algorithm::ES256]), clock).is_ok());
    }
}
