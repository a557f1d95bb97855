//! Keys on disk: one PKCS#8 file per key and a manifest, private to this
//! user (the folder `0700`, the files `0600`, whatever the umask), written
//! atomically. A folder or file others can write is refused: whoever can
//! write there can make this issuer sign with their key.

use super::KeyError;
use super::Manifest;
use super::PreviousEntry;
use super::Ring;
use super::signing::SigningKey;
use std::{
    path::{Path, PathBuf},
    sync::Arc,
};

pub(super) async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, KeyError> + Send + 'static,
) -> Result<T, KeyError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|_| KeyError::Interrupted)?
}

pub(super) fn manifest_of(ring: &Ring) -> Manifest {
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

pub(super) fn load_or_create(dir: &Path, now: u64) -> Result<Ring, KeyError> {
    let manifest_path = dir.join(MANIFEST);
    let text = match std::fs::read_to_string(&manifest_path) {
        Ok(text) => {
            refuse_if_others_can_write(dir)?;
            refuse_if_others_can_write(&manifest_path)?;
            text
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let ring = Ring {
                next: Arc::new(SigningKey::generate()?),
                current: Arc::new(SigningKey::generate()?),
                previous: Vec::new(),
            };
            create_private_dir(dir)?;
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
    refuse_if_others_can_write(&path)?;
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

pub(super) fn write_key(dir: &Path, key: &SigningKey) -> Result<(), KeyError> {
    write_private(&key_path(dir, key.kid())?, &key.to_pkcs8()?)
}

pub(super) fn write_manifest(dir: &Path, manifest: &Manifest) -> Result<(), KeyError> {
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
    // `mode` applies only to a file it creates: a leftover temporary file
    // keeps its own, so set it in every case.
    #[cfg(unix)]
    file.set_permissions(std::os::unix::fs::PermissionsExt::from_mode(0o600))
        .map_err(|e| io("write", e))?;
    file.write_all(bytes).map_err(|e| io("write", e))?;
    file.sync_all().map_err(|e| io("write", e))?;
    std::fs::rename(&tmp, path).map_err(|e| io("write", e))
}

/// Creates `dir` (and its parents) and makes it `0700`: the umask may have
/// left it open to others.
fn create_private_dir(dir: &Path) -> Result<(), KeyError> {
    let io = |action, source| KeyError::Io {
        action,
        path: dir.to_owned(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(|e| io("create", e))?;
    #[cfg(unix)]
    std::fs::set_permissions(dir, std::os::unix::fs::PermissionsExt::from_mode(0o700))
        .map_err(|e| io("protect", e))?;
    Ok(())
}

/// Refuses a key folder or file that users other than its owner can write.
fn refuse_if_others_can_write(path: &Path) -> Result<(), KeyError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let metadata = std::fs::metadata(path).map_err(|source| KeyError::Io {
            action: "read",
            path: path.to_owned(),
            source,
        })?;
        let mode = metadata.permissions().mode() & 0o777;
        if mode & 0o022 != 0 {
            return Err(KeyError::Insecure {
                path: path.to_owned(),
                mode,
            });
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

pub(super) fn remove_unlisted_keys(dir: &Path, manifest: &Manifest) -> Result<(), KeyError> {
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
