//! The UserInfo endpoint (OpenID Connect Core §5.3): the claims of the
//! user an access token was issued for, by scope, for a bearer token sent
//! in the `Authorization` header (RFC 6750 §2.1).

use axum::{
    Json,
    extract::State,
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use protocol::{AccessTokenClaims, Scope, TokenType, UserClaims};
use serde::Serialize;

use super::{
    AppState,
    dev::{DocumentFault, Fault},
    events::EventKind,
    tokens::claims_for_scopes,
};

/// The `sub` of a `userinfo_bad_sub` answer: no user of any tenant.
pub const OTHER_SUB: &str = "someone-else|0000";

/// Why a UserInfo request is refused (RFC 6750 §3.1). The client learns the
/// error code; the exact reason is logged at debug level only.
#[derive(Debug, thiserror::Error)]
pub enum UserinfoError {
    /// 401 without an error code: no credentials were sent (RFC 6750 §3.1).
    #[error("no bearer token")]
    NoToken,
    /// 400 `invalid_request`: several `Authorization` headers, or not Bearer.
    #[error("malformed authorization: {0}")]
    InvalidRequest(&'static str),
    /// 401 `invalid_token`: not ours, tampered, expired, or not for /userinfo.
    #[error("invalid token: {0}")]
    InvalidToken(String),
    /// 403 `insufficient_scope`: the token lacks `openid`.
    #[error("the token lacks the openid scope")]
    InsufficientScope,
}

impl IntoResponse for UserinfoError {
    fn into_response(self) -> Response {
        tracing::debug!(reason = %self, "userinfo request refused");
        let (status, challenge) = match &self {
            Self::NoToken => (StatusCode::UNAUTHORIZED, r#"Bearer realm="userinfo""#.to_owned()),
            Self::InvalidRequest(_) => (
                StatusCode::BAD_REQUEST,
                r#"Bearer realm="userinfo", error="invalid_request", error_description="send one Authorization: Bearer header""#.to_owned(),
            ),
            Self::InvalidToken(_) => (
                StatusCode::UNAUTHORIZED,
                r#"Bearer realm="userinfo", error="invalid_token", error_description="the access token is invalid or expired""#.to_owned(),
            ),
            Self::InsufficientScope => (
                StatusCode::FORBIDDEN,
                r#"Bearer realm="userinfo", error="insufficient_scope", scope="openid""#.to_owned(),
            ),
        };
        let mut response = status.into_response();
        if let Ok(value) = HeaderValue::from_str(&challenge) {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, value);
        }
        response
    }
}

#[derive(Serialize)]
struct UserInfo {
    sub: String,
    #[serde(flatten)]
    claims: UserClaims,
}

/// `GET|POST /userinfo`.
pub async fn userinfo_get(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, UserinfoError> {
    let token = bearer_token(&headers)?;
    let now = state.now();
    let claims: AccessTokenClaims = state
        .keys
        .verify(token, TokenType::AtJwt, now)
        .map_err(|e| UserinfoError::InvalidToken(e.to_string()))?;
    if claims.iss != state.issuer {
        return Err(UserinfoError::InvalidToken("another issuer".into()));
    }
    if claims.exp <= now {
        return Err(UserinfoError::InvalidToken("expired".into()));
    }
    if !claims.aud.contains(state.urls.userinfo.as_str()) {
        return Err(UserinfoError::InvalidToken("not for /userinfo".into()));
    }
    if !claims.scope.contains(Scope::OPENID) {
        return Err(UserinfoError::InsufficientScope);
    }
    let user = state
        .tenant
        .user_by_sub(&claims.sub)
        .ok_or_else(|| UserinfoError::InvalidToken("unknown subject".into()))?;
    // A page's read (CORS, with Origin) may be broken on purpose: another
    // user's `sub`, which the client must not use (OIDC Core §5.3.2).
    let bad_sub = headers.contains_key(header::ORIGIN)
        && state.dev.take_document_fault(DocumentFault::UserinfoBadSub);
    if bad_sub {
        state.event(EventKind::FaultInjected {
            client_id: claims.client_id.clone(),
            fault: Fault::Document(DocumentFault::UserinfoBadSub),
        });
    }
    let info = UserInfo {
        sub: if bad_sub {
            OTHER_SUB.to_owned()
        } else {
            user.sub.clone()
        },
        claims: claims_for_scopes(
            &state,
            user,
            claims.scope.contains("profile"),
            claims.scope.contains("email"),
        ),
    };
    let mut response = Json(info).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// The token of the one `Authorization: Bearer` header (RFC 6750 §2.1; the
/// scheme is case-insensitive, RFC 9110 §11.1).
fn bearer_token(headers: &HeaderMap) -> Result<&str, UserinfoError> {
    let mut values = headers.get_all(header::AUTHORIZATION).iter();
    let Some(value) = values.next() else {
        return Err(UserinfoError::NoToken);
    };
    if values.next().is_some() {
        return Err(UserinfoError::InvalidRequest(
            "several Authorization headers",
        ));
    }
    let value = value
        .to_str()
        .map_err(|_| UserinfoError::InvalidRequest("not ASCII"))?;
    let (scheme, token) = value
        .split_once(' ')
        .ok_or(UserinfoError::InvalidRequest("no scheme"))?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        // Another scheme is no bearer credential at all: challenge.
        return Err(UserinfoError::NoToken);
    }
    let token = token.trim();
    if token.is_empty() {
        return Err(UserinfoError::NoToken);
    }
    Ok(token)
}
