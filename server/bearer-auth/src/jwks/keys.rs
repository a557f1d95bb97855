//! Which keys of a JWK Set verify tokens (RFC 7517 §5): public signature
//! keys with a unique `kid`, never a symmetric one.

use std::{
    collections::{HashMap, HashSet},
    fmt,
    sync::Arc,
};

use jsonwebtoken::{
    Algorithm, AlgorithmFamily, DecodingKey,
    jwk::{Jwk, KeyAlgorithm, PublicKeyUse},
};
use serde::Deserialize;

use super::KeySet;

/// One usable verification key from the issuer's JWK Set.
pub struct VerifyingKey {
    /// Its `kid` (RFC 7517 §4.5), unique in the set.
    pub kid: String,
    /// The key material, ready for `jsonwebtoken::decode`.
    pub key: DecodingKey,
    /// The JWK's `alg` (RFC 7517 §4.4), when the issuer pins the key to one
    /// algorithm; a token signed with another is refused.
    pub alg: Option<Algorithm>,
    /// The JWK as fetched (JSON), to recognise the same key in a later fetch.
    material: Option<String>,
}

impl VerifyingKey {
    /// A key that did not come from a fetched JWK Set (tests, static keys).
    pub fn new(kid: String, key: DecodingKey, alg: Option<Algorithm>) -> Self {
        Self {
            kid,
            key,
            alg,
            material: None,
        }
    }
}

impl fmt::Debug for VerifyingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifyingKey")
            .field("kid", &self.kid)
            .field("alg", &self.alg)
            .finish_non_exhaustive()
    }
}

/// RFC 7517 §5, each key kept as raw JSON so that one key this API cannot
/// use (another `kty`, an encryption key) does not spoil the others.
#[derive(Deserialize)]
pub(crate) struct JwkSetDocument {
    pub(crate) keys: Vec<serde_json::Value>,
}

/// The verification keys of a JWK Set: public signature keys with a unique
/// `kid`. Symmetric (`oct`) keys are never used, whatever the set says: a
/// resource server that accepted them would accept tokens anyone holding
/// the published key could forge.
pub(crate) fn usable_keys(document: JwkSetDocument) -> HashMap<String, Arc<VerifyingKey>> {
    let mut keys = HashMap::new();
    let mut duplicates = HashSet::new();
    for value in document.keys {
        let Ok(jwk) = serde_json::from_value::<Jwk>(value) else {
            tracing::debug!("skipped a JWK that does not parse");
            continue;
        };
        let Some(kid) = jwk.common.key_id.clone() else {
            tracing::debug!("skipped a JWK without kid");
            continue;
        };
        if jwk
            .common
            .public_key_use
            .as_ref()
            .is_some_and(|u| *u != PublicKeyUse::Signature)
        {
            tracing::debug!(kid, "skipped a JWK not meant for signatures");
            continue;
        }
        let alg = match jwk.common.key_algorithm.map(signature_algorithm) {
            None => None,
            Some(Some(alg)) => Some(alg),
            Some(None) => {
                tracing::debug!(kid, "skipped a JWK for a non-signature algorithm");
                continue;
            }
        };
        let key = match DecodingKey::from_jwk(&jwk) {
            Ok(key) if key.family() != AlgorithmFamily::Hmac => key,
            _ => {
                tracing::debug!(kid, "skipped a JWK that is not a public signature key");
                continue;
            }
        };
        if keys.contains_key(&kid) || duplicates.contains(&kid) {
            // Two keys under one kid: which one signs is ambiguous, use neither.
            tracing::warn!(
                kid,
                "the issuer's key set has two keys with this kid; using neither"
            );
            keys.remove(&kid);
            duplicates.insert(kid);
            continue;
        }
        let material = serde_json::to_string(&jwk).ok();
        keys.insert(
            kid.clone(),
            Arc::new(VerifyingKey {
                kid,
                key,
                alg,
                material,
            }),
        );
    }
    keys
}

/// Puts back the keys of `previous` that a new fetch brought unchanged (same
/// `kid`, same JWK): tokens verified with them stay in the verified-token
/// cache, which trusts a hit only while its key is the very same object. So
/// a refetch forced by an unknown `kid` does not flush the whole cache.
pub(crate) fn keep_unchanged(keys: &mut HashMap<String, Arc<VerifyingKey>>, previous: &KeySet) {
    for (kid, key) in keys.iter_mut() {
        if let Some(old) = previous.keys.get(kid)
            && old.material.is_some()
            && old.material == key.material
            && old.alg == key.alg
        {
            *key = Arc::clone(old);
        }
    }
}

/// The JWS algorithm a JWK's `alg` names, if it is a signature algorithm
/// (RFC 7518 §3.1) rather than an encryption one (§4.1).
fn signature_algorithm(alg: KeyAlgorithm) -> Option<Algorithm> {
    Some(match alg {
        KeyAlgorithm::HS256 => Algorithm::HS256,
        KeyAlgorithm::HS384 => Algorithm::HS384,
        KeyAlgorithm::HS512 => Algorithm::HS512,
        KeyAlgorithm::ES256 => Algorithm::ES256,
        KeyAlgorithm::ES384 => Algorithm::ES384,
        KeyAlgorithm::RS256 => Algorithm::RS256,
        KeyAlgorithm::RS384 => Algorithm::RS384,
        KeyAlgorithm::RS512 => Algorithm::RS512,
        KeyAlgorithm::PS256 => Algorithm::PS256,
        KeyAlgorithm::PS384 => Algorithm::PS384,
        KeyAlgorithm::PS512 => Algorithm::PS512,
        KeyAlgorithm::EdDSA => Algorithm::EdDSA,
        _ => return None,
    })
}
