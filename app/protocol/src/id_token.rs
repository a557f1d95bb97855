//! Validating an ID token in the implicit flow, as OpenID Connect Core
//! §3.2.2.11 prescribes (which refers to §3.1.3.7), one named check at a time
//! so that a client can show which step passed or failed.
//!
//! The signature itself is verified by the caller (in the browser with
//! WebCrypto) over [`CompactJws::signing_input`](crate::CompactJws); this
//! module decides which algorithm may be used and checks every claim.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use serde::{Deserialize, Serialize};

use crate::{ClientId, IdTokenClaims, JoseHeader, Nonce};

/// The only signature algorithm accepted for ID tokens: the one every
/// provider must support (OIDC Core §15.1), asymmetric, so a client never
/// holds a key that could forge tokens (RFC 8725 §3.1).
pub const ALLOWED_ALG: &str = "RS256";

/// One check of OIDC Core §3.2.2.11 / §3.1.3.7, in the order they run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdTokenCheck {
    /// §3.1.3.7 step 7, RFC 8725 §3.1: `alg` is on the allow-list (not `none`,
    /// not HS*), no unknown `crit` extension.
    Algorithm,
    /// §3.1.3.7 step 6: the signature verifies with the issuer's key (`kid`).
    Signature,
    /// §3.1.3.7 step 2: `iss` equals the issuer of the discovery document.
    Issuer,
    /// §3.1.3.7 step 3: `aud` contains this client's `client_id` and no
    /// audience the client does not trust (it trusts none other).
    Audience,
    /// §3.1.3.7 steps 4–5: `azp`, when present, is this client.
    AuthorizedParty,
    /// §3.1.3.7 step 9: the current time is before `exp`.
    Expiry,
    /// §3.1.3.7 step 10: `iat` is not in the future nor too old.
    IssuedAt,
    /// §3.2.2.11: `nonce` equals the one sent in the request (replay).
    Nonce,
    /// §3.2.2.9–10: `at_hash` matches the access token received with it.
    AtHash,
    /// OIDC Core §2: `sub` is present.
    Subject,
}

impl IdTokenCheck {
    /// Every check, in order.
    pub const ALL: [Self; 10] = [
        Self::Algorithm,
        Self::Signature,
        Self::Issuer,
        Self::Audience,
        Self::AuthorizedParty,
        Self::Expiry,
        Self::IssuedAt,
        Self::Nonce,
        Self::AtHash,
        Self::Subject,
    ];

    /// A short label for people.
    pub fn label(self) -> &'static str {
        match self {
            Self::Algorithm => "signature algorithm allowed",
            Self::Signature => "signature valid",
            Self::Issuer => "issuer (iss)",
            Self::Audience => "audience (aud)",
            Self::AuthorizedParty => "authorized party (azp)",
            Self::Expiry => "not expired (exp)",
            Self::IssuedAt => "issued recently (iat)",
            Self::Nonce => "nonce matches",
            Self::AtHash => "access token hash (at_hash)",
            Self::Subject => "subject (sub)",
        }
    }
}

/// A failed check: which one, and why in words a developer can act on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckFailure {
    /// The check that failed.
    pub check: IdTokenCheck,
    /// What was wrong.
    pub reason: String,
}

impl std::fmt::Display for CheckFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} failed: {}", self.check.label(), self.reason)
    }
}

fn fail(check: IdTokenCheck, reason: impl Into<String>) -> CheckFailure {
    CheckFailure {
        check,
        reason: reason.into(),
    }
}

/// Checks the header before any key is looked up: the algorithm must be
/// [`ALLOWED_ALG`] and every `crit` extension understood (none is).
pub fn check_algorithm(header: &JoseHeader) -> Result<(), CheckFailure> {
    if header.alg != ALLOWED_ALG {
        return Err(fail(
            IdTokenCheck::Algorithm,
            format!("alg {:?} is not allowed; only {ALLOWED_ALG}", header.alg),
        ));
    }
    if let Some(crit) = &header.crit {
        return Err(fail(
            IdTokenCheck::Algorithm,
            format!("unsupported critical header extensions {crit:?} (RFC 7515 §4.1.11)"),
        ));
    }
    Ok(())
}

/// What the client expects of the ID token.
#[derive(Debug, Clone)]
pub struct IdTokenExpectations<'a> {
    /// `issuer` of the provider's discovery document.
    pub issuer: &'a str,
    /// This client's `client_id`.
    pub client_id: &'a str,
    /// The nonce stored with the request's transaction.
    pub nonce: &'a Nonce,
    /// SHA-256 of the access token that came with the ID token, if one did:
    /// then `at_hash` is required (OIDC Core §3.2.2.10).
    pub access_token_sha256: Option<&'a [u8]>,
    /// Now, in seconds since the Unix epoch (injected for tests).
    pub now: u64,
    /// Allowed clock difference with the provider, in seconds.
    pub clock_skew: u64,
    /// The oldest `iat` accepted, in seconds before `now`.
    pub max_age_of_iat: u64,
}

/// `at_hash` of an access token, from the SHA-256 digest of its ASCII bytes:
/// the left-most half, base64url without padding (OIDC Core §3.2.2.9, for
/// RS256). Taking the digest lets the browser compute it with WebCrypto.
pub fn at_hash_from_sha256(digest: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(&digest[..digest.len() / 2])
}

/// Claims refused: the first failure, and the checks that passed before it
/// (in the order they ran), so that a client reports exactly what ran.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimsRefused {
    /// The checks that ran and passed before the failure.
    pub passed: Vec<IdTokenCheck>,
    /// The failure, after which no check ran.
    pub failure: CheckFailure,
}

/// Runs every claim check in order and returns the checks that passed (not
/// `at_hash` without an access token), or the first failure with the checks
/// that passed before it. [`IdTokenCheck::Algorithm`] and
/// [`IdTokenCheck::Signature`] are the caller's (see [`check_algorithm`]).
pub fn check_claims(
    claims: &IdTokenClaims,
    expected: &IdTokenExpectations<'_>,
) -> Result<Vec<IdTokenCheck>, ClaimsRefused> {
    let mut passed = Vec::new();
    match run_claim_checks(claims, expected, &mut passed) {
        Ok(()) => Ok(passed),
        Err(failure) => Err(ClaimsRefused { passed, failure }),
    }
}

fn run_claim_checks(
    claims: &IdTokenClaims,
    expected: &IdTokenExpectations<'_>,
    passed: &mut Vec<IdTokenCheck>,
) -> Result<(), CheckFailure> {
    use IdTokenCheck as C;

    match claims.iss.as_deref() {
        Some(iss) if iss == expected.issuer => passed.push(C::Issuer),
        Some(iss) => {
            return Err(fail(
                C::Issuer,
                format!("iss is {iss:?}, expected {:?}", expected.issuer),
            ));
        }
        None => return Err(fail(C::Issuer, "iss is missing or not a string")),
    }

    let Some(audience) = &claims.aud else {
        return Err(fail(
            C::Audience,
            "aud is missing or not a string or an array of strings",
        ));
    };
    if !audience.contains(expected.client_id) {
        return Err(fail(
            C::Audience,
            format!(
                "aud {:?} does not contain client_id {:?}",
                audience.iter().collect::<Vec<_>>(),
                expected.client_id
            ),
        ));
    }
    // Step 3 also refuses "additional audiences not trusted by the Client":
    // this client trusts none, since another party named in `aud` could
    // replay the token here.
    if let Some(other) = audience.iter().find(|aud| *aud != expected.client_id) {
        return Err(fail(
            C::Audience,
            format!("aud also names {other:?}, an audience this client does not trust"),
        ));
    }
    passed.push(C::Audience);

    match claims.azp.as_ref().map(ClientId::as_str) {
        Some(azp) if azp != expected.client_id => {
            return Err(fail(
                C::AuthorizedParty,
                format!("azp is {azp:?}, expected {:?}", expected.client_id),
            ));
        }
        _ => passed.push(C::AuthorizedParty),
    }

    match claims.exp {
        Some(exp) if expected.now < exp.saturating_add(expected.clock_skew) => {
            passed.push(C::Expiry)
        }
        Some(exp) => {
            return Err(fail(
                C::Expiry,
                format!("expired {} s ago", expected.now.saturating_sub(exp)),
            ));
        }
        None => return Err(fail(C::Expiry, "exp is missing or not a number")),
    }

    match claims.iat {
        Some(iat) if iat > expected.now.saturating_add(expected.clock_skew) => {
            return Err(fail(
                C::IssuedAt,
                format!("issued {} s in the future", iat - expected.now),
            ));
        }
        Some(iat) if expected.now.saturating_sub(iat) > expected.max_age_of_iat => {
            return Err(fail(
                C::IssuedAt,
                format!(
                    "issued {} s ago, more than {} s",
                    expected.now - iat,
                    expected.max_age_of_iat
                ),
            ));
        }
        Some(_) => passed.push(C::IssuedAt),
        None => return Err(fail(C::IssuedAt, "iat is missing or not a number")),
    }

    match &claims.nonce {
        Some(nonce) if nonce == expected.nonce => passed.push(C::Nonce),
        Some(_) => {
            return Err(fail(
                C::Nonce,
                "nonce differs from the one this browser sent: a replayed or injected token",
            ));
        }
        None => return Err(fail(C::Nonce, "nonce is missing or not a string")),
    }

    if let Some(digest) = expected.access_token_sha256 {
        match claims.at_hash.as_deref() {
            Some(at_hash) if at_hash == at_hash_from_sha256(digest) => passed.push(C::AtHash),
            Some(_) => {
                return Err(fail(
                    C::AtHash,
                    "at_hash does not match the access token: it was swapped",
                ));
            }
            None => {
                return Err(fail(
                    C::AtHash,
                    "at_hash is missing although an access token came with the id_token (OIDC Core §3.2.2.10)",
                ));
            }
        }
    }

    match claims.sub.as_deref() {
        Some(sub) if !sub.is_empty() => passed.push(C::Subject),
        _ => return Err(fail(C::Subject, "sub is missing or empty")),
    }
    Ok(())
}

#[cfg(test)]
mod tests;
