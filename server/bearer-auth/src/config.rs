//! What a [`BearerAuth`] accepts: the issuer and the audience, which every
//! API must state, and the rest, which has defaults.

use std::sync::Arc;

use jsonwebtoken::Algorithm;
use protocol::{Clock, SystemClock, TokenType};
use serde::Deserialize;

use crate::{BearerAuth, BearerSetupError};

/// What a [`BearerAuth`] accepts. Built with [`BearerAuth::builder`], or
/// read from a configuration file (`issuer` and `audience` are required,
/// every other key has the default its setter names).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BearerConfig {
    /// The issuer URL, compared exactly with `iss` and with the discovery
    /// document's `issuer`.
    pub issuer: String,
    /// This API's identifier, which `aud` must contain (RFC 9068 §4).
    pub audience: String,
    /// The `realm` of the `WWW-Authenticate` challenge (RFC 6750 §3);
    /// `None` uses the audience.
    #[serde(default)]
    pub realm: Option<String>,
    /// The allowed signature algorithms (RFC 8725 §3.1); asymmetric only.
    #[serde(default = "default_algorithms")]
    pub algorithms: Vec<Algorithm>,
    /// The `typ` access tokens carry: `at+jwt` (RFC 9068 §4), or `jwt` for
    /// providers whose access tokens are typed `JWT` (Auth0's default
    /// profile), where `at+jwt` and no `typ` are accepted too and the
    /// audience check alone keeps ID tokens out.
    #[serde(default = "default_token_type")]
    pub token_type: TokenType,
    /// Clock skew tolerated on `exp`, `nbf` and `iat`, in seconds.
    #[serde(default = "default_leeway_secs")]
    pub leeway_secs: u64,
    /// How long fetched keys are trusted, in seconds.
    #[serde(default = "default_jwks_cache_secs")]
    pub jwks_cache_secs: u64,
    /// Least time between two key fetches, in seconds, so that tokens with
    /// made-up `kid`s cannot make the API hammer the issuer.
    #[serde(default = "default_jwks_min_refresh_secs")]
    pub jwks_min_refresh_secs: u64,
    /// How many verified tokens are remembered; 0 verifies every request.
    #[serde(default = "default_token_cache_entries")]
    pub token_cache_entries: usize,
}

fn default_algorithms() -> Vec<Algorithm> {
    vec![Algorithm::RS256]
}

fn default_token_type() -> TokenType {
    TokenType::AtJwt
}

fn default_leeway_secs() -> u64 {
    30
}

fn default_jwks_cache_secs() -> u64 {
    600
}

fn default_jwks_min_refresh_secs() -> u64 {
    10
}

fn default_token_cache_entries() -> usize {
    10_000
}

impl BearerConfig {
    /// Tokens of `issuer` for the API named `audience`, with the defaults.
    pub fn new(issuer: impl Into<String>, audience: impl Into<String>) -> Self {
        Self {
            issuer: issuer.into(),
            audience: audience.into(),
            realm: None,
            algorithms: default_algorithms(),
            token_type: default_token_type(),
            leeway_secs: default_leeway_secs(),
            jwks_cache_secs: default_jwks_cache_secs(),
            jwks_min_refresh_secs: default_jwks_min_refresh_secs(),
            token_cache_entries: default_token_cache_entries(),
        }
    }

    /// The challenge's `realm` (default: the audience).
    pub fn realm(mut self, realm: impl Into<String>) -> Self {
        self.realm = Some(realm.into());
        self
    }

    /// The algorithms accepted (default: RS256).
    pub fn algorithms(mut self, algorithms: impl IntoIterator<Item = Algorithm>) -> Self {
        self.algorithms = algorithms.into_iter().collect();
        self
    }

    /// The `typ` of access tokens (default: `at+jwt`).
    pub fn token_type(mut self, token_type: TokenType) -> Self {
        self.token_type = token_type;
        self
    }

    /// Clock skew tolerated, in seconds (default: 30).
    pub fn leeway_secs(mut self, secs: u64) -> Self {
        self.leeway_secs = secs;
        self
    }

    /// How long keys are trusted, and the least time between two fetches,
    /// in seconds (default: 600 and 10).
    pub fn jwks_timing(mut self, cache_secs: u64, min_refresh_secs: u64) -> Self {
        self.jwks_cache_secs = cache_secs;
        self.jwks_min_refresh_secs = min_refresh_secs;
        self
    }

    /// Bound of the verified-token cache; 0 switches it off (default: 10,000).
    pub fn token_cache_entries(mut self, entries: usize) -> Self {
        self.token_cache_entries = entries;
        self
    }

    /// Checks the settings; fetches nothing yet (the issuer may start later).
    pub fn build(self) -> Result<BearerAuth, BearerSetupError> {
        self.build_with_clock(Arc::new(SystemClock))
    }

    /// The same with an injected clock, so tests can move time.
    pub fn build_with_clock(self, clock: Arc<dyn Clock>) -> Result<BearerAuth, BearerSetupError> {
        BearerAuth::new(self, clock)
    }
}
