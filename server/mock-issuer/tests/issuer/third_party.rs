//! A renewal iframe on another site: the issuer tells "no login" apart from
//! "the browser sent no cookie into a third-party frame", and its dev
//! control ignores that cookie as a blocking browser would.

use crate::support::*;
use axum::http::StatusCode;
use serde_json::json;
use teaching::dev_controls::IssuerEvents;

fn silent() -> Vec<(&'static str, String)> {
    with(
        with(request(), "prompt", "none"),
        "redirect_uri",
        SILENT_CALLBACK,
    )
}

/// The browser's Fetch Metadata for a request.
#[derive(Clone, Copy)]
enum From {
    /// A hidden iframe of a page on another site, with this
    /// `Sec-Fetch-Storage-Access` (none: the browser does not say).
    CrossSiteFrame(Option<&'static str>),
    /// A hidden iframe of a page on the issuer's own site.
    SameSiteFrame,
    /// A top-level navigation from another site.
    TopLevel,
}

/// A silent authorization sent by `client` as a browser would from `from`:
/// the answer's fragment at the silent callback.
async fn silent_from(
    issuer: &TestIssuer,
    client: &reqwest::Client,
    from: From,
) -> std::collections::HashMap<String, String> {
    let (dest, site, storage) = match from {
        From::CrossSiteFrame(storage) => ("iframe", "cross-site", storage),
        From::SameSiteFrame => ("iframe", "same-site", None),
        From::TopLevel => ("document", "cross-site", None),
    };
    let mut request = client
        .get(issuer.url(&format!("/authorize?{}", encode(&silent()))))
        .header("sec-fetch-dest", dest)
        .header("sec-fetch-site", site);
    if let Some(storage) = storage {
        request = request.header("sec-fetch-storage-access", storage);
    }
    let response = request.send().await.unwrap();
    assert_eq!(response.status(), StatusCode::FOUND);
    fragment(&location(&response), SILENT_CALLBACK)
}

/// The summary of the issuer's last `no_session` decision.
async fn last_no_session(issuer: &TestIssuer) -> String {
    let events: IssuerEvents = issuer.get("/dev/events").await.json().await.unwrap();
    events
        .events
        .iter()
        .rfind(|e| e.kind == "no_session")
        .expect("a no_session decision")
        .summary
        .clone()
}

#[tokio::test]
async fn a_frame_sent_no_cookie_hears_whether_the_browser_withheld_it() {
    let issuer = spawn().await;
    issuer.first_authorization(&request()).await;
    let tokens = silent_from(
        &issuer,
        &issuer.client,
        From::CrossSiteFrame(Some("active")),
    )
    .await;
    assert!(
        tokens.contains_key("access_token"),
        "the cookie came: {tokens:?}"
    );

    // Another browser: no cookie for the issuer at all.
    let cookieless = new_client();
    let cases = [
        (
            Some("none"),
            "the browser withholds third-party cookies here",
        ),
        (
            Some("inactive"),
            "the browser withholds third-party cookies here",
        ),
        (
            None,
            "blocked third-party cookies or no login, the browser does not say which",
        ),
        (Some("active"), "no session at the authorization server"),
    ];
    for (storage, why) in cases {
        let answer = silent_from(&issuer, &cookieless, From::CrossSiteFrame(storage)).await;
        assert_eq!(answer["error"], "login_required", "{storage:?}");
        assert!(
            answer["error_description"].contains(why),
            "{storage:?}: {answer:?}"
        );
        assert!(last_no_session(&issuer).await.contains(why), "{storage:?}");
    }
    for from in [From::SameSiteFrame, From::TopLevel] {
        let answer = silent_from(&issuer, &cookieless, from).await;
        assert_eq!(
            answer["error_description"],
            "no session at the authorization server"
        );
    }
}

#[tokio::test]
async fn a_cookie_that_names_no_session_is_no_login_whatever_the_frame() {
    let issuer = spawn().await;
    issuer.first_authorization(&request()).await;
    issuer.post_json("/dev/end-sessions", json!({})).await;
    let answer = silent_from(&issuer, &issuer.client, From::CrossSiteFrame(Some("none"))).await;
    assert_eq!(answer["error"], "login_required");
    assert_eq!(
        answer["error_description"],
        "no session at the authorization server"
    );
}

#[tokio::test]
async fn the_dev_control_ignores_the_cookie_of_a_cross_site_frame_only() {
    let issuer = spawn().await;
    issuer.first_authorization(&request()).await;
    let blocked = issuer
        .post_json("/dev/third-party-cookies", json!({"blocked": true}))
        .await;
    assert_eq!(blocked.status(), StatusCode::OK);
    assert_eq!(dev_state(&issuer).await["block_third_party_cookies"], true);

    for storage in [Some("active"), None] {
        let answer = silent_from(&issuer, &issuer.client, From::CrossSiteFrame(storage)).await;
        assert_eq!(answer["error"], "login_required");
        assert!(
            answer["error_description"].contains("the dev control ignored it"),
            "{answer:?}"
        );
    }
    assert!(
        last_no_session(&issuer)
            .await
            .contains("the dev control ignored it")
    );
    // The same session, asked from the top level or the issuer's own site.
    for from in [From::TopLevel, From::SameSiteFrame] {
        let tokens = silent_from(&issuer, &issuer.client, from).await;
        assert!(tokens.contains_key("access_token"), "{tokens:?}");
    }

    issuer.post_json("/dev/reset", json!({})).await;
    assert_eq!(dev_state(&issuer).await["block_third_party_cookies"], false);
    issuer.first_authorization(&request()).await;
    let tokens = silent_from(
        &issuer,
        &issuer.client,
        From::CrossSiteFrame(Some("active")),
    )
    .await;
    assert!(tokens.contains_key("access_token"), "{tokens:?}");
}

#[tokio::test]
async fn the_dev_control_takes_only_a_boolean() {
    let issuer = spawn().await;
    for body in [
        json!({}),
        json!({"blocked": "yes"}),
        json!({"blocked": true, "x": 1}),
    ] {
        let response = issuer
            .post_json("/dev/third-party-cookies", body.clone())
            .await;
        assert!(response.status().is_client_error(), "{body}");
    }
    assert_eq!(dev_state(&issuer).await["block_third_party_cookies"], false);
}
