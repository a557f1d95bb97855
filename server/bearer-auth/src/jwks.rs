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

mod fetch;
mod keys;

use std::{
    collections::HashMap,
    fmt,
    sync::{Arc, PoisonError, RwLock},
    time::Duration,
};

use url::Url;

pub use self::keys::VerifyingKey;
use self::{fetch::check_fetchable, keys::keep_unchanged};

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

/// The key set as of one successful fetch.
pub(crate) struct KeySet {
    pub(crate) keys: HashMap<String, Arc<VerifyingKey>>,
    /// Trusted while `now < fresh_until`.
    pub(crate) fresh_until: u64,
}

impl KeySet {
    pub(crate) fn fresh_key(&self, kid: &str, now: u64) -> Option<&Arc<VerifyingKey>> {
        if now < self.fresh_until {
            self.keys.get(kid)
        } else {
            None
        }
    }
}

/// Held (as a `tokio` mutex) by the one task that may fetch.
#[derive(Default)]
pub(crate) struct RefreshState {
    /// When the last fetch started, successful or not: the rate limit.
    pub(crate) last_attempt: Option<u64>,
    /// From the discovery document; forgotten when fetching it fails, so the
    /// next attempt asks the discovery document again.
    pub(crate) jwks_uri: Option<Url>,
}

/// The signing keys of one issuer, fetched on demand and cached.
pub struct KeyStore {
    pub(crate) http: reqwest::Client,
    pub(crate) issuer: String,
    pub(crate) discovery_url: Url,
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
        let discovery_url =
            Url::parse(&protocol::discovery_url(issuer)).map_err(|_| bad("not an absolute URL"))?;
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
}

#[cfg(test)]
mod tests;
