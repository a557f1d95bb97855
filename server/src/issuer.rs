//! The mock authorization server: the OpenID provider of the demo, behaving
//! like an Auth0 tenant for single-page apps (OpenID Connect Core §3.2, the
//! implicit flow; RFC 6749 §4.2).
//!
//! # Endpoints
//!
//! | route | what | spec |
//! |---|---|---|
//! | `GET /.well-known/openid-configuration` | discovery document, CORS `*` | OIDC Discovery §4 |
//! | `GET /.well-known/jwks.json` | public signing keys, CORS `*` | RFC 7517 §5 |
//! | `GET, POST /authorize` | the authorization endpoint (module `authorize`) | RFC 6749 §4.2.1, OIDC Core §3.2.2 |
//! | `GET, POST /login` | login form of a pending request | |
//! | `GET, POST /consent` | consent form of a pending request | |
//! | `GET, POST /userinfo` | claims for a bearer access token, CORS for web origins | OIDC Core §5.3, RFC 6750 |
//! | `GET /v2/logout` | Auth0's logout (`client_id`, `returnTo`) | |
//! | `GET, POST /oidc/logout` | `end_session_endpoint` | OIDC RP-Initiated Logout §2 |
//! | `POST /oidc/logout/confirm` | the answer to "Log out?", asked when the request has no `id_token_hint` of the current user | RP-Initiated Logout §2 |
//! | `GET /` | the tenant as a read-only dashboard | |
//! | `/dev/...` | dev controls, only with `dev_controls = true` ([`dev`]) | |
//!
//! # Hardening
//!
//! - Every OAuth route answers `Cache-Control: no-store` (RFC 6749 §5.1).
//! - The login and consent pages of a request answer only the browser that
//!   sent it (a cookie bound to the pending request: no login CSRF), check a
//!   CSRF token, and start a new session id at login (no session fixation).
//! - Login, consent and error pages send `Content-Security-Policy:
//!   frame-ancestors 'none'` and `X-Frame-Options: DENY` (RFC 6749 §10.13);
//!   `prompt=none` responses and the `web_message` page may be framed only
//!   by the client's registered web origins.
//! - On https both cookies have `__Host-` names (no sibling subdomain can
//!   plant a session); they are `HttpOnly` and `SameSite=Lax`.
//! - The end-session endpoint asks before ending a session unless the
//!   request carries the current user's `id_token_hint` (RP-Initiated
//!   Logout §2); `/v2/logout` does not, like Auth0's.
//! - The stores of pending requests and sessions are bounded and evict the
//!   oldest / least recently used entry rather than refusing new ones.
//! - Nothing is sent to a redirect URI before it is found, verbatim, among
//!   the client's registered callbacks; until then errors are HTML pages.
//! - Repeated parameters, bad percent-encoding, invalid UTF-8 and oversized
//!   requests get a 4xx; unknown parameters are ignored; wrong methods 405.
//! - No token, password, cookie, `state` or `nonce` value is logged: the
//!   request span has the path without its query, and events carry ids only.
//!
//! # Configuration
//!
//! [`IssuerConfig`]: `url` (the `iss`), `tenant` (a TOML file, else the
//! embedded `server/config/tenant.toml`), `data_dir` (where signing keys
//! persist), `dev_controls`.

mod authorize;
pub mod dev;
pub mod events;
pub mod keys;
mod logout;
mod pages;
mod params;
mod request;
mod respond;
mod store;
pub mod tenant;
mod tokens;
mod userinfo;

use std::{ops::Deref, sync::Arc};

use axum::{
    Json, Router,
    extract::{DefaultBodyLimit, Path, Request, State},
    http::{HeaderValue, Method, StatusCode, header},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use protocol::{Clock, ProviderMetadata, ResponseMode, ResponseType, SystemClock};
use serde_json::{Value, json};
use tower_http::{
    cors::{AllowOrigin, Any, CorsLayer},
    set_header::SetResponseHeaderLayer,
    trace::TraceLayer,
};

use self::{
    dev::DevSettings,
    events::{EventKind, EventLog},
    keys::{KeyError, KeyRing},
    request::Target,
    respond::{Framing, PageError, html},
    store::Store,
    tenant::{Lifetimes, Tenant, TenantError},
};
use crate::config::IssuerConfig;

/// Name of the single sign-on session cookie on an http issuer (this demo).
pub const SESSION_COOKIE: &str = "issuer_session";

/// The same on an https issuer: the `__Host-` prefix makes browsers refuse
/// it from any other origin, so a sibling subdomain cannot plant its own
/// session in a victim's browser (login CSRF through silent renewal).
pub const SESSION_COOKIE_HOST: &str = "__Host-issuer_session";

/// Name of the cookie that identifies the browser an authorization request
/// came from; its login and consent pages answer that browser only.
pub const BROWSER_COOKIE: &str = "issuer_browser";

/// The same on an https issuer: the `__Host-` prefix makes browsers refuse
/// it from any other origin (no `Domain`, `Secure`, `Path=/`).
pub const BROWSER_COOKIE_HOST: &str = "__Host-issuer_browser";

/// Why the authorization server cannot start.
#[derive(Debug, thiserror::Error)]
pub enum IssuerSetupError {
    /// `issuer.url` is not usable as an issuer identifier (OIDC Discovery
    /// §2: an https or, here, http URL without query or fragment).
    #[error("the issuer URL {0:?} must be an absolute http(s) URL without query or fragment")]
    Url(String),
    /// The tenant file is missing or invalid.
    #[error(transparent)]
    Tenant(#[from] TenantError),
    /// The signing keys cannot be loaded or created.
    #[error("signing keys: {0}")]
    Keys(#[from] KeyError),
}

/// The issuer's public URLs.
#[derive(Debug, Clone)]
pub(crate) struct Urls {
    /// The issuer URL without a trailing slash, to append paths to.
    pub base: String,
    /// `scheme://host[:port]`.
    pub origin: String,
    pub discovery: String,
    pub authorize: String,
    pub jwks: String,
    pub userinfo: String,
    pub end_session: String,
}

impl Urls {
    fn new(issuer: &str) -> Result<Self, IssuerSetupError> {
        let bad = || IssuerSetupError::Url(issuer.to_owned());
        let parsed = url::Url::parse(issuer).map_err(|_| bad())?;
        if !matches!(parsed.scheme(), "http" | "https")
            || parsed.query().is_some()
            || parsed.fragment().is_some()
            || parsed.host().is_none()
        {
            return Err(bad());
        }
        let base = issuer.strip_suffix('/').unwrap_or(issuer).to_owned();
        Ok(Self {
            origin: parsed.origin().ascii_serialization(),
            discovery: protocol::discovery_url(issuer),
            authorize: format!("{base}/authorize"),
            jwks: format!("{base}/.well-known/jwks.json"),
            userinfo: format!("{base}/userinfo"),
            end_session: format!("{base}/oidc/logout"),
            base,
        })
    }
}

/// Everything the handlers share.
pub(crate) struct Shared {
    /// The issuer identifier, exactly as configured: the `iss` of tokens.
    pub issuer: String,
    pub urls: Urls,
    pub tenant: Tenant,
    pub keys: KeyRing,
    pub store: Store,
    pub dev: DevSettings,
    pub events: EventLog,
    pub clock: Arc<dyn Clock>,
    /// Argon2 hash of a random password, checked for unknown usernames so
    /// that a login takes as long whether the user exists or not.
    pub dummy_hash: String,
    /// An https issuer: its cookies are `Secure` and have `__Host-` names.
    pub secure_cookies: bool,
    pub dev_controls: bool,
}

impl Shared {
    /// Now, in Unix seconds.
    pub fn now(&self) -> u64 {
        self.clock.now_secs()
    }

    /// The lifetimes in force (the dev controls may override the tenant's).
    pub fn lifetimes(&self) -> Lifetimes {
        self.dev.lifetimes(&self.tenant.lifetimes)
    }

    /// Records a decision that concerns no authorization request.
    pub fn event(&self, kind: EventKind) {
        self.event_on(None, kind);
    }

    /// Records a decision on the authorization request with this `state`
    /// (if it has one): the event carries the request's [`Tx`](protocol::Tx).
    pub fn event_on(&self, state: Option<&str>, kind: EventKind) {
        let at_ms = self.clock.now_ms();
        self.events.push(at_ms, state.map(events::tx_of), kind);
    }

    /// The web origins of the client a response goes to.
    pub fn web_origins_of(&self, target: &Target) -> &[String] {
        self.tenant
            .client(target.client_id.as_str())
            .map_or(&[], |c| c.web_origins.as_slice())
    }
}

/// The router state: cheap to clone.
#[derive(Clone)]
pub(crate) struct AppState(Arc<Shared>);

impl Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// The issuer's router, on the system clock.
pub async fn router(config: &IssuerConfig) -> Result<Router, IssuerSetupError> {
    router_with_clock(config, Arc::new(SystemClock)).await
}

/// The issuer's router with an injected clock (tests move time forward to
/// expire tokens, sessions and keys without sleeping).
pub async fn router_with_clock(
    config: &IssuerConfig,
    clock: Arc<dyn Clock>,
) -> Result<Router, IssuerSetupError> {
    let urls = Urls::new(&config.url)?;
    let tenant = Tenant::load(config.tenant.as_deref()).await?;
    let data_dir = config
        .data_dir
        .as_deref()
        .filter(|dir| !dir.as_os_str().is_empty());
    let keys = KeyRing::open(data_dir, clock.now_secs()).await?;
    let dummy_hash = tokio::task::spawn_blocking(|| tenant::hash_password(&store::random_id()))
        .await
        .map_err(|e| TenantError::Hash(e.to_string()))??;
    let web_origins = tenant.web_origins();
    let state = AppState(Arc::new(Shared {
        issuer: config.url.clone(),
        secure_cookies: urls.origin.starts_with("https://"),
        urls,
        tenant,
        keys,
        store: Store::default(),
        dev: DevSettings::default(),
        events: EventLog::default(),
        clock,
        dummy_hash,
        dev_controls: config.dev_controls,
    }));

    let no_store = || {
        SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        )
    };
    let oauth = Router::new()
        .route(
            "/authorize",
            get(authorize::authorize_get).post(authorize::authorize_post),
        )
        .route(
            "/login",
            get(authorize::login_get).post(authorize::login_post),
        )
        .route(
            "/consent",
            get(authorize::consent_get).post(authorize::consent_post),
        )
        .route("/v2/logout", get(logout::v2_logout_get))
        .route(
            "/oidc/logout",
            get(logout::end_session_get).post(logout::end_session_post),
        )
        .route("/oidc/logout/confirm", post(logout::confirm_post))
        .layer(no_store());
    let userinfo = Router::new()
        .route(
            "/userinfo",
            get(userinfo::userinfo_get).post(userinfo::userinfo_get),
        )
        .layer(no_store())
        .layer(
            CorsLayer::new()
                .allow_origin(AllowOrigin::list(
                    web_origins
                        .iter()
                        .filter_map(|o| HeaderValue::from_str(o).ok()),
                ))
                .allow_methods([Method::GET, Method::POST])
                .allow_headers([header::AUTHORIZATION])
                .expose_headers([header::WWW_AUTHENTICATE]),
        );
    let published = Router::new()
        .route("/.well-known/openid-configuration", get(discovery_get))
        .route("/.well-known/jwks.json", get(jwks_get))
        .layer(
            CorsLayer::new()
                .allow_origin(Any)
                .allow_methods([Method::GET]),
        );
    let site = Router::new()
        .route("/", get(dashboard_get))
        .route("/health", get(health_get))
        .route("/assets/issuer.css", get(css_get))
        .route("/avatars/{file}", get(avatar_get));

    let mut app = Router::new()
        .merge(oauth)
        .merge(userinfo)
        .merge(published)
        .merge(site);
    if config.dev_controls {
        app = app.merge(dev::routes(&web_origins, &state.urls.origin).layer(no_store()));
    }
    Ok(app
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(params::MAX_BYTES))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(
            // The path only: queries carry state, nonce and request ids.
            TraceLayer::new_for_http().make_span_with(|request: &Request| {
                tracing::info_span!(
                    "issuer",
                    method = %request.method(),
                    path = %request.uri().path()
                )
            }),
        )
        .with_state(state))
}

/// OpenID Connect Discovery §3: what a client needs to know, from the
/// issuer URL alone.
fn metadata(state: &Shared) -> ProviderMetadata {
    let mut scopes: Vec<String> = tenant::OIDC_SCOPES
        .iter()
        .map(|(s, _)| (*s).to_owned())
        .collect();
    scopes.extend(
        state
            .tenant
            .apis
            .iter()
            .flat_map(|api| api.scopes.iter().map(|s| s.scope.to_string())),
    );
    // Two APIs may define a scope alike; list it once, OIDC scopes first.
    let mut seen = std::collections::HashSet::new();
    scopes.retain(|scope| seen.insert(scope.clone()));
    ProviderMetadata {
        issuer: state.issuer.clone(),
        authorization_endpoint: state.urls.authorize.clone(),
        // Only the implicit flow: Discovery §3 then allows no token endpoint.
        token_endpoint: None,
        userinfo_endpoint: Some(state.urls.userinfo.clone()),
        jwks_uri: state.urls.jwks.clone(),
        end_session_endpoint: Some(state.urls.end_session.clone()),
        scopes_supported: scopes,
        response_types_supported: [
            ResponseType::Token,
            ResponseType::IdToken,
            ResponseType::IdTokenToken,
        ]
        .iter()
        .map(|r| r.as_str().to_owned())
        .collect(),
        response_modes_supported: Some(
            [ResponseMode::Fragment, ResponseMode::WebMessage]
                .iter()
                .map(|m| m.as_str().to_owned())
                .collect(),
        ),
        grant_types_supported: Some(vec!["implicit".into()]),
        subject_types_supported: vec!["public".into()],
        // Never `none` (OIDC Core §3.2.2.11 forbids unsigned ID tokens here).
        id_token_signing_alg_values_supported: vec!["RS256".into()],
        claims_supported: [
            "sub",
            "iss",
            "aud",
            "exp",
            "iat",
            "auth_time",
            "nonce",
            "at_hash",
            "name",
            "nickname",
            "preferred_username",
            "picture",
            "email",
            "email_verified",
        ]
        .iter()
        .map(|c| (*c).to_owned())
        .collect(),
        request_parameter_supported: Some(false),
        request_uri_parameter_supported: Some(false),
    }
}

async fn discovery_get(State(state): State<AppState>) -> Response {
    let mut response = Json(metadata(&state)).into_response();
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=300"),
    );
    response
}

async fn jwks_get(State(state): State<AppState>) -> Response {
    let mut response = Json(state.keys.jwks(state.now())).into_response();
    // Clients may keep the keys for five minutes: the next key is published
    // a rotation before it signs, and a client that meets an unknown kid
    // reads the keys again anyway (past its cache).
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=300"),
    );
    response
}

async fn dashboard_get(State(state): State<AppState>) -> Response {
    let keys = state.keys.describe(state.now());
    html(
        StatusCode::OK,
        pages::dashboard(&state, &keys, state.dev_controls),
        Framing::Deny,
    )
}

async fn health_get() -> Json<Value> {
    Json(json!({ "status": "ok", "service": "authorization server" }))
}

async fn css_get() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("issuer/assets/issuer.css"),
    )
        .into_response()
}

async fn avatar_get(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    let user = file
        .strip_suffix(".svg")
        .and_then(|username| state.tenant.user(username));
    match user {
        Some(user) => (
            [
                (header::CONTENT_TYPE, "image/svg+xml"),
                (header::CACHE_CONTROL, "public, max-age=3600"),
                (header::CONTENT_SECURITY_POLICY, "default-src 'none'"),
            ],
            pages::avatar_svg(user),
        )
            .into_response(),
        None => PageError::NotFound.into_response(),
    }
}

async fn not_found() -> PageError {
    PageError::NotFound
}
