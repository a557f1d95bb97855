//! `Authorized<S>`: the scope a route needs, checked on every request.

use axum::http::StatusCode;

use crate::support::{AUDIENCE, PRIVATE, SCOPED, TestApi, spawn_api};

fn scoped_token(api: &TestApi, scope: &str) -> String {
    api.token().claim("scope", scope).sign(&api.issuer.key())
}

#[tokio::test]
async fn a_token_with_the_routes_scope_is_accepted() {
    let api = spawn_api().await;
    api.get(SCOPED, &scoped_token(&api, "openid read:messages"))
        .await
        .assert_ok_for_alice();
}

#[tokio::test]
async fn a_token_without_the_routes_scope_gets_403_naming_the_scope() {
    let api = spawn_api().await;
    let token = scoped_token(&api, "openid profile");
    let response = api.get(SCOPED, &token).await;
    assert_eq!(response.status, StatusCode::FORBIDDEN);
    assert_eq!(
        response.challenge(),
        Some(
            format!(
                "Bearer realm=\"{AUDIENCE}\", error=\"insufficient_scope\", scope=\"read:messages\""
            )
            .as_str()
        )
    );
    assert_eq!(response.json()["error"], "insufficient_scope");
    assert_eq!(response.json()["scope"], "read:messages");
    // A scope that merely starts like the needed one is not it.
    let response = api
        .get(SCOPED, &scoped_token(&api, "read:messages:all read"))
        .await;
    assert_eq!(response.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_scope_is_checked_even_for_a_token_the_cache_knows() {
    let api = spawn_api().await;
    let token = scoped_token(&api, "openid profile");
    api.get(PRIVATE, &token).await.assert_ok_for_alice();
    assert_eq!(api.get(SCOPED, &token).await.status, StatusCode::FORBIDDEN);
    api.get(PRIVATE, &token).await.assert_ok_for_alice();
}

#[tokio::test]
async fn a_realm_set_in_the_config_is_the_challenges() {
    let api = crate::support::spawn_api_with(|config| {
        config.realm = Some("messages".into());
    })
    .await;
    let response = api.get_with(SCOPED, &[]).await;
    assert_eq!(response.challenge(), Some("Bearer realm=\"messages\""));
}
