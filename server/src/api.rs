//! The protected resource API.

use axum::{Json, Router, routing::get};
use serde_json::{Value, json};

use crate::config::ApiConfig;

/// Why the protected API cannot start.
#[derive(Debug, thiserror::Error)]
pub enum ApiSetupError {}

/// The API's router.
pub async fn router(_config: &ApiConfig) -> Result<Router, ApiSetupError> {
    Ok(Router::new().route("/health", get(health_get)))
}

async fn health_get() -> Json<Value> {
    Json(json!({ "status": "ok", "service": "protected API" }))
}
