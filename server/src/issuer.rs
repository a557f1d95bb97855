//! The mock authorization server: the OpenID provider of the demo.

use axum::{Json, Router, routing::get};
use serde_json::{Value, json};

use crate::config::IssuerConfig;

/// Why the authorization server cannot start.
#[derive(Debug, thiserror::Error)]
pub enum IssuerSetupError {}

/// The issuer's router.
pub async fn router(_config: &IssuerConfig) -> Result<Router, IssuerSetupError> {
    Ok(Router::new().route("/health", get(health_get)))
}

async fn health_get() -> Json<Value> {
    Json(json!({ "status": "ok", "service": "authorization server" }))
}
