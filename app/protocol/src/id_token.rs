//! Validating an ID token in the implicit flow, as OpenID Connect Core
//! §3.2.2.11 prescribes (which refers to §3.1.3.7), one named check at a time
//! so that a client can show which step passed or failed.
//!
//! The signature itself is verified by the caller (in the browser with
//! WebCrypto) over [`CompactJws::signing_input`](crate::CompactJws); this
//! module decides which algorithm may be used and checks every claim.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::{JoseHeader, Nonce};

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
    /// §3.1.3.7 step 3: `aud` contains this client's `client_id`.
    Audience,
    /// §3.1.3.7 steps 4–5: with several audiences, `azp` is this client.
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
    claims: &Map<String, Value>,
    expected: &IdTokenExpectations<'_>,
) -> Result<Vec<IdTokenCheck>, ClaimsRefused> {
    let mut passed = Vec::new();
    match run_claim_checks(claims, expected, &mut passed) {
        Ok(()) => Ok(passed),
        Err(failure) => Err(ClaimsRefused { passed, failure }),
    }
}

fn run_claim_checks(
    claims: &Map<String, Value>,
    expected: &IdTokenExpectations<'_>,
    passed: &mut Vec<IdTokenCheck>,
) -> Result<(), CheckFailure> {
    use IdTokenCheck as C;

    match claims.get("iss").and_then(Value::as_str) {
        Some(iss) if iss == expected.issuer => passed.push(C::Issuer),
        Some(iss) => {
            return Err(fail(
                C::Issuer,
                format!("iss is {iss:?}, expected {:?}", expected.issuer),
            ));
        }
        None => return Err(fail(C::Issuer, "iss is missing")),
    }

    let audiences: Vec<&str> = match claims.get("aud") {
        Some(Value::String(aud)) => vec![aud.as_str()],
        Some(Value::Array(auds)) => auds.iter().filter_map(Value::as_str).collect(),
        _ => return Err(fail(C::Audience, "aud is missing")),
    };
    if !audiences.contains(&expected.client_id) {
        return Err(fail(
            C::Audience,
            format!(
                "aud {audiences:?} does not contain client_id {:?}",
                expected.client_id
            ),
        ));
    }
    passed.push(C::Audience);

    match claims.get("azp").and_then(Value::as_str) {
        Some(azp) if azp != expected.client_id => {
            return Err(fail(
                C::AuthorizedParty,
                format!("azp is {azp:?}, expected {:?}", expected.client_id),
            ));
        }
        None if audiences.len() > 1 => {
            return Err(fail(C::AuthorizedParty, "several audiences but no azp"));
        }
        _ => passed.push(C::AuthorizedParty),
    }

    let exp = claims.get("exp").and_then(Value::as_u64);
    match exp {
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

    match claims.get("iat").and_then(Value::as_u64) {
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

    match claims.get("nonce").and_then(Value::as_str) {
        Some(nonce) if nonce == expected.nonce.as_str() => passed.push(C::Nonce),
        Some(_) => {
            return Err(fail(
                C::Nonce,
                "nonce differs from the one this browser sent: a replayed or injected token",
            ));
        }
        None => return Err(fail(C::Nonce, "nonce is missing")),
    }

    if let Some(digest) = expected.access_token_sha256 {
        match claims.get("at_hash").and_then(Value::as_str) {
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

    match claims.get("sub").and_then(Value::as_str) {
        Some(sub) if !sub.is_empty() => passed.push(C::Subject),
        _ => return Err(fail(C::Subject, "sub is missing")),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    // OIDC Core §A.4 example: this access token has at_hash 77QmUPtjPfzWtF2AnpK9RQ.
    const SPEC_ACCESS_TOKEN: &str = "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y";
    // SHA-256 of SPEC_ACCESS_TOKEN.
    fn spec_digest() -> Vec<u8> {
        // Precomputed with `printf %s TOKEN | sha256sum`.
        let hex = "efb42650fb633dfcd6b45d809e92bd456a57ad696b79c75b2d4c890c86fb4ba4";
        (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
            .collect()
    }

    fn claims(extra: Value) -> Map<String, Value> {
        let mut c = json!({
            "iss": "https://idp.example",
            "aud": "spa",
            "sub": "alice",
            "exp": 1_000_120,
            "iat": 1_000_000,
            "nonce": "n-1",
            "at_hash": "77QmUPtjPfzWtF2AnpK9RQ",
        });
        if let (Value::Object(base), Value::Object(extra)) = (&mut c, extra) {
            for (k, v) in extra {
                if v.is_null() {
                    base.remove(&k);
                } else {
                    base.insert(k, v);
                }
            }
        }
        c.as_object().unwrap().clone()
    }

    fn check(extra: Value, now: u64) -> Result<Vec<IdTokenCheck>, ClaimsRefused> {
        check_with(extra, now, Some(&spec_digest()))
    }

    fn check_with(
        extra: Value,
        now: u64,
        access_token_sha256: Option<&[u8]>,
    ) -> Result<Vec<IdTokenCheck>, ClaimsRefused> {
        let nonce = Nonce::new("n-1");
        check_claims(
            &claims(extra),
            &IdTokenExpectations {
                issuer: "https://idp.example",
                client_id: "spa",
                nonce: &nonce,
                access_token_sha256,
                now,
                clock_skew: 30,
                max_age_of_iat: 600,
            },
        )
    }

    fn failed(extra: Value, now: u64) -> IdTokenCheck {
        check(extra, now).unwrap_err().failure.check
    }

    #[test]
    fn a_refusal_names_only_the_checks_that_ran_before_it() {
        use IdTokenCheck as C;
        // No access token: at_hash is not checked, so not passed either.
        let refused = check_with(json!({"sub": null}), 1_000_010, None).unwrap_err();
        assert_eq!(refused.failure.check, C::Subject);
        assert_eq!(
            refused.passed,
            [
                C::Issuer,
                C::Audience,
                C::AuthorizedParty,
                C::Expiry,
                C::IssuedAt,
                C::Nonce
            ]
        );
        let refused = check(json!({"nonce": "n-2"}), 1_000_010).unwrap_err();
        assert_eq!(refused.failure.check, C::Nonce);
        assert_eq!(refused.passed.last(), Some(&C::IssuedAt));
        assert!(
            !check_with(json!({}), 1_000_010, None)
                .unwrap()
                .contains(&C::AtHash)
        );
    }

    #[test]
    fn at_hash_matches_the_example_of_the_specification() {
        assert_eq!(SPEC_ACCESS_TOKEN.len(), 43);
        assert_eq!(
            at_hash_from_sha256(&spec_digest()),
            "77QmUPtjPfzWtF2AnpK9RQ"
        );
    }

    #[test]
    fn a_good_id_token_passes_every_claim_check_in_order() {
        let passed = check(json!({}), 1_000_010).unwrap();
        use IdTokenCheck as C;
        assert_eq!(
            passed,
            [
                C::Issuer,
                C::Audience,
                C::AuthorizedParty,
                C::Expiry,
                C::IssuedAt,
                C::Nonce,
                C::AtHash,
                C::Subject
            ]
        );
    }

    #[test]
    fn each_wrong_claim_fails_its_own_check() {
        use IdTokenCheck as C;
        let now = 1_000_010;
        assert_eq!(
            failed(json!({"iss": "https://evil.example"}), now),
            C::Issuer
        );
        assert_eq!(failed(json!({"iss": null}), now), C::Issuer);
        assert_eq!(failed(json!({"aud": "other"}), now), C::Audience);
        assert_eq!(failed(json!({"aud": ["other", "x"]}), now), C::Audience);
        assert_eq!(
            failed(json!({"aud": ["spa", "api"]}), now),
            C::AuthorizedParty
        );
        assert_eq!(failed(json!({"azp": "other"}), now), C::AuthorizedParty);
        assert_eq!(failed(json!({"nonce": "n-2"}), now), C::Nonce);
        assert_eq!(failed(json!({"nonce": null}), now), C::Nonce);
        assert_eq!(
            failed(json!({"at_hash": "AAAAAAAAAAAAAAAAAAAAAA"}), now),
            C::AtHash
        );
        assert_eq!(failed(json!({"at_hash": null}), now), C::AtHash);
        assert_eq!(failed(json!({"sub": ""}), now), C::Subject);
        assert_eq!(failed(json!({"exp": "soon"}), now), C::Expiry);
    }

    #[test]
    fn several_audiences_pass_with_this_client_as_azp() {
        assert!(check(json!({"aud": ["spa", "api"], "azp": "spa"}), 1_000_010).is_ok());
    }

    #[test]
    fn expiry_and_issued_at_allow_the_clock_skew_and_no_more() {
        use IdTokenCheck as C;
        assert!(
            check(json!({}), 1_000_149).is_ok(),
            "exp + skew not reached"
        );
        assert_eq!(failed(json!({}), 1_000_150), C::Expiry);
        // iat ahead of our clock within the skew is fine, beyond it is not.
        assert!(check(json!({"iat": 1_000_030, "exp": 2_000_000}), 1_000_000).is_ok());
        assert_eq!(
            failed(json!({"iat": 1_000_031, "exp": 2_000_000}), 1_000_000),
            C::IssuedAt
        );
        // A token issued long ago (but with a far exp) is refused.
        assert_eq!(
            failed(json!({"iat": 1_000_000, "exp": 9_000_000}), 1_000_601),
            C::IssuedAt
        );
    }

    #[test]
    fn an_id_token_alone_needs_no_at_hash() {
        let nonce = Nonce::new("n-1");
        let result = check_claims(
            &claims(json!({"at_hash": null})),
            &IdTokenExpectations {
                issuer: "https://idp.example",
                client_id: "spa",
                nonce: &nonce,
                access_token_sha256: None,
                now: 1_000_010,
                clock_skew: 0,
                max_age_of_iat: 600,
            },
        );
        assert!(!result.unwrap().contains(&IdTokenCheck::AtHash));
    }

    #[test]
    fn only_rs256_without_critical_extensions_is_allowed() {
        let header = |alg: &str, crit: Option<Vec<String>>| JoseHeader {
            alg: alg.into(),
            typ: Some("JWT".into()),
            kid: Some("k".into()),
            crit,
            jku: None,
            jwk: None,
            x5u: None,
        };
        assert!(check_algorithm(&header("RS256", None)).is_ok());
        for alg in ["none", "HS256", "HS512", "RS384", "ES256", "rs256"] {
            assert!(
                check_algorithm(&header(alg, None)).is_err(),
                "{alg} was allowed"
            );
        }
        assert!(check_algorithm(&header("RS256", Some(vec!["exp".into()]))).is_err());
    }
}
