//! Bearer-token authentication for an axum resource server: RFC 6750 on the
//! wire, RFC 9068 and RFC 8725 for what a JWT access token must be.
//!
//! The API knows two things, the issuer URL and its own identifier (the
//! audience); the keys come from the issuer's discovery document and JWKS.
//! A handler says what it needs in its signature, and the extractor is the
//! whole authentication boundary:
//!
//! ```no_run
//! use axum::{Router, routing::get};
//! use bearer_auth::{Authenticated, Authorized, BearerAuth, RequiredScope};
//!
//! /// The scope a route needs, as a type.
//! struct ReadMessages;
//! impl RequiredScope for ReadMessages {
//!     const SCOPE: &'static str = "read:messages";
//! }
//!
//! async fn private_get(Authenticated(claims): Authenticated) -> String {
//!     format!("hello, {}", claims.sub)
//! }
//!
//! async fn messages_get(auth: Authorized<ReadMessages>) -> String {
//!     format!("the messages of {}", auth.claims.sub)
//! }
//!
//! # fn main() -> Result<(), bearer_auth::BearerSetupError> {
//! let auth = BearerAuth::builder("https://tenant.example.com/", "https://api.example.com")
//!     .build()?;
//! let app: Router = Router::new()
//!     .route("/private", get(private_get))
//!     .route("/messages", get(messages_get))
//!     // With a larger state, implement `FromRef<YourState> for BearerAuth`.
//!     .with_state(auth);
//! # Ok(()) }
//! ```
//!
//! [`BearerConfig`] has the defaults (RS256, `typ` `at+jwt`, 30 s of
//! leeway, keys trusted for 10 minutes) and is `Deserialize`, so it can sit
//! in an API's own configuration file. `server/minimal-api` is a whole API
//! built on this crate alone.
//!
//! # What is checked, in order
//!
//! 1. **Where the token is** (RFC 6750 §2.1): the `Authorization` header
//!    only, scheme `Bearer` in any case, one header, one `b64token`. No
//!    header or another scheme is a request without credentials (401, a bare
//!    challenge, §3.1); two headers, an empty or a two-part token, or an
//!    `access_token` query parameter is `invalid_request` (400).
//! 2. **Its shape**: at most [`MAX_TOKEN_BYTES`], three base64url parts (a
//!    JWS in compact form, not a JWE), a header that is JSON.
//! 3. **Its header** (RFC 8725 §3.1, RFC 9068 §4, RFC 7515 §4.1.11): `alg`
//!    in the configured allow-list (so `none` and HS256 never verify); `typ`
//!    `at+jwt` by default, so an ID token cannot pass for an access token;
//!    a `kid`; no `jku`, `x5u`, `jwk` or `x5c` (keys come from the issuer's
//!    JWKS, never from the token); no `crit`.
//! 4. **Its signature**, with the issuer's key of that `kid` ([`jwks`]),
//!    whose own `alg`, if set, must match.
//! 5. **Its claims** (RFC 9068 §2.2, §4): `iss` equal to the configured
//!    issuer, `aud` containing this API's identifier, `exp` / `nbf` / `iat`
//!    against the injected [`Clock`] with the leeway, and for `at+jwt` the
//!    claims RFC 9068 makes required (`client_id`, `iat`, `jti`).
//! 6. **Per route, the scope** ([`Authorized`]): 403 `insufficient_scope`
//!    naming the scope (§3.1).
//!
//! Why a token failed is logged at debug level with an 8-hex-digit
//! fingerprint of its SHA-256; the client gets one generic `invalid_token`.
//! A token that passed steps 1–5 is remembered ([`cache`]) so that its
//! signature is not checked again on every request.

mod cache;
mod config;
mod error;
mod extract;
pub mod jwks;
mod verify;

pub use config::BearerConfig;
pub use error::{BearerError, BearerSetupError, TokenRejection};
pub use extract::{Authenticated, Authorized, RequiredScope};
pub use jsonwebtoken::Algorithm;
pub use protocol::{AccessTokenClaims as Claims, Clock, ManualClock, SystemClock, TokenType};
pub use verify::{BearerAuth, MAX_TOKEN_BYTES};
