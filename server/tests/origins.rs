//! Each origin's router answers on its own, driven without a socket.

#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

use axum::{
    body::{Body, to_bytes},
    http::{Request, StatusCode},
};
use leptos::config::LeptosOptions;
use server::config::Config;
use tower::ServiceExt;

async fn get(router: axum::Router, uri: &str) -> (StatusCode, String) {
    let response = router
        .oneshot(Request::get(uri).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let body = to_bytes(response.into_body(), 1 << 20).await.unwrap();
    (status, String::from_utf8(body.to_vec()).unwrap())
}

#[tokio::test]
async fn the_issuer_and_the_api_report_their_health() {
    let config = Config::default();
    let (status, body) = get(
        server::issuer::router(&config.issuer).await.unwrap(),
        "/health",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("authorization server"), "{body}");

    let (status, body) = get(server::api::router(&config.api).await.unwrap(), "/health").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("protected API"), "{body}");
}

#[tokio::test]
async fn the_spa_shell_embeds_its_settings_for_the_browser() {
    let mut config = Config::default();
    config.spa.issuer = "https://issuer.example/</script>".into();
    let options = LeptosOptions::builder().output_name("implicit").build();
    let router = server::spa::router(options, config.spa_app_config());

    let (status, html) = get(router, "/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains(r#"<script id="spa-config" type="application/json">"#),
        "{html}"
    );
    assert!(html.contains(r#""client_id":"demo-spa""#), "{html}");
    // The hostile value is escaped, so the script element stays closed.
    assert!(
        html.contains(r#"https://issuer.example/\u003c/script>"#),
        "{html}"
    );
    assert!(
        html.contains("/pkg/implicit.js"),
        "the hydration script is linked: {html}"
    );
}

#[tokio::test]
async fn an_unknown_spa_path_is_a_404_page_not_an_error() {
    let options = LeptosOptions::builder().output_name("implicit").build();
    let router = server::spa::router(options, Config::default().spa_app_config());
    let (status, html) = get(router, "/no/such/page").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("Page not found"), "{html}");
}

#[tokio::test]
async fn the_silent_callback_page_runs_only_its_own_script_and_only_in_our_frames() {
    let options = LeptosOptions::builder().output_name("implicit").build();
    let router = server::spa::router(options, Config::default().spa_app_config());
    let response = router
        .oneshot(
            Request::get("/silent-callback.html")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let csp = response.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(csp.contains("default-src 'none'"), "{csp}");
    assert!(csp.contains("frame-ancestors 'self'"), "{csp}");
    assert_eq!(response.headers()["cache-control"], "no-store");
    let body = to_bytes(response.into_body(), 1 << 20).await.unwrap();
    let html = String::from_utf8(body.to_vec()).unwrap();
    let script = html
        .split("<script>")
        .nth(1)
        .unwrap()
        .split("</script>")
        .next()
        .unwrap();
    // The CSP names exactly the hash of the script the page carries.
    use base64::Engine;
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, script.as_bytes());
    let hash = base64::engine::general_purpose::STANDARD.encode(digest.as_ref());
    assert!(
        csp.contains(&format!("script-src 'sha256-{hash}'")),
        "{csp}"
    );
    assert!(
        script.contains("location.origin"),
        "posts to its own origin only: {script}"
    );
}
