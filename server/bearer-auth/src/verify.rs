//! Verification: steps 1–5 of the crate docs, for one request's token.

use std::{collections::HashMap, fmt, sync::Arc};

use axum::http::request::Parts;
use jsonwebtoken::{Algorithm, AlgorithmFamily, Validation};
use protocol::{Clock, TokenType};

use crate::{
    BearerConfig, BearerError, BearerSetupError, Claims, TokenRejection,
    cache::{CacheKey, Cached, Fingerprint, Verified, VerifiedTokens},
    error::Realm,
    extract::{Extraction, b64token, bearer_credentials},
    jwks::{KeyError, KeyStore},
};

/// The longest token looked at. Real access tokens are one or two
/// kilobytes; anything much larger is refused before it is decoded.
pub const MAX_TOKEN_BYTES: usize = 8 * 1024;

/// Verifies bearer tokens; cheap to clone (one `Arc`). The state of the
/// extractors ([`Authenticated`](crate::Authenticated),
/// [`Authorized`](crate::Authorized)): the router's state itself, or
/// reachable from it by `FromRef`.
#[derive(Clone)]
pub struct BearerAuth(Arc<Inner>);

struct Inner {
    issuer: String,
    audience: String,
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
            .field("audience", &self.0.audience)
            .field("token_type", &self.0.token_type)
            .field("keys", &self.0.keys)
            .finish_non_exhaustive()
    }
}

/// Why verification stopped.
enum Failure {
    Token(TokenRejection),
    KeysUnavailable,
}

impl From<TokenRejection> for Failure {
    fn from(reason: TokenRejection) -> Self {
        Self::Token(reason)
    }
}

impl BearerAuth {
    /// The settings for tokens of `issuer` for the API named `audience`,
    /// with defaults for the rest; finish with [`BearerConfig::build`].
    pub fn builder(issuer: impl Into<String>, audience: impl Into<String>) -> BearerConfig {
        BearerConfig::new(issuer, audience)
    }

    /// Checks `config`; fetches nothing yet.
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
        let realm = Realm::new(config.realm.as_deref().unwrap_or(&config.audience))?;
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
            audience: config.audience,
            realm,
            token_type: config.token_type,
            leeway_secs: config.leeway_secs,
            validations,
            keys,
            verified: VerifiedTokens::new(config.token_cache_entries),
            clock,
        })))
    }

    /// Finds the bearer token of a request (RFC 6750 §2.1) and verifies it:
    /// what the extractors do, for code that is not a handler.
    pub async fn authenticate(&self, parts: &Parts) -> Result<Arc<Claims>, BearerError> {
        match bearer_credentials(&parts.headers, parts.uri.query()) {
            Ok(token) => self.verify(token).await,
            Err(Extraction::Missing) => Err(BearerError::MissingToken {
                realm: self.0.realm.clone(),
            }),
            Err(Extraction::Malformed(reason)) => Err(self.malformed(reason)),
        }
    }

    pub(crate) fn insufficient_scope(&self, scope: &'static str) -> BearerError {
        BearerError::InsufficientScope {
            realm: self.0.realm.clone(),
            scope,
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
    /// since, otherwise every check (then credentials that are not one
    /// `b64token` are an `invalid_request`).
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
        let now = inner.clock.now_secs();
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
        if !accepts_typ(inner.token_type, header.typ.as_deref()) {
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
        // Also checked by `validation`; said again on the typed claims
        // because `iss` is compared as an exact string, never as "one of
        // an array", and `aud` must name this API whatever else it names.
        if claims.iss != inner.issuer {
            return Err(TokenRejection::WrongIssuer.into());
        }
        if !claims.aud.contains(&inner.audience) {
            return Err(TokenRejection::WrongAudience.into());
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

/// Whether a token with header `typ` may be an access token: with
/// `at+jwt` required, only that (RFC 9068 §4); with `jwt`, also `JWT` or
/// no `typ`. Compared as media types (RFC 7515 §4.1.9).
pub(crate) fn accepts_typ(expected: TokenType, typ: Option<&str>) -> bool {
    match (expected, typ.map(TokenType::from_typ)) {
        (_, Some(Some(TokenType::AtJwt))) | (TokenType::Jwt, None | Some(Some(TokenType::Jwt))) => {
            true
        }
        (TokenType::AtJwt, _) | (TokenType::Jwt, Some(None)) => false,
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
    // Time is checked by `check_time` against the injected `Clock`, the
    // same clock the verified-token cache uses, so both always agree,
    // because `jsonwebtoken` reads the system clock. Its default leeway
    // (60 s) and `validate_nbf = false` would not do either.
    validation.validate_exp = false;
    validation.validate_nbf = false;
    validation.leeway = config.leeway_secs;
    validation.reject_tokens_expiring_in_less_than = 0;
    validation
}

/// RFC 7519 §4.1.4–4.1.6 with `leeway` seconds of clock skew each way.
pub(crate) fn check_time(claims: &Claims, now: u64, leeway: u64) -> Result<(), TokenRejection> {
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

#[cfg(test)]
mod tests;
