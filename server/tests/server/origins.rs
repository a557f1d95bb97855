//! Each origin's router answers on its own, driven without a socket.

use axum::{
    body::{Body, to_bytes},
    http::{Request, StatusCode},
};
use leptos::config::LeptosOptions;
use server::config::Config;
use tower::ServiceExt;

/// The SPA's router for `config`, as the demo builds it.
fn spa(config: &Config) -> axum::Router {
    let options = LeptosOptions::builder().output_name("implicit").build();
    let policy = config.page_policy(&options).unwrap();
    server::spa::router(options, config.spa_app_config(), policy)
}

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
        mock_issuer::router(&config.issuer.mock).await.unwrap(),
        // The issuer answers only requests that name its host.
        "http://127.0.0.1:9000/health",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("authorization server"), "{body}");

    let (status, body) = get(server::api::router(&config.api).await.unwrap(), "/health").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("protected API"), "{body}");
}

#[tokio::test]
async fn the_demo_does_not_start_with_dev_controls_beyond_loopback_unless_told() {
    let load = |vars: &[(&str, &str)]| {
        Config::load(|name| {
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (*v).to_owned())
        })
        .unwrap()
    };
    let exposed = [("ISSUER_ADDR", "0.0.0.0:0"), ("ISSUER_DATA_DIR", "")];
    let error = server::run(load(&exposed)).await.unwrap_err().to_string();
    assert!(error.contains("dev controls"), "{error}");
    assert!(error.contains("0.0.0.0:0"), "{error}");
    let config = load(&[
        exposed[0],
        exposed[1],
        ("ISSUER_DEV_CONTROLS_BEYOND_LOOPBACK", "true"),
    ]);
    assert!(config.issuer.mock.dev_controls_beyond_loopback);
    assert!(
        config
            .issuer
            .mock
            .check_listen_addr(config.issuer.addr)
            .is_ok()
    );
}

#[tokio::test]
async fn the_spa_shell_embeds_its_settings_for_the_browser() {
    let mut config = Config::default();
    config.spa.client.issuer = "https://issuer.example/</script>".into();
    let router = spa(&config);

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

/// The nonce of a page's script policy, and every executable script's
/// opening tag.
fn nonce_and_scripts(policy: &str, html: &str) -> (String, Vec<String>) {
    assert!(policy.contains("script-src 'self' 'nonce-"), "{policy}");
    assert!(policy.contains("default-src 'none'"), "{policy}");
    let nonce = policy
        .split("'nonce-")
        .nth(1)
        .unwrap()
        .split('\'')
        .next()
        .unwrap()
        .to_owned();
    let scripts = html
        .split("<script")
        .skip(1)
        .filter_map(|rest| rest.split('>').next())
        // A data block (the embedded settings) is never run.
        .filter(|tag| !tag.contains(r#"type="application/json""#))
        .map(str::to_owned)
        .collect();
    (nonce, scripts)
}

#[tokio::test]
async fn every_spa_page_runs_only_scripts_that_carry_its_nonce_and_cannot_be_framed_by_others() {
    let router = spa(&Config::default());
    let mut nonces = Vec::new();
    for path in ["/", "/callback", "/no/such/page"] {
        let response = router
            .clone()
            .oneshot(Request::get(path).body(Body::empty()).unwrap())
            .await
            .unwrap();
        let headers = response.headers().clone();
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("frame-ancestors 'self'"), "{path}: {csp}");
        assert_eq!(headers["referrer-policy"], "no-referrer", "{path}");
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        // A cached copy would serve its nonce again.
        assert_eq!(headers["cache-control"], "no-cache", "{path}");
        let body = to_bytes(response.into_body(), 1 << 20).await.unwrap();
        let html = String::from_utf8(body.to_vec()).unwrap();
        let (nonce, scripts) = nonce_and_scripts(csp, &html);
        // In the header only: a nonce in the page's text could be read by
        // injected markup.
        assert!(!html.contains("Content-Security-Policy"), "{path}");
        // The scrub script and the hydration script at least.
        assert!(scripts.len() >= 2, "{path}: {scripts:?}");
        for tag in &scripts {
            assert!(
                tag.contains(&format!(r#"nonce="{nonce}""#)),
                "{path}: {tag}"
            );
        }
        assert!(nonce.len() >= 22, "{path}: a short nonce {nonce}");
        nonces.push(nonce);
    }
    nonces.sort();
    nonces.dedup();
    assert_eq!(nonces.len(), 3, "each response has a nonce of its own");
}

#[tokio::test]
async fn the_spa_page_policy_lists_the_provider_and_the_api_and_nothing_more() {
    let mut config = Config::default();
    config.spa.connect_src = vec!["https://www.googleapis.com/oauth2/v3/certs".into()];
    let response = spa(&config)
        .oneshot(Request::get("/").body(Body::empty()).unwrap())
        .await
        .unwrap();
    let csp = response.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    let directive = |name: &str| -> Vec<String> {
        let found = csp
            .split(';')
            .map(str::trim)
            .find(|d| d.split(' ').next() == Some(name))
            .unwrap_or_else(|| panic!("no {name} in {csp}"));
        found.split(' ').skip(1).map(str::to_owned).collect()
    };
    assert_eq!(directive("default-src"), ["'none'"]);
    assert_eq!(
        directive("connect-src"),
        [
            "'self'",
            "http://127.0.0.1:9000",
            "http://localhost:8000",
            "https://www.googleapis.com"
        ]
    );
    assert_eq!(directive("frame-src"), ["'self'", "http://127.0.0.1:9000"]);
    assert_eq!(
        directive("form-action"),
        ["'self'", "http://127.0.0.1:9000"]
    );
    assert_eq!(
        directive("img-src"),
        ["'self'", "data:", "http://127.0.0.1:9000", "https:"]
    );
    assert_eq!(directive("style-src"), ["'self'"]);
    assert_eq!(directive("base-uri"), ["'none'"]);
    assert_eq!(directive("frame-ancestors"), ["'self'"]);

    // A setting that is no origin cannot add a directive of its own.
    let options = LeptosOptions::builder().output_name("implicit").build();
    for bad in [
        "https://a.example; script-src *",
        "javascript:x",
        "not a url",
    ] {
        config.spa.connect_src = vec![bad.into()];
        let error = config.page_policy(&options).unwrap_err().to_string();
        assert!(error.contains("not an http(s) URL"), "{bad}: {error}");
    }
}

#[tokio::test]
async fn an_unknown_spa_path_is_a_404_page_not_an_error() {
    let router = spa(&Config::default());
    let (status, html) = get(router, "/no/such/page").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("Page not found"), "{html}");
}

#[tokio::test]
async fn the_silent_callback_page_runs_only_its_own_script_and_only_in_our_frames() {
    let router = spa(&Config::default());
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
    assert_eq!(response.headers()["referrer-policy"], "no-referrer");
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
