//! The ID token's checks in the browser (OIDC Core §3.2.2.11), in order:
//! the algorithm (RFC 8725 §3.1), the signature with the provider's key
//! (WebCrypto, the key found by `kid`), then every claim
//! ([`protocol::check_claims`]: `iss`, `aud`, `azp`, `exp`, `iat`, `nonce`,
//! `at_hash`). Each check is reported; the first failure stops.

use leptos::prelude::{WithUntracked, WithValue};
use protocol::{
    CompactJws, IdTokenCheck, IdTokenClaims, IdTokenExpectations, Transaction, check_algorithm,
    check_claims,
};

use crate::{AuthClient, CallbackError, browser, events::AuthEvent, events::Reporter, provider};

/// An ID token that passed every check.
pub(crate) struct ValidIdToken {
    pub(crate) claims: IdTokenClaims,
    /// The checks that ran, in order (`at_hash`, say, only with an access token).
    pub(crate) checks: Vec<IdTokenCheck>,
}

/// How old an ID token's `iat` may be, besides the clock skew: as long as a
/// login transaction lives.
const MAX_AGE_OF_IAT_SECS: u64 = 600;

/// Validates `id_token`, which answers `transaction`, next to
/// `access_token` when one came with it.
pub(crate) async fn validate(
    client: AuthClient,
    report: Reporter,
    id_token: &str,
    transaction: &Transaction,
    access_token: Option<&str>,
) -> Result<ValidIdToken, CallbackError> {
    let failed = |check: IdTokenCheck, reason: String| {
        report.emit(AuthEvent::IdTokenChecked {
            check,
            passed: false,
            detail: Some(reason.clone()),
        });
        CallbackError::IdToken { check, reason }
    };
    let passed = |check: IdTokenCheck| {
        report.emit(AuthEvent::IdTokenChecked {
            check,
            passed: true,
            detail: None,
        });
    };

    let jws = CompactJws::<IdTokenClaims>::parse(id_token)
        .map_err(|e| failed(IdTokenCheck::Signature, e.to_string()))?;
    check_algorithm(&jws.header).map_err(|f| failed(f.check, f.reason))?;
    passed(IdTokenCheck::Algorithm);

    let discovery = provider::discovery(client, report)
        .await
        .map_err(|e| failed(IdTokenCheck::Signature, e.to_string()))?;
    browser::mark("implicit:discovery-ready");
    let key = provider::signing_key(&discovery, jws.header.kid.as_deref())
        .await
        .map_err(|e| failed(IdTokenCheck::Signature, e.to_string()))?;
    browser::mark("implicit:key-ready");
    let (Some(n), Some(e)) = (key.n.as_deref(), key.e.as_deref()) else {
        return Err(failed(IdTokenCheck::Signature, "the JWK has no n/e".into()));
    };
    let verified = browser::verify_rs256(n, e, jws.signing_input.as_bytes(), &jws.signature)
        .await
        .map_err(|e| failed(IdTokenCheck::Signature, e.to_string()))?;
    if !verified {
        return Err(failed(
            IdTokenCheck::Signature,
            "the signature does not verify with the issuer's key".into(),
        ));
    }
    passed(IdTokenCheck::Signature);
    browser::mark("implicit:signature-verified");

    let digest = match access_token {
        Some(token) => Some(
            browser::sha256(token.as_bytes())
                .await
                .map_err(|e| failed(IdTokenCheck::AtHash, e.to_string()))?,
        ),
        None => None,
    };
    let skew = client.settings.with_untracked(|s| s.clock_skew_secs);
    let client_id = client.config.with_value(|c| c.client_id.clone());
    let expectations = IdTokenExpectations {
        issuer: &discovery.issuer,
        client_id: client_id.as_str(),
        nonce: &transaction.nonce,
        access_token_sha256: digest.as_deref(),
        now: browser::now_ms() / 1000,
        clock_skew: skew,
        max_age_of_iat: MAX_AGE_OF_IAT_SECS + skew,
    };
    match check_claims(&jws.claims, &expectations) {
        Ok(claim_checks) => {
            for &check in &claim_checks {
                passed(check);
            }
            let checks = [IdTokenCheck::Algorithm, IdTokenCheck::Signature]
                .into_iter()
                .chain(claim_checks)
                .collect();
            Ok(ValidIdToken {
                claims: jws.claims,
                checks,
            })
        }
        Err(refused) => {
            // The checks that ran before the failure, in order, then it.
            for &check in &refused.passed {
                passed(check);
            }
            Err(failed(refused.failure.check, refused.failure.reason))
        }
    }
}
