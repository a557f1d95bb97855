use serde_json::{Value, json};

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

/// The claims of a token that passes, with `extra` set (`null` removes),
/// read as a client reads them.
fn claims(extra: Value) -> IdTokenClaims {
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
    serde_json::from_value(c).unwrap()
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
    assert_eq!(failed(json!({"aud": ["spa", "api"]}), now), C::Audience);
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
fn an_extra_untrusted_audience_is_refused_even_with_this_client_as_azp() {
    // OIDC Core §3.1.3.7 step 3: additional audiences not trusted.
    let refused = check(json!({"aud": ["spa", "api"], "azp": "spa"}), 1_000_010).unwrap_err();
    assert_eq!(refused.failure.check, IdTokenCheck::Audience);
    assert!(
        refused.failure.reason.contains("\"api\""),
        "{}",
        refused.failure.reason
    );
    assert_eq!(refused.passed, [IdTokenCheck::Issuer]);
    // This client alone, in an array, with or without azp: fine.
    assert!(check(json!({"aud": ["spa"]}), 1_000_010).is_ok());
    assert!(check(json!({"aud": ["spa"], "azp": "spa"}), 1_000_010).is_ok());
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
