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
