//! Fetching the discovery document and the key set: over TLS (or loopback
//! http), no redirects, bounded in time and size.

use std::{collections::HashMap, sync::Arc};

use reqwest::header::ACCEPT;
use serde::{Deserialize, de::DeserializeOwned};
use url::Url;

use super::{
    KeyStore, MAX_DOCUMENT_BYTES, RefreshState,
    keys::{JwkSetDocument, VerifyingKey, usable_keys},
};

impl KeyStore {
    pub(super) async fn fetch(
        &self,
        refresh: &mut RefreshState,
    ) -> Result<HashMap<String, Arc<VerifyingKey>>, FetchError> {
        let jwks_uri = match &refresh.jwks_uri {
            Some(uri) => uri.clone(),
            None => {
                let uri = self.discover().await?;
                refresh.jwks_uri = Some(uri.clone());
                uri
            }
        };
        match self.get_json::<JwkSetDocument>(&jwks_uri).await {
            Ok(document) => Ok(usable_keys(document)),
            Err(error) => {
                refresh.jwks_uri = None;
                Err(error)
            }
        }
    }

    /// OpenID Connect Discovery §4: the provider's metadata, whose `issuer`
    /// must be exactly the one configured (§4.3), and its `jwks_uri`.
    async fn discover(&self) -> Result<Url, FetchError> {
        let document: Discovery = self.get_json(&self.discovery_url).await?;
        if document.issuer != self.issuer {
            return Err(FetchError::IssuerMismatch {
                expected: self.issuer.clone(),
                found: document.issuer,
            });
        }
        let bad_uri = || FetchError::BadJwksUri {
            uri: document.jwks_uri.clone(),
        };
        let uri = Url::parse(&document.jwks_uri).map_err(|_| bad_uri())?;
        check_fetchable(&uri).map_err(|_| bad_uri())?;
        Ok(uri)
    }

    async fn get_json<T: DeserializeOwned>(&self, url: &Url) -> Result<T, FetchError> {
        let request_failed = |source| FetchError::Request {
            url: url.clone(),
            source,
        };
        let mut response = self
            .http
            .get(url.clone())
            .header(ACCEPT, "application/json")
            .send()
            .await
            .map_err(request_failed)?;
        if !response.status().is_success() {
            return Err(FetchError::Status {
                url: url.clone(),
                status: response.status().as_u16(),
            });
        }
        let too_large = || FetchError::TooLarge { url: url.clone() };
        if response
            .content_length()
            .is_some_and(|length| length > MAX_DOCUMENT_BYTES as u64)
        {
            return Err(too_large());
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(request_failed)? {
            if body.len() + chunk.len() > MAX_DOCUMENT_BYTES {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        serde_json::from_slice(&body).map_err(|source| FetchError::Json {
            url: url.clone(),
            source,
        })
    }
}

/// Keys are fetched over TLS, except from the developer's own machine.
pub(super) fn check_fetchable(url: &Url) -> Result<(), &'static str> {
    let loopback = match url.host() {
        Some(url::Host::Domain(domain)) => domain == "localhost",
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => return Err("it has no host"),
    };
    match url.scheme() {
        "https" => Ok(()),
        "http" if loopback => Ok(()),
        "http" => Err("plain http is allowed on localhost only: use https"),
        _ => Err("use https"),
    }
}

/// The two fields of the provider metadata this API needs (Discovery §3).
#[derive(Deserialize)]
struct Discovery {
    issuer: String,
    jwks_uri: String,
}

/// Why a fetch failed; logged, never sent to a client.
#[derive(Debug, thiserror::Error)]
pub(super) enum FetchError {
    #[error("GET {url}: {source}")]
    Request { url: Url, source: reqwest::Error },
    #[error("GET {url}: HTTP status {status}")]
    Status { url: Url, status: u16 },
    #[error("GET {url}: the response is larger than {MAX_DOCUMENT_BYTES} bytes")]
    TooLarge { url: Url },
    #[error("GET {url}: not the expected JSON: {source}")]
    Json { url: Url, source: serde_json::Error },
    #[error(
        "the discovery document names the issuer {found:?}, not {expected:?} (OpenID Connect Discovery §4.3)"
    )]
    IssuerMismatch { expected: String, found: String },
    #[error("the discovery document's jwks_uri {uri:?} is not an https URL")]
    BadJwksUri { uri: String },
}
