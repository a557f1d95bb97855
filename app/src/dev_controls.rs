//! The playground's calls to the demo issuer's dev controls (their format
//! is `teaching::dev_controls`). Browser only; the login itself never calls
//! them, so the app runs the same at a provider that has none.

use serde::Deserialize;
use teaching::dev_controls::{ArmedFault, Faults, IssuerEvents};

use auth_client::browser::{self, HttpResponse};

/// `GET {dev}/faults`: every fault the issuer can commit, and the armed ones.
pub async fn faults(dev: &str) -> Result<Faults, String> {
    let response = send("GET", &format!("{dev}/faults"), None).await?;
    serde_json::from_str(&response.body)
        .map_err(|e| format!("the dev controls' answer is not a fault catalogue: {e}"))
}

/// `POST {dev}/faults`: the issuer's next matching response carries `armed`.
pub async fn arm(dev: &str, armed: &ArmedFault) -> Result<(), String> {
    let body = serde_json::to_string(armed).map_err(|e| e.to_string())?;
    send("POST", &format!("{dev}/faults"), Some(&body))
        .await
        .map(drop)
}

/// `DELETE {dev}/faults`: nothing armed any more.
pub async fn disarm_all(dev: &str) -> Result<(), String> {
    send("DELETE", &format!("{dev}/faults"), None)
        .await
        .map(drop)
}

/// `GET {dev}/events`: the issuer's decisions after `after`; with `None`,
/// its latest `latest` decisions (one request more, to learn where it is).
pub async fn events(dev: &str, after: Option<u64>, latest: u64) -> Result<IssuerEvents, String> {
    let read = |after: u64, limit: u64| {
        let url = format!("{dev}/events?after={after}&limit={limit}");
        async move {
            let response = send("GET", &url, None).await?;
            serde_json::from_str::<IssuerEvents>(&response.body)
                .map_err(|e| format!("the dev controls' answer is not a list of events: {e}"))
        }
    };
    let after = match after {
        Some(after) => after,
        None => read(0, 1).await?.last_seq.saturating_sub(latest),
    };
    read(after, PAGE).await
}

/// How long one call may take: the decisions list polls, and one answer
/// that never comes must not stop it.
const TIMEOUT_MS: u32 = 10_000;

/// Most events one read asks for; the next read goes on from the last one.
const PAGE: u64 = 100;

/// One request; an answer other than 200 is an error with the issuer's
/// own reason (`{"error": "…"}`) when it gave one.
async fn send(method: &str, url: &str, json_body: Option<&str>) -> Result<HttpResponse, String> {
    #[derive(Deserialize)]
    struct DevError {
        error: String,
    }
    let response = browser::fetch_within(method, url, json_body, TIMEOUT_MS)
        .await
        .map_err(|e| format!("no answer from the issuer's dev controls: {e}"))?;
    if response.status == 200 {
        return Ok(response);
    }
    Err(match serde_json::from_str::<DevError>(&response.body) {
        Ok(DevError { error }) => format!("the dev controls answered {}: {error}", response.status),
        Err(_) => format!("the dev controls answered {}", response.status),
    })
}
