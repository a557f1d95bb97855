//! The API's routes as the SPA uses them: each route with a good token,
//! scopes per route, the per-user messages, CORS, JSON errors, headers, and
//! the settings that stop the API from starting.

use std::collections::HashMap;

use axum::{
    body::Body,
    http::{Method, Request, StatusCode, header},
};
use bearer_auth::{Algorithm, BearerConfig, TokenType};
use server::config::{ApiConfig, Config};

use crate::support_api::{self, AUDIENCE, SPA_ORIGIN, TestApi, spawn_api};

fn scoped_token(api: &TestApi, scope: &str) -> String {
    api.token().claim("scope", scope).sign(&api.issuer.key())
}

#[tokio::test]
async fn the_public_route_needs_no_token() {
    let api = spawn_api().await;
    let response = api.get_with("/api/public", &[]).await;
    assert_eq!(response.status, StatusCode::OK);
    assert!(
        response.json()["message"]
            .as_str()
            .unwrap()
            .contains("public")
    );
}

#[tokio::test]
async fn the_private_route_answers_a_valid_token_and_is_not_cached() {
    let api = spawn_api().await;
    let response = api.get("/api/private", &api.valid_token()).await;
    response.assert_ok_for_alice();
    assert_eq!(response.header(header::CACHE_CONTROL), Some("no-store"));
}

#[tokio::test]
async fn the_private_routes_refuse_a_request_without_token() {
    let api = spawn_api().await;
    for path in [
        "/api/private",
        "/api/private-scoped",
        "/api/me",
        "/api/messages",
    ] {
        let response = api.get_with(path, &[]).await;
        assert_eq!(response.status, StatusCode::UNAUTHORIZED, "{path}");
        assert_eq!(
            response.challenge(),
            Some(format!("Bearer realm=\"{AUDIENCE}\"").as_str())
        );
    }
}

#[tokio::test]
async fn the_scoped_route_answers_a_token_with_read_messages() {
    let api = spawn_api().await;
    api.get(
        "/api/private-scoped",
        &scoped_token(&api, "openid read:messages"),
    )
    .await
    .assert_ok_for_alice();
}

#[tokio::test]
async fn a_token_without_the_routes_scope_gets_403_naming_the_scope() {
    let api = spawn_api().await;
    let token = scoped_token(&api, "openid profile");
    for (path, scope) in [
        ("/api/private-scoped", "read:messages"),
        ("/api/messages", "read:messages"),
    ] {
        let response = api.get(path, &token).await;
        assert_eq!(response.status, StatusCode::FORBIDDEN, "{path}");
        assert_eq!(
            response.challenge(),
            Some(
                format!(
                    "Bearer realm=\"{AUDIENCE}\", error=\"insufficient_scope\", scope=\"{scope}\""
                )
                .as_str()
            )
        );
        assert_eq!(response.json()["error"], "insufficient_scope");
        assert_eq!(response.json()["scope"], scope);
    }
    // A scope that merely starts like the needed one is not it.
    let response = api
        .get(
            "/api/private-scoped",
            &scoped_token(&api, "read:messages:all read"),
        )
        .await;
    assert_eq!(response.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn me_echoes_the_validated_claims() {
    let api = spawn_api().await;
    let response = api.get("/api/me", &api.valid_token()).await;
    assert_eq!(response.status, StatusCode::OK);
    let me = response.json();
    assert_eq!(me["sub"], "user|alice");
    assert_eq!(me["scope"], "openid profile read:messages write:messages");
    assert_eq!(me["exp"], api.now() + 3600);
    assert_eq!(me["client_id"], "demo-spa");
    assert_eq!(response.header(header::CACHE_CONTROL), Some("no-store"));
}

#[tokio::test]
async fn a_user_reads_back_the_messages_they_posted() {
    let api = spawn_api().await;
    let token = api.valid_token();
    let posted = api
        .post_json("/api/messages", &token, r#"{"text":"hello"}"#)
        .await;
    assert_eq!(posted.status, StatusCode::CREATED, "{posted:?}");
    assert_eq!(posted.json()["id"], 1);
    assert_eq!(posted.json()["text"], "hello");
    assert_eq!(posted.json()["created_at"], api.now());

    let listed = api.get("/api/messages", &token).await;
    assert_eq!(listed.status, StatusCode::OK);
    assert_eq!(listed.json()["messages"][0]["text"], "hello");
    assert_eq!(listed.header(header::CACHE_CONTROL), Some("no-store"));
}

#[tokio::test]
async fn one_user_never_sees_another_users_messages() {
    let api = spawn_api().await;
    let alice = api.valid_token();
    let bob = api.token().claim("sub", "user|bob").sign(&api.issuer.key());
    api.post_json("/api/messages", &alice, r#"{"text":"alice's secret"}"#)
        .await;
    let bobs = api.get("/api/messages", &bob).await;
    assert_eq!(bobs.status, StatusCode::OK);
    assert_eq!(bobs.json()["messages"], serde_json::json!([]));
    let posted = api
        .post_json("/api/messages", &bob, r#"{"text":"bob's"}"#)
        .await;
    assert_eq!(posted.json()["id"], 1, "ids do not reveal alice's count");
    let alices = api.get("/api/messages", &alice).await.json();
    assert_eq!(alices["messages"].as_array().unwrap().len(), 1);
    assert_eq!(alices["messages"][0]["text"], "alice's secret");
}

#[tokio::test]
async fn posting_a_message_needs_write_messages() {
    let api = spawn_api().await;
    let token = scoped_token(&api, "openid read:messages");
    let response = api
        .post_json("/api/messages", &token, r#"{"text":"hi"}"#)
        .await;
    assert_eq!(response.status, StatusCode::FORBIDDEN);
    assert_eq!(response.json()["scope"], "write:messages");
}

#[tokio::test]
async fn a_bad_message_is_a_clear_400() {
    let api = spawn_api().await;
    let token = api.valid_token();
    let too_long = format!(r#"{{"text":"{}"}}"#, "x".repeat(281));
    for body in [
        r#"{"text":""}"#,
        r#"{"text":"   "}"#,
        too_long.as_str(),
        r#"{"text":"a\u0000b"}"#,
        r#"{"text":42}"#,
        r#"{}"#,
        r#"{"text":"hi","admin":true}"#,
        r#"{"text":"#,
        r#"["hi"]"#,
    ] {
        let response = api.post_json("/api/messages", &token, body).await;
        assert_eq!(
            response.status,
            StatusCode::BAD_REQUEST,
            "{body}: {response:?}"
        );
        assert_eq!(response.json()["error"], "invalid_request");
        assert!(response.json()["error_description"].is_string());
    }
    let empty = api.get("/api/messages", &token).await.json();
    assert_eq!(empty["messages"], serde_json::json!([]));
}

#[tokio::test]
async fn a_message_without_json_content_type_is_a_415() {
    let api = spawn_api().await;
    let request = Request::post("/api/messages")
        .header(
            header::AUTHORIZATION,
            format!("Bearer {}", api.valid_token()),
        )
        .body(Body::from(r#"{"text":"hi"}"#))
        .unwrap();
    let response = api.send(request).await;
    assert_eq!(response.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(response.json()["error"], "unsupported_media_type");
}

#[tokio::test]
async fn a_body_over_the_limit_is_a_413() {
    let api = spawn_api().await;
    let body = format!(r#"{{"text":"{}"}}"#, "x".repeat(64 * 1024));
    let response = api
        .post_json("/api/messages", &api.valid_token(), &body)
        .await;
    assert_eq!(response.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(response.json()["error"], "payload_too_large");
}

#[tokio::test]
async fn a_bad_token_is_refused_before_the_body_is_looked_at() {
    let api = spawn_api().await;
    let response = api.post_json("/api/messages", "not-a-jwt", "{").await;
    response.assert_invalid_token();
}

#[tokio::test]
async fn a_cors_preflight_from_the_spa_origin_is_allowed() {
    let api = spawn_api().await;
    let response = api.send(preflight(SPA_ORIGIN, "POST")).await;
    assert!(response.status.is_success(), "{response:?}");
    assert_eq!(
        response.header(header::ACCESS_CONTROL_ALLOW_ORIGIN),
        Some(SPA_ORIGIN)
    );
    let headers = response
        .header(header::ACCESS_CONTROL_ALLOW_HEADERS)
        .unwrap();
    assert_eq!(headers, "authorization,content-type");
    let methods = response
        .header(header::ACCESS_CONTROL_ALLOW_METHODS)
        .unwrap();
    assert_eq!(methods, "GET,POST");
    assert!(
        response
            .header(header::ACCESS_CONTROL_ALLOW_CREDENTIALS)
            .is_none(),
        "bearer tokens need no cookies"
    );
}

#[tokio::test]
async fn a_cors_preflight_from_another_origin_is_refused() {
    let api = spawn_api().await;
    for origin in [
        "https://evil.example",
        "http://localhost:3001",
        "http://localhost:3000.evil.example",
        "null",
    ] {
        let response = api.send(preflight(origin, "GET")).await;
        assert!(
            response
                .header(header::ACCESS_CONTROL_ALLOW_ORIGIN)
                .is_none(),
            "{origin}: {response:?}"
        );
    }
}

#[tokio::test]
async fn a_cross_origin_call_from_the_spa_may_read_the_answer_and_the_challenge() {
    let api = spawn_api().await;
    let request = Request::get("/api/private")
        .header(header::ORIGIN, SPA_ORIGIN)
        .body(Body::empty())
        .unwrap();
    let response = api.send(request).await;
    assert_eq!(response.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        response.header(header::ACCESS_CONTROL_ALLOW_ORIGIN),
        Some(SPA_ORIGIN)
    );
    assert_eq!(
        response.header(header::ACCESS_CONTROL_EXPOSE_HEADERS),
        Some("www-authenticate")
    );
}

fn preflight(origin: &str, method: &str) -> Request<Body> {
    Request::builder()
        .method(Method::OPTIONS)
        .uri("/api/messages")
        .header(header::ORIGIN, origin)
        .header(header::ACCESS_CONTROL_REQUEST_METHOD, method)
        .header(
            header::ACCESS_CONTROL_REQUEST_HEADERS,
            "authorization,content-type",
        )
        .body(Body::empty())
        .unwrap()
}

#[tokio::test]
async fn an_unknown_path_is_a_json_404() {
    let api = spawn_api().await;
    let response = api.get_with("/api/nope", &[]).await;
    assert_eq!(response.status, StatusCode::NOT_FOUND);
    assert_eq!(response.json()["error"], "not_found");
    assert_eq!(response.header(header::CACHE_CONTROL), Some("no-store"));
}

#[tokio::test]
async fn a_wrong_method_is_a_json_405() {
    let api = spawn_api().await;
    let request = Request::delete("/api/messages")
        .body(Body::empty())
        .unwrap();
    let response = api.send(request).await;
    assert_eq!(response.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(response.json()["error"], "method_not_allowed");
}

#[tokio::test]
async fn the_api_does_not_start_with_an_origin_a_browser_would_never_send() {
    let config = ApiConfig {
        allowed_origins: vec!["http://localhost:3000/".into()],
        ..ApiConfig::default()
    };
    let error = server::api::router(&config).await.unwrap_err().to_string();
    assert!(error.contains("http://localhost:3000/"), "{error}");
}

#[tokio::test]
async fn the_api_does_not_start_with_a_shared_secret_algorithm() {
    let config = ApiConfig {
        token: BearerConfig::new("http://localhost:9000", AUDIENCE).algorithms([Algorithm::HS256]),
        ..ApiConfig::default()
    };
    let error = server::api::router(&config).await.unwrap_err().to_string();
    assert!(error.contains("HS256"), "{error}");
}

#[tokio::test]
async fn the_api_does_not_start_with_a_plain_http_issuer_off_localhost() {
    let config = ApiConfig {
        token: BearerConfig::new("http://tenant.example.com/", AUDIENCE),
        ..ApiConfig::default()
    };
    let error = server::api::router(&config).await.unwrap_err().to_string();
    assert!(error.contains("https"), "{error}");
}

#[test]
fn the_api_settings_are_read_from_api_environment_variables() {
    let vars: HashMap<&str, &str> = [
        ("API_ALGORITHMS", "RS256, PS256"),
        ("API_TOKEN_TYPE", "jwt"),
        ("API_LEEWAY_SECS", "5"),
        ("API_JWKS_CACHE_SECS", "60"),
        ("API_JWKS_MIN_REFRESH_SECS", "2"),
        ("API_TOKEN_CACHE_ENTRIES", "0"),
    ]
    .into_iter()
    .collect();
    let config = Config::load(|name| vars.get(name).map(|v| v.to_string())).unwrap();
    let token = &config.api.token;
    assert_eq!(token.algorithms, [Algorithm::RS256, Algorithm::PS256]);
    assert_eq!(token.token_type, TokenType::Jwt);
    assert_eq!(token.leeway_secs, 5);
    assert_eq!(token.jwks_cache_secs, 60);
    assert_eq!(token.jwks_min_refresh_secs, 2);
    assert_eq!(token.token_cache_entries, 0);

    for (name, value) in [
        ("API_TOKEN_TYPE", "id_token"),
        ("API_ALGORITHMS", "RS256,none"),
        ("API_LEEWAY_SECS", "-1"),
    ] {
        let error = Config::load(|n| (n == name).then(|| value.to_owned())).unwrap_err();
        assert!(error.to_string().contains(name), "{error}");
    }
}

#[tokio::test]
async fn with_the_token_cache_off_every_request_is_verified_and_still_correct() {
    let api = support_api::spawn_api_with(|config| config.token.token_cache_entries = 0).await;
    let token = api.valid_token();
    for _ in 0..3 {
        api.get("/api/private", &token).await.assert_ok_for_alice();
    }
    api.advance(3600 + api.config.token.leeway_secs);
    api.get("/api/private", &token).await.assert_invalid_token();
}
