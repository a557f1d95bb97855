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

/// A fresh folder for one test.
#[cfg(unix)]
fn scratch_dir(name: &str) -> std::path::PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    std::env::temp_dir().join(format!("keys-{name}-{}-{nanos}", std::process::id()))
}

#[cfg(unix)]
fn mode_of(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[cfg(unix)]
#[tokio::test]
async fn a_new_key_folder_is_private_to_this_user_whatever_the_umask() {
    let dir = scratch_dir("private").join("nested");
    KeyRing::open(Some(&dir), 1_000).await.unwrap();
    // create_dir_all honours the umask (typically 0755); the store does not.
    assert_eq!(mode_of(&dir), 0o700);
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        assert_eq!(mode_of(&path), 0o600, "{}", path.display());
    }
    // A leftover temporary file that others could read gets 0600 too.
    let ring = KeyRing::open(Some(&dir), 1_000).await.unwrap();
    let leftover = dir.join("ring.tmp");
    std::fs::write(&leftover, b"").unwrap();
    std::fs::set_permissions(
        &leftover,
        std::os::unix::fs::PermissionsExt::from_mode(0o666),
    )
    .unwrap();
    ring.rotate(1_000, 1_100).await.unwrap();
    assert_eq!(mode_of(&dir.join("ring.json")), 0o600);
    std::fs::remove_dir_all(dir.parent().unwrap()).unwrap();
}

#[cfg(unix)]
#[tokio::test]
async fn keys_that_others_can_write_are_refused_with_the_remedy() {
    use std::os::unix::fs::PermissionsExt;
    let dir = scratch_dir("open");
    let ring = KeyRing::open(Some(&dir), 1_000).await.unwrap();
    let kid = ring.current().kid().to_owned();
    drop(ring);

    std::fs::set_permissions(&dir, PermissionsExt::from_mode(0o777)).unwrap();
    let refused = KeyRing::open(Some(&dir), 1_000).await.err().unwrap();
    assert!(
        matches!(&refused, KeyError::Insecure { path, mode: 0o777 } if *path == dir),
        "{refused}"
    );
    assert!(refused.to_string().contains("chmod go-w"), "{refused}");
    std::fs::set_permissions(&dir, PermissionsExt::from_mode(0o755)).unwrap();
    assert!(
        KeyRing::open(Some(&dir), 1_000).await.is_ok(),
        "readable by others is not writable"
    );

    let key = dir.join(format!("{kid}.pk8"));
    std::fs::set_permissions(&key, PermissionsExt::from_mode(0o620)).unwrap();
    let refused = KeyRing::open(Some(&dir), 1_000).await.err().unwrap();
    assert!(
        matches!(&refused, KeyError::Insecure { path, .. } if *path == key),
        "{refused}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
