//! The API's own errors — everything but authentication, which is
//! [`BearerError`](bearer_auth::BearerError). Same JSON shape as RFC 6750's
//! (`error`, `error_description`), so a client reads every failure one way.

use axum::{
    Json,
    extract::rejection::JsonRejection,
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde::Serialize;

/// Why a request to the API failed.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 404: no route has this path.
    #[error("no such resource")]
    NotFound,
    /// 405: the route exists, not with this method.
    #[error("method not allowed")]
    MethodNotAllowed,
    /// 400, 413 or 415: the body is not a readable JSON document of the
    /// expected shape.
    #[error("unreadable JSON body: {0}")]
    Json(#[from] JsonRejection),
    /// 400: the JSON is well-formed but its content is refused.
    #[error("invalid input: {0}")]
    Invalid(&'static str),
    /// 503: the in-memory store holds as many users as it may.
    #[error("the message store is full")]
    StoreFull,
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: &'a str,
    error_description: &'a str,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let json_detail;
        let (status, code, description) = match &self {
            Self::NotFound => (StatusCode::NOT_FOUND, "not_found", "no such resource"),
            Self::MethodNotAllowed => (
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                "this resource does not support this method",
            ),
            Self::Json(JsonRejection::MissingJsonContentType(_)) => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "send Content-Type: application/json",
            ),
            Self::Json(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                "the request body is too large",
            ),
            Self::Json(rejection) => {
                // axum's text names what is wrong in the input (a missing or
                // unknown field, a syntax error at a position); nothing internal.
                json_detail = rejection.body_text();
                (
                    StatusCode::BAD_REQUEST,
                    "invalid_request",
                    json_detail.as_str(),
                )
            }
            Self::Invalid(reason) => (StatusCode::BAD_REQUEST, "invalid_request", *reason),
            Self::StoreFull => (
                StatusCode::SERVICE_UNAVAILABLE,
                "temporarily_unavailable",
                "the demo's message store is full",
            ),
        };
        if status.is_server_error() {
            tracing::warn!(error = %self, "API request failed");
        } else {
            tracing::debug!(error = %self, "API request refused");
        }
        let body = ErrorBody {
            error: code,
            error_description: description,
        };
        (status, Json(body)).into_response()
    }
}
