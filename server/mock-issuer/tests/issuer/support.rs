//! Helpers for the issuer's integration tests: a real issuer on 127.0.0.1:0
//! driven by a client that keeps cookies and never follows redirects (so a
//! test reads every `Location`), and token decoding with the published JWKS
//! through `jsonwebtoken`, as a client would.

use std::{
    collections::HashMap,
    path::PathBuf,
    sync::Arc,
    time::{SystemTime, UNIX_EPOCH},
};

use axum::{
    Router,
    body::{Body, to_bytes},
    http::{Request, StatusCode},
};
use jsonwebtoken::{Algorithm, DecodingKey, TokenData, Validation, jwk::JwkSet};
use mock_issuer::IssuerConfig;
use protocol::{Clock, ManualClock};
use serde_json::Value;
use tower::ServiceExt;
use url::form_urlencoded;

pub const CLIENT_ID: &str = "demo-spa";
pub const CALLBACK: &str = "http://localhost:3000/callback";
pub const SILENT_CALLBACK: &str = "http://localhost:3000/silent-callback.html";
pub const SPA_ORIGIN: &str = "http://localhost:3000";
pub const API: &str = "http://localhost:8000/api";

/// A config for tests: keys in memory, dev controls on.
pub fn config(url: &str) -> IssuerConfig {
    IssuerConfig {
        url: url.to_owned(),
        data_dir: None,
        dev_controls: true,
        ..IssuerConfig::default()
    }
}

/// A fresh temporary directory, removed with everything in it when dropped.
pub struct TempDir(PathBuf);

impl std::ops::Deref for TempDir {
    type Target = std::path::Path;
    fn deref(&self) -> &std::path::Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A fresh temporary directory named after `name`.
pub fn temp_dir(name: &str) -> TempDir {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let dir =
        std::env::temp_dir().join(format!("issuer-test-{name}-{}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    TempDir(dir)
}

/// Unix seconds now.
pub fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// A running issuer with a client.
pub struct TestIssuer {
    /// `http://127.0.0.1:<port>`: also the `iss`.
    pub base: String,
    /// Keeps cookies, follows no redirect.
    pub client: reqwest::Client,
    /// The issuer's clock, starting at the real time (so `jsonwebtoken`,
    /// which reads the system clock, agrees until a test moves it).
    pub clock: Arc<ManualClock>,
}

/// Starts an issuer with the embedded tenant.
pub async fn spawn() -> TestIssuer {
    spawn_with(|_| {}).await
}

/// Starts an issuer after `adjust` changes its config.
pub async fn spawn_with(adjust: impl FnOnce(&mut IssuerConfig)) -> TestIssuer {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let mut config = config(&base);
    adjust(&mut config);
    let clock = Arc::new(ManualClock::at_secs(now_secs()));
    let router = mock_issuer::router_with_clock(&config, clock.clone() as Arc<dyn Clock>)
        .await
        .unwrap();
    let service = router.into_make_service_with_connect_info::<std::net::SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, service).await.unwrap() });
    TestIssuer {
        base,
        client: new_client(),
        clock,
    }
}

/// A browser-like client: cookies, no redirects.
pub fn new_client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The default authorization request: `id_token token` for demo-spa.
pub fn request() -> Vec<(&'static str, String)> {
    vec![
        ("response_type", "id_token token".into()),
        ("client_id", CLIENT_ID.into()),
        ("redirect_uri", CALLBACK.into()),
        ("scope", "openid profile email read:messages".into()),
        ("audience", API.into()),
        ("state", format!("state-{}", random())),
        ("nonce", format!("nonce-{}", random())),
    ]
}

/// `params` with `name` set to `value` (added if absent).
pub fn with(
    mut params: Vec<(&'static str, String)>,
    name: &'static str,
    value: &str,
) -> Vec<(&'static str, String)> {
    match params.iter_mut().find(|(n, _)| *n == name) {
        Some(slot) => slot.1 = value.to_owned(),
        None => params.push((name, value.to_owned())),
    }
    params
}

/// `params` without `name`.
pub fn without(mut params: Vec<(&'static str, String)>, name: &str) -> Vec<(&'static str, String)> {
    params.retain(|(n, _)| *n != name);
    params
}

/// The value of `name` in `params`.
pub fn param<'a>(params: &'a [(&'static str, String)], name: &str) -> &'a str {
    &params.iter().find(|(n, _)| *n == name).unwrap().1
}

fn random() -> u64 {
    rand::random()
}

/// Form-encodes pairs.
pub fn encode<K: AsRef<str>, V: AsRef<str>>(pairs: &[(K, V)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs.iter().map(|(k, v)| (k.as_ref(), v.as_ref())))
        .finish()
}

/// The `Location` header.
pub fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .unwrap_or_else(|| panic!("no Location in a {} response", response.status()))
        .to_str()
        .unwrap()
        .to_owned()
}

/// The parameters of a URL's fragment; panics if `url` is not under `prefix`.
pub fn fragment(url: &str, prefix: &str) -> HashMap<String, String> {
    let (before, after) = url
        .split_once('#')
        .unwrap_or_else(|| panic!("no fragment in {url}"));
    assert_eq!(before, prefix, "redirected to the wrong place");
    form_urlencoded::parse(after.as_bytes())
        .into_owned()
        .collect()
}

/// The `value` of the hidden input `name` of a page.
pub fn hidden(html: &str, name: &str) -> String {
    let marker = format!(r#"name="{name}" value=""#);
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name} in {html}"))
        + marker.len();
    let end = start + html[start..].find('"').unwrap();
    html[start..end].to_owned()
}

/// The login form of the page `html`, filled in with `username` and
/// `password`.
pub fn login_form(html: &str, username: &str, password: &str) -> Vec<(&'static str, String)> {
    vec![
        ("request", hidden(html, "request")),
        ("csrf", hidden(html, "csrf")),
        ("username", username.to_owned()),
        ("password", password.to_owned()),
    ]
}

impl TestIssuer {
    /// An absolute URL on the issuer.
    pub fn url(&self, path: &str) -> String {
        if path.starts_with("http") {
            path.to_owned()
        } else {
            format!("{}{path}", self.base)
        }
    }

    /// `GET path` with this client.
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.unwrap()
    }

    /// `POST path` with a form body.
    pub async fn post_form<K: AsRef<str>, V: AsRef<str>>(
        &self,
        path: &str,
        form: &[(K, V)],
    ) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(encode(form))
            .send()
            .await
            .unwrap()
    }

    /// `POST path` with a JSON body (the dev controls).
    pub async fn post_json(&self, path: &str, json: Value) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .json(&json)
            .send()
            .await
            .unwrap()
    }

    /// `GET /authorize?params`.
    pub async fn authorize(&self, params: &[(&'static str, String)]) -> reqwest::Response {
        self.get(&format!("/authorize?{}", encode(params))).await
    }

    /// On the login page `login_url`, submits `username` and `password`.
    pub async fn log_in(
        &self,
        login_url: &str,
        username: &str,
        password: &str,
    ) -> reqwest::Response {
        let page = self.get(login_url).await;
        assert_eq!(page.status(), StatusCode::OK, "the login page is shown");
        let html = page.text().await.unwrap();
        self.post_form("/login", &login_form(&html, username, password))
            .await
    }

    /// On the consent page `consent_url`, answers `decision`.
    pub async fn answer_consent(&self, consent_url: &str, decision: &str) -> reqwest::Response {
        let page = self.get(consent_url).await;
        assert_eq!(page.status(), StatusCode::OK, "the consent page is shown");
        let html = page.text().await.unwrap();
        self.post_form(
            "/consent",
            &[
                ("request", hidden(&html, "request")),
                ("csrf", hidden(&html, "csrf")),
                ("decision", decision.to_owned()),
            ],
        )
        .await
    }

    /// A first authorization: authorize → login as alice → allow; returns
    /// the fragment at the callback.
    pub async fn first_authorization(
        &self,
        params: &[(&'static str, String)],
    ) -> HashMap<String, String> {
        let response = self.authorize(params).await;
        assert_eq!(response.status(), StatusCode::FOUND);
        let login = location(&response);
        assert!(login.starts_with("/login?request="), "{login}");
        let response = self.log_in(&login, "alice", "wonderland").await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let consent = location(&response);
        assert!(consent.starts_with("/consent?request="), "{consent}");
        let response = self.answer_consent(&consent, "allow").await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        fragment(&location(&response), param(params, "redirect_uri"))
    }

    /// An authorization that needs no page (session and consent exist):
    /// the fragment of the immediate redirect.
    pub async fn silent_authorization(
        &self,
        params: &[(&'static str, String)],
    ) -> HashMap<String, String> {
        let response = self.authorize(params).await;
        assert_eq!(response.status(), StatusCode::FOUND);
        fragment(&location(&response), param(params, "redirect_uri"))
    }

    /// The published JWKS, read as `jsonwebtoken` reads it.
    pub async fn jwks(&self) -> JwkSet {
        self.get("/.well-known/jwks.json")
            .await
            .json()
            .await
            .unwrap()
    }

    /// The published JWKS as the client reads it (`protocol`'s types).
    pub async fn client_jwks(&self) -> protocol::JwkSet {
        self.get("/.well-known/jwks.json")
            .await
            .json()
            .await
            .unwrap()
    }

    /// Verifies `token` with the published JWKS (RS256 only, no leeway) for
    /// `audience`, and returns its header and claims.
    pub async fn decode(
        &self,
        token: &str,
        audience: &str,
    ) -> Result<TokenData<Value>, jsonwebtoken::errors::Error> {
        let header = jsonwebtoken::decode_header(token)?;
        let jwks = self.jwks().await;
        let kid = header.kid.expect("every token names its key");
        let jwk = jwks
            .find(&kid)
            .unwrap_or_else(|| panic!("kid {kid} is not published"));
        let key = DecodingKey::from_jwk(jwk)?;
        let mut validation = Validation::new(Algorithm::RS256);
        validation.leeway = 0;
        validation.set_issuer(&[&self.base]);
        validation.set_audience(&[audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        jsonwebtoken::decode(token, &key, &validation)
    }
}

/// A response of the router driven without a socket.
pub struct Oneshot {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

/// Sends `request` to a fresh issuer router (embedded tenant, dev
/// controls on) and reads the whole response.
pub async fn oneshot(request: Request<Body>) -> Oneshot {
    oneshot_with(router().await, request).await
}

/// An issuer router for `oneshot`.
pub async fn router() -> Router {
    mock_issuer::router(&config("http://localhost:9000"))
        .await
        .unwrap()
}

/// Sends `request` to `router`, with the `Host` of [`router`]'s issuer
/// unless it names one (as every HTTP/1.1 client does).
pub async fn oneshot_with(router: Router, mut request: Request<Body>) -> Oneshot {
    if request.uri().authority().is_none() {
        request
            .headers_mut()
            .entry(axum::http::header::HOST)
            .or_insert(axum::http::HeaderValue::from_static("localhost:9000"));
    }
    let response = router.oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = to_bytes(response.into_body(), 1 << 20).await.unwrap();
    Oneshot {
        status,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    }
}

/// `GET uri` (a raw URI: tests put malformed encodings in it).
pub fn get_request(uri: &str) -> Request<Body> {
    Request::get(uri).body(Body::empty()).unwrap()
}

/// The header's value, or "".
pub fn header<'a>(headers: &'a axum::http::HeaderMap, name: &str) -> &'a str {
    headers.get(name).map_or("", |v| v.to_str().unwrap())
}

/// The error of a redirect to `callback` (no token may come with it).
pub async fn error_at(response: reqwest::Response, callback: &str) -> String {
    assert_eq!(response.status(), StatusCode::FOUND);
    let params = fragment(&location(&response), callback);
    assert!(!params.contains_key("access_token"));
    params["error"].clone()
}

/// The session cookie a response sets, if any.
pub fn set_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with(&format!("{}=", mock_issuer::SESSION_COOKIE)))
}

/// SHA-256 of `text`.
pub fn sha256(text: &str) -> Vec<u8> {
    aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, text.as_bytes())
        .as_ref()
        .to_vec()
}

/// Arms a dev-control fault.
pub async fn arm(issuer: &TestIssuer, fault: Value) {
    let response = issuer.post_json("/dev/faults", fault).await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "{:?}",
        response.text().await
    );
}

/// `GET /dev/state`.
pub async fn dev_state(issuer: &TestIssuer) -> Value {
    issuer.get("/dev/state").await.json().await.unwrap()
}

/// What the SPA's client decides about `id_token` (answering a request
/// with `nonce`, next to `access_token`), made here with the same
/// `protocol` checks in the same order: the algorithm, the key (by `kid`,
/// or the only one when there is none), the RS256 signature, the claims.
/// `Err` names the first check that refused it.
pub async fn client_verdict(
    issuer: &TestIssuer,
    id_token: &str,
    access_token: &str,
    nonce: &str,
) -> Result<(), protocol::IdTokenCheck> {
    use protocol::{CompactJws, IdTokenCheck as C, IdTokenClaims, IdTokenExpectations, Nonce};
    let jws = CompactJws::<IdTokenClaims>::parse(id_token).map_err(|_| C::Signature)?;
    protocol::check_algorithm(&jws.header).map_err(|f| f.check)?;
    let keys = issuer.client_jwks().await;
    let mut usable = keys.keys.iter().filter(|k| k.is_rs256_signing_key());
    let key = match jws.header.kid.as_deref() {
        Some(kid) => usable.find(|k| k.kid.as_deref() == Some(kid)),
        None => match (usable.next(), usable.next()) {
            (Some(only), None) => Some(only),
            _ => None,
        },
    };
    let (n, e) = key.and_then(|k| k.rsa_components()).ok_or(C::Signature)?;
    aws_lc_rs::signature::RsaPublicKeyComponents { n, e }
        .verify(
            &aws_lc_rs::signature::RSA_PKCS1_2048_8192_SHA256,
            jws.signing_input.as_bytes(),
            &jws.signature,
        )
        .map_err(|_| C::Signature)?;
    let nonce = Nonce::new(nonce);
    let access_sha256 = sha256(access_token);
    let expectations = IdTokenExpectations {
        issuer: &issuer.base,
        client_id: CLIENT_ID,
        nonce: &nonce,
        access_token_sha256: Some(&access_sha256),
        now: issuer.clock.now_secs(),
        clock_skew: 60,
        max_age_of_iat: 600,
    };
    protocol::check_claims(&jws.claims, &expectations)
        .map(drop)
        .map_err(|refused| refused.failure.check)
}
