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
//! - Every route answers only requests whose `Host` is the issuer URL's
//!   authority (421 otherwise): no DNS rebinding.
//! - Every OAuth route answers `Cache-Control: no-store` (RFC 6749 §5.1).
//! - Password checks are bounded, and repeated failures per username and
//!   per client address are slowed, then answered 429 with `Retry-After`
//!   (RFC 6749 §10.10; module `throttle`).
//! - A logout removes the session cookies only when they were sent: one
//!   that arrives without them (a cross-site POST carries no
//!   `SameSite=Lax` cookie) changes none. Without the current user's
//!   `id_token_hint` it only asks "Log out?", so a cross-site POST that does
//!   carry the `SameSite=None` session cookie ends nothing either.
//! - The login and consent pages of a request answer only the browser that
//!   sent it (a cookie bound to the pending request: no login CSRF), check a
//!   CSRF token, and start a new session id at login (no session fixation).
//! - Login, consent and error pages send `Content-Security-Policy:
//!   frame-ancestors 'none'` and `X-Frame-Options: DENY` (RFC 6749 §10.13);
//!   `prompt=none` responses and the `web_message` page may be framed only
//!   by the client's registered web origins.
//! - On https both cookies have `__Host-` names (no sibling subdomain can
//!   plant a session); both are `HttpOnly`. The browser cookie is
//!   `SameSite=Lax`; the session cookie is `SameSite=None; Secure` wherever
//!   the browser allows it (https, or http on loopback), so that a client on
//!   another site renews in a hidden iframe, with a `SameSite=Lax` copy on
//!   http for browsers that take no `Secure` cookie there.
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
//! # Use
//!
//! [`IssuerConfig`]: `url` (the `iss`), `tenant` (a TOML file, else the
//! embedded `server/mock-issuer/tenant.toml`, whose every key is
//! documented), `data_dir` (where signing keys persist), `dev_controls`.
//! [`router`] gives the axum router to serve; a test, this one's or another
//! project's, starts a whole issuer on a free port with [`spawn`]:
//!
//! ```no_run
//! # async fn example() -> Result<(), mock_issuer::IssuerSetupError> {
//! let issuer = mock_issuer::spawn(mock_issuer::IssuerConfig::for_tests()).await?;
//! let discovery = format!("{}/.well-known/openid-configuration", issuer.url());
//! // ... point the client or the API under test at issuer.url() ...
//! issuer.stop().await;
//! # let _ = discovery; Ok(()) }
//! ```

mod authorize;
mod config;
mod consent;
mod cookies;
pub mod dev;
mod discovery;
pub mod events;
mod host;
mod issue;
pub mod keys;
mod login;
mod logout;
mod pages;
mod params;
mod request;
mod respond;
mod router;
mod site;
mod spawn;
mod store;
pub mod tenant;
mod third_party;
mod throttle;
mod tokens;
mod userinfo;

pub use config::IssuerConfig;
pub(crate) use router::{AppState, Shared, paths};
pub use router::{IssuerSetupError, router, router_with_clock};
pub use spawn::{SpawnedIssuer, spawn};

/// Name of the single sign-on session cookie on an http issuer (this demo).
pub const SESSION_COOKIE: &str = "issuer_session";

/// The same on an https issuer: the `__Host-` prefix makes browsers refuse
/// it from any other origin, so a sibling subdomain cannot plant its own
/// session in a victim's browser (login CSRF through silent renewal).
pub const SESSION_COOKIE_HOST: &str = "__Host-issuer_session";

/// The `SameSite=Lax` copy of the session cookie on an http loopback
/// issuer, whose session cookie is `SameSite=None; Secure`: for browsers
/// that take no `Secure` cookie over http.
pub const SESSION_COOKIE_LAX: &str = "issuer_session_lax";

/// Name of the cookie that identifies the browser an authorization request
/// came from; its login and consent pages answer that browser only.
pub const BROWSER_COOKIE: &str = "issuer_browser";

/// The same on an https issuer: the `__Host-` prefix makes browsers refuse
/// it from any other origin (no `Domain`, `Secure`, `Path=/`).
pub const BROWSER_COOKIE_HOST: &str = "__Host-issuer_browser";
