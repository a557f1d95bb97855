//! The playground's calls to the demo issuer's dev controls (their format
//! is `teaching::dev_controls`). Browser only; the login itself never calls
//! them, so the app runs the same at a provider that has none.

use serde::Deserialize;
use teaching::dev_controls::{ArmedFault, Faults, IssuerEvents};

use auth_client::{
    BrowserError,
    browser::{self, HttpResponse},
};

/// Why a call to the dev controls did not do what it asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DevControlsError {
    /// Nothing came back (the issuer is down, or slower than the timeout).
    #[error("no answer from the issuer's dev controls: {0}")]
    NoAnswer(BrowserError),
    /// An answer other than 200, with the issuer's own reason if it gave one.
    #[error("the dev controls answered {status}{}", reason.as_ref().map(|r| format!(": {r}")).unwrap_or_default())]
    Refused { status: u16, reason: Option<String> },
    /// A 200 whose body is not what the call reads.
    #[error("the dev controls' answer is not {expected}: {detail}")]
    Unreadable {
        expected: &'static str,
        detail: String,
    },
}

/// `GET {dev}/faults`: every fault the issuer can commit, and the armed ones.
pub async fn faults(dev: &str) -> Result<Faults, DevControlsError> {
    let response = send("GET", &format!("{dev}/faults"), None).await?;
    read(&response, "a fault catalogue")
}

/// `POST {dev}/faults`: the issuer's next matching response carries `armed`.
pub async fn arm(dev: &str, armed: &ArmedFault) -> Result<(), DevControlsError> {
    // A struct of enums and flags: serializing it cannot fail.
    let body = serde_json::to_string(armed).unwrap_or_default();
    send("POST", &format!("{dev}/faults"), Some(&body))
        .await
        .map(drop)
}

/// `DELETE {dev}/faults`: nothing armed any more.
pub async fn disarm_all(dev: &str) -> Result<(), DevControlsError> {
    send("DELETE", &format!("{dev}/faults"), Some("{}"))
        .await
        .map(drop)
}

/// `POST {dev}/third-party-cookies`: the issuer ignores (or counts again)
/// the session cookie of a frame on another site, as a browser that blocks
/// third-party cookies would not send it.
pub async fn block_third_party_cookies(dev: &str, blocked: bool) -> Result<(), DevControlsError> {
    let body = serde_json::json!({ "blocked": blocked }).to_string();
    send("POST", &format!("{dev}/third-party-cookies"), Some(&body))
        .await
        .map(drop)
}

/// `GET {dev}/events`: the issuer's decisions after `after`; with `None`,
/// its latest `latest` decisions (one request more, to learn where it is).
pub async fn events(
    dev: &str,
    after: Option<u64>,
    latest: u64,
) -> Result<IssuerEvents, DevControlsError> {
    let page = |after: u64, limit: u64| {
        let url = format!("{dev}/events?after={after}&limit={limit}");
        async move {
            let response = send("GET", &url, None).await?;
            read::<IssuerEvents>(&response, "a list of events")
        }
    };
    let after = match after {
        Some(after) => after,
        None => page(0, 1).await?.last_seq.saturating_sub(latest),
    };
    page(after, PAGE).await
}

/// How long one call may take: the decisions list polls, and one answer
/// that never comes must not stop it.
const TIMEOUT_MS: u32 = 10_000;

/// Most events one read asks for; the next read goes on from the last one.
const PAGE: u64 = 100;

/// One request; an answer other than 200 is an error with the issuer's
/// own reason (`{"error": "…"}`) when it gave one.
async fn send(
    method: &str,
    url: &str,
    json_body: Option<&str>,
) -> Result<HttpResponse, DevControlsError> {
    #[derive(Deserialize)]
    struct DevError {
        error: String,
    }
    let response = browser::fetch_within(method, url, json_body, TIMEOUT_MS)
        .await
        .map_err(DevControlsError::NoAnswer)?;
    if response.status == 200 {
        return Ok(response);
    }
    let reason = serde_json::from_str::<DevError>(&response.body)
        .ok()
        .map(|e| e.error);
    Err(DevControlsError::Refused {
        status: response.status,
        reason,
    })
}

/// A 200's body as `T`.
fn read<T: serde::de::DeserializeOwned>(
    response: &HttpResponse,
    expected: &'static str,
) -> Result<T, DevControlsError> {
    serde_json::from_str(&response.body).map_err(|e| DevControlsError::Unreadable {
        expected,
        detail: e.to_string(),
    })
}
