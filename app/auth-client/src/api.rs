//! Calls with the access token: the protected API (RFC 6750 §2.1), with one
//! silent renewal and one retry when it answers `invalid_token`, and the
//! provider's UserInfo endpoint (OIDC Core §5.3).

use leptos::prelude::{Set, WithUntracked, WithValue};
use protocol::{BearerChallenge, ErrorCode};
use serde_json::{Map, Value};

use crate::{
    ApiError, AuthClient, RenewReason, RenewalState, UserInfoError, UserInfoRefusal,
    browser::{self, HttpResponse},
    events::AuthEvent,
    provider,
    renew::renew_or_wait,
    session::SessionEnd,
};

/// Whether a call carries the access token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credentials {
    /// `Authorization: Bearer <access token>` (RFC 6750 §2.1), when the
    /// session has one.
    AccessToken,
    /// Nothing: the route is public, and a bearer token, which anyone holding
    /// it can use (RFC 6750 §1.2), goes only where it is needed (§5.3).
    None,
}

/// One call to the API.
#[derive(Debug, Clone, Copy)]
pub struct ApiRequest<'a> {
    /// `GET`, `POST`, …
    pub method: &'a str,
    /// Appended to the configured API URL.
    pub path: &'a str,
    /// A JSON body.
    pub body: Option<&'a str>,
    /// With the access token or without.
    pub credentials: Credentials,
}

impl<'a> ApiRequest<'a> {
    /// `GET path` with the access token.
    pub fn get(path: &'a str) -> Self {
        Self {
            method: "GET",
            path,
            body: None,
            credentials: Credentials::AccessToken,
        }
    }
}

/// See [`AuthClient::fetch`].
pub(crate) async fn fetch(
    client: AuthClient,
    request: ApiRequest<'_>,
) -> Result<HttpResponse, ApiError> {
    let invalid_token = |response: &HttpResponse| {
        response.status == 401
            && response
                .www_authenticate
                .as_deref()
                .is_some_and(|h| BearerChallenge::parse(h).error == Some(ErrorCode::InvalidToken))
    };
    let response = fetch_once(client, request).await?;
    // RFC 6750 §3.1 invalid_token: the token expired or was revoked early.
    // Renew silently once (or wait for the renewal already running), retry
    // once. A renewal that fails sets the state itself: `SessionEnded` when
    // the provider needs the user, else a retry later.
    if !invalid_token(&response) || !renew_or_wait(client, RenewReason::ApiRetry).await {
        return Ok(response);
    }
    let retried = fetch_once(client, request).await?;
    if invalid_token(&retried) {
        client.renewal.set(RenewalState::SessionEnded {
            reason: SessionEnd::RenewedTokenRefused,
        });
    }
    Ok(retried)
}

/// One call, and its verdict reported. Without a token in the session the
/// call goes out without one, so the API's answer to that is seen too.
async fn fetch_once(client: AuthClient, request: ApiRequest<'_>) -> Result<HttpResponse, ApiError> {
    let ApiRequest {
        method,
        path,
        body,
        credentials,
    } = request;
    let token = match credentials {
        Credentials::AccessToken => client
            .session
            .with_untracked(|s| s.as_ref().and_then(|s| s.access_token.clone())),
        Credentials::None => None,
    };
    let url = client
        .config
        .with_value(|c| format!("{}{path}", c.api_url.trim_end_matches('/')));
    let response = browser::fetch(method, &url, token.as_ref().map(|t| t.secret()), body).await?;
    let challenge = response
        .www_authenticate
        .as_deref()
        .map(BearerChallenge::parse);
    client.reporter.emit(AuthEvent::ApiCall {
        method: method.to_owned(),
        url: path.to_owned(),
        status: response.status,
        error: challenge.and_then(|c| c.error),
    });
    Ok(response)
}

/// See [`AuthClient::userinfo`]: the claims are used only if their `sub`
/// is exactly the ID token's (§5.3.2: otherwise the response may be for
/// someone else and MUST NOT be used).
pub(crate) async fn userinfo(client: AuthClient) -> Result<Map<String, Value>, UserInfoError> {
    let report = client.reporter;
    let discovery = provider::discovery(client, report).await?;
    let endpoint = discovery
        .userinfo_endpoint
        .ok_or(UserInfoError::NoEndpoint)?;
    let (token, subject) = client
        .session
        .with_untracked(|s| {
            let s = s.as_ref()?;
            Some((s.access_token.clone()?, s.subject().map(str::to_owned)))
        })
        .ok_or(UserInfoError::NoAccessToken)?;
    let subject = subject.ok_or(UserInfoError::NoIdToken)?;
    let response = browser::fetch("GET", endpoint.as_str(), Some(token.secret()), None).await?;
    let status = response.status;
    let checked = check_userinfo(&response, &subject);
    report.emit(AuthEvent::UserInfo {
        status,
        passed: checked.is_ok(),
        detail: checked.as_ref().err().map(ToString::to_string),
        subject_mismatch: matches!(checked, Err(UserInfoRefusal::OtherSubject)),
    });
    Ok(checked?)
}

fn check_userinfo(
    response: &HttpResponse,
    subject: &str,
) -> Result<Map<String, Value>, UserInfoRefusal> {
    if response.status != 200 {
        return Err(UserInfoRefusal::Status {
            status: response.status,
            challenge: response.www_authenticate.clone(),
        });
    }
    let Ok(Value::Object(claims)) = serde_json::from_str::<Value>(&response.body) else {
        return Err(UserInfoRefusal::NotJson);
    };
    if claims.get("sub").and_then(Value::as_str) != Some(subject) {
        return Err(UserInfoRefusal::OtherSubject);
    }
    Ok(claims)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16, body: &str) -> HttpResponse {
        HttpResponse {
            status,
            www_authenticate: (status == 401).then(|| "Bearer error=\"invalid_token\"".into()),
            cache_control: None,
            body: body.into(),
        }
    }

    #[test]
    fn userinfo_claims_are_used_only_for_the_id_tokens_subject() {
        let claims = check_userinfo(&answer(200, r#"{"sub":"alice","name":"A"}"#), "alice");
        assert_eq!(claims.unwrap()["name"], "A");
        assert_eq!(
            check_userinfo(&answer(200, r#"{"sub":"bob"}"#), "alice"),
            Err(UserInfoRefusal::OtherSubject)
        );
        assert_eq!(
            check_userinfo(&answer(200, r#"["alice"]"#), "alice"),
            Err(UserInfoRefusal::NotJson)
        );
        let refused = check_userinfo(&answer(401, ""), "alice").unwrap_err();
        assert_eq!(
            refused.to_string(),
            "HTTP 401, Bearer error=\"invalid_token\""
        );
    }
}
