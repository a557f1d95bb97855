//! The server's integration tests, one binary: the demo API's routes and
//! the three origins together. Each router is driven with
//! `tower::ServiceExt` or on a real listener.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests: a failing unwrap is a failing test"
)]

mod api_routes;
mod origins;
mod support_api;
