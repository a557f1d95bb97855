//! The authorization endpoint: the happy path of each response type, and
//! every kind of bad input, each checked for where the answer goes (an
//! error page where no redirect is allowed).

use crate::support::*;
use axum::{
    body::Body,
    http::{Request, StatusCode},
};
use protocol::at_hash_from_sha256;

// ---- happy paths --------------------------------------------------------

#[tokio::test]
async fn id_token_token_returns_both_tokens_in_the_fragment_and_a_client_can_verify_them() {
    let issuer = spawn().await;
    let params = request();
    let tokens = issuer.first_authorization(&params).await;

    assert_eq!(tokens["state"], param(&params, "state"));
    assert_eq!(tokens["token_type"], "Bearer");
    assert_eq!(tokens["expires_in"], "120");
    assert_eq!(tokens["scope"], "email openid profile read:messages");

    let access = issuer.decode(&tokens["access_token"], API).await.unwrap();
    assert_eq!(
        access.header.typ.as_deref(),
        Some("at+jwt"),
        "RFC 9068 §2.1"
    );
    assert_eq!(access.claims["sub"], "alice");
    assert_eq!(access.claims["client_id"], CLIENT_ID);
    assert_eq!(access.claims["scope"], "email openid profile read:messages");
    let aud = access.claims["aud"].as_array().unwrap();
    assert!(aud.contains(&API.into()));
    assert!(aud.contains(&format!("{}/userinfo", issuer.base).into()));
    assert_eq!(
        access.claims["exp"].as_u64().unwrap() - access.claims["iat"].as_u64().unwrap(),
        120
    );
    assert!(access.claims["jti"].as_str().unwrap().len() >= 22);

    let id = issuer.decode(&tokens["id_token"], CLIENT_ID).await.unwrap();
    assert_eq!(id.header.typ.as_deref(), Some("JWT"));
    assert_eq!(id.header.kid, access.header.kid);
    assert_eq!(id.claims["nonce"], param(&params, "nonce"));
    assert_eq!(
        id.claims["at_hash"],
        at_hash_from_sha256(&sha256(&tokens["access_token"])),
        "OIDC Core §3.2.2.10"
    );
    assert_eq!(id.claims["name"], "Alice Liddell");
    assert_eq!(id.claims["email"], "alice@example.com");
    assert_eq!(id.claims["email_verified"], true);
    assert!(id.claims["auth_time"].as_u64().unwrap() <= id.claims["iat"].as_u64().unwrap());
}

#[tokio::test]
async fn token_id_token_in_the_other_order_is_the_same_response_type() {
    let issuer = spawn().await;
    let tokens = issuer
        .first_authorization(&with(request(), "response_type", "token id_token"))
        .await;
    assert!(tokens.contains_key("access_token") && tokens.contains_key("id_token"));
}

#[tokio::test]
async fn token_alone_returns_an_access_token_and_no_id_token() {
    let issuer = spawn().await;
    let params = without(
        with(
            with(request(), "response_type", "token"),
            "scope",
            "read:messages",
        ),
        "nonce",
    );
    let tokens = issuer.first_authorization(&params).await;
    assert!(!tokens.contains_key("id_token"));
    let access = issuer.decode(&tokens["access_token"], API).await.unwrap();
    assert_eq!(
        access.claims["aud"], API,
        "without openid the token is for the API only"
    );
    assert_eq!(tokens["scope"], "read:messages");
}

#[tokio::test]
async fn id_token_alone_returns_no_access_token_and_carries_the_profile_claims() {
    let issuer = spawn().await;
    let params = with(
        without(with(request(), "response_type", "id_token"), "audience"),
        "scope",
        "openid profile",
    );
    let tokens = issuer.first_authorization(&params).await;
    assert!(!tokens.contains_key("access_token"));
    assert!(!tokens.contains_key("expires_in"));
    let id = issuer.decode(&tokens["id_token"], CLIENT_ID).await.unwrap();
    assert!(
        id.claims.get("at_hash").is_none(),
        "no access token, no at_hash"
    );
    assert_eq!(id.claims["name"], "Alice Liddell");
    assert_eq!(id.claims["preferred_username"], "alice");
    assert!(id.claims.get("email").is_none(), "email was not asked for");
    let picture = id.claims["picture"].as_str().unwrap();
    let avatar = issuer.get(picture).await;
    assert_eq!(avatar.status(), StatusCode::OK);
    assert_eq!(avatar.headers()["content-type"], "image/svg+xml");
}

#[tokio::test]
async fn a_form_post_to_the_authorization_endpoint_works_like_a_get() {
    let issuer = spawn().await;
    issuer.first_authorization(&request()).await;
    let params = request();
    let response = issuer.post_form("/authorize", &params).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "303 after a POST");
    let tokens = fragment(&location(&response), CALLBACK);
    assert_eq!(tokens["state"], param(&params, "state"));
}

#[tokio::test]
async fn unknown_parameters_are_ignored() {
    let issuer = spawn().await;
    issuer.first_authorization(&request()).await;
    let params = with(with(request(), "ui_locales", "fr"), "x-custom", "1");
    let tokens = issuer.silent_authorization(&params).await;
    assert!(tokens.contains_key("access_token"));
}

// ---- no redirect before the redirect URI is trusted ---------------------

const GOOD: &str = "/authorize?response_type=token&client_id=demo-spa&redirect_uri=http%3A%2F%2Flocalhost%3A3000%2Fcallback&audience=http%3A%2F%2Flocalhost%3A8000%2Fapi&state=s";

/// Asserts an HTML error page with `status`, no redirect, framing denied.
fn assert_error_page(response: &Oneshot, status: StatusCode) {
    assert_eq!(response.status, status, "{}", response.body);
    assert!(
        response.headers.get("location").is_none(),
        "an error page never redirects"
    );
    assert!(header(&response.headers, "content-type").starts_with("text/html"));
    assert!(
        header(&response.headers, "content-security-policy").contains("frame-ancestors 'none'")
    );
    assert_eq!(header(&response.headers, "x-frame-options"), "DENY");
    assert_eq!(header(&response.headers, "cache-control"), "no-store");
}

#[tokio::test]
async fn an_unknown_client_gets_an_error_page_not_a_redirect() {
    let response = oneshot(get_request(&GOOD.replace("demo-spa", "evil-spa"))).await;
    assert_error_page(&response, StatusCode::BAD_REQUEST);
    assert!(
        response.body.contains("not registered"),
        "{}",
        response.body
    );
}

#[tokio::test]
async fn a_redirect_uri_with_a_trailing_slash_is_refused() {
    let response = oneshot(get_request(&GOOD.replace("callback", "callback%2F"))).await;
    assert_error_page(&response, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn near_miss_redirect_uris_are_refused_with_an_error_page() {
    for near_miss in [
        "http%3A%2F%2Flocalhost%3A3001%2Fcallback",
        "https%3A%2F%2Flocalhost%3A3000%2Fcallback",
        "http%3A%2F%2Flocalhost%3A3000%2Fcallback%3Fnext%3Devil",
        "http%3A%2F%2Flocalhost%3A3000%2FCallback",
        "http%3A%2F%2Flocalhost%3A3000%2Fcallback%2F..%2Fevil",
        "http%3A%2F%2Flocalhost%3A3000%2Fcallback.evil.example",
        "http%3A%2F%2Fevil.example%2Fcallback",
    ] {
        let uri = GOOD.replace("http%3A%2F%2Flocalhost%3A3000%2Fcallback", near_miss);
        let response = oneshot(get_request(&uri)).await;
        assert_error_page(&response, StatusCode::BAD_REQUEST);
    }
}

#[tokio::test]
async fn a_missing_client_id_or_redirect_uri_gets_an_error_page() {
    let no_client = GOOD.replace("client_id=demo-spa&", "");
    let no_redirect = GOOD.replace("redirect_uri=http%3A%2F%2Flocalhost%3A3000%2Fcallback&", "");
    for uri in [no_client, no_redirect] {
        assert_error_page(&oneshot(get_request(&uri)).await, StatusCode::BAD_REQUEST);
    }
}

#[tokio::test]
async fn a_repeated_client_id_or_redirect_uri_gets_an_error_page() {
    for extra in [
        "&client_id=demo-spa",
        "&redirect_uri=http%3A%2F%2Flocalhost%3A3000%2Fcallback",
    ] {
        let response = oneshot(get_request(&format!("{GOOD}{extra}"))).await;
        assert_error_page(&response, StatusCode::BAD_REQUEST);
        assert!(
            response.body.contains("more than once"),
            "{}",
            response.body
        );
    }
}

#[tokio::test]
async fn invalid_utf8_or_broken_percent_encoding_gets_an_error_page() {
    for bad in ["&state=%FF", "&state=%E2%82", "&nonce=%G0", "&state=%"] {
        let response = oneshot(get_request(&format!("{GOOD}{bad}"))).await;
        assert_error_page(&response, StatusCode::BAD_REQUEST);
    }
}

#[tokio::test]
async fn an_oversized_query_is_refused_without_a_redirect() {
    let huge = format!("{GOOD}&nonce={}", "a".repeat(9 * 1024));
    let response = oneshot(get_request(&huge)).await;
    assert_error_page(&response, StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn an_oversized_form_body_is_refused() {
    let body = format!(
        "{}&nonce={}",
        &GOOD["/authorize?".len()..],
        "a".repeat(20 * 1024)
    );
    let response = oneshot(
        Request::post("/authorize")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap(),
    )
    .await;
    assert_eq!(response.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(response.headers.get("location").is_none());
}

#[tokio::test]
async fn a_post_that_is_not_a_form_is_refused_with_415() {
    let response = oneshot(
        Request::post("/authorize")
            .header("content-type", "application/json")
            .body(Body::from("{}"))
            .unwrap(),
    )
    .await;
    assert_error_page(&response, StatusCode::UNSUPPORTED_MEDIA_TYPE);
}

#[tokio::test]
async fn wrong_methods_get_405() {
    for (method, path) in [
        ("PUT", "/authorize"),
        ("DELETE", "/login"),
        ("PATCH", "/consent"),
        ("POST", "/.well-known/jwks.json"),
        ("POST", "/.well-known/openid-configuration"),
        ("DELETE", "/userinfo"),
        ("POST", "/v2/logout"),
    ] {
        let response = oneshot(
            Request::builder()
                .method(method)
                .uri(path)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(
            response.status,
            StatusCode::METHOD_NOT_ALLOWED,
            "{method} {path}"
        );
    }
}

#[tokio::test]
async fn an_unknown_path_is_a_404_page() {
    let response = oneshot(get_request("/oauth/token")).await;
    assert_error_page(&response, StatusCode::NOT_FOUND);
}

// ---- errors that go back to the client ----------------------------------

#[tokio::test]
async fn errors_after_the_redirect_uri_is_validated_go_back_in_the_fragment_with_the_state() {
    let cases: [(&str, &str, &str); 12] = [
        (
            "response_type=token&",
            "response_type=code&",
            "unsupported_response_type",
        ),
        ("response_type=token&", "", "invalid_request"),
        (
            "response_type=token&",
            "response_type=id_token&",
            "invalid_scope",
        ),
        (
            "response_type=token&",
            "response_type=id_token&scope=openid&",
            "invalid_request",
        ),
        (
            "&state=s",
            "&state=s&scope=openid+delete%3Aeverything",
            "invalid_scope",
        ),
        (
            "&state=s",
            "&state=s&scope=openid+bad%22quote",
            "invalid_scope",
        ),
        (
            "audience=http%3A%2F%2Flocalhost%3A8000%2Fapi",
            "audience=http%3A%2F%2Fevil.example",
            "invalid_request",
        ),
        ("&state=s", "&state=s&prompt=none+login", "invalid_request"),
        ("&state=s", "&state=s&prompt=sometimes", "invalid_request"),
        ("&state=s", "&state=s&max_age=soon", "invalid_request"),
        (
            "&state=s",
            "&state=s&response_mode=query",
            "invalid_request",
        ),
        (
            "&state=s",
            "&state=s&request=eyJhbGciOiJub25lIn0.e30.",
            "request_not_supported",
        ),
    ];
    for (from, to, expected) in cases {
        assert!(GOOD.contains(from), "{from}");
        let uri = GOOD.replacen(from, to, 1);
        let response = oneshot(get_request(&uri)).await;
        assert_eq!(
            response.status,
            StatusCode::FOUND,
            "{uri}: {}",
            response.body
        );
        let params = fragment(header(&response.headers, "location"), CALLBACK);
        assert_eq!(params["error"], expected, "{uri}");
        assert!(!params["error_description"].is_empty());
        assert_eq!(params["state"], "s", "{uri}");
        assert!(!params.contains_key("access_token"));
        assert_eq!(header(&response.headers, "cache-control"), "no-store");
    }
}

#[tokio::test]
async fn a_repeated_state_is_refused_without_echoing_either_value() {
    let response = oneshot(get_request(&format!("{GOOD}&state=t"))).await;
    let params = fragment(header(&response.headers, "location"), CALLBACK);
    assert_eq!(params["error"], "invalid_request");
    assert!(!params.contains_key("state"));
}

#[tokio::test]
async fn an_access_token_without_an_audience_or_openid_is_refused() {
    let uri = GOOD.replace("audience=http%3A%2F%2Flocalhost%3A8000%2Fapi&", "");
    let response = oneshot(get_request(&uri)).await;
    let params = fragment(header(&response.headers, "location"), CALLBACK);
    assert_eq!(params["error"], "invalid_request");
    assert!(params["error_description"].contains("audience"));
}

// ---- pages escape what they echo ----------------------------------------

#[tokio::test]
async fn the_login_page_escapes_the_username_it_shows_again() {
    let issuer = spawn().await;
    let response = issuer.authorize(&request()).await;
    let login = location(&response);
    let hostile = r#""><script>alert(1)</script>"#;
    let response = issuer.log_in(&login, hostile, "x").await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let html = response.text().await.unwrap();
    assert!(html.contains("Wrong username or password"), "{html}");
    assert!(!html.contains("<script>alert(1)</script>"), "{html}");
    assert!(html.contains("&lt;script&gt;"), "{html}");
}
