//! How the API gets the issuer's keys: discovery, caching, refetching on a
//! rotation, rate limiting against made-up `kid`s, failing closed while the
//! issuer is unreachable and recovering by itself. Time is a manual clock.

use crate::support::{PRIVATE, TestApi, TestResponse, spawn_api};
use axum::http::{StatusCode, header};
use tokio::task::JoinSet;

#[track_caller]
fn assert_unavailable(response: &TestResponse, api: &TestApi) {
    assert_eq!(
        response.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{response:?}"
    );
    assert_eq!(response.json()["error"], "temporarily_unavailable");
    assert_eq!(
        response.header(header::RETRY_AFTER),
        Some(api.config.jwks_min_refresh_secs.to_string().as_str())
    );
    assert!(response.json().get("sub").is_none());
}

/// A token signed by the issuer's real key under a `kid` it never published.
fn token_with_kid(api: &TestApi, kid: &str) -> String {
    api.token().header("kid", kid).sign(&api.issuer.key())
}

#[tokio::test]
async fn keys_are_fetched_once_and_reused_for_other_tokens() {
    let api = spawn_api().await;
    for _ in 0..3 {
        api.get(PRIVATE, &api.valid_token())
            .await
            .assert_ok_for_alice();
    }
    assert_eq!(api.issuer.jwks_fetches(), 1);
}

#[tokio::test]
async fn a_key_added_by_rotation_is_accepted_after_one_refetch() {
    let api = spawn_api().await;
    api.get(PRIVATE, &api.valid_token())
        .await
        .assert_ok_for_alice();
    assert_eq!(api.issuer.jwks_fetches(), 1);

    let new_key = api.issuer.rotate("key-2");
    // A real rotation comes long after the API's last fetch.
    api.advance(api.config.jwks_min_refresh_secs);
    let token = api.token().header("kid", "key-2").sign(&new_key);
    api.get(PRIVATE, &token).await.assert_ok_for_alice();
    assert_eq!(api.issuer.jwks_fetches(), 2);

    // Both keys now verify without another fetch.
    api.get(PRIVATE, &api.token().header("kid", "key-2").sign(&new_key))
        .await
        .assert_ok_for_alice();
    api.get(PRIVATE, &api.valid_token())
        .await
        .assert_ok_for_alice();
    assert_eq!(api.issuer.jwks_fetches(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_of_unknown_kids_causes_at_most_one_fetch_per_interval() {
    let api = spawn_api().await;
    api.get(PRIVATE, &api.valid_token())
        .await
        .assert_ok_for_alice();
    api.advance(api.config.jwks_min_refresh_secs);

    let mut requests = JoinSet::new();
    for i in 0..50 {
        let token = token_with_kid(&api, &format!("made-up-{i}"));
        let request = axum::http::Request::get(PRIVATE)
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(axum::body::Body::empty())
            .unwrap();
        let router = api.router.clone();
        requests.spawn(async move {
            use tower::ServiceExt;
            router.oneshot(request).await.unwrap().status()
        });
    }
    while let Some(status) = requests.join_next().await {
        assert_eq!(status.unwrap(), StatusCode::UNAUTHORIZED);
    }
    assert_eq!(api.issuer.jwks_fetches(), 2, "one refetch for fifty misses");

    // Within the interval, another unknown kid fetches nothing.
    api.advance(api.config.jwks_min_refresh_secs - 1);
    api.get(PRIVATE, &token_with_kid(&api, "another"))
        .await
        .assert_invalid_token();
    assert_eq!(api.issuer.jwks_fetches(), 2);
    // Once it has passed, one more fetch is allowed.
    api.advance(1);
    api.get(PRIVATE, &token_with_kid(&api, "yet-another"))
        .await
        .assert_invalid_token();
    assert_eq!(api.issuer.jwks_fetches(), 3);
}

#[tokio::test]
async fn while_the_issuer_is_down_tokens_fail_closed_and_pass_again_once_it_is_back() {
    let api = spawn_api().await;
    let token = api.valid_token();
    api.issuer.stop().await;

    assert_unavailable(&api.get(PRIVATE, &token).await, &api);
    api.issuer.start_again().await;
    // Failed fetches are rate limited too: the issuer is not hammered...
    assert_unavailable(&api.get(PRIVATE, &token).await, &api);
    assert_eq!(api.issuer.jwks_fetches(), 0);
    // ...and the next allowed fetch recovers without a restart.
    api.advance(api.config.jwks_min_refresh_secs);
    api.get(PRIVATE, &token).await.assert_ok_for_alice();
    assert_eq!(api.issuer.jwks_fetches(), 1);
}

#[tokio::test]
async fn once_cached_keys_are_stale_an_unreachable_issuer_fails_closed_even_for_a_known_token() {
    let api = spawn_api().await;
    let token = api.valid_token();
    api.get(PRIVATE, &token).await.assert_ok_for_alice();
    api.issuer.stop().await;
    // Within the cache lifetime the issuer is not needed.
    api.advance(api.config.jwks_cache_secs - 1);
    api.get(PRIVATE, &token).await.assert_ok_for_alice();
    // Past it, neither the old keys nor the verified-token cache are trusted.
    api.advance(1);
    assert_unavailable(&api.get(PRIVATE, &token).await, &api);

    api.issuer.start_again().await;
    api.advance(api.config.jwks_min_refresh_secs);
    api.get(PRIVATE, &token).await.assert_ok_for_alice();
}

#[tokio::test]
async fn keys_are_fetched_again_when_the_cache_lifetime_ends() {
    let api = spawn_api().await;
    let token = api.valid_token();
    api.get(PRIVATE, &token).await.assert_ok_for_alice();
    api.advance(api.config.jwks_cache_secs);
    api.get(PRIVATE, &token).await.assert_ok_for_alice();
    assert_eq!(api.issuer.jwks_fetches(), 2);
}

#[tokio::test]
async fn a_key_removed_from_the_jwks_stops_verifying_tokens_seen_before() {
    let api = spawn_api().await;
    let token = api.valid_token();
    api.get(PRIVATE, &token).await.assert_ok_for_alice();
    api.issuer.rotate("key-2");
    api.issuer.unpublish("key-1");
    api.advance(api.config.jwks_cache_secs);
    api.get(PRIVATE, &token).await.assert_invalid_token();
}

#[tokio::test]
async fn a_discovery_document_naming_another_issuer_is_not_trusted() {
    let api = spawn_api().await;
    api.issuer.advertise_issuer("https://evil.example");
    assert_unavailable(&api.get(PRIVATE, &api.valid_token()).await, &api);
    assert_eq!(api.issuer.jwks_fetches(), 0, "its jwks_uri was not used");
}

#[tokio::test]
async fn an_unknown_kid_is_an_invalid_token_not_an_outage() {
    let api = spawn_api().await;
    api.get(PRIVATE, &token_with_kid(&api, "made-up"))
        .await
        .assert_invalid_token();
    // The fetch it caused brought the real keys: a good token needs no other.
    api.get(PRIVATE, &api.valid_token())
        .await
        .assert_ok_for_alice();
    assert_eq!(api.issuer.jwks_fetches(), 1);
}
