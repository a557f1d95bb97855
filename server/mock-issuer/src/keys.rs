//! Signing keys and their rotation.
//!
//! Tokens are signed with RS256 (RSA-2048, PKCS#1 v1.5, SHA-256; RFC 7518
//! §3.3) by aws-lc-rs directly: each key is parsed once into an
//! [`RsaKeyPair`] and kept, because re-parsing the private key on every
//! signature (as `jsonwebtoken::encode` does) more than doubles the cost.
//!
//! The ring holds three kinds of keys, all published in the JWKS:
//! - **next**: published but not signing yet, so that clients which cache the
//!   JWKS already know it when it starts signing;
//! - **current**: signs every new token;
//! - **previous**: signed tokens that may still be alive; published until
//!   `retire_at` (its last token's expiry plus clock skew), then dropped.
//!
//! Rotation moves current → previous, next → current and generates a new
//! next. With a data directory the ring persists as one PKCS#8 DER file per
//! key plus `ring.json`, so restarting the server keeps its tokens valid.
//! Key ids are RFC 7638 thumbprints: unique, and checkable by anyone.

mod signing;
mod storage;

pub use self::signing::{Forgery, SigningKey, VerifyError};
use self::storage::{
    blocking, load_or_create, manifest_of, remove_unlisted_keys, write_key, write_manifest,
};

use std::{
    path::{Path, PathBuf},
    sync::{Arc, PoisonError, RwLock},
};

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use protocol::{JwkSet, TokenType};
use serde::{Deserialize, Serialize, de::DeserializeOwned};

/// Why a key could not be made, read, written or used.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// aws-lc refused to generate, parse, export or sign.
    #[error("RSA key operation failed: {0}")]
    Crypto(&'static str),
    /// The data directory could not be read or written.
    #[error("cannot {action} {path}: {source}")]
    Io {
        /// What was attempted.
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// `ring.json` or a key file does not hold what it should.
    #[error(
        "the key store {path} is damaged ({problem}); delete the folder to start with new keys"
    )]
    Damaged {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        problem: String,
    },
    /// The key folder or a key file can be written by other users, who
    /// could then plant a key this issuer would sign with.
    #[error(
        "{path} can be written by other users (mode {mode:o}); make it private to this user (chmod go-w) or delete the folder to start with new keys"
    )]
    Insecure {
        /// The folder or file.
        path: PathBuf,
        /// Its permission bits.
        mode: u32,
    },
    /// Claims could not be serialized (they always can).
    #[error("cannot serialize token claims: {0}")]
    Claims(#[from] serde_json::Error),
    /// A blocking task was cancelled.
    #[error("key generation was interrupted")]
    Interrupted,
}

/// The header fields the issuer reads back from its own tokens.
#[derive(Deserialize)]
struct Header {
    alg: String,
    #[serde(default)]
    typ: Option<String>,
    #[serde(default)]
    kid: Option<String>,
    #[serde(default)]
    crit: Option<serde_json::Value>,
}

/// A rotated-out key stays published this long after its last token's
/// expiry, for clients whose clocks run behind.
pub const RETIRE_SKEW_SECS: u64 = 60;

/// State of a key in the ring, as shown on the dashboard and in /dev/state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeyInfo {
    /// The key id.
    pub kid: String,
    /// `next`, `current` or `previous`.
    pub status: &'static str,
    /// For a previous key: when it leaves the JWKS (Unix seconds).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retire_at: Option<u64>,
}

struct Ring {
    next: Arc<SigningKey>,
    current: Arc<SigningKey>,
    /// Keys that signed tokens which may still be alive, with the time
    /// after which none is.
    previous: Vec<(Arc<SigningKey>, u64)>,
}

/// `ring.json`: which key is in which state.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    next: String,
    current: String,
    previous: Vec<PreviousEntry>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct PreviousEntry {
    kid: String,
    retire_at: u64,
}

/// The issuer's keys. Signing takes a read lock and clones an `Arc`;
/// rotation is serialized by `rotating`.
pub struct KeyRing {
    ring: RwLock<Ring>,
    dir: Option<PathBuf>,
    rotating: tokio::sync::Mutex<()>,
}

impl KeyRing {
    /// Loads the ring from `dir`, or creates one there (or in memory when
    /// `dir` is `None`).
    pub async fn open(dir: Option<&Path>, now: u64) -> Result<Self, KeyError> {
        let Some(dir) = dir else {
            let (next, current) =
                blocking(|| Ok((SigningKey::generate()?, SigningKey::generate()?))).await?;
            return Ok(Self::from_ring(
                Ring {
                    next: Arc::new(next),
                    current: Arc::new(current),
                    previous: Vec::new(),
                },
                None,
            ));
        };
        let dir = dir.to_owned();
        let ring = blocking({
            let dir = dir.clone();
            move || load_or_create(&dir, now)
        })
        .await?;
        Ok(Self::from_ring(ring, Some(dir)))
    }

    fn from_ring(ring: Ring, dir: Option<PathBuf>) -> Self {
        Self {
            ring: RwLock::new(ring),
            dir,
            rotating: tokio::sync::Mutex::new(()),
        }
    }

    /// The key that signs new tokens.
    pub fn current(&self) -> Arc<SigningKey> {
        Arc::clone(&self.read().current)
    }

    /// The JWK Set: next, current and unretired previous keys.
    pub fn jwks(&self, now: u64) -> JwkSet {
        let ring = self.read();
        let mut keys = vec![ring.current.jwk().clone(), ring.next.jwk().clone()];
        keys.extend(
            ring.previous
                .iter()
                .filter(|(_, retire_at)| *retire_at > now)
                .map(|(key, _)| key.jwk().clone()),
        );
        JwkSet { keys }
    }

    /// A JWK Set of the current key alone, as a provider with one key
    /// publishes (the `kid_absent_single_jwks` fault).
    pub fn signing_jwks(&self) -> JwkSet {
        JwkSet {
            keys: vec![self.read().current.jwk().clone()],
        }
    }

    /// Every key with its state, current first.
    pub fn describe(&self, now: u64) -> Vec<KeyInfo> {
        let ring = self.read();
        let mut info = vec![
            KeyInfo {
                kid: ring.current.kid().to_owned(),
                status: "current",
                retire_at: None,
            },
            KeyInfo {
                kid: ring.next.kid().to_owned(),
                status: "next",
                retire_at: None,
            },
        ];
        info.extend(
            ring.previous
                .iter()
                .filter(|(_, retire_at)| *retire_at > now)
                .map(|(key, retire_at)| KeyInfo {
                    kid: key.kid().to_owned(),
                    status: "previous",
                    retire_at: Some(*retire_at),
                }),
        );
        info
    }

    /// Makes next the signing key; the current key stays published until
    /// `retire_at`, and never before its last token has expired (plus
    /// [`RETIRE_SKEW_SECS`]). Returns the new state.
    pub async fn rotate(&self, now: u64, retire_at: u64) -> Result<Vec<KeyInfo>, KeyError> {
        let _serialized = self.rotating.lock().await;
        let fresh = Arc::new(blocking(SigningKey::generate).await?);
        let manifest = {
            let mut ring = self.write();
            let promoted = Arc::clone(&ring.next);
            let old_current = std::mem::replace(&mut ring.current, promoted);
            ring.next = Arc::clone(&fresh);
            let retire_at =
                retire_at.max(old_current.latest_expiry().saturating_add(RETIRE_SKEW_SECS));
            ring.previous.push((old_current, retire_at));
            ring.previous.retain(|(_, retire)| *retire > now);
            manifest_of(&ring)
        };
        if let Some(dir) = self.dir.clone() {
            blocking(move || {
                write_key(&dir, &fresh)?;
                write_manifest(&dir, &manifest)?;
                remove_unlisted_keys(&dir, &manifest)
            })
            .await?;
        }
        Ok(self.describe(now))
    }

    /// Verifies a token this issuer signed with a key it still publishes
    /// (next keys never sign) and returns its claims. Claims are checked by
    /// the caller; the signature, `alg` and `typ` are checked here.
    pub fn verify<T: DeserializeOwned>(
        &self,
        token: &str,
        typ: TokenType,
        now: u64,
    ) -> Result<T, VerifyError> {
        let mut parts = token.split('.');
        let (Some(header_b64), Some(payload_b64), Some(signature_b64), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(VerifyError::Malformed);
        };
        let decode = |part: &str| {
            URL_SAFE_NO_PAD
                .decode(part)
                .map_err(|_| VerifyError::Malformed)
        };
        let header: Header =
            serde_json::from_slice(&decode(header_b64)?).map_err(|_| VerifyError::Malformed)?;
        let typ_ok = header.typ.as_deref().and_then(TokenType::from_typ) == Some(typ);
        if header.alg != "RS256" || !typ_ok || header.crit.is_some() {
            return Err(VerifyError::Header);
        }
        let kid = header.kid.ok_or(VerifyError::UnknownKey)?;
        let key = {
            let ring = self.read();
            if ring.current.kid() == kid {
                Arc::clone(&ring.current)
            } else {
                ring.previous
                    .iter()
                    .find(|(k, retire_at)| k.kid() == kid && *retire_at > now)
                    .map(|(k, _)| Arc::clone(k))
                    .ok_or(VerifyError::UnknownKey)?
            }
        };
        let signing_input_len = header_b64.len() + 1 + payload_b64.len();
        let signature = decode(signature_b64)?;
        if !key.verify(&token.as_bytes()[..signing_input_len], &signature) {
            return Err(VerifyError::Signature);
        }
        serde_json::from_slice(&decode(payload_b64)?).map_err(|_| VerifyError::Claims)
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Ring> {
        self.ring.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Ring> {
        self.ring.write().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests;
