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

use std::{
    path::{Path, PathBuf},
    sync::{
        Arc, PoisonError, RwLock,
        atomic::{AtomicU64, Ordering},
    },
};

use aws_lc_rs::{
    digest,
    encoding::AsDer,
    rand::SystemRandom,
    rsa::KeySize,
    signature::{
        KeyPair, ParsedPublicKey, RSA_PKCS1_2048_8192_SHA256, RSA_PKCS1_SHA256, RsaKeyPair,
        RsaPublicKeyComponents,
    },
};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use protocol::{Jwk, JwkSet, TokenType};
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
    /// Claims could not be serialized (they always can).
    #[error("cannot serialize token claims: {0}")]
    Claims(#[from] serde_json::Error),
    /// A blocking task was cancelled.
    #[error("key generation was interrupted")]
    Interrupted,
}

/// One RSA-2048 signing key, parsed once.
pub struct SigningKey {
    kid: String,
    pair: RsaKeyPair,
    public: ParsedPublicKey,
    jwk: Jwk,
    /// base64url of the JOSE header, for access tokens and ID tokens.
    header_at: String,
    header_id: String,
    /// The latest `exp` of the tokens it signed (Unix seconds): a rotated-out
    /// key stays published at least until then.
    latest_expiry: AtomicU64,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey")
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

impl SigningKey {
    /// A new random RSA-2048 key (tens of milliseconds with aws-lc).
    pub fn generate() -> Result<Self, KeyError> {
        let pair = RsaKeyPair::generate(KeySize::Rsa2048)
            .map_err(|_| KeyError::Crypto("key generation"))?;
        Self::from_pair(pair)
    }

    /// A key from its unencrypted PKCS#8 DER encoding.
    pub fn from_pkcs8(der: &[u8]) -> Result<Self, KeyError> {
        let pair = RsaKeyPair::from_pkcs8(der).map_err(|_| KeyError::Crypto("PKCS#8 parsing"))?;
        Self::from_pair(pair)
    }

    fn from_pair(pair: RsaKeyPair) -> Result<Self, KeyError> {
        let components = RsaPublicKeyComponents::<Vec<u8>>::from(pair.public_key());
        // kid = RFC 7638 thumbprint, computed over a JWK without a kid.
        let mut jwk = Jwk::rsa_signing_key("", &components.n, &components.e);
        let input = jwk
            .thumbprint_input()
            .ok_or(KeyError::Crypto("JWK thumbprint"))?;
        let kid = URL_SAFE_NO_PAD.encode(digest::digest(&digest::SHA256, input.as_bytes()));
        jwk.kid = Some(kid.clone());
        let public = ParsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, pair.public_key().as_ref())
            .map_err(|_| KeyError::Crypto("public key parsing"))?;
        let header = |typ: TokenType| {
            let json = serde_json::json!({ "alg": "RS256", "typ": typ.as_str(), "kid": kid });
            URL_SAFE_NO_PAD.encode(json.to_string())
        };
        Ok(Self {
            header_at: header(TokenType::AtJwt),
            header_id: header(TokenType::Jwt),
            kid,
            pair,
            public,
            jwk,
            latest_expiry: AtomicU64::new(0),
        })
    }

    /// The unencrypted PKCS#8 DER encoding, to persist the key.
    pub fn to_pkcs8(&self) -> Result<Vec<u8>, KeyError> {
        self.pair
            .as_der()
            .map(|der| der.as_ref().to_vec())
            .map_err(|_| KeyError::Crypto("PKCS#8 export"))
    }

    /// The key id (`kid`).
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The public key as a JWK (RFC 7517).
    pub fn jwk(&self) -> &Jwk {
        &self.jwk
    }

    /// Signs `claims` as a compact JWS (RFC 7515 §7.1):
    /// `base64url(header) . base64url(claims) . base64url(signature)`.
    pub fn sign_jwt(&self, typ: TokenType, claims: &impl Serialize) -> Result<String, KeyError> {
        self.sign_jwt_inner(typ, claims, false)
    }

    /// Like [`Self::sign_jwt`], then flips one bit of the signature: for the
    /// `bad_signature` fault that tests a client's signature check.
    pub fn sign_jwt_corrupted(
        &self,
        typ: TokenType,
        claims: &impl Serialize,
    ) -> Result<String, KeyError> {
        self.sign_jwt_inner(typ, claims, true)
    }

    fn sign_jwt_inner(
        &self,
        typ: TokenType,
        claims: &impl Serialize,
        corrupt: bool,
    ) -> Result<String, KeyError> {
        let header = match typ {
            TokenType::AtJwt => &self.header_at,
            TokenType::Jwt => &self.header_id,
        };
        let payload = serde_json::to_vec(claims)?;
        let mut token = String::with_capacity(header.len() + payload.len() * 4 / 3 + 350);
        token.push_str(header);
        token.push('.');
        URL_SAFE_NO_PAD.encode_string(&payload, &mut token);
        let mut signature = vec![0u8; self.pair.public_modulus_len()];
        self.pair
            .sign(
                &RSA_PKCS1_SHA256,
                &SystemRandom::new(),
                token.as_bytes(),
                &mut signature,
            )
            .map_err(|_| KeyError::Crypto("signing"))?;
        if corrupt && let Some(last) = signature.last_mut() {
            *last ^= 0x01;
        }
        token.push('.');
        URL_SAFE_NO_PAD.encode_string(&signature, &mut token);
        Ok(token)
    }

    /// Records that a token expiring at `exp` is being signed with this key.
    pub fn note_expiry(&self, exp: u64) {
        self.latest_expiry.fetch_max(exp, Ordering::Relaxed);
    }

    /// The latest `exp` of the tokens this key signed since the server started.
    pub fn latest_expiry(&self) -> u64 {
        self.latest_expiry.load(Ordering::Relaxed)
    }

    /// Whether `signature` is this key's RS256 signature of `message`.
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        self.public.verify_sig(message, signature).is_ok()
    }
}

/// Why a token presented back to the issuer (at /userinfo, or as an
/// `id_token_hint`) is not one of its own.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// Not three base64url segments of JSON.
    #[error("not a compact JWS")]
    Malformed,
    /// `alg` other than RS256 (RFC 8725 §3.1), or the wrong `typ`.
    #[error("unexpected alg or typ")]
    Header,
    /// No published key has this `kid`.
    #[error("unknown kid")]
    UnknownKey,
    /// The signature does not verify.
    #[error("bad signature")]
    Signature,
    /// The claims are not those of this kind of token.
    #[error("unexpected claims")]
    Claims,
}

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

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, KeyError> + Send + 'static,
) -> Result<T, KeyError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|_| KeyError::Interrupted)?
}

fn manifest_of(ring: &Ring) -> Manifest {
    Manifest {
        next: ring.next.kid().to_owned(),
        current: ring.current.kid().to_owned(),
        previous: ring
            .previous
            .iter()
            .map(|(key, retire_at)| PreviousEntry {
                kid: key.kid().to_owned(),
                retire_at: *retire_at,
            })
            .collect(),
    }
}

const MANIFEST: &str = "ring.json";

fn load_or_create(dir: &Path, now: u64) -> Result<Ring, KeyError> {
    let manifest_path = dir.join(MANIFEST);
    let text = match std::fs::read_to_string(&manifest_path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let ring = Ring {
                next: Arc::new(SigningKey::generate()?),
                current: Arc::new(SigningKey::generate()?),
                previous: Vec::new(),
            };
            std::fs::create_dir_all(dir).map_err(|source| KeyError::Io {
                action: "create",
                path: dir.to_owned(),
                source,
            })?;
            write_key(dir, &ring.next)?;
            write_key(dir, &ring.current)?;
            write_manifest(dir, &manifest_of(&ring))?;
            tracing::info!(dir = %dir.display(), "generated new signing keys");
            return Ok(ring);
        }
        Err(source) => {
            return Err(KeyError::Io {
                action: "read",
                path: manifest_path,
                source,
            });
        }
    };
    let manifest: Manifest = serde_json::from_str(&text).map_err(|e| KeyError::Damaged {
        path: manifest_path.clone(),
        problem: e.to_string(),
    })?;
    let ring = Ring {
        next: Arc::new(read_key(dir, &manifest.next)?),
        current: Arc::new(read_key(dir, &manifest.current)?),
        previous: manifest
            .previous
            .iter()
            .filter(|entry| entry.retire_at > now)
            .map(|entry| Ok((Arc::new(read_key(dir, &entry.kid)?), entry.retire_at)))
            .collect::<Result<_, KeyError>>()?,
    };
    tracing::info!(dir = %dir.display(), current = ring.current.kid(), "loaded signing keys");
    Ok(ring)
}

fn key_path(dir: &Path, kid: &str) -> Result<PathBuf, KeyError> {
    // A kid is base64url, so it is a safe file name; refuse anything else
    // rather than follow a path out of the folder.
    if kid.is_empty()
        || !kid
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(KeyError::Damaged {
            path: dir.join(MANIFEST),
            problem: format!("{kid:?} is not a key id"),
        });
    }
    Ok(dir.join(format!("{kid}.pk8")))
}

fn read_key(dir: &Path, kid: &str) -> Result<SigningKey, KeyError> {
    let path = key_path(dir, kid)?;
    let der = std::fs::read(&path).map_err(|source| KeyError::Io {
        action: "read",
        path: path.clone(),
        source,
    })?;
    let key = SigningKey::from_pkcs8(&der).map_err(|_| KeyError::Damaged {
        path: path.clone(),
        problem: "not an RSA PKCS#8 key".into(),
    })?;
    if key.kid() != kid {
        return Err(KeyError::Damaged {
            path,
            problem: format!("holds key {} instead of {kid}", key.kid()),
        });
    }
    Ok(key)
}

fn write_key(dir: &Path, key: &SigningKey) -> Result<(), KeyError> {
    write_private(&key_path(dir, key.kid())?, &key.to_pkcs8()?)
}

fn write_manifest(dir: &Path, manifest: &Manifest) -> Result<(), KeyError> {
    write_private(&dir.join(MANIFEST), &serde_json::to_vec_pretty(manifest)?)
}

/// Writes through a temporary file and a rename, so a crash never leaves a
/// half-written key; readable by the owner only.
fn write_private(path: &Path, bytes: &[u8]) -> Result<(), KeyError> {
    use std::io::Write;
    let tmp = path.with_extension("tmp");
    let io = |action, source| KeyError::Io {
        action,
        path: path.to_owned(),
        source,
    };
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&tmp).map_err(|e| io("write", e))?;
    file.write_all(bytes).map_err(|e| io("write", e))?;
    file.sync_all().map_err(|e| io("write", e))?;
    std::fs::rename(&tmp, path).map_err(|e| io("write", e))
}

fn remove_unlisted_keys(dir: &Path, manifest: &Manifest) -> Result<(), KeyError> {
    let listed: Vec<String> = [manifest.next.clone(), manifest.current.clone()]
        .into_iter()
        .chain(manifest.previous.iter().map(|p| p.kid.clone()))
        .map(|kid| format!("{kid}.pk8"))
        .collect();
    let entries = std::fs::read_dir(dir).map_err(|source| KeyError::Io {
        action: "list",
        path: dir.to_owned(),
        source,
    })?;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".pk8") && !listed.contains(&name) {
            // A retired key: it signs nothing and verifies nothing any more.
            if let Err(error) = std::fs::remove_file(entry.path()) {
                tracing::warn!(file = %entry.path().display(), %error, "cannot remove a retired key");
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signed_token_verifies_and_a_corrupted_one_does_not() {
        let key = SigningKey::generate().unwrap();
        let claims = serde_json::json!({ "sub": "alice" });
        let token = key.sign_jwt(TokenType::AtJwt, &claims).unwrap();
        let (input, signature) = token.rsplit_once('.').unwrap();
        let signature = URL_SAFE_NO_PAD.decode(signature).unwrap();
        assert!(key.verify(input.as_bytes(), &signature));
        let bad = key.sign_jwt_corrupted(TokenType::AtJwt, &claims).unwrap();
        let (input, signature) = bad.rsplit_once('.').unwrap();
        assert!(!key.verify(
            input.as_bytes(),
            &URL_SAFE_NO_PAD.decode(signature).unwrap()
        ));
    }

    #[test]
    fn the_header_names_the_algorithm_type_and_key() {
        let key = SigningKey::generate().unwrap();
        let token = key
            .sign_jwt(TokenType::Jwt, &serde_json::json!({}))
            .unwrap();
        let header = URL_SAFE_NO_PAD
            .decode(token.split('.').next().unwrap())
            .unwrap();
        let header: serde_json::Value = serde_json::from_slice(&header).unwrap();
        assert_eq!(
            header,
            serde_json::json!({ "alg": "RS256", "typ": "JWT", "kid": key.kid() })
        );
    }

    #[test]
    fn a_key_survives_pkcs8_export_with_the_same_kid() {
        let key = SigningKey::generate().unwrap();
        let again = SigningKey::from_pkcs8(&key.to_pkcs8().unwrap()).unwrap();
        assert_eq!(again.kid(), key.kid());
        assert_eq!(again.jwk(), key.jwk());
        assert_eq!(key.kid().len(), 43, "base64url of a SHA-256 thumbprint");
    }

    #[tokio::test]
    async fn rotation_publishes_before_signing_and_retires_after_expiry() {
        let ring = KeyRing::open(None, 1_000).await.unwrap();
        let first = ring.current();
        let next_kid = ring.describe(1_000)[1].kid.clone();
        ring.rotate(1_000, 1_300).await.unwrap();
        assert_eq!(
            ring.current().kid(),
            next_kid,
            "the published next key signs"
        );
        let published = |now| -> Vec<String> {
            ring.jwks(now)
                .keys
                .into_iter()
                .filter_map(|k| k.kid)
                .collect()
        };
        assert!(published(1_299).contains(&first.kid().to_owned()));
        assert!(!published(1_300).contains(&first.kid().to_owned()));
        assert_eq!(published(1_300).len(), 2);
    }

    #[tokio::test]
    async fn a_token_of_a_retired_key_or_with_a_wrong_typ_does_not_verify() {
        let ring = KeyRing::open(None, 1_000).await.unwrap();
        let claims = serde_json::json!({ "sub": "alice" });
        let token = ring.current().sign_jwt(TokenType::AtJwt, &claims).unwrap();
        let read: serde_json::Value = ring.verify(&token, TokenType::AtJwt, 1_000).unwrap();
        assert_eq!(read, claims);
        assert_eq!(
            ring.verify::<serde_json::Value>(&token, TokenType::Jwt, 1_000),
            Err(VerifyError::Header)
        );
        ring.rotate(1_000, 1_100).await.unwrap();
        assert!(
            ring.verify::<serde_json::Value>(&token, TokenType::AtJwt, 1_099)
                .is_ok()
        );
        assert_eq!(
            ring.verify::<serde_json::Value>(&token, TokenType::AtJwt, 1_100),
            Err(VerifyError::UnknownKey)
        );
    }
}
