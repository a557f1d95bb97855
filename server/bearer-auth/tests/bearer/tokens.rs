//! How a protected route treats each kind of bearer token an honest client
//! or an attacker can send (RFC 6750, RFC 8725, RFC 9068). Every refusal is
//! a 4xx with RFC 6750's challenge; never a 5xx, never a detail of why.

use axum::http::StatusCode;
use bearer_auth::TokenType;
use serde_json::json;
use test_issuer::{SigningKey, TokenBuilder, b64, flip_signature_bit};

use crate::support::{AUDIENCE, PRIVATE, SCOPED, spawn_api, spawn_api_with};

#[tokio::test]
async fn a_valid_access_token_is_accepted() {
    let api = spawn_api().await;
    api.get(PRIVATE, &api.valid_token())
        .await
        .assert_ok_for_alice();
}

#[tokio::test]
async fn a_request_without_authorization_gets_a_bare_challenge_without_error_code() {
    let api = spawn_api().await;
    let response = api.get_with(PRIVATE, &[]).await;
    assert_eq!(response.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        response.challenge(),
        Some(format!("Bearer realm=\"{AUDIENCE}\"").as_str())
    );
    assert_eq!(response.json()["error"], "unauthorized");
}

#[tokio::test]
async fn a_basic_authorization_header_is_answered_like_no_credentials() {
    let api = spawn_api().await;
    let response = api.get_with(PRIVATE, &["Basic dXNlcjpwYXNzd29yZA=="]).await;
    assert_eq!(response.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        response.challenge(),
        Some(format!("Bearer realm=\"{AUDIENCE}\"").as_str())
    );
}

#[tokio::test]
async fn the_bearer_scheme_is_accepted_in_lowercase() {
    let api = spawn_api().await;
    let token = api.valid_token();
    api.get_with(PRIVATE, &[&format!("bearer {token}")])
        .await
        .assert_ok_for_alice();
}

#[tokio::test]
async fn two_authorization_headers_are_an_invalid_request() {
    let api = spawn_api().await;
    let token = api.valid_token();
    let bearer = format!("Bearer {token}");
    let response = api.get_with(PRIVATE, &[&bearer, &bearer]).await;
    assert_eq!(response.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        response.challenge(),
        Some(format!("Bearer realm=\"{AUDIENCE}\", error=\"invalid_request\"").as_str())
    );
    assert_eq!(response.json()["error"], "invalid_request");
}

#[tokio::test]
async fn an_empty_bearer_token_is_an_invalid_request() {
    let api = spawn_api().await;
    for value in ["Bearer", "Bearer ", "bearer    "] {
        let response = api.get_with(PRIVATE, &[value]).await;
        assert_eq!(response.status, StatusCode::BAD_REQUEST, "{value:?}");
        assert_eq!(response.json()["error"], "invalid_request");
    }
}

#[tokio::test]
async fn two_tokens_in_one_header_are_an_invalid_request() {
    let api = spawn_api().await;
    let token = api.valid_token();
    let response = api
        .get_with(PRIVATE, &[&format!("Bearer {token} {token}")])
        .await;
    assert_eq!(response.status, StatusCode::BAD_REQUEST);
    assert_eq!(response.json()["error"], "invalid_request");
}

#[tokio::test]
async fn a_token_in_the_query_string_is_not_accepted() {
    let api = spawn_api().await;
    let token = api.valid_token();
    let response = api
        .get_with(&format!("{PRIVATE}?access_token={token}"), &[])
        .await;
    assert_eq!(response.status, StatusCode::BAD_REQUEST);
    assert_eq!(response.json()["error"], "invalid_request");
    assert!(response.json().get("sub").is_none());
}

#[tokio::test]
async fn a_token_with_two_segments_is_refused() {
    let api = spawn_api().await;
    let token = api.valid_token();
    let two = token.rsplit_once('.').unwrap().0;
    api.get(PRIVATE, two).await.assert_invalid_token();
}

#[tokio::test]
async fn a_token_with_four_segments_is_refused() {
    let api = spawn_api().await;
    let token = api.valid_token();
    api.get(PRIVATE, &format!("{token}.{}", b64("x")))
        .await
        .assert_invalid_token();
}

#[tokio::test]
async fn a_token_with_bad_base64url_is_refused() {
    let api = spawn_api().await;
    let token = api.valid_token();
    let (header, rest) = token.split_once('.').unwrap();
    // `+` and `/` are standard base64, not base64url; base64url in a JWS
    // has no `=` padding (RFC 7515 §2); a cut leaves a dangling character.
    for spoiled in [
        format!("{}+/{}.{rest}", &header[..4], &header[6..]),
        format!("{token}="),
        format!("{}.{rest}", &header[..header.len() - 1]),
    ] {
        api.get(PRIVATE, &spoiled).await.assert_invalid_token();
    }
}

#[tokio::test]
async fn a_token_with_characters_outside_base64url_is_an_invalid_request() {
    let api = spawn_api().await;
    let token = api.valid_token();
    let (header, rest) = token.split_once('.').unwrap();
    for spoiled in [
        format!("{header}=.{rest}"),
        format!("{header}!.{rest}"),
        format!("{token},"),
    ] {
        let response = api.get(PRIVATE, &spoiled).await;
        assert_eq!(response.status, StatusCode::BAD_REQUEST, "{spoiled}");
        assert_eq!(response.json()["error"], "invalid_request");
    }
}

#[tokio::test]
async fn a_token_whose_header_is_not_json_is_refused() {
    let api = spawn_api().await;
    let token = api.valid_token();
    let rest = token.split_once('.').unwrap().1;
    api.get(PRIVATE, &format!("{}.{rest}", b64("{\"alg\":\"RS256\",")))
        .await
        .assert_invalid_token();
}

#[tokio::test]
async fn a_token_whose_claims_are_not_json_is_refused() {
    let api = spawn_api().await;
    let key = api.issuer.key();
    let header = b64(json!({ "alg": "RS256", "typ": "at+jwt", "kid": key.kid }).to_string());
    let input = format!("{header}.{}", b64("not json"));
    let signature = b64(key.sign(input.as_bytes()));
    api.get(PRIVATE, &format!("{input}.{signature}"))
        .await
        .assert_invalid_token();
}

#[tokio::test]
async fn a_one_megabyte_header_is_refused_without_a_server_error() {
    let api = spawn_api().await;
    let token = api
        .token()
        .header("padding", "A".repeat(1 << 20))
        .sign(&api.issuer.key());
    assert!(token.len() > 1 << 20);
    api.get(PRIVATE, &token).await.assert_invalid_token();
}

#[tokio::test]
async fn an_unsigned_token_with_alg_none_is_refused() {
    let api = spawn_api().await;
    let token = api.token().header("alg", "none").unsigned();
    api.get(PRIVATE, &token).await.assert_invalid_token();
}

#[tokio::test]
async fn an_hs256_token_keyed_with_the_issuers_public_key_is_refused() {
    let api = spawn_api().await;
    let key = api.issuer.key();
    let token = api
        .token()
        .header("alg", "HS256")
        .sign_hs256(&key.public_key_bytes());
    api.get(PRIVATE, &token).await.assert_invalid_token();
}

#[tokio::test]
async fn a_token_signed_by_a_foreign_key_under_a_known_kid_is_refused() {
    let api = spawn_api().await;
    let foreign = SigningKey::generate(&api.issuer.key().kid, "RS256");
    let token = api.token().sign(&foreign);
    api.get(PRIVATE, &token).await.assert_invalid_token();
}

#[tokio::test]
async fn a_token_with_one_flipped_signature_bit_is_refused() {
    let api = spawn_api().await;
    let token = api.valid_token();
    api.get(PRIVATE, &token).await.assert_ok_for_alice();
    // The same token, one bit different: not a cache hit, and not valid.
    api.get(PRIVATE, &flip_signature_bit(&token))
        .await
        .assert_invalid_token();
}

#[tokio::test]
async fn a_cached_tokens_signature_under_other_claims_is_refused() {
    let api = spawn_api().await;
    let builder = api.token().claim("scope", "openid read:messages");
    let token = builder.sign(&api.issuer.key());
    api.get(PRIVATE, &token).await.assert_ok_for_alice();
    // Now in the verified-token cache. The same signature with more scope,
    // another subject, or the header alone changed is another token.
    let signature = token.rsplit_once('.').unwrap().1;
    for forged in [
        builder
            .clone()
            .claim("scope", "openid read:messages write:messages"),
        builder.clone().claim("sub", "auth0|mallory"),
        builder.clone().header("x", 1),
    ] {
        let forged = format!("{}.{signature}", forged.signing_input());
        api.get(PRIVATE, &forged).await.assert_invalid_token();
        api.get(SCOPED, &forged).await.assert_invalid_token();
    }
    api.get(PRIVATE, &token).await.assert_ok_for_alice();
}

#[tokio::test]
async fn an_expired_token_is_refused() {
    let api = spawn_api().await;
    let leeway = api.config.leeway_secs;
    let expired = api
        .token()
        .claim("iat", api.now() - 7200)
        .claim("exp", api.now() - leeway - 1)
        .sign(&api.issuer.key());
    api.get(PRIVATE, &expired).await.assert_invalid_token();
}

#[tokio::test]
async fn a_token_that_expired_within_the_leeway_is_still_accepted() {
    let api = spawn_api().await;
    let token = api
        .token()
        .claim("exp", api.now() - api.config.leeway_secs + 5)
        .sign(&api.issuer.key());
    api.get(PRIVATE, &token).await.assert_ok_for_alice();
}

#[tokio::test]
async fn an_accepted_token_is_refused_once_it_expires() {
    let api = spawn_api().await;
    let token = api.valid_token();
    api.get(PRIVATE, &token).await.assert_ok_for_alice();
    // The verified-token cache must not outlive exp (+ leeway).
    api.advance(3600 + api.config.leeway_secs);
    api.get(PRIVATE, &token).await.assert_invalid_token();
}

#[tokio::test]
async fn a_token_that_is_not_yet_valid_is_refused() {
    let api = spawn_api().await;
    let token = api
        .token()
        .claim("nbf", api.now() + 600)
        .sign(&api.issuer.key());
    api.get(PRIVATE, &token).await.assert_invalid_token();
    // ...until its time comes.
    api.advance(600);
    api.get(PRIVATE, &token).await.assert_ok_for_alice();
}

#[tokio::test]
async fn a_token_issued_in_the_future_is_refused() {
    let api = spawn_api().await;
    let token = api
        .token()
        .claim("iat", api.now() + 600)
        .sign(&api.issuer.key());
    api.get(PRIVATE, &token).await.assert_invalid_token();
}

#[tokio::test]
async fn a_token_from_another_issuer_is_refused() {
    let api = spawn_api().await;
    for iss in [
        json!("https://evil.example"),
        json!(format!("{}/", api.issuer.url())),
        json!([api.issuer.url(), "https://evil.example"]),
    ] {
        let token = api
            .token()
            .claim("iss", iss.clone())
            .sign(&api.issuer.key());
        api.get(PRIVATE, &token).await.assert_invalid_token();
    }
}

#[tokio::test]
async fn a_token_for_another_audience_is_refused() {
    let api = spawn_api().await;
    for aud in [
        json!("https://other-api.test/"),
        json!(["https://other-api.test/", "https://api.test"]),
        json!([]),
    ] {
        let token = api
            .token()
            .claim("aud", aud.clone())
            .sign(&api.issuer.key());
        api.get(PRIVATE, &token).await.assert_invalid_token();
    }
}

#[tokio::test]
async fn a_token_whose_audience_list_includes_the_api_is_accepted() {
    let api = spawn_api().await;
    let token = api.token().claim("aud", AUDIENCE).sign(&api.issuer.key());
    api.get(PRIVATE, &token).await.assert_ok_for_alice();
}

#[tokio::test]
async fn an_id_token_presented_as_an_access_token_is_refused() {
    let api = spawn_api().await;
    let key = api.issuer.key();
    let id_token = TokenBuilder::id_token(api.issuer.url(), &key, api.now()).sign(&key);
    api.get(PRIVATE, &id_token).await.assert_invalid_token();
}

#[tokio::test]
async fn a_token_typed_jwt_is_refused_when_access_tokens_must_be_at_jwt() {
    let api = spawn_api().await;
    // Everything right for this API except the type: the typ check alone refuses it.
    let token = api.token().header("typ", "JWT").sign(&api.issuer.key());
    api.get(PRIVATE, &token).await.assert_invalid_token();
    let untyped = api.token().without_header("typ").sign(&api.issuer.key());
    api.get(PRIVATE, &untyped).await.assert_invalid_token();
}

#[tokio::test]
async fn with_jwt_typed_access_tokens_the_audience_still_keeps_id_tokens_out() {
    let api = spawn_api_with(|config| config.token_type = TokenType::Jwt).await;
    let key = api.issuer.key();
    // An Auth0-style access token: typ JWT, no client_id, no jti.
    let access = api
        .token()
        .header("typ", "JWT")
        .without_claim("client_id")
        .without_claim("jti")
        .sign(&key);
    api.get(PRIVATE, &access).await.assert_ok_for_alice();
    let id_token = TokenBuilder::id_token(api.issuer.url(), &key, api.now()).sign(&key);
    api.get(PRIVATE, &id_token).await.assert_invalid_token();
}

#[tokio::test]
async fn an_at_jwt_token_without_a_claim_rfc_9068_requires_is_refused() {
    let api = spawn_api().await;
    for claim in ["client_id", "jti", "iat", "sub", "exp", "iss", "aud"] {
        let token = api.token().without_claim(claim).sign(&api.issuer.key());
        api.get(PRIVATE, &token).await.assert_invalid_token();
    }
}

#[tokio::test]
async fn a_token_without_kid_is_refused() {
    let api = spawn_api().await;
    let token = api.token().without_header("kid").sign(&api.issuer.key());
    api.get(PRIVATE, &token).await.assert_invalid_token();
}

#[tokio::test]
async fn a_jku_header_is_refused_and_its_url_never_fetched() {
    let api = spawn_api().await;
    let attacker = api.issuer.attacker_key();
    let token = api
        .token()
        .header("jku", api.issuer.attacker_jwks_url())
        .header("kid", attacker.kid.clone())
        .sign(&attacker);
    api.get(PRIVATE, &token).await.assert_invalid_token();
    assert_eq!(api.issuer.attacker_jwks_fetches(), 0);
    // Even on a token the issuer really signed.
    let signed = api
        .token()
        .header("jku", api.issuer.attacker_jwks_url())
        .sign(&api.issuer.key());
    api.get(PRIVATE, &signed).await.assert_invalid_token();
    assert_eq!(api.issuer.attacker_jwks_fetches(), 0);
}

#[tokio::test]
async fn a_token_carrying_its_own_jwk_is_refused() {
    let api = spawn_api().await;
    let attacker = api.issuer.attacker_key();
    let token = api
        .token()
        .header("jwk", attacker.jwk())
        .header("kid", attacker.kid.clone())
        .sign(&attacker);
    api.get(PRIVATE, &token).await.assert_invalid_token();
    // Refused for carrying a key at all, even on a token the issuer signed.
    let signed = api
        .token()
        .header("jwk", api.issuer.key().jwk())
        .sign(&api.issuer.key());
    api.get(PRIVATE, &signed).await.assert_invalid_token();
}

#[tokio::test]
async fn an_x5u_header_is_refused() {
    let api = spawn_api().await;
    let token = api
        .token()
        .header("x5u", api.issuer.attacker_jwks_url())
        .sign(&api.issuer.key());
    api.get(PRIVATE, &token).await.assert_invalid_token();
    assert_eq!(api.issuer.attacker_jwks_fetches(), 0);
}

#[tokio::test]
async fn a_token_with_a_critical_extension_is_refused() {
    let api = spawn_api().await;
    let token = api
        .token()
        .header("crit", json!(["exp-policy"]))
        .header("exp-policy", "strict")
        .sign(&api.issuer.key());
    api.get(PRIVATE, &token).await.assert_invalid_token();
}

#[tokio::test]
async fn a_ps256_token_is_refused_unless_ps256_is_allowed() {
    let default = spawn_api().await;
    let pss = SigningKey::generate("pss-1", "PS256");
    default.issuer.publish(pss.clone());
    let token = default
        .token()
        .header("alg", "PS256")
        .header("kid", "pss-1")
        .sign(&pss);
    default.get(PRIVATE, &token).await.assert_invalid_token();

    let allowing = spawn_api_with(|config| {
        config.algorithms = vec![
            jsonwebtoken::Algorithm::RS256,
            jsonwebtoken::Algorithm::PS256,
        ];
    })
    .await;
    allowing.issuer.publish(pss.clone());
    let token = allowing
        .token()
        .header("alg", "PS256")
        .header("kid", "pss-1")
        .sign(&pss);
    allowing.get(PRIVATE, &token).await.assert_ok_for_alice();
    // An RS256 token still verifies alongside.
    allowing
        .get(PRIVATE, &allowing.valid_token())
        .await
        .assert_ok_for_alice();
}

#[tokio::test]
async fn a_token_whose_alg_differs_from_its_keys_alg_is_refused() {
    let api = spawn_api_with(|config| {
        config.algorithms = vec![
            jsonwebtoken::Algorithm::RS256,
            jsonwebtoken::Algorithm::PS256,
        ];
    })
    .await;
    // The issuer pinned key-1 to RS256; a PS256 signature by the same key is refused.
    let token = api.token().header("alg", "PS256").sign(&api.issuer.key());
    api.get(PRIVATE, &token).await.assert_invalid_token();
}

#[tokio::test]
async fn every_refused_token_gets_the_same_answer() {
    let api = spawn_api().await;
    let expired = api
        .token()
        .claim("exp", api.now() - 3600)
        .sign(&api.issuer.key());
    let wrong_aud = api
        .token()
        .claim("aud", "https://other.test/")
        .sign(&api.issuer.key());
    let forged = flip_signature_bit(&api.valid_token());
    let a = api.get(PRIVATE, &expired).await;
    let b = api.get(PRIVATE, &wrong_aud).await;
    let c = api.get(PRIVATE, &forged).await;
    assert_eq!(a.body, b.body);
    assert_eq!(b.body, c.body);
    assert_eq!(a.challenge(), c.challenge());
}
