//! The crate from the outside: a router protected by it alone, against a
//! stand-in issuer on a real socket. One binary, a module per area.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests: a failing unwrap is a failing test"
)]

mod keys;
mod scopes;
mod support;
mod tokens;
