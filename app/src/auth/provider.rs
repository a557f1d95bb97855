//! The provider as the client sees it: its discovery document and its keys,
//! read over HTTP from the issuer URL alone (OIDC Discovery §4), so the SPA
//! works with any OpenID provider.

use protocol::{Jwk, JwkSet, MetadataError, ProviderMetadata, cache_lifetime_secs, discovery_url};
use serde::Deserialize;

use super::browser::{self, BrowserError};

/// Why the provider could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProviderError {
    /// The network or the browser failed.
    Browser(BrowserError),
    /// A non-200 answer.
    Status { url: String, status: u16 },
    /// Not the JSON expected.
    Json { url: String, error: String },
    /// The discovery document does not fit (another issuer, OIDC Discovery
    /// §4.3; no RS256; the response type unsupported).
    Metadata(MetadataError),
}

impl std::fmt::Display for ProviderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Browser(e) => write!(f, "network error: {e}"),
            Self::Status { url, status } => write!(f, "{url} answered HTTP {status}"),
            Self::Json { url, error } => write!(f, "{url} did not send the expected JSON: {error}"),
            Self::Metadata(e) => write!(f, "{e}"),
        }
    }
}

impl From<BrowserError> for ProviderError {
    fn from(value: BrowserError) -> Self {
        Self::Browser(value)
    }
}

/// A document from the provider and how many seconds it may be reused
/// (its `Cache-Control`).
pub struct Fetched<T> {
    pub value: T,
    pub lifetime_secs: u64,
}

async fn get_json<T: for<'de> Deserialize<'de>>(
    url: &str,
    revalidate: bool,
) -> Result<Fetched<T>, ProviderError> {
    let response = if revalidate {
        browser::fetch_revalidated(url).await?
    } else {
        browser::fetch("GET", url, None, None).await?
    };
    if response.status != 200 {
        return Err(ProviderError::Status {
            url: url.to_owned(),
            status: response.status,
        });
    }
    let value = serde_json::from_str(&response.body).map_err(|e| ProviderError::Json {
        url: url.to_owned(),
        error: e.to_string(),
    })?;
    Ok(Fetched {
        value,
        lifetime_secs: cache_lifetime_secs(response.cache_control.as_deref()),
    })
}

/// Reads the discovery document and checks that it is this issuer's and
/// supports what the client will ask for.
pub async fn discover(
    issuer: &str,
    response_type: protocol::ResponseType,
) -> Result<Fetched<ProviderMetadata>, ProviderError> {
    let fetched: Fetched<ProviderMetadata> = get_json(&discovery_url(issuer), false).await?;
    fetched
        .value
        .check_for_implicit_client(issuer, response_type)
        .map_err(ProviderError::Metadata)?;
    Ok(fetched)
}

/// Reads the JWKS. `revalidate` when a token names a key the client does not
/// know: then a copy in the HTTP cache will not do.
pub async fn fetch_keys(
    jwks_uri: &str,
    revalidate: bool,
) -> Result<Fetched<JwkSet>, ProviderError> {
    get_json(jwks_uri, revalidate).await
}

/// The RS256 key for `kid`; without a `kid`, the set's only RS256 key.
pub fn find_key<'a>(keys: &'a JwkSet, kid: Option<&str>) -> Option<&'a Jwk> {
    let mut usable = keys.keys.iter().filter(|k| k.is_rs256_signing_key());
    match kid {
        Some(kid) => usable.find(|k| k.kid.as_deref() == Some(kid)),
        None => match (usable.next(), usable.next()) {
            (Some(only), None) => Some(only),
            _ => None,
        },
    }
}
