//! The verified-token cache, and why it is safe.
//!
//! An RSA signature check on every request would cost the API about half
//! its throughput. So the result of a **fully successful** verification
//! (steps 1–5 of the crate docs) is remembered, and a later request with
//! the very same token bytes skips the rest of step 1 and steps 2–5:
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
    sync::{Arc, PoisonError, RwLock},
};

use aws_lc_rs::digest;

use crate::{Claims, jwks::VerifyingKey, verify::check_time};

fn sha256(bytes: &[u8]) -> [u8; 32] {
    let mut digest = [0; 32];
    digest.copy_from_slice(digest::digest(&digest::SHA256, bytes).as_ref());
    digest
}

/// What stands for a token in logs: the first 4 bytes of its SHA-256, as
/// eight hex digits.
pub(crate) struct Fingerprint([u8; 4]);

impl Fingerprint {
    pub(crate) fn of(token: &str) -> Self {
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
pub(crate) struct CacheKey<'a> {
    signature: SignatureDigest,
    signing_input: &'a [u8],
}

impl<'a> CacheKey<'a> {
    /// `None` without a dot, which no JWS lacks.
    pub(crate) fn of(token: &'a [u8]) -> Option<Self> {
        let dot = memchr::memrchr(b'.', token)?;
        Some(Self {
            signature: SignatureDigest(sha256(&token[dot + 1..])),
            signing_input: &token[..dot],
        })
    }
}

/// A fully verified token: its claims and the key that verified it.
#[derive(Clone)]
pub(crate) struct Verified {
    pub(crate) claims: Arc<Claims>,
    pub(crate) key: Arc<VerifyingKey>,
}

/// What the verified-token cache holds for a digest.
pub(crate) enum Cached {
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
pub(crate) struct VerifiedTokens {
    capacity: usize,
    entries: RwLock<HashMap<SignatureDigest, Entry, BuildHasherDefault<DigestPrefix>>>,
}

impl VerifiedTokens {
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            capacity,
            entries: RwLock::default(),
        }
    }

    /// The cached entry's claims if `valid` still accepts it. Checked under
    /// the read lock, so a hit writes one reference count and nothing else
    /// that other requests share.
    pub(crate) fn get(&self, key: &CacheKey, valid: impl FnOnce(&Verified) -> bool) -> Cached {
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

    pub(crate) fn remove(&self, key: &CacheKey) {
        self.entries
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&key.signature);
    }

    pub(crate) fn insert(&self, key: &CacheKey, verified: Verified, now: u64, leeway: u64) {
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
    pub(crate) fn len(&self) -> usize {
        self.entries
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }
}

#[cfg(test)]
mod tests;
