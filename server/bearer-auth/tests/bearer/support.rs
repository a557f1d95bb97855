//! A router protected by this crate alone, the stand-in issuer it trusts,
//! a clock the test moves, and typed helpers to call the router without a
//! socket.

use std::{sync::Arc, time::Duration};

use axum::{
    Json, Router,
    body::{Body, to_bytes},
    http::{HeaderMap, Request, StatusCode, header},
    routing::get,
};
use bearer_auth::{
    Authenticated, Authorized, BearerAuth, BearerConfig, Clock, ManualClock, RequiredScope,
    SystemClock,
};
use serde_json::{Value, json};
use test_issuer::{TestIssuer, TokenBuilder};
use tower::ServiceExt;

/// The API identifier the tests configure (the `aud` of good tokens).
pub const AUDIENCE: &str = "https://api.test/";
/// Any valid access token.
pub const PRIVATE: &str = "/private";
/// A valid access token with `read:messages`.
pub const SCOPED: &str = "/scoped";

struct ReadMessages;

impl RequiredScope for ReadMessages {
    const SCOPE: &'static str = "read:messages";
}

async fn private_get(Authenticated(claims): Authenticated) -> Json<Value> {
    Json(json!({ "sub": claims.sub }))
}

async fn scoped_get(auth: Authorized<ReadMessages>) -> Json<Value> {
    Json(json!({ "sub": auth.claims.sub }))
}

/// The protected router and the issuer it trusts.
pub struct TestApi {
    pub issuer: TestIssuer,
    pub router: Router,
    pub clock: Arc<ManualClock>,
    pub config: BearerConfig,
}

/// With the default settings, against a fresh stand-in issuer.
pub async fn spawn_api() -> TestApi {
    spawn_api_with(|_| {}).await
}

/// With settings adjusted by `adjust`.
pub async fn spawn_api_with(adjust: impl FnOnce(&mut BearerConfig)) -> TestApi {
    let issuer = TestIssuer::start().await;
    let mut config = BearerAuth::builder(issuer.url(), AUDIENCE);
    adjust(&mut config);
    let clock = Arc::new(ManualClock::at_now_of(&SystemClock));
    let auth = config.clone().build_with_clock(clock.clone()).unwrap();
    let router = Router::new()
        .route(PRIVATE, get(private_get))
        .route(SCOPED, get(scoped_get))
        .with_state(auth);
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
            &self.config.audience,
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
