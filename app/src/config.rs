//! The SPA's settings, carried from the server to the browser in the page.

use auth_client::ClientConfig;
use serde::{Deserialize, Serialize};

/// What the SPA is told: the auth client's configuration (which provider,
/// which client, which API) and where the demo issuer's dev controls are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpaConfig {
    /// Which provider, client and API.
    pub client: ClientConfig,
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
            client: ClientConfig::new("</script><script>alert(1)</script>", "c"),
            dev_controls: None,
        };
        let json = config.to_script_json();
        assert!(!json.contains("</"));
        let back: SpaConfig = serde_json::from_str(&json).unwrap();
        assert_eq!(back, config);
    }
}
