//! What the client must be told: which provider, which client, which API.
//! Everything else (endpoints, keys) comes from the provider's discovery
//! document (OpenID Connect Discovery 1.0 §4).

use protocol::{ClientId, ScopeSet};
use serde::{Deserialize, Serialize};

/// The client's configuration. The server that renders the app usually
/// reads it from its own config file and hands it to the browser in the
/// page; `issuer` and `client_id` are required there, the rest defaulted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientConfig {
    /// The provider's issuer identifier (OpenID Connect Discovery 1.0 §2),
    /// exactly as its discovery document and its tokens' `iss` spell it.
    pub issuer: String,
    /// This app's `client_id` at the provider (RFC 6749 §2.2).
    pub client_id: ClientId,
    /// The API the access token is for, sent as `audience` (Auth0's
    /// extension; RFC 8707's `resource` plays the same part elsewhere).
    #[serde(default)]
    pub audience: Option<String>,
    /// The scopes asked for at login (RFC 6749 §3.3).
    #[serde(default = "default_scope")]
    pub scope: ScopeSet,
    /// The base URL of the protected API that [`AuthClient::fetch`](crate::AuthClient::fetch)
    /// calls.
    #[serde(default)]
    pub api_url: String,
}

fn default_scope() -> ScopeSet {
    // Valid scope tokens: the parse cannot fail.
    "openid profile".parse().unwrap_or_default()
}

impl ClientConfig {
    /// A configuration for `client_id` at `issuer`, with the default scope
    /// (`openid profile`), no audience and no API.
    pub fn new(issuer: impl Into<String>, client_id: impl Into<String>) -> Self {
        Self {
            issuer: issuer.into(),
            client_id: ClientId::new(client_id),
            audience: None,
            scope: default_scope(),
            api_url: String::new(),
        }
    }
}
