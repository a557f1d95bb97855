//! The issuer's signing keys, found and fetched the way a resource server in
//! front of any OpenID provider does it.
//!
//! The only thing configured is the issuer URL. Its discovery document
//! (OpenID Connect Discovery 1.0 §4) says where the key set is (`jwks_uri`);
//! the key set (RFC 7517 §5) is fetched over HTTP, kept for a while, and
//! fetched again when a token names a `kid` it does not contain — which is how
//! a key rotation reaches the API without a restart.
//!
//! Three rules keep this safe under load and attack:
//! - **The issuer must match.** The discovery document's `issuer` must equal
//!   the configured one exactly (Discovery §4.3), or its keys are not used.
//! - **One fetch at a time, and not too often.** Fetches are single-flight
//!   (requests that miss wait for the one fetch under way, then read its
//!   result) and at most one starts per `min_refresh_secs`, whatever triggers
//!   it, so a flood of tokens with made-up `kid`s costs the issuer at most one
//!   request per interval.
//! - **Fail closed.** Keys are trusted for `cache_secs` after the fetch that
//!   brought them. Past that, or before the first successful fetch, an
//!   unreachable issuer means no key at all ([`KeyError::Unavailable`]), never
//!   an old or a guessed one. The next allowed fetch recovers by itself.
//!
//! Time is a `now` parameter (Unix seconds), so the cache and the rate limit
//! are tested without sleeping.

use std::{
    collections::{HashMap, HashSet},
    fmt,
    sync::{Arc, PoisonError, RwLock},
    time::Duration,
};

use jsonwebtoken::{
    Algorithm, AlgorithmFamily, DecodingKey,
    jwk::{Jwk, KeyAlgorithm, PublicKeyUse},
};
use reqwest::header::ACCEPT;
use serde::{Deserialize, de::DeserializeOwned};
use url::Url;

/// Discovery documents and key sets are a few kilobytes; refuse to buffer
/// more than this from the network.
const MAX_DOCUMENT_BYTES: usize = 256 * 1024;
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
const REQUEST_TIMEOUT: Duration = Duration::from_secs(5);

/// Why the key store cannot be built; the API does not start.
#[derive(Debug, thiserror::Error)]
pub enum JwksSetupError {
    /// The issuer must be an `https` URL (OpenID Connect Discovery §3,
    /// `issuer`), or `http` on a loopback host for local development.
    #[error("the issuer {issuer:?} is not usable: {reason}")]
    BadIssuer {
        issuer: String,
        reason: &'static str,
    },
    /// The cache lifetime and the refetch interval do not fit together.
    #[error("bad key cache timing: {0}")]
    BadTiming(&'static str),
    /// The HTTP client could not be built (TLS roots, ...).
    #[error("cannot build the HTTP client: {0}")]
    Http(#[source] reqwest::Error),
}

/// Why no key was returned for a `kid`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyError {
    /// The issuer's current key set does not contain this `kid`: the token
    /// was not signed by the issuer (as far as it says today).
    UnknownKid,
    /// No trustworthy key set: the issuer is unreachable or misconfigured and
    /// the keys fetched earlier, if any, are too old. Fail closed.
    Unavailable,
}

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

/// The key set as of one successful fetch.
struct KeySet {
    keys: HashMap<String, Arc<VerifyingKey>>,
    /// Trusted while `now < fresh_until`.
    fresh_until: u64,
}

impl KeySet {
    fn fresh_key(&self, kid: &str, now: u64) -> Option<&Arc<VerifyingKey>> {
        if now < self.fresh_until {
            self.keys.get(kid)
        } else {
            None
        }
    }
}

/// Held (as a `tokio` mutex) by the one task that may fetch.
#[derive(Default)]
struct RefreshState {
    /// When the last fetch started, successful or not: the rate limit.
    last_attempt: Option<u64>,
    /// From the discovery document; forgotten when fetching it fails, so the
    /// next attempt asks the discovery document again.
    jwks_uri: Option<Url>,
}

/// The signing keys of one issuer, fetched on demand and cached.
pub struct KeyStore {
    http: reqwest::Client,
    issuer: String,
    discovery_url: Url,
    cache_secs: u64,
    min_refresh_secs: u64,
    current: RwLock<Option<Arc<KeySet>>>,
    refresh: tokio::sync::Mutex<RefreshState>,
}

impl fmt::Debug for KeyStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyStore")
            .field("issuer", &self.issuer)
            .field("cache_secs", &self.cache_secs)
            .field("min_refresh_secs", &self.min_refresh_secs)
            .finish_non_exhaustive()
    }
}

impl KeyStore {
    /// A store for `issuer`'s keys. Nothing is fetched yet: the issuer may
    /// start after the API (they start together in this demo).
    pub fn new(
        issuer: &str,
        cache_secs: u64,
        min_refresh_secs: u64,
    ) -> Result<Self, JwksSetupError> {
        if cache_secs == 0 {
            return Err(JwksSetupError::BadTiming(
                "jwks_cache_secs must be at least 1: keys would never be fresh",
            ));
        }
        if min_refresh_secs > cache_secs {
            return Err(JwksSetupError::BadTiming(
                "jwks_min_refresh_secs must not exceed jwks_cache_secs: keys would go stale while no fetch is allowed",
            ));
        }
        let bad = |reason| JwksSetupError::BadIssuer {
            issuer: issuer.to_owned(),
            reason,
        };
        let url = Url::parse(issuer).map_err(|_| bad("not an absolute URL"))?;
        check_fetchable(&url).map_err(bad)?;
        if url.query().is_some() || url.fragment().is_some() {
            // Discovery §3: the issuer has no query or fragment component.
            return Err(bad("an issuer has no query or fragment"));
        }
        // Discovery §4.1: remove a terminating "/" before appending the path.
        let discovery_url = Url::parse(&format!(
            "{}/.well-known/openid-configuration",
            issuer.trim_end_matches('/')
        ))
        .map_err(|_| bad("not an absolute URL"))?;
        let http = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(REQUEST_TIMEOUT)
            // Keys come from where the issuer's own document says, not from
            // wherever a redirect leads.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(JwksSetupError::Http)?;
        Ok(Self {
            http,
            issuer: issuer.to_owned(),
            discovery_url,
            cache_secs,
            min_refresh_secs,
            current: RwLock::new(None),
            refresh: tokio::sync::Mutex::new(RefreshState::default()),
        })
    }

    /// The least time between two fetches, in seconds (a `Retry-After` hint).
    pub fn min_refresh_secs(&self) -> u64 {
        self.min_refresh_secs
    }

    /// The key named `kid` if the cached key set is fresh and has it; never
    /// fetches. Cheap enough for every request.
    pub fn current_key(&self, kid: &str, now: u64) -> Option<Arc<VerifyingKey>> {
        self.snapshot()?.fresh_key(kid, now).cloned()
    }

    /// Whether `key` is still in the fresh key set: the same key, not only
    /// the same `kid`. Checked under the read lock without taking a
    /// reference count, so concurrent requests write no shared memory here.
    pub fn is_current(&self, key: &Arc<VerifyingKey>, now: u64) -> bool {
        self.current
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .as_deref()
            .and_then(|set| set.fresh_key(&key.kid, now))
            .is_some_and(|current| Arc::ptr_eq(current, key))
    }

    /// The key named `kid`, fetching the key set when the cached one is
    /// stale or lacks that `kid` — at most one fetch at a time and one per
    /// `min_refresh_secs`.
    pub async fn key(&self, kid: &str, now: u64) -> Result<Arc<VerifyingKey>, KeyError> {
        if let Some(key) = self.current_key(kid, now) {
            return Ok(key);
        }
        let mut refresh = self.refresh.lock().await;
        // While this task waited, another may have fetched a set with this kid.
        let snapshot = self.snapshot();
        if let Some(key) = snapshot.as_ref().and_then(|s| s.fresh_key(kid, now)) {
            return Ok(Arc::clone(key));
        }
        let have_fresh_keys = snapshot.as_ref().is_some_and(|s| now < s.fresh_until);
        let refused = if have_fresh_keys {
            KeyError::UnknownKid
        } else {
            KeyError::Unavailable
        };
        if refresh
            .last_attempt
            .is_some_and(|last| now < last.saturating_add(self.min_refresh_secs))
        {
            tracing::debug!(issuer = %self.issuer, "key set fetch skipped: rate limited");
            return Err(refused);
        }
        refresh.last_attempt = Some(now);
        match self.fetch(&mut refresh).await {
            Ok(mut keys) => {
                tracing::info!(issuer = %self.issuer, keys = keys.len(), "fetched the issuer's signing keys");
                if let Some(previous) = &snapshot {
                    keep_unchanged(&mut keys, previous);
                }
                let set = Arc::new(KeySet {
                    keys,
                    fresh_until: now.saturating_add(self.cache_secs),
                });
                let key = set.keys.get(kid).cloned();
                *self.current.write().unwrap_or_else(PoisonError::into_inner) = Some(set);
                key.ok_or(KeyError::UnknownKid)
            }
            Err(error) => {
                tracing::warn!(issuer = %self.issuer, %error, "cannot fetch the issuer's signing keys");
                // The token may be fine; this API cannot tell, so it refuses it
                // as "unavailable" rather than "invalid".
                Err(KeyError::Unavailable)
            }
        }
    }

    fn snapshot(&self) -> Option<Arc<KeySet>> {
        self.current
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    async fn fetch(
        &self,
        refresh: &mut RefreshState,
    ) -> Result<HashMap<String, Arc<VerifyingKey>>, FetchError> {
        let jwks_uri = match &refresh.jwks_uri {
            Some(uri) => uri.clone(),
            None => {
                let uri = self.discover().await?;
                refresh.jwks_uri = Some(uri.clone());
                uri
            }
        };
        match self.get_json::<JwkSetDocument>(&jwks_uri).await {
            Ok(document) => Ok(usable_keys(document)),
            Err(error) => {
                refresh.jwks_uri = None;
                Err(error)
            }
        }
    }

    /// OpenID Connect Discovery §4: the provider's metadata, whose `issuer`
    /// must be exactly the one configured (§4.3), and its `jwks_uri`.
    async fn discover(&self) -> Result<Url, FetchError> {
        let document: Discovery = self.get_json(&self.discovery_url).await?;
        if document.issuer != self.issuer {
            return Err(FetchError::IssuerMismatch {
                expected: self.issuer.clone(),
                found: document.issuer,
            });
        }
        let bad_uri = || FetchError::BadJwksUri {
            uri: document.jwks_uri.clone(),
        };
        let uri = Url::parse(&document.jwks_uri).map_err(|_| bad_uri())?;
        check_fetchable(&uri).map_err(|_| bad_uri())?;
        Ok(uri)
    }

    async fn get_json<T: DeserializeOwned>(&self, url: &Url) -> Result<T, FetchError> {
        let request_failed = |source| FetchError::Request {
            url: url.clone(),
            source,
        };
        let mut response = self
            .http
            .get(url.clone())
            .header(ACCEPT, "application/json")
            .send()
            .await
            .map_err(request_failed)?;
        if !response.status().is_success() {
            return Err(FetchError::Status {
                url: url.clone(),
                status: response.status().as_u16(),
            });
        }
        let too_large = || FetchError::TooLarge { url: url.clone() };
        if response
            .content_length()
            .is_some_and(|length| length > MAX_DOCUMENT_BYTES as u64)
        {
            return Err(too_large());
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(request_failed)? {
            if body.len() + chunk.len() > MAX_DOCUMENT_BYTES {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        serde_json::from_slice(&body).map_err(|source| FetchError::Json {
            url: url.clone(),
            source,
        })
    }
}

/// Keys are fetched over TLS, except from the developer's own machine.
fn check_fetchable(url: &Url) -> Result<(), &'static str> {
    let loopback = match url.host() {
        Some(url::Host::Domain(domain)) => domain == "localhost",
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => return Err("it has no host"),
    };
    match url.scheme() {
        "https" => Ok(()),
        "http" if loopback => Ok(()),
        "http" => Err("plain http is allowed on localhost only: use https"),
        _ => Err("use https"),
    }
}

/// The two fields of the provider metadata this API needs (Discovery §3).
#[derive(Deserialize)]
struct Discovery {
    issuer: String,
    jwks_uri: String,
}

/// RFC 7517 §5, each key kept as raw JSON so that one key this API cannot
/// use (another `kty`, an encryption key) does not spoil the others.
#[derive(Deserialize)]
struct JwkSetDocument {
    keys: Vec<serde_json::Value>,
}

/// The verification keys of a JWK Set: public signature keys with a unique
/// `kid`. Symmetric (`oct`) keys are never used, whatever the set says: a
/// resource server that accepted them would accept tokens anyone holding
/// the published key could forge.
fn usable_keys(document: JwkSetDocument) -> HashMap<String, Arc<VerifyingKey>> {
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
fn keep_unchanged(keys: &mut HashMap<String, Arc<VerifyingKey>>, previous: &KeySet) {
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

/// Why a fetch failed; logged, never sent to a client.
#[derive(Debug, thiserror::Error)]
enum FetchError {
    #[error("GET {url}: {source}")]
    Request { url: Url, source: reqwest::Error },
    #[error("GET {url}: HTTP status {status}")]
    Status { url: Url, status: u16 },
    #[error("GET {url}: the response is larger than {MAX_DOCUMENT_BYTES} bytes")]
    TooLarge { url: Url },
    #[error("GET {url}: not the expected JSON: {source}")]
    Json { url: Url, source: serde_json::Error },
    #[error(
        "the discovery document names the issuer {found:?}, not {expected:?} (OpenID Connect Discovery §4.3)"
    )]
    IssuerMismatch { expected: String, found: String },
    #[error("the discovery document's jwks_uri {uri:?} is not an https URL")]
    BadJwksUri { uri: String },
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const N: &str = "sXchDaQebHnPiGvyDOAT4saGEUetSyo9MKLOoWFsueri23bOdgWp4Dy1WlUzewbgBHod5pcM9H95GQRV3JDXboIRROSBigeC5yjU1hGzHHyXss8UDprecbAYxknTcQkhslANGRUZmdTOQ5qTRsLAt6BTYuyvVRdhS8exSZEy_c4gs_7svlJJQ4H9_NxsiIoLwAEk7-Q3UXERGYw_75IDrGA84-lA_-Ct4eTlXHBIY2EaV7t7LjJaynVJCpkv4LKjTTAumiGUIuQhrNhZLuF_RJLqHpM2kgWFLU7-VTdL1VbC2tejvcI2BlMkEpk1BzBZI0KQB0GaDWFLN-aEAw3vRw";

    fn rsa(kid: &str) -> serde_json::Value {
        json!({ "kty": "RSA", "kid": kid, "use": "sig", "alg": "RS256", "n": N, "e": "AQAB" })
    }

    fn document(keys: Vec<serde_json::Value>) -> JwkSetDocument {
        JwkSetDocument { keys }
    }

    #[test]
    fn public_signature_keys_are_kept_by_kid() {
        let keys = usable_keys(document(vec![rsa("a"), rsa("b")]));
        assert_eq!(keys.len(), 2);
        assert_eq!(keys["a"].alg, Some(Algorithm::RS256));
    }

    #[test]
    fn keys_without_kid_for_encryption_or_symmetric_are_skipped() {
        let mut no_kid = rsa("x");
        no_kid.as_object_mut().unwrap().remove("kid");
        let mut encryption = rsa("enc");
        encryption["use"] = json!("enc");
        let mut oaep = rsa("oaep");
        oaep["alg"] = json!("RSA-OAEP");
        let secret = json!({ "kty": "oct", "kid": "hmac", "k": "c2VjcmV0" });
        let unknown = json!({ "kty": "XYZ", "kid": "weird" });
        let keys = usable_keys(document(vec![
            no_kid,
            encryption,
            oaep,
            secret,
            unknown,
            rsa("good"),
        ]));
        assert_eq!(keys.keys().collect::<Vec<_>>(), ["good"]);
    }

    #[test]
    fn a_refetch_keeps_the_very_same_key_objects_for_unchanged_keys() {
        let previous = KeySet {
            keys: usable_keys(document(vec![rsa("same"), rsa("changed")])),
            fresh_until: 100,
        };
        let mut changed = rsa("changed");
        changed["alg"] = json!("RS384");
        let mut keys = usable_keys(document(vec![rsa("same"), changed, rsa("new")]));
        keep_unchanged(&mut keys, &previous);
        assert!(Arc::ptr_eq(&keys["same"], &previous.keys["same"]));
        assert!(!Arc::ptr_eq(&keys["changed"], &previous.keys["changed"]));
        assert_eq!(keys["changed"].alg, Some(Algorithm::RS384));
        assert_eq!(keys.len(), 3);
    }

    #[test]
    fn two_keys_under_one_kid_are_both_dropped() {
        let keys = usable_keys(document(vec![
            rsa("twin"),
            rsa("twin"),
            rsa("twin"),
            rsa("ok"),
        ]));
        assert!(!keys.contains_key("twin"));
        assert!(keys.contains_key("ok"));
    }

    #[test]
    fn a_key_set_is_trusted_only_until_it_is_stale() {
        let set = KeySet {
            keys: usable_keys(document(vec![rsa("a")])),
            fresh_until: 1_000,
        };
        assert!(set.fresh_key("a", 999).is_some());
        assert!(set.fresh_key("a", 1_000).is_none());
        assert!(set.fresh_key("b", 10).is_none());
    }

    #[test]
    fn the_issuer_must_be_https_except_on_loopback() {
        for good in [
            "https://tenant.example.com/",
            "http://localhost:9000",
            "http://127.0.0.1:9000",
            "http://[::1]:9000",
        ] {
            assert!(KeyStore::new(good, 600, 10).is_ok(), "{good} was refused");
        }
        for bad in [
            "http://tenant.example.com",
            "ftp://localhost",
            "tenant.example.com",
            "https://tenant.example.com/?x=1",
            "https://tenant.example.com/#x",
        ] {
            assert!(KeyStore::new(bad, 600, 10).is_err(), "{bad} was accepted");
        }
    }

    #[test]
    fn keys_must_stay_fresh_longer_than_the_refetch_interval() {
        assert!(KeyStore::new("https://issuer.test", 0, 0).is_err());
        assert!(KeyStore::new("https://issuer.test", 10, 11).is_err());
        assert!(KeyStore::new("https://issuer.test", 10, 10).is_ok());
    }

    #[test]
    fn the_discovery_url_drops_a_trailing_slash_before_the_well_known_path() {
        let store = KeyStore::new("https://tenant.example.com/", 600, 10).unwrap();
        assert_eq!(
            store.discovery_url.as_str(),
            "https://tenant.example.com/.well-known/openid-configuration"
        );
        let store = KeyStore::new("https://example.com/tenant/", 600, 10).unwrap();
        assert_eq!(
            store.discovery_url.as_str(),
            "https://example.com/tenant/.well-known/openid-configuration"
        );
    }
}
