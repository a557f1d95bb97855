//! A provider's endpoint URL, as its discovery document names it.

use std::fmt;

use serde::{Deserialize, Serialize};

/// An absolute `https` (or `http`, for a provider on this machine) URL
/// with a host and no fragment (RFC 6749 §3.1: an endpoint URI MUST NOT
/// include one), checked when a discovery document is read, so a client
/// never sends a request, or a token, to a relative or malformed address.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EndpointUrl(String);

/// Why a string is not an endpoint URL.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{url:?} is not an endpoint URL: {why}")]
pub struct EndpointUrlError {
    /// What was given.
    pub url: String,
    /// What is wrong with it.
    pub why: &'static str,
}

impl EndpointUrl {
    /// Checks `url`.
    pub fn parse(url: impl Into<String>) -> Result<Self, EndpointUrlError> {
        let url = url.into();
        let refuse = |why| {
            Err(EndpointUrlError {
                url: url.clone(),
                why,
            })
        };
        let Some(rest) = url
            .strip_prefix("https://")
            .or_else(|| url.strip_prefix("http://"))
        else {
            return refuse("not an absolute http(s) URL");
        };
        let authority = rest.split(['/', '?']).next().unwrap_or_default();
        if authority.is_empty() || authority.starts_with('@') || authority.starts_with(':') {
            return refuse("no host");
        }
        if url.contains('#') {
            return refuse("a fragment (RFC 6749 §3.1)");
        }
        if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return refuse("white space or a control character");
        }
        Ok(Self(url))
    }

    /// The URL.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for EndpointUrl {
    type Error = EndpointUrlError;

    fn try_from(url: String) -> Result<Self, Self::Error> {
        Self::parse(url)
    }
}

impl From<EndpointUrl> for String {
    fn from(url: EndpointUrl) -> Self {
        url.0
    }
}

impl fmt::Display for EndpointUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::EndpointUrl;

    #[test]
    fn an_absolute_http_or_https_url_with_a_host_is_an_endpoint() {
        for good in [
            "https://tenant.example.com/authorize",
            "http://localhost:9000/.well-known/jwks.json",
            "https://idp.example/oauth2/v1/authorize?tenant=a",
            "https://[::1]:8443/userinfo",
        ] {
            assert_eq!(EndpointUrl::parse(good).unwrap().as_str(), good);
        }
    }

    #[test]
    fn a_relative_malformed_or_fragment_url_is_refused_with_its_reason() {
        for (bad, why) in [
            ("/authorize", "not an absolute http(s) URL"),
            ("javascript:alert(1)", "not an absolute http(s) URL"),
            ("ftp://idp.example/authorize", "not an absolute http(s) URL"),
            ("https:///authorize", "no host"),
            ("https://:443/authorize", "no host"),
            (
                "https://idp.example/authorize#x",
                "a fragment (RFC 6749 §3.1)",
            ),
            (
                "https://idp.example/a b",
                "white space or a control character",
            ),
        ] {
            assert_eq!(EndpointUrl::parse(bad).unwrap_err().why, why, "{bad}");
        }
    }

    #[test]
    fn a_discovery_document_with_a_bad_endpoint_does_not_parse() {
        let bad: Result<EndpointUrl, _> = serde_json::from_str(r#""/relative""#);
        assert!(
            bad.unwrap_err()
                .to_string()
                .contains("not an absolute http(s) URL")
        );
    }
}
