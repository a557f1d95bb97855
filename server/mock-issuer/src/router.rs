//! The issuer's state and its router: every route, and the layers that
//! every answer goes through.

use std::{ops::Deref, sync::Arc};

use axum::{
    Router,
    extract::{DefaultBodyLimit, Request},
    http::{HeaderValue, Method, header},
    middleware::{self, Next},
    routing::{get, post},
};
use protocol::{Clock, EndpointUrl, SystemClock};
use tower_http::{
    cors::{AllowOrigin, Any, CorsLayer},
    set_header::SetResponseHeaderLayer,
    trace::TraceLayer,
};

/// Every path the issuer serves, named once for the router, the discovery
/// document and the pages that link to them.
pub mod paths {
    /// OIDC Discovery §4.
    pub const DISCOVERY: &str = "/.well-known/openid-configuration";
    /// RFC 7517 §5.
    pub const JWKS: &str = "/.well-known/jwks.json";
    /// RFC 6749 §3.1.
    pub const AUTHORIZE: &str = "/authorize";
    /// The login form of a pending request.
    pub const LOGIN: &str = "/login";
    /// The consent form of a pending request.
    pub const CONSENT: &str = "/consent";
    /// OIDC Core §5.3.
    pub const USERINFO: &str = "/userinfo";
    /// Auth0's logout.
    pub const AUTH0_LOGOUT: &str = "/v2/logout";
    /// OIDC RP-Initiated Logout §2.
    pub const END_SESSION: &str = "/oidc/logout";
    /// The answer to "Log out?".
    pub const END_SESSION_CONFIRM: &str = "/oidc/logout/confirm";
    /// The tenant, read only.
    pub const DASHBOARD: &str = "/";
    /// `{"status":"ok"}`.
    pub const HEALTH: &str = "/health";
    /// The pages' style sheet.
    pub const CSS: &str = "/assets/issuer.css";
    /// A user's picture, `/avatars/<username>.svg`.
    pub const AVATAR: &str = "/avatars/{file}";
}

use crate::{
    IssuerConfig, authorize, consent,
    cookies::CookiePolicy,
    dev,
    dev::DevSettings,
    discovery,
    events::{self, EventKind, EventLog},
    host::{self, ServedHost},
    keys::{KeyError, KeyRing},
    login, logout, params,
    request::Target,
    site,
    store::{self, Store},
    tenant::{self, Lifetimes, Tenant, TenantError},
    throttle::LoginThrottle,
    userinfo,
};

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
    /// Dev controls on a listener other machines can reach, without
    /// `dev_controls_beyond_loopback`.
    #[error(
        "the dev controls would be reachable from other machines on {0}: listen on \
         127.0.0.1, switch them off (dev_controls = false, ISSUER_DEV_CONTROLS=false), or \
         allow it with dev_controls_beyond_loopback = true"
    )]
    DevControlsExposed(std::net::SocketAddr),
    /// [`spawn`](crate::spawn) found no port to listen on.
    #[error("cannot listen on 127.0.0.1: {0}")]
    Listen(std::io::Error),
}

/// The issuer's public URLs.
#[derive(Debug, Clone)]
pub(crate) struct Urls {
    /// The issuer URL without a trailing slash, to append paths to.
    pub base: String,
    /// `scheme://host[:port]`.
    pub origin: String,
    /// The authority every request's `Host` must name.
    pub host: ServedHost,
    /// The cookies its URL allows.
    pub cookies: CookiePolicy,
    pub discovery: String,
    pub authorize: EndpointUrl,
    pub jwks: EndpointUrl,
    pub userinfo: EndpointUrl,
    pub end_session: EndpointUrl,
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
        let endpoint = |path| EndpointUrl::parse(format!("{base}{path}")).map_err(|_| bad());
        Ok(Self {
            origin: parsed.origin().ascii_serialization(),
            host: ServedHost::of(&parsed).ok_or_else(bad)?,
            cookies: CookiePolicy::of(&parsed),
            discovery: protocol::discovery_url(issuer),
            authorize: endpoint(paths::AUTHORIZE)?,
            jwks: endpoint(paths::JWKS)?,
            userinfo: endpoint(paths::USERINFO)?,
            end_session: endpoint(paths::END_SESSION)?,
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
    pub throttle: LoginThrottle,
    pub clock: Arc<dyn Clock>,
    /// Argon2 hash of a random password, checked for unknown usernames so
    /// that a login takes as long whether the user exists or not.
    pub dummy_hash: String,
    /// How its cookies are made (`__Host-` names on https; a session
    /// cookie a cross-site iframe sends where the browser allows it).
    pub cookies: CookiePolicy,
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
        cookies: urls.cookies,
        urls,
        tenant,
        keys,
        store: Store::default(),
        dev: DevSettings::default(),
        events: EventLog::default(),
        throttle: LoginThrottle::default(),
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
            paths::AUTHORIZE,
            get(authorize::authorize_get).post(authorize::authorize_post),
        )
        .route(paths::LOGIN, get(login::login_get).post(login::login_post))
        .route(
            paths::CONSENT,
            get(consent::consent_get).post(consent::consent_post),
        )
        .route(paths::AUTH0_LOGOUT, get(logout::v2_logout_get))
        .route(
            paths::END_SESSION,
            get(logout::end_session_get).post(logout::end_session_post),
        )
        .route(paths::END_SESSION_CONFIRM, post(logout::confirm_post))
        .layer(no_store());
    let userinfo = Router::new()
        .route(
            paths::USERINFO,
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
        .route(paths::DISCOVERY, get(discovery::discovery_get))
        .route(paths::JWKS, get(discovery::jwks_get))
        .layer(
            CorsLayer::new()
                .allow_origin(Any)
                .allow_methods([Method::GET]),
        );
    let site = Router::new()
        .route(paths::DASHBOARD, get(site::dashboard_get))
        .route(paths::HEALTH, get(site::health_get))
        .route(paths::CSS, get(site::css_get))
        .route(paths::AVATAR, get(site::avatar_get));

    let mut app = Router::new()
        .merge(oauth)
        .merge(userinfo)
        .merge(published)
        .merge(site);
    if config.dev_controls {
        app = app.merge(dev::routes(&web_origins, &state.urls.origin).layer(no_store()));
    }
    let served = state.urls.host.clone();
    Ok(app
        .fallback(site::not_found)
        .layer(middleware::from_fn(move |request: Request, next: Next| {
            host::guard(served.clone(), request, next)
        }))
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
