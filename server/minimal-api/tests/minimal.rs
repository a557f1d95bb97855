//! The minimal API against the real mock issuer: a token it issued through
//! a login and consent is accepted; without one, or with a bad one, the
//! answer is RFC 6750's.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests: a failing unwrap is a failing test"
)]

use axum::http::HeaderValue;
use bearer_auth::BearerAuth;
use mock_issuer::{IssuerConfig, SpawnedIssuer};
use reqwest::{StatusCode, header};

/// The demo tenant's API and client (server/mock-issuer/tenant.toml).
const AUDIENCE: &str = "http://localhost:8000/api";
const CLIENT_ID: &str = "demo-spa";
const CALLBACK: &str = "http://localhost:3000/callback";

const FORM: &str = "application/x-www-form-urlencoded";

fn encode(pairs: &[(&str, String)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

/// The issuer, and the minimal API trusting it on a free port.
async fn start() -> (SpawnedIssuer, String) {
    let issuer = mock_issuer::spawn(IssuerConfig::for_tests()).await.unwrap();
    let auth = BearerAuth::builder(issuer.url(), AUDIENCE).build().unwrap();
    let app = minimal_api::app(auth, HeaderValue::from_static("http://localhost:3100"));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let api = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (issuer, api)
}

/// Where `response` redirects to.
fn location(response: &reqwest::Response) -> String {
    response.headers()[header::LOCATION]
        .to_str()
        .unwrap()
        .to_owned()
}

/// What a browser does with one of the issuer's forms: reads the page at
/// `page`, posts its hidden `request` and `csrf` with `fields` to
/// `action`, and gives where the answer redirects to.
async fn submit<const N: usize>(
    browser: &reqwest::Client,
    page: &str,
    action: &str,
    fields: [(&str, &str); N],
) -> String {
    let html = browser
        .get(page)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let hidden = |name: &str| {
        let marker = format!(r#"name="{name}" value=""#);
        let start = html.find(&marker).unwrap() + marker.len();
        html[start..start + html[start..].find('"').unwrap()].to_owned()
    };
    let mut form = vec![("request", hidden("request")), ("csrf", hidden("csrf"))];
    form.extend(fields.map(|(name, value)| (name, value.to_owned())));
    let response = browser
        .post(action)
        .header(header::CONTENT_TYPE, FORM)
        .body(encode(&form))
        .send()
        .await
        .unwrap();
    location(&response)
}

/// What a browser would do: ask for an access token with `scope`, log in
/// as alice, allow, and read the token from the callback's fragment.
async fn access_token(issuer: &SpawnedIssuer, scope: &str) -> String {
    let browser = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let base = issuer.url();
    let authorize = url::Url::parse_with_params(
        &format!("{base}/authorize"),
        [
            ("response_type", "token"),
            ("client_id", CLIENT_ID),
            ("redirect_uri", CALLBACK),
            ("scope", scope),
            ("audience", AUDIENCE),
            ("state", "a-state-of-the-test"),
        ],
    )
    .unwrap();
    let login = location(&browser.get(authorize).send().await.unwrap());
    let consent = submit(
        &browser,
        &format!("{base}{login}"),
        &format!("{base}/login"),
        [("username", "alice"), ("password", "wonderland")],
    )
    .await;
    let callback = submit(
        &browser,
        &format!("{base}{consent}"),
        &format!("{base}/consent"),
        [("decision", "allow")],
    )
    .await;
    let fragment = callback.split_once('#').unwrap().1;
    url::form_urlencoded::parse(fragment.as_bytes())
        .find(|(name, _)| name == "access_token")
        .map(|(_, token)| token.into_owned())
        .expect("an access token in the fragment")
}

#[tokio::test]
async fn a_token_from_the_mock_issuer_is_accepted() {
    let (issuer, api) = start().await;
    let token = access_token(&issuer, "openid read:messages").await;
    let client = reqwest::Client::new();
    let hello = client
        .get(format!("{api}/hello"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(hello.status(), StatusCode::OK);
    assert!(hello.text().await.unwrap().starts_with("hello, "));
    let messages = client
        .get(format!("{api}/messages"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(messages.status(), StatusCode::OK);
    issuer.stop().await;
}

#[tokio::test]
async fn without_a_token_or_with_a_bad_one_the_answer_is_rfc_6750s() {
    let (issuer, api) = start().await;
    let client = reqwest::Client::new();
    let challenge = |response: &reqwest::Response| {
        response.headers()[header::WWW_AUTHENTICATE]
            .to_str()
            .unwrap()
            .to_owned()
    };
    let none = client.get(format!("{api}/hello")).send().await.unwrap();
    assert_eq!(none.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(challenge(&none), format!("Bearer realm=\"{AUDIENCE}\""));

    let bad = client
        .get(format!("{api}/hello"))
        .bearer_auth("not.a.token")
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        challenge(&bad),
        format!("Bearer realm=\"{AUDIENCE}\", error=\"invalid_token\"")
    );

    let token = access_token(&issuer, "openid").await;
    let scoped = client
        .get(format!("{api}/messages"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(scoped.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        challenge(&scoped),
        format!(
            "Bearer realm=\"{AUDIENCE}\", error=\"insufficient_scope\", scope=\"read:messages\""
        )
    );
    issuer.stop().await;
}

/// CORS names the app's origin, and only it: a browser hands the answer
/// to a page of that origin and to no other.
#[tokio::test]
async fn the_app_may_read_the_answer_from_its_origin_only() {
    let (issuer, api) = start().await;
    let token = access_token(&issuer, "openid").await;
    let client = reqwest::Client::new();
    for origin in ["http://localhost:3100", "http://evil.example"] {
        let response = client
            .get(format!("{api}/hello"))
            .header(header::ORIGIN, origin)
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        let allowed = response.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN]
            .to_str()
            .unwrap()
            .to_owned();
        assert_eq!(allowed, "http://localhost:3100", "{origin}");
    }
    issuer.stop().await;
}
