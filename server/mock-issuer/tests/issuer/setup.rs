//! Start-up and the published documents: the tenant file, the signing keys
//! and their persistence, discovery, the JWKS, and the dashboard.

use crate::support::*;
use axum::{
    body::Body,
    http::{Request, StatusCode},
};
use mock_issuer::tenant::EMBEDDED;
use protocol::{JwkSet, ProviderMetadata, ResponseMode, ResponseType};

#[tokio::test]
async fn the_discovery_document_describes_an_implicit_flow_provider() {
    let issuer = spawn().await;
    let response = issuer.get("/.well-known/openid-configuration").await;
    assert_eq!(response.status(), StatusCode::OK);
    let metadata: ProviderMetadata = response.json().await.unwrap();
    assert_eq!(metadata.issuer, issuer.base);
    for response_type in [
        ResponseType::Token,
        ResponseType::IdToken,
        ResponseType::IdTokenToken,
    ] {
        assert!(
            metadata
                .check_for_implicit_client(&issuer.base, response_type)
                .is_ok()
        );
    }
    assert!(metadata.supports_response_mode(ResponseMode::Fragment));
    assert!(metadata.supports_response_mode(ResponseMode::WebMessage));
    assert_eq!(
        metadata.id_token_signing_alg_values_supported,
        ["RS256"],
        "never none"
    );
    assert_eq!(
        metadata.authorization_endpoint.as_str(),
        format!("{}/authorize", issuer.base)
    );
    assert_eq!(
        metadata.jwks_uri.as_str(),
        format!("{}/.well-known/jwks.json", issuer.base)
    );
    assert_eq!(
        metadata.userinfo_endpoint.map(String::from),
        Some(format!("{}/userinfo", issuer.base))
    );
    assert_eq!(
        metadata.end_session_endpoint.map(String::from),
        Some(format!("{}/oidc/logout", issuer.base))
    );
    assert!(
        metadata
            .scopes_supported
            .contains(&"read:messages".to_owned())
    );
    // Every endpoint it names answers.
    assert_eq!(
        issuer.get(metadata.jwks_uri.as_str()).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn discovery_and_the_jwks_are_readable_from_any_origin_and_cacheable_for_five_minutes() {
    for path in [
        "/.well-known/openid-configuration",
        "/.well-known/jwks.json",
    ] {
        let response = oneshot(
            Request::get(path)
                .header("origin", "https://any.example")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(response.status, StatusCode::OK);
        assert_eq!(
            header(&response.headers, "access-control-allow-origin"),
            "*"
        );
        // A client keeps them no longer (the SPA reads `max-age`).
        assert_eq!(
            header(&response.headers, "cache-control"),
            "public, max-age=300"
        );
    }
}

#[tokio::test]
async fn the_jwks_holds_public_rs256_keys_with_unique_kids() {
    let response = oneshot(get_request("/.well-known/jwks.json")).await;
    let raw: serde_json::Value = serde_json::from_str(&response.body).unwrap();
    for key in raw["keys"].as_array().unwrap() {
        for private in ["d", "p", "q", "dp", "dq", "qi"] {
            assert!(
                key.get(private).is_none(),
                "private member {private} published"
            );
        }
    }
    let jwks: JwkSet = serde_json::from_str(&response.body).unwrap();
    assert_eq!(jwks.keys.len(), 2);
    assert!(jwks.keys.iter().all(|k| k.is_rs256_signing_key()));
    assert_ne!(jwks.keys[0].kid, jwks.keys[1].kid);
    let (n, _) = jwks.keys[0].rsa_components().unwrap();
    assert_eq!(n.len(), 256, "RSA-2048");
}

#[tokio::test]
async fn keys_persist_in_the_data_dir_so_a_restart_keeps_tokens_valid() {
    let dir = temp_dir("keys");
    let data_dir = dir.join("issuer");
    let first = spawn_with(|c| c.data_dir = Some(data_dir.clone())).await;
    let tokens = first.first_authorization(&request()).await;
    let kids: Vec<_> = first
        .jwks()
        .await
        .keys
        .iter()
        .map(|k| k.common.key_id.clone())
        .collect();

    let restarted = spawn_with(|c| c.data_dir = Some(data_dir.clone())).await;
    let again: Vec<_> = restarted
        .jwks()
        .await
        .keys
        .iter()
        .map(|k| k.common.key_id.clone())
        .collect();
    assert_eq!(kids, again, "the same keys after a restart");
    // The old token's key is still published by the new process.
    let jwks = restarted.jwks().await;
    let kid = jsonwebtoken::decode_header(&tokens["id_token"])
        .unwrap()
        .kid
        .unwrap();
    assert!(jwks.find(&kid).is_some());

    let files: Vec<String> = std::fs::read_dir(&data_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        files.iter().filter(|f| f.ends_with(".pk8")).count(),
        2,
        "{files:?}"
    );
    assert!(files.contains(&"ring.json".to_owned()));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for file in &files {
            let mode = std::fs::metadata(data_dir.join(file))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o077, 0, "{file} is readable by others");
        }
    }
}

#[tokio::test]
async fn a_damaged_key_store_stops_the_server_with_a_clear_error() {
    let dir = temp_dir("damaged");
    std::fs::write(dir.join("ring.json"), "{ not json").unwrap();
    let mut config = config("http://localhost:9000");
    config.data_dir = Some(dir.to_path_buf());
    let error = mock_issuer::router(&config)
        .await
        .err()
        .unwrap()
        .to_string();
    assert!(error.contains("ring.json"), "{error}");
    assert!(error.contains("delete the folder"), "{error}");
}

#[tokio::test]
async fn a_bad_tenant_file_stops_the_server_naming_the_line_and_field() {
    let dir = temp_dir("tenant");
    let path = dir.join("tenant.toml");
    let text = EMBEDDED.replace(
        "\"http://localhost:3000/callback\",",
        "\"http://localhost:3000/callback#fragment\",",
    );
    std::fs::write(&path, &text).unwrap();
    let line = text[..text.find("#fragment").unwrap()]
        .matches('\n')
        .count()
        + 1;
    let mut config = config("http://localhost:9000");
    config.tenant = Some(path.clone());
    let error = mock_issuer::router(&config)
        .await
        .err()
        .unwrap()
        .to_string();
    assert!(error.contains(&path.display().to_string()), "{error}");
    assert!(error.contains(&format!("line {line}")), "{error}");
    assert!(error.contains("clients[0].callbacks[0]"), "{error}");

    config.tenant = Some(dir.join("missing.toml"));
    let error = mock_issuer::router(&config)
        .await
        .err()
        .unwrap()
        .to_string();
    assert!(error.contains("missing.toml"), "{error}");
}

#[tokio::test]
async fn an_issuer_url_with_a_query_or_without_a_host_stops_the_server() {
    for url in [
        "http://localhost:9000/?tenant=a",
        "localhost:9000",
        "ftp://idp.example",
    ] {
        let result = mock_issuer::router(&config(url)).await;
        assert!(result.is_err(), "{url} was accepted");
    }
}

#[tokio::test]
async fn the_dashboard_shows_the_tenant_read_only() {
    let response = oneshot(get_request("/")).await;
    assert_eq!(response.status, StatusCode::OK);
    let html = &response.body;
    for expected in [
        "demo-spa",
        "Leptos implicit demo",
        "http://localhost:3000/callback",
        "http://localhost:3000/silent-callback.html",
        "http://localhost:3000/logged-out",
        "Demo messages API",
        "read:messages",
        "alice",
        "wonderland",
        "Signing keys",
        "next",
        "current",
    ] {
        assert!(html.contains(expected), "{expected} missing");
    }
    assert!(!html.contains("<form"), "read-only");
    assert!(
        header(&response.headers, "content-security-policy").contains("frame-ancestors 'none'")
    );
}

#[tokio::test]
async fn the_dashboard_escapes_tenant_values() {
    let dir = temp_dir("escape");
    let path = dir.join("tenant.toml");
    std::fs::write(
        &path,
        EMBEDDED.replace("Leptos implicit demo", "<img src=x onerror=alert(1)>"),
    )
    .unwrap();
    let mut config = config("http://localhost:9000");
    config.tenant = Some(path);
    let router = mock_issuer::router(&config).await.unwrap();
    let response = oneshot_with(router, get_request("/")).await;
    assert!(!response.body.contains("<img src=x"), "{}", response.body);
    assert!(response.body.contains("&lt;img src=x"));
}

#[tokio::test]
async fn the_stylesheet_is_served_for_the_pages() {
    let response = oneshot(get_request("/assets/issuer.css")).await;
    assert_eq!(response.status, StatusCode::OK);
    assert!(header(&response.headers, "content-type").starts_with("text/css"));
    assert_eq!(
        header(&response.headers, "x-content-type-options"),
        "nosniff"
    );
}
