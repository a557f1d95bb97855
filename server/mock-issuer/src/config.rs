//! What the issuer is: its URL, its tenant, where its keys live, and
//! whether it takes dev controls.

use std::path::PathBuf;

use serde::Deserialize;

/// The issuer's settings. The defaults are the demo's: `http://localhost:9000`,
/// the embedded tenant, keys kept in `data/issuer`, dev controls on.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct IssuerConfig {
    /// Public base URL, which is also the `iss` of its tokens.
    pub url: String,
    /// The tenant (APIs, clients, users, token lifetimes) as a TOML file;
    /// `None` uses the embedded demo tenant, `server/mock-issuer/tenant.toml`.
    pub tenant: Option<PathBuf>,
    /// Where generated signing keys are kept (PKCS#8 DER, gitignored), so a
    /// restart keeps issued tokens valid. `None` or an empty path keeps them
    /// in memory only.
    pub data_dir: Option<PathBuf>,
    /// Serve the `/dev/` API (fault injection, key rotation, ...): on for the
    /// demo, off for anything else; when off the routes do not exist.
    pub dev_controls: bool,
}

impl Default for IssuerConfig {
    fn default() -> Self {
        Self {
            url: "http://localhost:9000".into(),
            tenant: None,
            data_dir: Some(PathBuf::from("data/issuer")),
            dev_controls: true,
        }
    }
}

impl IssuerConfig {
    /// For a test: the embedded tenant, keys in memory only, dev controls on
    /// ([`spawn`](crate::spawn) sets the URL).
    pub fn for_tests() -> Self {
        Self {
            data_dir: None,
            ..Self::default()
        }
    }
}
