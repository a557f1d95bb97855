//! Who may reach the issuer: only requests that name its own host (no DNS
//! rebinding), and its dev controls only on a loopback listener unless
//! allowed beyond it.

use crate::support::*;
use axum::{
    body::Body,
    http::{Request, StatusCode, Version},
};
use mock_issuer::{IssuerConfig, IssuerSetupError};
use tower::ServiceExt;

fn to(path: &str, host: Option<&str>) -> Request<Body> {
    let mut request = Request::get(path);
    if let Some(host) = host {
        request = request.header("host", host);
    }
    request.body(Body::empty()).unwrap()
}

#[tokio::test]
async fn a_request_for_another_host_is_refused_on_every_route() {
    let router = router().await; // http://localhost:9000
    for path in [
        "/health",
        "/.well-known/openid-configuration",
        "/.well-known/jwks.json",
        "/authorize",
        "/dev/state",
        "/dev/events",
        "/no-such-page",
    ] {
        // A rebound name, the right name on another port, an IP literal.
        for host in ["attacker.example:9000", "localhost:9001", "127.0.0.1:9000"] {
            let response = oneshot_with(router.clone(), to(path, Some(host))).await;
            assert_eq!(
                response.status,
                StatusCode::MISDIRECTED_REQUEST,
                "{path} {host}"
            );
            assert!(
                response.body.contains("localhost:9000"),
                "{}",
                response.body
            );
        }
    }
    // `oneshot_with` would add the Host a client sends: not here.
    let response = router
        .clone()
        .oneshot(to("/dev/state", None))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST, "no Host at all");
    let response = oneshot_with(router.clone(), to("/dev/state", Some("not a host"))).await;
    assert_eq!(response.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_request_for_the_issuers_own_host_is_served() {
    let router = router().await;
    for host in ["localhost:9000", "LOCALHOST:9000"] {
        let response = oneshot_with(router.clone(), to("/dev/state", Some(host))).await;
        assert_eq!(response.status, StatusCode::OK, "{host}");
    }
    // HTTP/2 names the host in `:authority`, which becomes the URI's.
    let request = Request::get("http://localhost:9000/health")
        .version(Version::HTTP_2)
        .body(Body::empty())
        .unwrap();
    assert_eq!(oneshot_with(router, request).await.status, StatusCode::OK);

    // Without a port in the URL, a Host without one means the default port.
    let router = mock_issuer::router(&config("https://idp.test"))
        .await
        .unwrap();
    for (host, status) in [
        ("idp.test", StatusCode::OK),
        ("idp.test:443", StatusCode::OK),
        ("idp.test:80", StatusCode::MISDIRECTED_REQUEST),
    ] {
        let response = oneshot_with(router.clone(), to("/health", Some(host))).await;
        assert_eq!(response.status, status, "{host}");
    }
}

#[test]
fn dev_controls_need_a_loopback_listener_unless_allowed_beyond_it() {
    let config = IssuerConfig::for_tests();
    for addr in ["127.0.0.1:9000", "[::1]:9000"] {
        assert!(
            config.check_listen_addr(addr.parse().unwrap()).is_ok(),
            "{addr}"
        );
    }
    for addr in ["0.0.0.0:9000", "[::]:9000", "192.168.1.20:9000"] {
        let error = config.check_listen_addr(addr.parse().unwrap()).unwrap_err();
        assert!(
            matches!(error, IssuerSetupError::DevControlsExposed(_)),
            "{addr}"
        );
        assert!(error.to_string().contains("dev_controls_beyond_loopback"));
    }
    let allowed = IssuerConfig {
        dev_controls_beyond_loopback: true,
        ..IssuerConfig::for_tests()
    };
    assert!(
        allowed
            .check_listen_addr("0.0.0.0:9000".parse().unwrap())
            .is_ok()
    );
    let without = IssuerConfig {
        dev_controls: false,
        ..IssuerConfig::for_tests()
    };
    assert!(
        without
            .check_listen_addr("0.0.0.0:9000".parse().unwrap())
            .is_ok()
    );
}
