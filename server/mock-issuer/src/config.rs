//! What the issuer is: its URL, its tenant, where its keys live, and
//! whether it takes dev controls.

use std::{net::SocketAddr, path::PathBuf};

use serde::Deserialize;

use crate::IssuerSetupError;

/// The issuer's settings. The defaults are the demo's: `http://127.0.0.1:9000`,
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
    /// Let the dev controls be served on an address other machines can
    /// reach (see [`IssuerConfig::check_listen_addr`]). Off: they need a
    /// loopback listener, since anyone who reaches them can mint faults,
    /// end sessions and rotate keys.
    pub dev_controls_beyond_loopback: bool,
}

impl Default for IssuerConfig {
    fn default() -> Self {
        Self {
            url: "http://127.0.0.1:9000".into(),
            tenant: None,
            data_dir: Some(PathBuf::from("data/issuer")),
            dev_controls: true,
            dev_controls_beyond_loopback: false,
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

impl IssuerConfig {
    /// Whether the issuer may be served on `addr`: with dev controls on, only
    /// a loopback address will do, unless `dev_controls_beyond_loopback`
    /// says so, which is logged as a warning at every start. Call it with
    /// the listener's address before serving [`router`](crate::router)
    /// (as [`spawn`](crate::spawn) and the demo do).
    pub fn check_listen_addr(&self, addr: SocketAddr) -> Result<(), IssuerSetupError> {
        if !self.dev_controls || addr.ip().is_loopback() {
            return Ok(());
        }
        if !self.dev_controls_beyond_loopback {
            return Err(IssuerSetupError::DevControlsExposed(addr));
        }
        tracing::warn!(
            %addr,
            "the dev controls are served beyond loopback: anyone who reaches {addr} can \
             arm faults, end sessions and rotate keys"
        );
        Ok(())
    }
}
