//! The SPA's settings: which provider, which client, which API.

use serde::{Deserialize, Serialize};

/// What the SPA needs to know to run the implicit flow against a provider.
/// Everything else (endpoints, keys) comes from the provider's discovery
/// document (OpenID Connect Discovery 1.0 §4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpaConfig {
    /// The provider's issuer identifier (OpenID Connect Discovery 1.0 §2).
    pub issuer: String,
    /// This SPA's `client_id` at the provider (RFC 6749 §2.2).
    pub client_id: String,
    /// The API's identifier, sent as `audience` (Auth0's extension).
    pub audience: String,
    /// The scopes asked for at login (RFC 6749 §3.3).
    pub scope: String,
    /// The base URL of the protected API.
    pub api_url: String,
    /// The demo issuer's dev controls (`…/dev`), when this SPA uses that
    /// issuer and it has them switched on: the playground page arms its
    /// faults. Not part of any protocol: with another provider it is
    /// `None`, and only the playground notices.
    #[serde(default)]
    pub dev_controls: Option<String>,
}

impl SpaConfig {
    /// `id` of the `<script type="application/json">` that carries the
    /// settings from the server-rendered shell to the browser.
    pub const SCRIPT_ID: &'static str = "spa-config";

    /// The settings as JSON that is safe inside a `<script>` element: `<`
    /// is escaped so no value can close the element early.
    pub fn to_script_json(&self) -> String {
        serde_json::to_string(self)
            .unwrap_or_else(|_| "{}".to_owned())
            .replace('<', "\\u003c")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_json_cannot_close_the_script_element() {
        let config = SpaConfig {
            issuer: "</script><script>alert(1)</script>".into(),
            client_id: "c".into(),
            audience: "a".into(),
            scope: "openid".into(),
            api_url: "http://api".into(),
            dev_controls: None,
        };
        let json = config.to_script_json();
        assert!(!json.contains("</"));
        let back: SpaConfig = serde_json::from_str(&json).unwrap();
        assert_eq!(back, config);
    }
}
