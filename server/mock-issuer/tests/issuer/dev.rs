//! The dev controls: each one changes what a client observes, and they do
//! not exist when switched off.

use std::time::{Duration, Instant};

use crate::support::*;
use axum::http::StatusCode;
use jsonwebtoken::errors::ErrorKind;
use protocol::{
    Clock, CompactJws, IdTokenCheck, IdTokenClaims, MetadataError, Nonce, ProviderMetadata,
    ResponseType, at_hash_from_sha256,
};
use serde_json::{Value, json};
use teaching::{
    dev_controls::{
        ClientCheck, DocumentCheck, DocumentFault, Expected, Fault, IssuerEvent, IssuerEvents,
        Verdict,
    },
    spec::Cited,
};

fn silent() -> Vec<(&'static str, String)> {
    with(
        with(request(), "prompt", "none"),
        "redirect_uri",
        SILENT_CALLBACK,
    )
}

#[tokio::test]
async fn without_dev_controls_the_dev_routes_do_not_exist() {
    let issuer = spawn_with(|c| c.dev_controls = false).await;
    for path in ["/dev/state", "/dev/events"] {
        assert_eq!(
            issuer.get(path).await.status(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    for path in ["/dev/reset", "/dev/rotate-keys", "/dev/end-sessions"] {
        let response = issuer.post_json(path, json!({})).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
    }
    let response = issuer
        .post_json("/dev/faults", json!({"fault": {"error": "login_required"}}))
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_state_shows_sessions_consents_and_keys_without_secrets() {
    let issuer = spawn().await;
    issuer.first_authorization(&request()).await;
    let state = dev_state(&issuer).await;
    assert_eq!(state["sessions"][0]["username"], "alice");
    assert_eq!(state["consents"][0]["client_id"], CLIENT_ID);
    assert_eq!(
        state["consents"][0]["scope"],
        "email openid profile read:messages"
    );
    assert_eq!(state["keys"].as_array().unwrap().len(), 2);
    assert_eq!(state["lifetimes"]["access_token_secs"], 120);
    let text = state.to_string();
    assert!(!text.contains("wonderland"), "no password");
    assert!(
        !text.contains("session_id") && !text.contains("issuer_session"),
        "no session id"
    );
}

#[tokio::test]
async fn an_error_fault_replaces_the_next_response_and_only_that_many() {
    let issuer = spawn().await;
    issuer.first_authorization(&request()).await;
    for error in [
        "login_required",
        "consent_required",
        "interaction_required",
        "access_denied",
        "server_error",
    ] {
        arm(&issuer, json!({"fault": {"error": error}, "count": 1})).await;
        let params = request();
        let response = issuer.authorize(&params).await;
        let result = fragment(&location(&response), CALLBACK);
        assert_eq!(result["error"], error);
        assert_eq!(result["state"], param(&params, "state"));
        assert!(result["error_description"].contains("dev controls"));
        assert!(
            issuer
                .silent_authorization(&request())
                .await
                .contains_key("access_token"),
            "used up after one response"
        );
    }
}

#[tokio::test]
async fn a_silent_only_fault_spares_interactive_requests() {
    let issuer = spawn().await;
    issuer.first_authorization(&request()).await;
    arm(
        &issuer,
        json!({"fault": {"error": "login_required"}, "count": 2, "prompt_none_only": true}),
    )
    .await;
    assert!(
        issuer
            .silent_authorization(&request())
            .await
            .contains_key("access_token")
    );
    for _ in 0..2 {
        let response = issuer.authorize(&silent()).await;
        assert_eq!(
            fragment(&location(&response), SILENT_CALLBACK)["error"],
            "login_required"
        );
    }
    assert!(
        issuer
            .silent_authorization(&silent())
            .await
            .contains_key("access_token")
    );
}

/// `wrong_nonce` breaks an ID token; an access token alone has none, so
/// the fault is not spent on it and breaks the next login that has one.
#[tokio::test]
async fn a_tamper_waits_for_a_response_with_the_token_it_breaks() {
    let issuer = spawn().await;
    issuer.first_authorization(&request()).await;
    arm(&issuer, json!({"fault": {"tamper": "wrong_nonce"}})).await;
    let token_only = with(request(), "response_type", "token");
    let response = issuer.authorize(&token_only).await;
    assert!(fragment(&location(&response), CALLBACK).contains_key("access_token"));
    assert_eq!(
        dev_state(&issuer).await["faults"].as_array().map(Vec::len),
        Some(1)
    );

    let login = request();
    let sent = &login.iter().find(|(name, _)| *name == "nonce").unwrap().1;
    let response = issuer.authorize(&login).await;
    let tokens = fragment(&location(&response), CALLBACK);
    let id_token: CompactJws<IdTokenClaims> = CompactJws::parse(&tokens["id_token"]).unwrap();
    assert_ne!(id_token.claims.nonce, Some(Nonce::new(sent.as_str())));
    assert_eq!(dev_state(&issuer).await["faults"], json!([]));
}

/// A renewal whose tokens a fault broke is no successful renewal.
#[tokio::test]
async fn a_silent_renewal_with_broken_tokens_reads_as_refused() {
    let issuer = spawn().await;
    issuer.first_authorization(&request()).await;
    arm(&issuer, json!({"fault": {"tamper": "expired"}})).await;
    issuer.authorize(&silent()).await;
    let events: IssuerEvents = issuer.get("/dev/events").await.json().await.unwrap();
    let renewal = events
        .events
        .iter()
        .rfind(|e| e.kind == "silent_authentication")
        .expect("a silent_authentication event");
    assert_eq!(renewal.verdict, Verdict::Refused);
    assert!(
        renewal
            .summary
            .ends_with("issued, broken on purpose (expired)"),
        "{}",
        renewal.summary
    );
}

/// Everything `GET /dev/faults` lists can be armed as listed, and each
/// tampered response gets the verdict the catalogue promises when the
/// client's own validation (the `protocol` checks the SPA runs, in its
/// order) reads it: refused by the very check it names, or accepted.
#[tokio::test]
async fn the_fault_catalogue_names_the_client_check_that_refuses_each_tamper() {
    let issuer = spawn().await;
    issuer.first_authorization(&request()).await;
    let listed: Value = issuer.get("/dev/faults").await.json().await.unwrap();
    let catalogue = listed["catalogue"].as_array().unwrap();
    assert_eq!(listed["armed"], json!([]));
    // What the SPA's playground reads it as.
    let typed: teaching::dev_controls::Faults = serde_json::from_value(listed.clone()).unwrap();
    assert_eq!(typed.catalogue.len(), catalogue.len());
    assert_eq!(
        catalogue.len(),
        17 + 2 + 5,
        "every tamper, document and error"
    );
    for (entry, info) in catalogue.iter().zip(&typed.catalogue) {
        assert!(entry["spec_url"].as_str().unwrap().starts_with("https://"));
        assert!(!entry["description"].as_str().unwrap().is_empty());
        arm(&issuer, json!({ "fault": entry["fault"] })).await;
        if let Fault::Document(document) = info.fault {
            let check = ClientCheck::Document(document_verdict(&issuer, document).await);
            assert_eq!(info.expected, Some(Expected::RefusedBy(check)), "{entry}");
            assert_eq!(entry["caught_by"]["label"], check.label());
            continue;
        }
        let params = request();
        let answer = fragment(&location(&issuer.authorize(&params).await), CALLBACK);
        let Some(expected) = info.expected else {
            assert_eq!(answer["error"], entry["fault"]["error"]);
            continue;
        };
        let verdict = client_verdict(
            &issuer,
            &answer["id_token"],
            &answer["access_token"],
            param(&params, "nonce"),
        )
        .await;
        match expected {
            Expected::RefusedBy(check) => {
                assert_eq!(verdict.map_err(ClientCheck::IdToken), Err(check), "{entry}");
                assert_eq!(entry["caught_by"]["label"], check.label());
            }
            Expected::Accepted => assert_eq!(verdict, Ok(()), "{entry}"),
        }
    }
}

/// Reads what `document` breaks as a page would (with `Origin`), and
/// returns the client check that refuses it; the same read without
/// `Origin` (the API's) is spared and passes.
async fn document_verdict(issuer: &TestIssuer, document: DocumentFault) -> DocumentCheck {
    let read = |path: &str, origin: bool, token: Option<&str>| {
        let mut get = issuer.client.get(issuer.url(path));
        if origin {
            get = get.header("origin", SPA_ORIGIN);
        }
        if let Some(token) = token {
            get = get.bearer_auth(token);
        }
        async move { get.send().await.unwrap().json::<Value>().await.unwrap() }
    };
    match document {
        DocumentFault::UserinfoBadSub => {
            let tokens = issuer.silent_authorization(&silent()).await;
            let token = Some(tokens["access_token"].as_str());
            let own_sub = CompactJws::<Value>::parse(&tokens["id_token"])
                .unwrap()
                .claims["sub"]
                .clone();
            assert_eq!(
                read("/userinfo", false, token).await["sub"],
                own_sub,
                "spared"
            );
            let answer = read("/userinfo", true, token).await;
            // The client's rule (OIDC Core §5.3.2): another sub, not used.
            assert_ne!(answer["sub"], own_sub);
            assert_eq!(read("/userinfo", true, token).await["sub"], own_sub, "once");
            DocumentCheck::UserinfoSubject
        }
        DocumentFault::DiscoveryIssuerMismatch => {
            let path = "/.well-known/openid-configuration";
            let spared: ProviderMetadata =
                serde_json::from_value(read(path, false, None).await).unwrap();
            assert!(
                spared
                    .check_for_implicit_client(&issuer.base, ResponseType::IdTokenToken)
                    .is_ok()
            );
            let broken: ProviderMetadata =
                serde_json::from_value(read(path, true, None).await).unwrap();
            let refused =
                broken.check_for_implicit_client(&issuer.base, ResponseType::IdTokenToken);
            assert!(
                matches!(refused, Err(MetadataError::IssuerMismatch { .. })),
                "{refused:?}"
            );
            DocumentCheck::DiscoveryIssuer
        }
    }
}

#[tokio::test]
async fn untampered_tokens_pass_every_client_check() {
    let issuer = spawn().await;
    issuer.first_authorization(&request()).await;
    let params = request();
    let answer = fragment(&location(&issuer.authorize(&params).await), CALLBACK);
    let verdict = client_verdict(
        &issuer,
        &answer["id_token"],
        &answer["access_token"],
        param(&params, "nonce"),
    );
    assert_eq!(verdict.await, Ok(()));
}

#[tokio::test]
async fn a_token_without_kid_finds_a_single_key_only_for_a_while_after_its_fault() {
    let issuer = spawn().await;
    issuer.first_authorization(&request()).await;
    assert_eq!(published_keys(&issuer).await, 2, "current and next");
    arm(
        &issuer,
        json!({"fault": {"tamper": "kid_absent_single_jwks"}}),
    )
    .await;
    let tokens = issuer.silent_authorization(&request()).await;
    let header = CompactJws::<Value>::parse(&tokens["id_token"])
        .unwrap()
        .header;
    assert_eq!(header.kid, None);
    assert_eq!(published_keys(&issuer).await, 1, "the signing key alone");
    issuer.clock.advance(Duration::from_secs(121));
    assert_eq!(published_keys(&issuer).await, 2);
}

#[tokio::test]
async fn each_tamper_breaks_exactly_the_check_a_client_must_make() {
    let issuer = spawn().await;
    issuer.first_authorization(&request()).await;
    let kinds = [
        "wrong_nonce",
        "bad_signature",
        "alg_none",
        "hs256_public_key",
        "hs256_client_id",
        "kid_absent_multiple_jwks",
        "wrong_aud",
        "extra_aud",
        "wrong_iss",
        "expired",
        "missing_iat",
        "iat_future",
        "iat_within_skew",
        "missing_sub",
        "missing_at_hash",
        "wrong_at_hash",
    ];
    for kind in kinds {
        arm(&issuer, json!({"fault": {"tamper": kind}})).await;
        let params = request();
        let tokens = issuer.silent_authorization(&params).await;
        let (access, id) = (&tokens["access_token"], &tokens["id_token"]);
        let failure = |r: Result<_, jsonwebtoken::errors::Error>| r.err().map(|e| e.into_kind());
        match kind {
            "wrong_nonce" => {
                let claims = issuer.decode(id, CLIENT_ID).await.unwrap().claims;
                assert_ne!(claims["nonce"], param(&params, "nonce"));
            }
            "bad_signature" => {
                assert_eq!(
                    failure(issuer.decode(id, CLIENT_ID).await),
                    Some(ErrorKind::InvalidSignature)
                );
                assert_eq!(
                    failure(issuer.decode(access, API).await),
                    Some(ErrorKind::InvalidSignature)
                );
            }
            "wrong_aud" => {
                assert_eq!(
                    failure(issuer.decode(id, CLIENT_ID).await),
                    Some(ErrorKind::InvalidAudience)
                );
                assert_eq!(
                    failure(issuer.decode(access, API).await),
                    Some(ErrorKind::InvalidAudience)
                );
            }
            "wrong_iss" => {
                assert_eq!(
                    failure(issuer.decode(id, CLIENT_ID).await),
                    Some(ErrorKind::InvalidIssuer)
                );
                assert_eq!(
                    failure(issuer.decode(access, API).await),
                    Some(ErrorKind::InvalidIssuer)
                );
            }
            "expired" => {
                assert_eq!(
                    failure(issuer.decode(id, CLIENT_ID).await),
                    Some(ErrorKind::ExpiredSignature)
                );
                assert_eq!(
                    failure(issuer.decode(access, API).await),
                    Some(ErrorKind::ExpiredSignature)
                );
            }
            "alg_none" => {
                let jws = CompactJws::<Value>::parse(id).unwrap();
                assert_eq!(jws.header.alg, "none");
                assert!(jws.signature.is_empty());
                assert!(
                    issuer.decode(access, API).await.is_ok(),
                    "the ID token only"
                );
            }
            "hs256_public_key" | "hs256_client_id" => {
                let jws = CompactJws::<Value>::parse(id).unwrap();
                assert_eq!(jws.header.alg, "HS256");
                let secret = if kind == "hs256_client_id" {
                    CLIENT_ID.as_bytes().to_vec()
                } else {
                    rsa_public_key_der(&issuer, jws.header.kid.as_deref().unwrap()).await
                };
                let key = aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, &secret);
                assert!(
                    aws_lc_rs::hmac::verify(&key, jws.signing_input.as_bytes(), &jws.signature)
                        .is_ok(),
                    "{kind}: HMAC with the secret an attacker knows"
                );
            }
            "kid_absent_multiple_jwks" => {
                let jws = CompactJws::<Value>::parse(id).unwrap();
                assert_eq!((jws.header.alg.as_str(), jws.header.kid), ("RS256", None));
                assert_eq!(published_keys(&issuer).await, 2);
            }
            "extra_aud" => {
                let claims = CompactJws::<Value>::parse(id).unwrap().claims;
                assert_eq!(
                    claims["aud"],
                    json!([CLIENT_ID, "https://untrusted.example/"])
                );
                assert_eq!(claims["azp"], CLIENT_ID);
            }
            "missing_iat" | "missing_sub" => {
                let claims = CompactJws::<Value>::parse(id).unwrap().claims;
                let claim = kind.trim_start_matches("missing_");
                assert!(claims.get(claim).is_none(), "{kind}");
            }
            "iat_future" | "iat_within_skew" => {
                let ahead = if kind == "iat_future" { 600 } else { 20 };
                for token in [id, access] {
                    let claims = CompactJws::<Value>::parse(token).unwrap().claims;
                    let iat = claims["iat"].as_u64().unwrap();
                    assert_eq!(iat, issuer.clock.now_secs() + ahead, "{kind}");
                }
            }
            "missing_at_hash" => {
                let claims = issuer.decode(id, CLIENT_ID).await.unwrap().claims;
                assert!(claims.get("at_hash").is_none());
            }
            "wrong_at_hash" => {
                let claims = issuer.decode(id, CLIENT_ID).await.unwrap().claims;
                assert_ne!(claims["at_hash"], at_hash_from_sha256(&sha256(access)));
            }
            other => unreachable!("{other}"),
        }
        // Only that response was tampered.
        let clean = issuer.silent_authorization(&request()).await;
        assert!(
            issuer.decode(&clean["id_token"], CLIENT_ID).await.is_ok(),
            "{kind}"
        );
    }
}

#[tokio::test]
async fn latency_delays_the_authorization_endpoint() {
    let issuer = spawn().await;
    let response = issuer.post_json("/dev/latency", json!({"ms": 300})).await;
    assert_eq!(response.status(), StatusCode::OK);
    let started = Instant::now();
    issuer.authorize(&silent()).await;
    assert!(started.elapsed() >= Duration::from_millis(300));
    issuer.post_json("/dev/latency", json!({"ms": 0})).await;
    assert_eq!(dev_state(&issuer).await["latency_ms"], 0);
}

#[tokio::test]
async fn a_rotated_key_outlives_its_longest_token_even_after_lifetimes_were_shortened() {
    let issuer = spawn().await;
    let kids = |jwks: jsonwebtoken::jwk::JwkSet| -> Vec<String> {
        jwks.keys
            .iter()
            .map(|k| k.common.key_id.clone().unwrap())
            .collect()
    };
    // A 120 s token, then lifetimes cut to 5 s, then a rotation.
    let old = issuer.first_authorization(&request()).await;
    let old_kid = jsonwebtoken::decode_header(&old["access_token"])
        .unwrap()
        .kid
        .unwrap();
    let response = issuer
        .post_json(
            "/dev/lifetimes",
            json!({"access_token_secs": 5, "id_token_secs": 5}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let response = issuer.post_json("/dev/rotate-keys", json!({})).await;
    assert_eq!(response.status(), StatusCode::OK);

    // 5 s + 60 s later the new lifetimes alone would have dropped the key,
    // but the 120 s token it signed is still alive.
    issuer.clock.advance(Duration::from_secs(100));
    assert!(kids(issuer.jwks().await).contains(&old_kid));
    // After that token's expiry plus the skew, the key goes.
    issuer.clock.advance(Duration::from_secs(81));
    assert!(!kids(issuer.jwks().await).contains(&old_kid));
}

#[tokio::test]
async fn lifetimes_can_be_shortened_at_run_time() {
    let issuer = spawn().await;
    issuer.first_authorization(&request()).await;
    let response = issuer
        .post_json(
            "/dev/lifetimes",
            json!({"access_token_secs": 5, "id_token_secs": 7}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let tokens = issuer.silent_authorization(&request()).await;
    assert_eq!(tokens["expires_in"], "5");
    let access = issuer
        .decode(&tokens["access_token"], API)
        .await
        .unwrap()
        .claims;
    assert_eq!(
        access["exp"].as_u64().unwrap() - access["iat"].as_u64().unwrap(),
        5
    );
    let id = issuer
        .decode(&tokens["id_token"], CLIENT_ID)
        .await
        .unwrap()
        .claims;
    assert_eq!(id["exp"].as_u64().unwrap() - id["iat"].as_u64().unwrap(), 7);
}

/// As some certified providers answer: the response's `scope` names only
/// the API's scopes (RFC 6749 §4.2.2), while the tokens are as requested.
#[tokio::test]
async fn narrow_scope_names_only_the_apis_scopes_in_the_response() {
    let issuer = spawn().await;
    issuer.first_authorization(&request()).await;
    let response = issuer
        .post_json("/dev/narrow-scope", json!({"enabled": true}))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(dev_state(&issuer).await["narrow_scope"], true);
    let tokens = issuer.silent_authorization(&request()).await;
    assert_eq!(tokens["scope"], "read:messages");
    let access = issuer
        .decode(&tokens["access_token"], API)
        .await
        .unwrap()
        .claims;
    assert_eq!(access["scope"], "email openid profile read:messages");
    assert!(tokens.contains_key("id_token"), "openid was still granted");

    issuer
        .post_json("/dev/narrow-scope", json!({"enabled": false}))
        .await;
    let tokens = issuer.silent_authorization(&request()).await;
    assert_eq!(tokens["scope"], "email openid profile read:messages");
}

#[tokio::test]
async fn response_iss_names_another_issuer_or_none_and_then_this_one_again() {
    let issuer = spawn().await;
    issuer.first_authorization(&request()).await;
    let set = |body: Value| issuer.post_json("/dev/response-iss", body);

    let response = set(json!({"iss": "https://other.example"})).await;
    assert_eq!(response.status(), StatusCode::OK);
    let tokens = issuer.silent_authorization(&request()).await;
    assert_eq!(tokens["iss"], "https://other.example");
    // Errors too.
    arm(&issuer, json!({"fault": {"error": "login_required"}})).await;
    let response = issuer.authorize(&silent()).await;
    let answer = fragment(&location(&response), SILENT_CALLBACK);
    assert_eq!(answer["error"], "login_required");
    assert_eq!(answer["iss"], "https://other.example");

    set(json!({"omit": true})).await;
    assert_eq!(dev_state(&issuer).await["response_iss"], "omitted");
    let tokens = issuer.silent_authorization(&request()).await;
    assert!(!tokens.contains_key("iss"), "{tokens:?}");

    set(json!({})).await;
    let tokens = issuer.silent_authorization(&request()).await;
    assert_eq!(tokens["iss"], issuer.base);

    let both = set(json!({"iss": "https://other.example", "omit": true})).await;
    assert_eq!(both.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn revoking_consent_makes_silent_renewal_answer_consent_required() {
    let issuer = spawn().await;
    issuer.first_authorization(&request()).await;
    let response = issuer
        .post_json(
            "/dev/revoke-consent",
            json!({"username": "alice", "client_id": CLIENT_ID}),
        )
        .await;
    assert_eq!(response.json::<Value>().await.unwrap()["revoked"], 1);
    let response = issuer.authorize(&silent()).await;
    assert_eq!(
        fragment(&location(&response), SILENT_CALLBACK)["error"],
        "consent_required"
    );
}

#[tokio::test]
async fn ending_sessions_makes_silent_renewal_answer_login_required() {
    let issuer = spawn().await;
    issuer.first_authorization(&request()).await;
    let response = issuer.post_json("/dev/end-sessions", json!({})).await;
    assert_eq!(response.json::<Value>().await.unwrap()["ended"], 1);
    let response = issuer.authorize(&silent()).await;
    assert_eq!(
        fragment(&location(&response), SILENT_CALLBACK)["error"],
        "login_required"
    );
}

#[tokio::test]
async fn reset_restores_the_configured_tenant() {
    let issuer = spawn().await;
    issuer.first_authorization(&request()).await;
    arm(&issuer, json!({"fault": {"tamper": "expired"}, "count": 5})).await;
    issuer.post_json("/dev/latency", json!({"ms": 10})).await;
    issuer
        .post_json("/dev/lifetimes", json!({"access_token_secs": 5}))
        .await;
    issuer
        .post_json("/dev/narrow-scope", json!({"enabled": true}))
        .await;
    let response = issuer.post_json("/dev/reset", json!({})).await;
    assert_eq!(response.status(), StatusCode::OK);
    let state = dev_state(&issuer).await;
    assert_eq!(state["faults"], json!([]));
    assert_eq!(state["latency_ms"], 0);
    assert_eq!(state["narrow_scope"], false);
    assert_eq!(state["lifetimes"]["access_token_secs"], 120);
    assert_eq!(state["sessions"], json!([]));
    assert_eq!(state["consents"], json!([]));
    let response = issuer.authorize(&silent()).await;
    assert_eq!(
        fragment(&location(&response), SILENT_CALLBACK)["error"],
        "login_required"
    );
}

#[tokio::test]
async fn rotating_keys_signs_with_the_published_next_key_and_keeps_the_old_one_until_its_tokens_expire()
 {
    let issuer = spawn().await;
    let before: Vec<String> = issuer
        .jwks()
        .await
        .keys
        .iter()
        .map(|k| k.common.key_id.clone().unwrap())
        .collect();
    assert_eq!(before.len(), 2, "current and next");
    let old = issuer.first_authorization(&request()).await;
    let old_kid = jsonwebtoken::decode_header(&old["access_token"])
        .unwrap()
        .kid
        .unwrap();

    let response = issuer.post_json("/dev/rotate-keys", json!({})).await;
    assert_eq!(response.status(), StatusCode::OK);
    let new = issuer.silent_authorization(&request()).await;
    let new_kid = jsonwebtoken::decode_header(&new["access_token"])
        .unwrap()
        .kid
        .unwrap();
    assert_ne!(new_kid, old_kid);
    assert!(
        before.contains(&new_kid),
        "it was published before it signed"
    );

    let after: Vec<String> = issuer
        .jwks()
        .await
        .keys
        .iter()
        .map(|k| k.common.key_id.clone().unwrap())
        .collect();
    assert_eq!(after.len(), 3, "previous, current, next");
    assert!(
        issuer.decode(&old["access_token"], API).await.is_ok(),
        "old tokens still verify"
    );

    // Once the old key's tokens have expired (120 s + 60 s skew), it goes.
    issuer.clock.advance(Duration::from_secs(181));
    let later: Vec<String> = issuer
        .jwks()
        .await
        .keys
        .iter()
        .map(|k| k.common.key_id.clone().unwrap())
        .collect();
    assert!(!later.contains(&old_kid));
    assert_eq!(later.len(), 2);
}

#[tokio::test]
async fn the_event_log_records_each_decision_without_secrets() {
    let issuer = spawn().await;
    let params = request();
    let tokens = issuer.first_authorization(&params).await;
    let log: Value = issuer
        .get("/dev/events?after=0")
        .await
        .json()
        .await
        .unwrap();
    let types: Vec<&str> = log["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    for expected in [
        "authorize_received",
        "client_validated",
        "login_required",
        "login_shown",
        "login_succeeded",
        "consent_shown",
        "consent_granted",
        "tokens_issued",
    ] {
        assert!(
            types.contains(&expected),
            "{expected} missing from {types:?}"
        );
    }
    let text = log.to_string();
    for secret in [
        "wonderland",
        param(&params, "state"),
        param(&params, "nonce"),
        &tokens["access_token"],
        &tokens["id_token"],
    ] {
        assert!(!text.contains(secret), "the log leaks {secret}");
    }
    let last = log["last_seq"].as_u64().unwrap();
    let newer: Value = issuer
        .get(&format!("/dev/events?after={last}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(newer["events"], json!([]));
}

/// The decisions on one request, by the tx the client derives from its
/// `state` (the first 8 hex digits of its SHA-256), including an error that
/// the issuer decides itself: a `web_message` request needing a page.
#[tokio::test]
async fn every_decision_on_a_request_carries_its_tx_even_a_refusal() {
    let issuer = spawn().await;
    let params = with(without(silent(), "prompt"), "response_mode", "web_message");
    let response = issuer.authorize(&params).await;
    let html = response.text().await.unwrap();
    assert!(html.contains(r#""error":"interaction_required""#), "{html}");
    let tx: String = sha256(param(&params, "state"))[..4]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let log: Value = issuer.get("/dev/events").await.json().await.unwrap();
    let decisions: Vec<&Value> = log["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["tx"] == tx.as_str())
        .collect();
    let types: Vec<&str> = decisions
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        [
            "authorize_received",
            "client_validated",
            "login_required",
            "request_refused"
        ]
    );
    assert_eq!(decisions[3]["error"], "interaction_required");
    // Events about no request (a dev control) carry none.
    issuer.post_json("/dev/end-sessions", json!({})).await;
    let log: Value = issuer.get("/dev/events").await.json().await.unwrap();
    let last = log["events"].as_array().unwrap().last().unwrap();
    assert_eq!(last["type"], "dev_control");
    assert!(last.get("tx").is_none(), "{last}");
}

#[tokio::test]
async fn each_decision_says_in_words_how_it_went_and_the_rule_behind_it() {
    let issuer = spawn().await;
    issuer.first_authorization(&request()).await;
    arm(&issuer, json!({ "fault": { "tamper": "wrong_nonce" } })).await;
    issuer.authorize(&request()).await;
    let events: IssuerEvents = issuer.get("/dev/events").await.json().await.unwrap();
    let of = |kind: &str| -> Vec<&IssuerEvent> {
        events.events.iter().filter(|e| e.kind == kind).collect()
    };
    let issued = of("tokens_issued");
    assert_eq!(issued.len(), 2);
    assert_eq!(issued[0].verdict, Verdict::Passed);
    assert!(
        issued[0]
            .summary
            .starts_with("Issued id_token token to demo-spa for alice"),
        "{}",
        issued[0].summary
    );
    assert_eq!(issued[0].spec.as_deref(), Some("OIDC Core §3.2.2.5"));
    // The tokens the fault broke read as refused, and say how.
    assert_eq!(issued[1].verdict, Verdict::Refused);
    assert!(
        issued[1]
            .summary
            .ends_with("broken on purpose (wrong_nonce)"),
        "{}",
        issued[1].summary
    );
    // The type the playground watches for, named once for both.
    let [fault] = of(teaching::dev_controls::FAULT_INJECTED)[..] else {
        panic!("one fault_injected")
    };
    assert_eq!(fault.verdict, Verdict::Refused);
    assert!(fault.summary.contains("wrong_nonce"), "{}", fault.summary);
    // Linked to the client check that must catch it, and to the same request.
    assert_eq!(
        fault.spec_url.as_deref(),
        Some(IdTokenCheck::Nonce.spec().url)
    );
    assert_eq!(fault.tx, issued[1].tx);
    assert!(fault.tx.is_some());
    for event in &events.events {
        assert!(!event.summary.is_empty(), "{event:?}");
    }
    assert_eq!(events.last_seq, events.events.last().unwrap().seq);
    let [armed] = of("dev_control")[..] else {
        panic!("one dev_control")
    };
    assert_eq!(
        armed.summary,
        "Dev controls (faults): armed wrong_nonce for 1 response(s)"
    );
}

/// A reader that kept the numbers of one run must not take another's for
/// them: each start has its own `boot`, which a reset does not change.
#[tokio::test]
async fn the_event_log_names_the_run_of_the_issuer_that_numbered_it() {
    async fn read(issuer: &TestIssuer) -> String {
        let events: IssuerEvents = issuer.get("/dev/events").await.json().await.unwrap();
        events.boot
    }
    let first = spawn().await;
    let boot = read(&first).await;
    assert_eq!(boot.len(), 16, "{boot}");
    first.first_authorization(&request()).await;
    first.post_json("/dev/reset", json!({})).await;
    assert_eq!(read(&first).await, boot);
    // Another start of the same issuer, same tenant, same numbers so far.
    let second = spawn().await;
    assert_ne!(read(&second).await, boot);
}

#[tokio::test]
async fn a_dev_control_posted_from_an_untrusted_origin_is_refused() {
    let issuer = spawn().await;
    let post = |origin: &'static str| {
        issuer
            .client
            .post(issuer.url("/dev/end-sessions"))
            .header("origin", origin)
            .json(&json!({}))
            .send()
    };
    assert_eq!(
        post("https://evil.example").await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    let response = post(SPA_ORIGIN).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["access-control-allow-origin"],
        SPA_ORIGIN
    );
}

#[tokio::test]
async fn a_dev_control_that_an_html_form_could_send_changes_nothing() {
    let issuer = spawn().await;
    issuer.first_authorization(&request()).await;
    // What a cross-site form (or a bodiless fetch) can send: no JSON type.
    for (path, content_type) in [
        ("/dev/end-sessions", None),
        (
            "/dev/end-sessions",
            Some("application/x-www-form-urlencoded"),
        ),
        ("/dev/reset", Some("text/plain")),
        ("/dev/rotate-keys", Some("multipart/form-data; boundary=x")),
    ] {
        let mut post = issuer.client.post(issuer.url(path)).body("{}");
        if let Some(content_type) = content_type {
            post = post.header("content-type", content_type);
        }
        let response = post.send().await.unwrap();
        assert_eq!(
            response.status(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "{path} {content_type:?}"
        );
        let body: Value = response.json().await.unwrap();
        assert!(body["error"].as_str().unwrap().contains("application/json"));
    }
    let delete = issuer.client.delete(issuer.url("/dev/faults")).send();
    assert_eq!(
        delete.await.unwrap().status(),
        StatusCode::UNSUPPORTED_MEDIA_TYPE
    );
    let state = dev_state(&issuer).await;
    assert_eq!(state["sessions"].as_array().unwrap().len(), 1, "{state}");
    assert_eq!(state["keys"].as_array().unwrap().len(), 2, "not rotated");

    // With the JSON type (parameters and case aside) the same call works.
    let response = issuer
        .client
        .post(issuer.url("/dev/end-sessions"))
        .header("content-type", "Application/JSON; charset=utf-8")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(dev_state(&issuer).await["sessions"], json!([]));
}

#[tokio::test]
async fn out_of_range_dev_settings_are_refused() {
    let issuer = spawn().await;
    for (path, body) in [
        ("/dev/latency", json!({"ms": 600_000})),
        ("/dev/lifetimes", json!({"access_token_secs": 0})),
        (
            "/dev/lifetimes",
            json!({"sso_idle_secs": 100, "sso_absolute_secs": 50}),
        ),
        (
            "/dev/faults",
            json!({"fault": {"error": "login_required"}, "count": 0}),
        ),
    ] {
        let response = issuer.post_json(path, body.clone()).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{path} {body}");
    }
    let response = issuer
        .post_json("/dev/faults", json!({"fault": {"tamper": "rot13"}}))
        .await;
    assert!(response.status().is_client_error());
    let response = issuer.get("/dev/events?after=-1").await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
}

/// The DER `RSAPublicKey` (RFC 8017 §A.1.1) of the published key `kid`:
/// the bytes an algorithm-confusion attacker would key HMAC with.
async fn rsa_public_key_der(issuer: &TestIssuer, kid: &str) -> Vec<u8> {
    fn tlv(tag: u8, body: &[u8]) -> Vec<u8> {
        let mut out = vec![tag];
        match body.len() {
            n if n < 0x80 => out.push(n as u8),
            n if n < 0x100 => out.extend([0x81, n as u8]),
            n => out.extend([0x82, (n >> 8) as u8, n as u8]),
        }
        out.extend_from_slice(body);
        out
    }
    fn integer(bytes: &[u8]) -> Vec<u8> {
        let mut body = Vec::with_capacity(bytes.len() + 1);
        if bytes.first().is_some_and(|b| b & 0x80 != 0) {
            body.push(0);
        }
        body.extend_from_slice(bytes);
        tlv(0x02, &body)
    }
    let keys = issuer.client_jwks().await;
    let jwk = keys.find(kid).unwrap();
    let (n, e) = jwk.rsa_components().unwrap();
    tlv(0x30, &[integer(&n), integer(&e)].concat())
}

/// How many keys the JWKS lists now.
async fn published_keys(issuer: &TestIssuer) -> usize {
    issuer.client_jwks().await.keys.len()
}
