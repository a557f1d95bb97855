//! The issuer from the outside, one binary: a real issuer on 127.0.0.1
//! driven by a client that keeps cookies and never follows redirects, and
//! its router driven with `tower::ServiceExt`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests: a failing unwrap is a failing test"
)]

mod authorize;
mod dev;
mod flows;
mod host;
mod setup;
mod spawned;
mod support;
mod third_party;
