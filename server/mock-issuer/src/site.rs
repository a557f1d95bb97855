//! The issuer's own pages that no protocol needs: the tenant dashboard,
//! health, the style sheet, the users' pictures, and the 404.

use axum::{
    Json,
    extract::{Path, State},
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use serde_json::{Value, json};

use super::{
    AppState, pages,
    respond::{Framing, PageError, html},
};

pub(super) async fn dashboard_get(State(state): State<AppState>) -> Response {
    let keys = state.keys.describe(state.now());
    html(
        StatusCode::OK,
        pages::dashboard(&state, &keys, state.dev_controls),
        Framing::Deny,
    )
}

pub(super) async fn health_get() -> Json<Value> {
    Json(json!({ "status": "ok", "service": "authorization server" }))
}

pub(super) async fn css_get() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("assets/issuer.css"),
    )
        .into_response()
}

pub(super) async fn avatar_get(
    State(state): State<AppState>,
    Path(file): Path<String>,
) -> Response {
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

pub(super) async fn not_found() -> PageError {
    PageError::NotFound
}
