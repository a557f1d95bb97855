//! Login, consent, silent authentication (`prompt=none`), `prompt=login`,
//! `max_age`, `web_message`, sessions, UserInfo and logout, through a real
//! listener and a cookie-keeping client that follows no redirect.

use std::time::{Duration, Instant};

use crate::support::*;
use axum::http::StatusCode;
use mock_issuer::SESSION_COOKIE;
use protocol::Clock;

fn silent() -> Vec<(&'static str, String)> {
    with(
        with(request(), "prompt", "none"),
        "redirect_uri",
        SILENT_CALLBACK,
    )
}

/// Whether the browser of `issuer` still has a session (a silent
/// authorization answers with tokens).
async fn still_logged_in(issuer: &TestIssuer) -> bool {
    issuer
        .silent_authorization(&silent())
        .await
        .contains_key("access_token")
}

// ---- consent ------------------------------------------------------------

#[tokio::test]
async fn consent_is_asked_the_first_time_and_remembered_after() {
    let issuer = spawn().await;
    issuer.first_authorization(&request()).await;
    let params = request();
    let tokens = issuer.silent_authorization(&params).await;
    assert_eq!(
        tokens["state"],
        param(&params, "state"),
        "no page this time"
    );
    assert!(tokens.contains_key("id_token"));
}

#[tokio::test]
async fn consent_is_asked_again_when_a_new_scope_is_requested() {
    let issuer = spawn().await;
    issuer.first_authorization(&request()).await;
    let more = with(
        request(),
        "scope",
        "openid profile email read:messages write:messages",
    );
    let response = issuer.authorize(&more).await;
    let consent = location(&response);
    assert!(consent.starts_with("/consent?request="), "{consent}");
    let page = issuer.get(&consent).await.text().await.unwrap();
    assert!(
        page.contains("Post messages in your name"),
        "the new scope is described: {page}"
    );
    let new_marks = page.matches("badge new").count();
    assert_eq!(new_marks, 1, "only write:messages is marked new: {page}");
    assert!(page.contains("Leptos implicit demo"), "the client is named");
    let response = issuer.answer_consent(&consent, "allow").await;
    let tokens = fragment(&location(&response), CALLBACK);
    assert!(tokens["scope"].contains("write:messages"));
}

#[tokio::test]
async fn prompt_consent_asks_again_even_when_consent_was_given() {
    let issuer = spawn().await;
    issuer.first_authorization(&request()).await;
    let response = issuer
        .authorize(&with(request(), "prompt", "consent"))
        .await;
    assert!(location(&response).starts_with("/consent?request="));
}

#[tokio::test]
async fn denying_consent_returns_access_denied_with_the_state() {
    let issuer = spawn().await;
    let params = request();
    let response = issuer.authorize(&params).await;
    let response = issuer
        .log_in(&location(&response), "alice", "wonderland")
        .await;
    let response = issuer.answer_consent(&location(&response), "deny").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let result = fragment(&location(&response), CALLBACK);
    assert_eq!(result["error"], "access_denied");
    assert_eq!(result["state"], param(&params, "state"));
    // Nothing was remembered: the next request asks again.
    let response = issuer.authorize(&request()).await;
    assert!(location(&response).starts_with("/consent?request="));
}

#[tokio::test]
async fn a_forged_consent_form_is_refused() {
    let issuer = spawn().await;
    let response = issuer.authorize(&request()).await;
    let response = issuer
        .log_in(&location(&response), "alice", "wonderland")
        .await;
    let consent = location(&response);
    let html = issuer.get(&consent).await.text().await.unwrap();
    let response = issuer
        .post_form(
            "/consent",
            &[
                ("request", hidden(&html, "request")),
                ("csrf", "forged".to_owned()),
                ("decision", "allow".to_owned()),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response.headers().get("location").is_none());
}

#[tokio::test]
async fn another_browser_cannot_use_a_consent_page_it_did_not_log_in_for() {
    let issuer = spawn().await;
    let response = issuer.authorize(&request()).await;
    let response = issuer
        .log_in(&location(&response), "alice", "wonderland")
        .await;
    let consent = location(&response);
    let stranger = new_client();
    let response = stranger.get(issuer.url(&consent)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response.text().await.unwrap().contains("another browser"));
}

#[tokio::test]
async fn a_consent_page_needs_the_session_that_logged_in_for_it() {
    let issuer = spawn().await;
    let response = issuer.authorize(&request()).await;
    let response = issuer
        .log_in(&location(&response), "alice", "wonderland")
        .await;
    let consent = location(&response);
    // Same browser, but its session was ended meanwhile.
    let response = issuer
        .post_json("/dev/end-sessions", serde_json::json!({}))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let response = issuer.get(&consent).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response.text().await.unwrap().contains("another login"));
}

#[tokio::test]
async fn consent_for_one_api_does_not_cover_another_api_with_a_scope_of_the_same_name() {
    let dir = temp_dir("two-apis");
    let tenant = dir.join("tenant.toml");
    let other_api = "https://other.example/api";
    std::fs::write(
        &tenant,
        format!(
            "{}\n[[apis]]\nidentifier = \"{other_api}\"\nname = \"Other API\"\nscopes = [{{ value = \"read:messages\", description = \"Read the other API's messages\" }}]\n",
            mock_issuer::tenant::EMBEDDED
        ),
    )
    .unwrap();
    let issuer = spawn_with(|c| c.tenant = Some(tenant.clone())).await;
    issuer.first_authorization(&request()).await;

    let other = with(request(), "audience", other_api);
    assert_eq!(
        error_at(
            issuer
                .authorize(&with(silent(), "audience", other_api))
                .await,
            SILENT_CALLBACK
        )
        .await,
        "consent_required",
        "no silent token for an API the user never allowed"
    );
    let response = issuer.authorize(&other).await;
    let consent = location(&response);
    assert!(consent.starts_with("/consent?request="), "{consent}");
    let page = issuer.get(&consent).await.text().await.unwrap();
    assert!(page.contains("Read the other API"), "{page}");
}

#[tokio::test]
async fn a_login_form_posted_from_another_browser_is_refused() {
    // Login CSRF: the attacker starts a request in their own browser, then
    // makes the victim's browser post the attacker's credentials with it.
    let issuer = spawn().await;
    let response = issuer.authorize(&request()).await;
    let login = location(&response);
    let html = issuer.get(&login).await.text().await.unwrap();
    let victim = new_client();
    let response = victim
        .post(issuer.url("/login"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(encode(&login_form(&html, "alice", "wonderland")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(set_cookie(&response).is_none(), "no session for the victim");
    assert!(response.headers().get("location").is_none());
    assert!(response.text().await.unwrap().contains("another browser"));
    // Nor can the victim be shown the attacker's login page.
    let response = victim.get(issuer.url(&login)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
}

// ---- login and sessions -------------------------------------------------

#[tokio::test]
async fn a_wrong_password_shows_the_form_again_and_starts_no_session() {
    let issuer = spawn().await;
    let response = issuer.authorize(&request()).await;
    let login = location(&response);
    let response = issuer.log_in(&login, "alice", "not-her-password").await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(set_cookie(&response).is_none());
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Wrong username or password")
    );
    let response = issuer.log_in(&login, "nobody", "wonderland").await;
    assert_eq!(
        response.status(),
        StatusCode::BAD_REQUEST,
        "unknown users alike"
    );
    // Still no session: a silent request says so.
    assert_eq!(
        error_at(issuer.authorize(&silent()).await, SILENT_CALLBACK).await,
        "login_required"
    );
}

#[tokio::test]
async fn repeated_wrong_passwords_are_slowed_then_refused_429_until_the_wait_is_over() {
    let issuer = spawn().await;
    let login = location(&issuer.authorize(&request()).await);
    let mut took = Vec::new();
    for _ in 0..5 {
        let started = Instant::now();
        let response = issuer.log_in(&login, "alice", "guess").await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        took.push(started.elapsed());
    }
    // The first three are answered at once, the fourth after a second.
    assert!(
        took[..3].iter().all(|t| *t < Duration::from_millis(900)),
        "{took:?}"
    );
    assert!(took[3] >= Duration::from_secs(1), "{took:?}");

    // Locked out: even the right password is not checked, and the answer
    // says when to come back (RFC 6585 §4).
    let response = issuer.log_in(&login, "alice", "wonderland").await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(header(response.headers(), "retry-after"), "30");
    assert!(set_cookie(&response).is_none());
    let page = response.text().await.unwrap();
    assert!(
        page.contains("Too many failed logins. Try again in 30 seconds."),
        "{page}"
    );
    // From this client, another user is refused too (the address is counted).
    let response = issuer.log_in(&login, "bob", "builder").await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);

    issuer.clock.advance(Duration::from_secs(30));
    let response = issuer.log_in(&login, "alice", "wonderland").await;
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "a correct login after the wait"
    );
    assert!(set_cookie(&response).is_some());
    let events: teaching::dev_controls::IssuerEvents =
        issuer.get("/dev/events").await.json().await.unwrap();
    let throttled = events
        .events
        .iter()
        .filter(|e| e.kind == "login_throttled")
        .count();
    assert_eq!(throttled, 2, "both refusals are among the decisions");
}

#[tokio::test]
async fn a_reset_forgets_the_login_failures() {
    let issuer = spawn().await;
    let login = location(&issuer.authorize(&request()).await);
    for _ in 0..5 {
        issuer.log_in(&login, "alice", "guess").await;
    }
    let locked = issuer.log_in(&login, "alice", "wonderland").await;
    assert_eq!(locked.status(), StatusCode::TOO_MANY_REQUESTS);
    issuer.post_json("/dev/reset", serde_json::json!({})).await;
    let login = location(&issuer.authorize(&request()).await);
    let response = issuer.log_in(&login, "alice", "wonderland").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn the_login_form_refuses_a_forged_csrf_token() {
    let issuer = spawn().await;
    let response = issuer.authorize(&request()).await;
    let html = issuer.get(&location(&response)).await.text().await.unwrap();
    let response = issuer
        .post_form(
            "/login",
            &[
                ("request", hidden(&html, "request")),
                ("csrf", "0".repeat(43)),
                ("username", "alice".to_owned()),
                ("password", "wonderland".to_owned()),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(set_cookie(&response).is_none());
}

#[tokio::test]
async fn a_login_page_for_an_unknown_request_is_an_error_page() {
    let issuer = spawn().await;
    let response = issuer.get("/login?request=made-up").await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response.text().await.unwrap().contains("expired"));
}

#[tokio::test]
async fn login_sets_new_session_cookies_that_a_cross_site_iframe_sends() {
    let issuer = spawn().await;
    // A session id planted before the login (session fixation).
    let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
    jar.add_cookie_str(
        &format!("{SESSION_COOKIE}=planted-by-an-attacker; Path=/"),
        &issuer.url("/").parse().unwrap(),
    );
    let client = reqwest::Client::builder()
        .cookie_provider(jar)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = client
        .get(issuer.url(&format!("/authorize?{}", encode(&request()))))
        .send()
        .await
        .unwrap();
    let login = location(&response);
    let html = client
        .get(issuer.url(&login))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let response = client
        .post(issuer.url("/login"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(encode(&login_form(&html, "alice", "wonderland")))
        .send()
        .await
        .unwrap();
    let cookie = set_cookie(&response).expect("a session cookie");
    assert!(!cookie.contains("planted-by-an-attacker"));
    let value = cookie.split(';').next().unwrap().split_once('=').unwrap().1;
    assert!(value.len() >= 43, "256 random bits");
    // An issuer on another site than the SPA is reached by the renewal
    // iframe only with a `SameSite=None; Secure` cookie, which browsers take
    // from http on loopback.
    let lower = cookie.to_ascii_lowercase();
    for attribute in ["httponly", "samesite=none", "secure", "path=/"] {
        assert!(lower.contains(attribute), "{attribute}: {cookie}");
    }
    // And a `SameSite=Lax` copy for browsers that take no `Secure` cookie
    // over http (Safari): it keeps the login, not the iframe's renewal.
    let (copy, attributes) =
        cookie_set(response.headers(), mock_issuer::SESSION_COOKIE_LAX).expect("the Lax copy");
    assert_eq!(copy, format!("{}={value}", mock_issuer::SESSION_COOKIE_LAX));
    assert!(
        attributes.contains("samesite=lax") && attributes.contains("httponly"),
        "{attributes}"
    );
    assert!(!attributes.contains("secure"), "{attributes}");
}

#[tokio::test]
async fn prompt_login_shows_the_login_page_despite_a_session() {
    let issuer = spawn().await;
    issuer.first_authorization(&request()).await;
    let response = issuer.authorize(&with(request(), "prompt", "login")).await;
    let login = location(&response);
    assert!(login.starts_with("/login?request="), "{login}");
    let response = issuer.log_in(&login, "alice", "wonderland").await;
    // Consent is remembered: straight back to the client, no loop.
    let tokens = fragment(&location(&response), CALLBACK);
    assert!(tokens.contains_key("access_token"));
}

#[tokio::test]
async fn max_age_zero_asks_for_a_new_login_like_prompt_login() {
    let issuer = spawn().await;
    issuer.first_authorization(&request()).await;
    // Within the same second as the login: still a new login.
    let response = issuer.authorize(&with(request(), "max_age", "0")).await;
    let login = location(&response);
    assert!(login.starts_with("/login?request="), "{login}");
    assert_eq!(
        error_at(
            issuer.authorize(&with(silent(), "max_age", "0")).await,
            SILENT_CALLBACK
        )
        .await,
        "login_required"
    );
    let response = issuer.log_in(&login, "alice", "wonderland").await;
    let tokens = fragment(&location(&response), CALLBACK);
    assert!(tokens.contains_key("id_token"), "no loop after the login");
}

#[tokio::test]
async fn max_age_older_than_the_login_requires_a_new_login() {
    let issuer = spawn().await;
    issuer.first_authorization(&request()).await;
    issuer.clock.advance(Duration::from_secs(600));
    let recent = with(request(), "max_age", "900");
    assert!(
        issuer
            .silent_authorization(&recent)
            .await
            .contains_key("id_token")
    );

    let strict = with(request(), "max_age", "300");
    let response = issuer.authorize(&strict).await;
    let login = location(&response);
    assert!(login.starts_with("/login?request="), "{login}");
    let silent_strict = with(silent(), "max_age", "300");
    assert_eq!(
        error_at(issuer.authorize(&silent_strict).await, SILENT_CALLBACK).await,
        "login_required"
    );

    let response = issuer.log_in(&login, "alice", "wonderland").await;
    let tokens = fragment(&location(&response), CALLBACK);
    let id = issuer.decode(&tokens["id_token"], CLIENT_ID).await.unwrap();
    assert_eq!(
        id.claims["auth_time"].as_u64().unwrap(),
        issuer.clock.now_secs(),
        "auth_time is the new login"
    );
}

#[tokio::test]
async fn an_idle_session_ends() {
    let issuer = spawn().await;
    issuer.first_authorization(&request()).await;
    issuer.clock.advance(Duration::from_secs(1_799));
    assert!(still_logged_in(&issuer).await);
    issuer.clock.advance(Duration::from_secs(1_799));
    assert!(still_logged_in(&issuer).await, "use keeps it alive");
    issuer.clock.advance(Duration::from_secs(1_800));
    assert_eq!(
        error_at(issuer.authorize(&silent()).await, SILENT_CALLBACK).await,
        "login_required"
    );
}

#[tokio::test]
async fn a_session_ends_at_its_absolute_lifetime_even_when_used() {
    let issuer = spawn().await;
    issuer.first_authorization(&request()).await;
    for _ in 0..16 {
        issuer.clock.advance(Duration::from_secs(1_700));
        assert!(
            issuer
                .silent_authorization(&silent())
                .await
                .contains_key("access_token")
        );
    }
    issuer.clock.advance(Duration::from_secs(1_700));
    assert_eq!(
        error_at(issuer.authorize(&silent()).await, SILENT_CALLBACK).await,
        "login_required"
    );
}

// ---- silent authentication ----------------------------------------------

#[tokio::test]
async fn prompt_none_without_a_session_returns_login_required() {
    let issuer = spawn().await;
    let params = silent();
    let response = issuer.authorize(&params).await;
    assert_eq!(response.status(), StatusCode::FOUND);
    let result = fragment(&location(&response), SILENT_CALLBACK);
    assert_eq!(result["error"], "login_required");
    assert_eq!(result["state"], param(&params, "state"));
}

#[tokio::test]
async fn prompt_none_with_a_session_returns_tokens_framable_by_the_client_only() {
    let issuer = spawn().await;
    issuer.first_authorization(&request()).await;
    let params = silent();
    let response = issuer.authorize(&params).await;
    let csp = response.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        csp.contains(&format!("frame-ancestors {SPA_ORIGIN}")),
        "{csp}"
    );
    assert!(response.headers().get("x-frame-options").is_none());
    let tokens = fragment(&location(&response), SILENT_CALLBACK);
    let id = issuer.decode(&tokens["id_token"], CLIENT_ID).await.unwrap();
    assert_eq!(id.claims["nonce"], param(&params, "nonce"));
}

#[tokio::test]
async fn prompt_none_without_consent_returns_consent_required() {
    let issuer = spawn().await;
    issuer.first_authorization(&request()).await;
    let more = with(silent(), "scope", "openid write:messages");
    assert_eq!(
        error_at(issuer.authorize(&more).await, SILENT_CALLBACK).await,
        "consent_required"
    );
}

// ---- web_message --------------------------------------------------------

#[tokio::test]
async fn web_message_posts_the_response_to_the_client_origin_only() {
    let issuer = spawn().await;
    issuer.first_authorization(&request()).await;
    let params = with(silent(), "response_mode", "web_message");
    let response = issuer.authorize(&params).await;
    assert_eq!(response.status(), StatusCode::OK);
    let csp = response.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        csp.contains(&format!("frame-ancestors {SPA_ORIGIN}")),
        "{csp}"
    );
    assert!(csp.contains("script-src 'nonce-"), "{csp}");
    assert_eq!(response.headers()["cache-control"], "no-store");
    let html = response.text().await.unwrap();
    assert!(html.contains(r#"type: "authorization_response""#), "{html}");
    assert!(
        html.contains(&format!(r#"var target = "{SPA_ORIGIN}";"#)),
        "{html}"
    );
    assert!(html.contains(r#""access_token":"ey"#), "{html}");
    assert!(
        html.contains(&format!(r#""state":"{}""#, param(&params, "state"))),
        "{html}"
    );
    assert!(
        html.contains(r#""expires_in":120"#),
        "a number, as auth0.js reads it: {html}"
    );
    assert!(
        html.contains(&format!(r#""iss":"{}""#, issuer.base)),
        "RFC 9207 §2: {html}"
    );
}

/// RFC 9207: discovery promises `iss`, and every authorization response,
/// tokens or error, names the issuer.
#[tokio::test]
async fn every_authorization_response_names_its_issuer() {
    let issuer = spawn().await;
    let discovery: serde_json::Value = issuer
        .get("/.well-known/openid-configuration")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        discovery["authorization_response_iss_parameter_supported"],
        true
    );
    // An error: no session for a silent request.
    let response = issuer.authorize(&silent()).await;
    let answer = fragment(&location(&response), SILENT_CALLBACK);
    assert_eq!(answer["error"], "login_required");
    assert_eq!(answer["iss"], issuer.base);
    // Tokens, after a login and after a silent renewal.
    let tokens = issuer.first_authorization(&request()).await;
    assert_eq!(tokens["iss"], issuer.base);
    let tokens = issuer.silent_authorization(&silent()).await;
    assert_eq!(tokens["iss"], issuer.base);
    // The user said no.
    let response = issuer
        .authorize(&with(request(), "prompt", "consent"))
        .await;
    let consent = location(&response);
    let response = issuer.answer_consent(&consent, "deny").await;
    let answer = fragment(&location(&response), CALLBACK);
    assert_eq!(answer["error"], "access_denied");
    assert_eq!(answer["iss"], issuer.base);
}

#[tokio::test]
async fn web_message_without_a_session_posts_login_required() {
    let issuer = spawn().await;
    let params = with(silent(), "response_mode", "web_message");
    let response = issuer.authorize(&params).await;
    assert_eq!(response.status(), StatusCode::OK);
    let html = response.text().await.unwrap();
    assert!(html.contains(r#""error":"login_required""#), "{html}");
    assert!(!html.contains("access_token"));
}

#[tokio::test]
async fn web_message_to_an_origin_the_client_did_not_register_is_an_error_page() {
    let dir = temp_dir("web-origin");
    let tenant = mock_issuer::tenant::EMBEDDED.replace(
        r#"web_origins = ["http://localhost:3000"]"#,
        r#"web_origins = ["http://localhost:4000"]"#,
    );
    let path = dir.join("tenant.toml");
    std::fs::write(&path, tenant).unwrap();
    let issuer = spawn_with(|c| c.tenant = Some(path)).await;
    let response = issuer
        .authorize(&with(silent(), "response_mode", "web_message"))
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response.headers().get("location").is_none());
    assert!(!response.text().await.unwrap().contains("postMessage"));
}

// ---- UserInfo -----------------------------------------------------------

#[tokio::test]
async fn userinfo_returns_the_claims_the_token_scopes_release() {
    let issuer = spawn().await;
    let tokens = issuer
        .first_authorization(&with(request(), "scope", "openid email"))
        .await;
    let response = issuer
        .client
        .get(issuer.url("/userinfo"))
        .bearer_auth(&tokens["access_token"])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let claims: serde_json::Value = response.json().await.unwrap();
    assert_eq!(claims["sub"], "alice");
    assert_eq!(claims["email"], "alice@example.com");
    assert!(claims.get("name").is_none(), "profile was not granted");
}

#[tokio::test]
async fn userinfo_without_a_token_answers_401_with_a_bearer_challenge() {
    let issuer = spawn().await;
    let response = issuer.get("/userinfo").await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        response.headers()["www-authenticate"],
        r#"Bearer realm="userinfo""#
    );
}

#[tokio::test]
async fn userinfo_refuses_tampered_expired_and_api_only_tokens_with_invalid_token() {
    let issuer = spawn().await;
    let tokens = issuer.first_authorization(&request()).await;
    let good = tokens["access_token"].clone();
    // One character in the middle of the signature changed.
    let mut tampered = good.clone();
    let at = tampered.len() - 20;
    let replacement = if &good[at..=at] == "A" { "B" } else { "A" };
    tampered.replace_range(at..=at, replacement);
    let api_only = issuer
        .silent_authorization(&without(
            with(
                with(request(), "response_type", "token"),
                "scope",
                "read:messages",
            ),
            "nonce",
        ))
        .await["access_token"]
        .clone();
    for token in [tampered, "not.a.jwt".to_owned(), api_only] {
        let response = issuer
            .client
            .get(issuer.url("/userinfo"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        let challenge = response.headers()["www-authenticate"].to_str().unwrap();
        assert!(
            challenge.contains(r#"error="invalid_token""#),
            "{challenge}"
        );
    }
    issuer.clock.advance(Duration::from_secs(121));
    let response = issuer
        .client
        .get(issuer.url("/userinfo"))
        .bearer_auth(&good)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "expired");
}

#[tokio::test]
async fn userinfo_is_readable_cross_origin_by_registered_web_origins_only() {
    let issuer = spawn().await;
    let preflight = |origin: &'static str| {
        issuer
            .client
            .request(reqwest::Method::OPTIONS, issuer.url("/userinfo"))
            .header("origin", origin)
            .header("access-control-request-method", "GET")
            .header("access-control-request-headers", "authorization")
            .send()
    };
    let allowed = preflight(SPA_ORIGIN).await.unwrap();
    assert_eq!(allowed.headers()["access-control-allow-origin"], SPA_ORIGIN);
    let refused = preflight("https://evil.example").await.unwrap();
    assert!(
        refused
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );
}

// ---- logout -------------------------------------------------------------

#[tokio::test]
async fn auth0_logout_to_a_registered_url_ends_the_session_and_redirects() {
    let issuer = spawn().await;
    issuer.first_authorization(&request()).await;
    let response = issuer
        .get(&format!(
            "/v2/logout?{}",
            encode(&[
                ("client_id", CLIENT_ID),
                ("returnTo", "http://localhost:3000/logged-out")
            ])
        ))
        .await;
    assert_eq!(response.status(), StatusCode::FOUND);
    assert_eq!(location(&response), "http://localhost:3000/logged-out");
    let cleared = set_cookie(&response).expect("the cookie is cleared");
    assert!(
        cleared.to_ascii_lowercase().contains("max-age=0"),
        "{cleared}"
    );
    assert_eq!(
        error_at(issuer.authorize(&silent()).await, SILENT_CALLBACK).await,
        "login_required"
    );
}

#[tokio::test]
async fn logout_to_an_unregistered_url_is_an_error_page_and_keeps_the_session() {
    let issuer = spawn().await;
    issuer.first_authorization(&request()).await;
    for query in [
        encode(&[
            ("client_id", CLIENT_ID),
            ("returnTo", "https://evil.example/"),
        ]),
        encode(&[
            ("client_id", CLIENT_ID),
            ("returnTo", "http://localhost:3000/logged-out/"),
        ]),
        encode(&[("returnTo", "http://localhost:3000/")]),
        encode(&[
            ("client_id", "nobody"),
            ("returnTo", "http://localhost:3000/"),
        ]),
    ] {
        let response = issuer.get(&format!("/v2/logout?{query}")).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{query}");
        assert!(response.headers().get("location").is_none());
        assert!(set_cookie(&response).is_none());
    }
    assert!(still_logged_in(&issuer).await, "still logged in");
}

#[tokio::test]
async fn oidc_logout_with_an_id_token_hint_returns_to_the_registered_url_with_the_state() {
    let issuer = spawn().await;
    let tokens = issuer.first_authorization(&request()).await;
    let response = issuer
        .get(&format!(
            "/oidc/logout?{}",
            encode(&[
                ("id_token_hint", tokens["id_token"].as_str()),
                ("post_logout_redirect_uri", "http://localhost:3000/"),
                ("state", "bye & thanks"),
            ])
        ))
        .await;
    assert_eq!(response.status(), StatusCode::FOUND);
    assert_eq!(
        location(&response),
        "http://localhost:3000/?state=bye+%26+thanks"
    );
    assert_eq!(
        error_at(issuer.authorize(&silent()).await, SILENT_CALLBACK).await,
        "login_required"
    );
}

#[tokio::test]
async fn oidc_logout_refuses_a_forged_hint_or_a_mismatched_client() {
    let issuer = spawn().await;
    let tokens = issuer.first_authorization(&request()).await;
    let mut forged = tokens["id_token"].clone();
    forged.truncate(forged.len() - 4);
    forged.push_str("AAAA");
    let cases = [
        vec![
            ("id_token_hint", forged.as_str()),
            ("post_logout_redirect_uri", "http://localhost:3000/"),
        ],
        vec![
            ("id_token_hint", tokens["id_token"].as_str()),
            ("client_id", "another-client"),
            ("post_logout_redirect_uri", "http://localhost:3000/"),
        ],
        vec![("post_logout_redirect_uri", "http://localhost:3000/")],
    ];
    for case in cases {
        let response = issuer.get(&format!("/oidc/logout?{}", encode(&case))).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{case:?}");
        assert!(response.headers().get("location").is_none());
    }
    assert!(still_logged_in(&issuer).await);
}

#[tokio::test]
async fn logout_without_a_hint_asks_the_user_and_ends_the_session_only_when_they_confirm() {
    let issuer = spawn().await;
    issuer.first_authorization(&request()).await;
    let response = issuer.get("/oidc/logout?client_id=demo-spa").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(response.headers(), "x-frame-options"), "DENY");
    let page = response.text().await.unwrap();
    assert!(page.contains("Log out?"), "{page}");
    // A link from any site must not end the session by itself.
    assert!(still_logged_in(&issuer).await);

    let response = issuer
        .post_form(
            "/oidc/logout/confirm",
            &[
                ("csrf", hidden(&page, "csrf")),
                ("client_id", hidden(&page, "client_id")),
                ("decision", "logout".to_owned()),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("You are logged out")
    );
    assert_eq!(
        error_at(issuer.authorize(&silent()).await, SILENT_CALLBACK).await,
        "login_required"
    );
}

#[tokio::test]
async fn a_logout_confirmation_posted_by_another_site_is_refused() {
    let issuer = spawn().await;
    issuer.first_authorization(&request()).await;
    // Another site can make the browser post the form, but cannot know the
    // token derived from the session.
    for csrf in ["", "forged"] {
        let response = issuer
            .post_form(
                "/oidc/logout/confirm",
                &[
                    ("csrf", csrf),
                    ("client_id", "demo-spa"),
                    ("post_logout_redirect_uri", "http://localhost:3000/"),
                    ("decision", "logout"),
                ],
            )
            .await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{csrf:?}");
        assert!(response.headers().get("location").is_none());
        let page = response.text().await.unwrap();
        assert!(
            page.contains("did not come from the confirmation page"),
            "{page}"
        );
    }
    assert!(still_logged_in(&issuer).await);
}

#[tokio::test]
async fn a_cross_site_logout_post_without_the_session_cookie_changes_no_cookie() {
    let issuer = spawn().await;
    let tokens = issuer.first_authorization(&request()).await;
    // A form on another site: the browser sends no `SameSite=Lax` cookie
    // with it, but would apply any `Set-Cookie` of the answer.
    let cross_site = new_client();
    let form = [
        ("client_id", "demo-spa"),
        ("post_logout_redirect_uri", "http://localhost:3000/"),
        ("decision", "logout"),
        ("csrf", ""),
    ];
    for path in ["/oidc/logout", "/oidc/logout/confirm"] {
        let response = cross_site
            .post(issuer.url(path))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(encode(&form))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{path}");
        let set_cookies: Vec<_> = response.headers().get_all("set-cookie").iter().collect();
        assert!(set_cookies.is_empty(), "{path}: {set_cookies:?}");
    }
    assert!(still_logged_in(&issuer).await);

    // The browser's own logout, with its cookie, does remove it.
    let response = issuer
        .post_form(
            "/oidc/logout",
            &[
                ("id_token_hint", tokens["id_token"].as_str()),
                ("post_logout_redirect_uri", "http://localhost:3000/"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let removed = set_cookie(&response).expect("the session cookie is removed");
    assert!(
        removed.to_ascii_lowercase().contains("max-age=0"),
        "{removed}"
    );
    assert!(!still_logged_in(&issuer).await);
}

#[tokio::test]
async fn stay_logged_in_returns_to_the_registered_url_with_the_session_intact() {
    let issuer = spawn().await;
    issuer.first_authorization(&request()).await;
    let page = issuer
        .get(&format!(
            "/oidc/logout?{}",
            encode(&[
                ("client_id", "demo-spa"),
                ("post_logout_redirect_uri", "http://localhost:3000/"),
                ("state", "s1"),
            ])
        ))
        .await
        .text()
        .await
        .unwrap();
    let response = issuer
        .post_form(
            "/oidc/logout/confirm",
            &[
                ("csrf", hidden(&page, "csrf")),
                ("client_id", hidden(&page, "client_id")),
                (
                    "post_logout_redirect_uri",
                    hidden(&page, "post_logout_redirect_uri"),
                ),
                ("state", hidden(&page, "state")),
                ("decision", "stay".to_owned()),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "http://localhost:3000/?state=s1");
    assert!(still_logged_in(&issuer).await);
}

#[tokio::test]
async fn a_confirmation_that_names_an_unregistered_return_url_is_refused() {
    let issuer = spawn().await;
    issuer.first_authorization(&request()).await;
    let page = issuer
        .get("/oidc/logout?client_id=demo-spa")
        .await
        .text()
        .await
        .unwrap();
    // The form is only the browser's copy: its return URL is checked again.
    let response = issuer
        .post_form(
            "/oidc/logout/confirm",
            &[
                ("csrf", hidden(&page, "csrf")),
                ("client_id", "demo-spa".to_owned()),
                (
                    "post_logout_redirect_uri",
                    "https://evil.example/".to_owned(),
                ),
                ("decision", "logout".to_owned()),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response.headers().get("location").is_none());
    assert!(still_logged_in(&issuer).await);
}

#[tokio::test]
async fn a_hint_for_another_user_than_the_one_logged_in_asks_first() {
    let issuer = spawn().await;
    let alice = issuer.first_authorization(&request()).await;
    // The same browser logs in again, as bob.
    let response = issuer.authorize(&with(request(), "prompt", "login")).await;
    let response = issuer.log_in(&location(&response), "bob", "builder").await;
    issuer.answer_consent(&location(&response), "allow").await;

    let response = issuer
        .get(&format!(
            "/oidc/logout?{}",
            encode(&[
                ("id_token_hint", alice["id_token"].as_str()),
                ("post_logout_redirect_uri", "http://localhost:3000/"),
            ])
        ))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.text().await.unwrap().contains("Log out?"));
    assert!(still_logged_in(&issuer).await);
}

// ---- headers --------------------------------------------------------------

#[tokio::test]
async fn the_login_and_consent_pages_cannot_be_framed_and_no_step_is_cached() {
    let issuer = spawn().await;
    let no_framing_no_cache = |response: &reqwest::Response, what: &str| {
        let headers = response.headers();
        assert!(
            header(headers, "content-security-policy").contains("frame-ancestors 'none'"),
            "{what}"
        );
        assert_eq!(header(headers, "x-frame-options"), "DENY", "{what}");
        assert_eq!(header(headers, "cache-control"), "no-store", "{what}");
    };
    let response = issuer.authorize(&request()).await;
    assert_eq!(header(response.headers(), "cache-control"), "no-store");
    let login = location(&response);
    no_framing_no_cache(&issuer.get(&login).await, "login page");

    let response = issuer.log_in(&login, "alice", "wonderland").await;
    let consent = location(&response);
    no_framing_no_cache(&issuer.get(&consent).await, "consent page");

    let response = issuer.answer_consent(&consent, "allow").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(location(&response).starts_with(&format!("{CALLBACK}#")));
    assert_eq!(
        header(response.headers(), "cache-control"),
        "no-store",
        "the redirect that carries the tokens"
    );
}

#[tokio::test]
async fn the_browser_cookie_is_set_only_when_a_login_or_consent_page_is_shown() {
    let issuer = spawn().await;
    let browser_cookie = |response: &reqwest::Response| {
        response
            .headers()
            .get_all("set-cookie")
            .iter()
            .any(|v| v.to_str().unwrap().starts_with(mock_issuer::BROWSER_COOKIE))
    };
    // A silent request (login_required) and an error answer set nothing.
    let response = issuer.authorize(&silent()).await;
    assert!(!browser_cookie(&response));
    let response = issuer.authorize(&without(request(), "nonce")).await;
    assert!(location(&response).contains("error=invalid_request"));
    assert!(!browser_cookie(&response));
    // The first page shown sets it, HttpOnly and SameSite=Lax; the next
    // request of the same browser reuses it.
    let response = issuer.authorize(&request()).await;
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_ascii_lowercase())
        .find(|c| c.starts_with(mock_issuer::BROWSER_COOKIE))
        .expect("a browser cookie");
    assert!(
        cookie.contains("httponly") && cookie.contains("samesite=lax"),
        "{cookie}"
    );
    let response = issuer.authorize(&request()).await;
    assert!(location(&response).starts_with("/login?request="));
    assert!(!browser_cookie(&response), "already set");
}

// ---- cookies on an https issuer -----------------------------------------

/// The `name=value` of the cookie `name` that a response sets, with its
/// attributes in lower case.
fn cookie_set(headers: &axum::http::HeaderMap, name: &str) -> Option<(String, String)> {
    headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with(&format!("{name}=")))
        .map(|c| {
            let (pair, attributes) = c.split_once(';').unwrap_or((c, ""));
            (pair.to_owned(), attributes.to_ascii_lowercase())
        })
}

fn with_cookie(
    request: axum::http::request::Builder,
    cookie: &str,
) -> axum::http::request::Builder {
    request.header("cookie", cookie)
}

#[tokio::test]
async fn on_an_https_issuer_both_cookies_are_host_only_and_an_unprefixed_session_is_ignored() {
    let router = mock_issuer::router(&config("https://idp.test"))
        .await
        .unwrap();
    let send = |request| oneshot_with(router.clone(), request);
    let get = |uri: String, cookie: &str| {
        with_cookie(axum::http::Request::get(uri), cookie)
            .header("host", "idp.test")
            .body(axum::body::Body::empty())
            .unwrap()
    };
    let post_form = |uri: &str, cookie: &str, form: String| {
        with_cookie(axum::http::Request::post(uri), cookie)
            .header("host", "idp.test")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(axum::body::Body::from(form))
            .unwrap()
    };

    let response = send(get(format!("/authorize?{}", encode(&request())), "")).await;
    let (browser, attributes) =
        cookie_set(&response.headers, mock_issuer::BROWSER_COOKIE_HOST).expect("browser cookie");
    assert!(attributes.contains("secure") && !attributes.contains("domain"));
    let login = header(&response.headers, "location").to_owned();
    let page = send(get(login, &browser)).await;
    let form = login_form(&page.body, "alice", "wonderland");
    let response = send(post_form("/login", &browser, encode(&form))).await;
    assert_eq!(response.status, StatusCode::SEE_OTHER);
    let (session, attributes) =
        cookie_set(&response.headers, mock_issuer::SESSION_COOKIE_HOST).expect("session cookie");
    assert!(
        attributes.contains("secure")
            && attributes.contains("httponly")
            && attributes.contains("path=/")
            && !attributes.contains("domain"),
        "{attributes}"
    );
    assert!(cookie_set(&response.headers, SESSION_COOKIE).is_none());

    // The same session id under the plain name, as a sibling subdomain could
    // plant it, is no session; under the __Host- name it is (consent is
    // still to be given).
    let id = session.split_once('=').unwrap().1;
    let silent = format!("/authorize?{}", encode(&silent()));
    for (cookie, expected) in [
        (format!("{SESSION_COOKIE}={id}"), "error=login_required"),
        (session.clone(), "error=consent_required"),
    ] {
        let response = send(get(silent.clone(), &cookie)).await;
        let location = header(&response.headers, "location");
        assert!(location.contains(expected), "{cookie}: {location}");
    }

    // Logging out removes it with the same attributes: a browser ignores a
    // `__Host-` cookie without `Secure`, even one that only expires it.
    let page = send(get("/oidc/logout?client_id=demo-spa".into(), &session)).await;
    let form = [
        ("csrf", hidden(&page.body, "csrf")),
        ("client_id", "demo-spa".to_owned()),
        ("decision", "logout".to_owned()),
    ];
    let response = send(post_form("/oidc/logout/confirm", &session, encode(&form))).await;
    assert!(response.body.contains("You are logged out"));
    let (removed, attributes) =
        cookie_set(&response.headers, mock_issuer::SESSION_COOKIE_HOST).expect("a removal");
    assert_eq!(removed, format!("{}=", mock_issuer::SESSION_COOKIE_HOST));
    assert!(
        attributes.contains("secure") && attributes.contains("path=/"),
        "{attributes}"
    );
    let response = send(get(silent.clone(), &session)).await;
    assert!(header(&response.headers, "location").contains("error=login_required"));
}

/// OIDC Core §3.1.2.1: a silent request with `id_token_hint` is answered
/// for the user the hint names or not at all.
#[tokio::test]
async fn a_silent_request_is_answered_only_for_the_user_its_hint_names() {
    let issuer = spawn().await;
    let alice = issuer.first_authorization(&request()).await["id_token"].clone();
    let hinted = |hint: &str| with(silent(), "id_token_hint", hint);
    let issuer = &issuer;
    let answer = |params: Vec<(&'static str, String)>| async move {
        let response = issuer.authorize(&params).await;
        fragment(&location(&response), SILENT_CALLBACK)
    };
    // Alice's session, Alice's hint: tokens.
    assert!(answer(hinted(&alice)).await.contains_key("id_token"));

    // Bob logs in in the same browser; Alice's hint no longer fits.
    issuer
        .post_json("/dev/end-sessions", serde_json::json!({}))
        .await;
    let response = issuer.authorize(&request()).await;
    let response = issuer.log_in(&location(&response), "bob", "builder").await;
    issuer.answer_consent(&location(&response), "allow").await;
    let refused = answer(hinted(&alice)).await;
    assert_eq!(refused["error"], "login_required");
    assert!(
        refused["error_description"].contains("another user"),
        "{refused:?}"
    );
    // Without a hint, or with Bob's own, Bob's tokens.
    let bob = answer(silent()).await["id_token"].clone();
    assert!(answer(hinted(&bob)).await.contains_key("id_token"));

    // A hint this issuer did not sign is no hint: refused.
    let forged = format!("{}.{}", bob.rsplit_once('.').unwrap().0, "c2lnbmF0dXJl");
    let refused = answer(hinted(&forged)).await;
    assert_eq!(refused["error"], "login_required");
    assert!(
        refused["error_description"].contains("not issued"),
        "{refused:?}"
    );
}
