//! For the tests of a resource server: a stand-in OpenID provider that a
//! test controls, and a minter of every token the server must accept or
//! refuse.
//!
//! ```no_run
//! # async fn example() {
//! use test_issuer::{TestIssuer, TokenBuilder};
//!
//! let issuer = TestIssuer::start().await; // discovery + JWKS on 127.0.0.1:<free port>
//! let now = 1_700_000_000;
//! let good = TokenBuilder::access_token(issuer.url(), "https://api.test/", &issuer.key(), now)
//!     .sign(&issuer.key());
//! let expired = TokenBuilder::access_token(issuer.url(), "https://api.test/", &issuer.key(), now)
//!     .claim("exp", now - 1)
//!     .sign(&issuer.key());
//! issuer.rotate("key-2"); // a second key in the JWKS
//! issuer.stop().await; // connections refused until `start_again`
//! # let _ = (good, expired); }
//! ```
//!
//! The whole OpenID provider (login, consent, `/authorize`) is the
//! `mock-issuer` crate; this one only publishes keys and mints tokens,
//! including the forged ones no real issuer would sign.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test helper: a failure here is a failing test"
)]

mod issuer;
mod minter;

pub use issuer::{SigningKey, TestIssuer};
pub use minter::{CLIENT_ID, TokenBuilder, b64, flip_signature_bit};
