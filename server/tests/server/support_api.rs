//! The demo API against a stand-in issuer (`test-issuer`), with a clock
//! the test moves, and typed helpers to call the router without a socket.

use std::{sync::Arc, time::Duration};

use axum::{
    Router,
    body::{Body, to_bytes},
    http::{HeaderMap, Request, StatusCode, header},
};
use bearer_auth::{BearerConfig, Clock, ManualClock, SystemClock};
use serde_json::Value;
use server::config::ApiConfig;
use test_issuer::{TestIssuer, TokenBuilder};
use tower::ServiceExt;

/// The API identifier the tests configure (the `aud` of good tokens).
pub const AUDIENCE: &str = "https://api.test/";
/// The SPA origin the tests allow.
pub const SPA_ORIGIN: &str = "http://localhost:3000";

/// The API under test and the issuer it trusts.
pub struct TestApi {
    pub issuer: TestIssuer,
    pub router: Router,
    pub clock: Arc<ManualClock>,
    pub config: ApiConfig,
}

/// The API with the default settings against a fresh test issuer.
pub async fn spawn_api() -> TestApi {
    spawn_api_with(|_| {}).await
}

/// The API with settings adjusted by `adjust`.
pub async fn spawn_api_with(adjust: impl FnOnce(&mut ApiConfig)) -> TestApi {
    let issuer = TestIssuer::start().await;
    let mut config = ApiConfig {
        token: BearerConfig::new(issuer.url(), AUDIENCE),
        allowed_origins: vec![SPA_ORIGIN.to_owned()],
        ..ApiConfig::default()
    };
    adjust(&mut config);
    let clock = Arc::new(ManualClock::at_now_of(&SystemClock));
    let router = server::api::router_with_clock(&config, clock.clone())
        .await
        .unwrap();
    TestApi {
        issuer,
        router,
        clock,
        config,
    }
}

impl TestApi {
    pub fn now(&self) -> u64 {
        self.clock.now_secs()
    }

    pub fn advance(&self, secs: u64) {
        self.clock.advance(Duration::from_secs(secs));
    }

    /// A good access token, to sign as it is or to spoil first.
    pub fn token(&self) -> TokenBuilder {
        TokenBuilder::access_token(
            self.issuer.url(),
            &self.config.token.audience,
            &self.issuer.key(),
            self.now(),
        )
    }

    /// A good access token, signed by the issuer's current key.
    pub fn valid_token(&self) -> String {
        self.token().sign(&self.issuer.key())
    }

    /// `GET path` with `Authorization: Bearer token`.
    pub async fn get(&self, path: &str, token: &str) -> TestResponse {
        self.get_with(path, &[&format!("Bearer {token}")]).await
    }

    /// `GET path` with these `Authorization` header values (none, one, several).
    pub async fn get_with(&self, path: &str, authorization: &[&str]) -> TestResponse {
        let mut request = Request::get(path);
        for value in authorization {
            request = request.header(header::AUTHORIZATION, *value);
        }
        self.send(request.body(Body::empty()).unwrap()).await
    }

    /// `POST path` with a bearer token and a JSON body.
    pub async fn post_json(&self, path: &str, token: &str, body: &str) -> TestResponse {
        let request = Request::post(path)
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_owned()))
            .unwrap();
        self.send(request).await
    }

    pub async fn send(&self, request: Request<Body>) -> TestResponse {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let body = to_bytes(response.into_body(), 1 << 20).await.unwrap();
        TestResponse {
            status,
            headers,
            body: String::from_utf8(body.to_vec()).unwrap(),
        }
    }
}

/// What a client of the API observes.
#[derive(Debug)]
pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl TestResponse {
    /// The body as JSON; panics (fails the test) when it is not JSON.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", self.body))
    }

    /// The `WWW-Authenticate` challenge, if any.
    pub fn challenge(&self) -> Option<&str> {
        self.headers
            .get(header::WWW_AUTHENTICATE)
            .map(|v| v.to_str().unwrap())
    }

    pub fn header(&self, name: header::HeaderName) -> Option<&str> {
        self.headers.get(name).map(|v| v.to_str().unwrap())
    }

    /// Asserts RFC 6750's 401 `invalid_token`, with a JSON body that gives
    /// no detail beyond the code.
    #[track_caller]
    pub fn assert_invalid_token(&self) {
        assert_eq!(self.status, StatusCode::UNAUTHORIZED, "{self:?}");
        assert_eq!(
            self.challenge(),
            Some(format!("Bearer realm=\"{AUDIENCE}\", error=\"invalid_token\"").as_str()),
            "{self:?}"
        );
        assert_eq!(self.json()["error"], "invalid_token", "{self:?}");
    }

    /// Asserts a 200 whose body names the test user.
    #[track_caller]
    pub fn assert_ok_for_alice(&self) {
        assert_eq!(self.status, StatusCode::OK, "{self:?}");
        assert_eq!(self.json()["sub"], "user|alice", "{self:?}");
    }
}
