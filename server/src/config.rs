//! Where each origin listens and how the three know each other.
//!
//! Three layers, each overriding the one before: the embedded defaults (which
//! run the demo on ports 3000, 9000 and 8000 with no file), a TOML file named
//! by `DEMO_CONFIG` (see `server/config/demo.toml`), then single environment
//! variables (listed in [`ENV_VARS`]). The SPA's own listener is cargo-leptos's
//! `LEPTOS_SITE_ADDR`.

use std::{net::SocketAddr, path::PathBuf};

use auth_client::ClientConfig;
use bearer_auth::BearerConfig;
use mock_issuer::IssuerConfig;
use protocol::ClientId;
use serde::Deserialize;

/// The whole configuration of the process.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// The single-page app (the OAuth client).
    pub spa: SpaConfig,
    /// The mock authorization server (the OpenID provider).
    pub issuer: IssuerOrigin,
    /// The protected resource API.
    pub api: ApiConfig,
}

/// The SPA: which provider, client and API it uses. Its listen address is
/// cargo-leptos's `site-addr` / `LEPTOS_SITE_ADDR`.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SpaConfig {
    /// Serve the SPA from this process.
    pub enabled: bool,
    /// The `auth-client` crate's settings (`[spa.client]`): the provider's
    /// issuer URL (everything else comes from its discovery document), the
    /// SPA's client_id, the API's identifier and URL, the scopes.
    pub client: ClientConfig,
    /// Origins beyond the provider's and the API's that the pages may
    /// fetch from (their `connect-src`): a provider whose discovery puts
    /// its JWKS or UserInfo elsewhere, as Google's does
    /// (`https://www.googleapis.com`).
    pub connect_src: Vec<String>,
}

/// The mock authorization server: where it listens, and the
/// `mock-issuer` crate's own settings (`[issuer.mock]`).
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct IssuerOrigin {
    /// Run the mock authorization server in this process.
    pub enabled: bool,
    /// Socket address to listen on.
    pub addr: SocketAddr,
    /// Its URL (the `iss`), tenant, key directory and dev controls.
    pub mock: IssuerConfig,
}

/// The protected resource API.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ApiConfig {
    /// Run the API in this process.
    pub enabled: bool,
    /// Socket address to listen on.
    pub addr: SocketAddr,
    /// Public base URL.
    pub url: String,
    /// Browser origins allowed to call the API (CORS), each exactly as a
    /// browser sends it in `Origin`: `scheme://host[:port]`, no path.
    pub allowed_origins: Vec<String>,
    /// Which tokens it accepts (`[api.token]`): the issuer (any OpenID
    /// provider), this API's identifier (the `aud` its tokens carry) and
    /// the checks' settings, as the `bearer-auth` crate reads them.
    pub token: BearerConfig,
}

/// On another site than the SPA's (`localhost`), as a real provider is: its
/// session cookie is a third-party one in the renewal iframe. `ISSUER_URL=
/// http://localhost:9000` puts it on the SPA's site (a port is no part of a
/// site).
const DEFAULT_ISSUER: &str = "http://127.0.0.1:9000";
const DEFAULT_API_URL: &str = "http://localhost:8000";
const DEFAULT_AUDIENCE: &str = "http://localhost:8000/api";
const DEFAULT_SPA_ORIGIN: &str = "http://localhost:3000";

impl Default for SpaConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            client: ClientConfig {
                audience: Some(DEFAULT_AUDIENCE.into()),
                // Valid scope tokens: the parse cannot fail.
                scope: "openid profile email read:messages"
                    .parse()
                    .unwrap_or_default(),
                api_url: DEFAULT_API_URL.into(),
                ..ClientConfig::new(DEFAULT_ISSUER, "demo-spa")
            },
            connect_src: Vec::new(),
        }
    }
}

impl Default for IssuerOrigin {
    fn default() -> Self {
        Self {
            enabled: true,
            addr: SocketAddr::from(([127, 0, 0, 1], 9000)),
            mock: IssuerConfig::default(),
        }
    }
}

impl Default for ApiConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            addr: SocketAddr::from(([127, 0, 0, 1], 8000)),
            url: DEFAULT_API_URL.into(),
            allowed_origins: vec![DEFAULT_SPA_ORIGIN.into()],
            token: BearerConfig::new(DEFAULT_ISSUER, DEFAULT_AUDIENCE),
        }
    }
}

/// Every environment variable read, with the setting it overrides.
pub const ENV_VARS: &[(&str, &str)] = &[
    (
        "DEMO_CONFIG",
        "path of a TOML file with any of the settings below",
    ),
    ("SPA_ENABLED", "spa.enabled"),
    ("SPA_ISSUER", "spa.client.issuer"),
    ("SPA_CLIENT_ID", "spa.client.client_id"),
    ("SPA_AUDIENCE", "spa.client.audience (empty: none)"),
    ("SPA_SCOPE", "spa.client.scope"),
    ("SPA_API_URL", "spa.client.api_url"),
    (
        "SPA_CONNECT_SRC",
        "spa.connect_src (comma-separated origins)",
    ),
    ("ISSUER_ENABLED", "issuer.enabled"),
    ("ISSUER_ADDR", "issuer.addr"),
    (
        "ISSUER_URL",
        "issuer.mock.url (and spa.client.issuer and api.token.issuer, unless SPA_ISSUER or API_ISSUER is set)",
    ),
    (
        "ISSUER_TENANT",
        "issuer.mock.tenant (path of a tenant TOML file)",
    ),
    (
        "ISSUER_DATA_DIR",
        "issuer.mock.data_dir (empty: keys in memory only)",
    ),
    ("ISSUER_DEV_CONTROLS", "issuer.mock.dev_controls"),
    (
        "ISSUER_DEV_CONTROLS_BEYOND_LOOPBACK",
        "issuer.mock.dev_controls_beyond_loopback",
    ),
    ("API_ENABLED", "api.enabled"),
    ("API_ADDR", "api.addr"),
    ("API_URL", "api.url"),
    ("API_ISSUER", "api.token.issuer"),
    ("API_AUDIENCE", "api.token.audience"),
    (
        "API_ALLOWED_ORIGINS",
        "api.allowed_origins (comma-separated)",
    ),
    ("API_ALGORITHMS", "api.token.algorithms (comma-separated)"),
    ("API_TOKEN_TYPE", "api.token.token_type (at+jwt or jwt)"),
    ("API_LEEWAY_SECS", "api.token.leeway_secs"),
    ("API_JWKS_CACHE_SECS", "api.token.jwks_cache_secs"),
    (
        "API_JWKS_MIN_REFRESH_SECS",
        "api.token.jwks_min_refresh_secs",
    ),
    ("API_TOKEN_CACHE_ENTRIES", "api.token.token_cache_entries"),
];

/// A configuration that cannot be used; the process does not start.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file named by `DEMO_CONFIG` cannot be read.
    #[error("cannot read the config file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The file is not valid TOML or has an unknown or mistyped setting; the
    /// message names the line and the field.
    #[error("bad config file {path}: {source}")]
    Parse {
        path: PathBuf,
        source: Box<toml::de::Error>,
    },
    /// An environment variable has a value of the wrong type.
    #[error("bad value for {name}: {message}")]
    Env { name: &'static str, message: String },
}

impl Config {
    /// Reads the configuration from the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::load(|name| std::env::var(name).ok())
    }

    /// Reads the configuration with `env` standing in for the environment,
    /// so tests need not touch the process's variables.
    pub fn load(env: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let mut config = match env("DEMO_CONFIG") {
            Some(path) => Self::from_file(PathBuf::from(path))?,
            None => Self::default(),
        };
        config.apply_env(&env)?;
        Ok(config)
    }

    fn from_file(path: PathBuf) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(&path).map_err(|source| ConfigError::Read {
            path: path.clone(),
            source,
        })?;
        toml::from_str(&text).map_err(|source| ConfigError::Parse {
            path,
            source: Box::new(source),
        })
    }

    fn apply_env(&mut self, env: &impl Fn(&str) -> Option<String>) -> Result<(), ConfigError> {
        set_bool(env, "SPA_ENABLED", &mut self.spa.enabled)?;
        let client = &mut self.spa.client;
        set_string(env, "SPA_ISSUER", &mut client.issuer);
        if let Some(id) = env("SPA_CLIENT_ID") {
            client.client_id = ClientId::new(id);
        }
        if let Some(audience) = env("SPA_AUDIENCE") {
            client.audience = Some(audience).filter(|a| !a.is_empty());
        }
        set_parsed(env, "SPA_SCOPE", &mut client.scope)?;
        set_string(env, "SPA_API_URL", &mut client.api_url);
        if let Some(origins) = env("SPA_CONNECT_SRC") {
            self.spa.connect_src = comma_list(&origins);
        }
        set_bool(env, "ISSUER_ENABLED", &mut self.issuer.enabled)?;
        set_addr(env, "ISSUER_ADDR", &mut self.issuer.addr)?;
        if let Some(url) = env("ISSUER_URL") {
            // The SPA and the API follow the mock issuer unless told
            // otherwise: `ISSUER_URL=http://localhost:9000` alone makes the
            // demo same-site.
            if env("SPA_ISSUER").is_none() {
                self.spa.client.issuer.clone_from(&url);
            }
            if env("API_ISSUER").is_none() {
                self.api.token.issuer.clone_from(&url);
            }
            self.issuer.mock.url = url;
        }
        if let Some(path) = env("ISSUER_TENANT") {
            self.issuer.mock.tenant = (!path.is_empty()).then(|| PathBuf::from(path));
        }
        if let Some(dir) = env("ISSUER_DATA_DIR") {
            self.issuer.mock.data_dir = (!dir.is_empty()).then(|| PathBuf::from(dir));
        }
        set_bool(
            env,
            "ISSUER_DEV_CONTROLS",
            &mut self.issuer.mock.dev_controls,
        )?;
        set_bool(
            env,
            "ISSUER_DEV_CONTROLS_BEYOND_LOOPBACK",
            &mut self.issuer.mock.dev_controls_beyond_loopback,
        )?;
        set_bool(env, "API_ENABLED", &mut self.api.enabled)?;
        set_addr(env, "API_ADDR", &mut self.api.addr)?;
        set_string(env, "API_URL", &mut self.api.url);
        set_string(env, "API_ISSUER", &mut self.api.token.issuer);
        set_string(env, "API_AUDIENCE", &mut self.api.token.audience);
        if let Some(origins) = env("API_ALLOWED_ORIGINS") {
            self.api.allowed_origins = comma_list(&origins);
        }
        if let Some(algorithms) = env("API_ALGORITHMS") {
            self.api.token.algorithms = algorithms
                .split(',')
                .map(str::trim)
                .filter(|a| !a.is_empty())
                .map(|a| {
                    a.parse().map_err(|_| ConfigError::Env {
                        name: "API_ALGORITHMS",
                        message: format!("{a:?} is not a JWS algorithm like RS256"),
                    })
                })
                .collect::<Result<_, _>>()?;
        }
        set_parsed(env, "API_TOKEN_TYPE", &mut self.api.token.token_type)?;
        set_parsed(env, "API_LEEWAY_SECS", &mut self.api.token.leeway_secs)?;
        set_parsed(
            env,
            "API_JWKS_CACHE_SECS",
            &mut self.api.token.jwks_cache_secs,
        )?;
        set_parsed(
            env,
            "API_JWKS_MIN_REFRESH_SECS",
            &mut self.api.token.jwks_min_refresh_secs,
        )?;
        set_parsed(
            env,
            "API_TOKEN_CACHE_ENTRIES",
            &mut self.api.token.token_cache_entries,
        )?;
        Ok(())
    }
}

impl Config {
    /// The part of the SPA's settings that the browser receives. It names
    /// the mock issuer's dev controls only when the SPA logs in at that
    /// issuer, in this process, and they are switched on.
    pub fn spa_app_config(&self) -> app::SpaConfig {
        let client = &self.spa.client;
        let same_issuer =
            client.issuer.trim_end_matches('/') == self.issuer.mock.url.trim_end_matches('/');
        let dev_controls = (self.issuer.enabled && self.issuer.mock.dev_controls && same_issuer)
            .then(|| format!("{}/dev", self.issuer.mock.url.trim_end_matches('/')));
        app::SpaConfig {
            client: client.clone(),
            dev_controls,
        }
    }

    /// The SPA pages' content security policy: the provider, the API and
    /// `spa.connect_src` (each must be an http(s) URL).
    pub fn page_policy(
        &self,
        options: &leptos::config::LeptosOptions,
    ) -> Result<crate::spa::PagePolicy, crate::spa::BadOrigin> {
        let client = &self.spa.client;
        crate::spa::PagePolicy::new(
            &client.issuer,
            &client.api_url,
            &self.spa.connect_src,
            options,
        )
    }
}

/// `a, b,,c` as `["a", "b", "c"]`.
fn comma_list(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|o| !o.is_empty())
        .map(str::to_owned)
        .collect()
}

fn set_string(env: &impl Fn(&str) -> Option<String>, name: &str, target: &mut String) {
    if let Some(value) = env(name) {
        *target = value;
    }
}

fn set_bool(
    env: &impl Fn(&str) -> Option<String>,
    name: &'static str,
    target: &mut bool,
) -> Result<(), ConfigError> {
    if let Some(value) = env(name) {
        *target = match value.trim().to_ascii_lowercase().as_str() {
            "1" | "true" | "yes" | "on" => true,
            "0" | "false" | "no" | "off" => false,
            _ => {
                return Err(ConfigError::Env {
                    name,
                    message: format!("{value:?} is not true/false"),
                });
            }
        };
    }
    Ok(())
}

fn set_addr(
    env: &impl Fn(&str) -> Option<String>,
    name: &'static str,
    target: &mut SocketAddr,
) -> Result<(), ConfigError> {
    if let Some(value) = env(name) {
        *target = value.parse().map_err(|e| ConfigError::Env {
            name,
            message: format!("{value:?} is not a socket address like 127.0.0.1:9000 ({e})"),
        })?;
    }
    Ok(())
}

fn set_parsed<T: std::str::FromStr>(
    env: &impl Fn(&str) -> Option<String>,
    name: &'static str,
    target: &mut T,
) -> Result<(), ConfigError>
where
    T::Err: std::fmt::Display,
{
    if let Some(value) = env(name) {
        *target = value.trim().parse().map_err(|e| ConfigError::Env {
            name,
            message: format!("{value:?}: {e}"),
        })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn load(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::load(|name| vars.get(name).cloned())
    }

    #[test]
    fn the_spa_is_told_of_dev_controls_only_at_the_mock_issuer_that_has_them() {
        let dev = |vars: &[(&str, &str)]| load(vars).unwrap().spa_app_config().dev_controls;
        assert_eq!(dev(&[]).as_deref(), Some("http://127.0.0.1:9000/dev"));
        assert_eq!(
            dev(&[("SPA_ISSUER", "http://127.0.0.1:9000/")]).as_deref(),
            Some("http://127.0.0.1:9000/dev")
        );
        // The mock issuer somewhere else: the SPA follows it.
        assert_eq!(
            dev(&[("ISSUER_URL", "http://localhost:9000")]).as_deref(),
            Some("http://localhost:9000/dev")
        );
        assert_eq!(
            dev(&[("SPA_ISSUER", "http://localhost:9000")]),
            None,
            "another issuer than the mock's"
        );
        assert_eq!(dev(&[("SPA_ISSUER", "https://tenant.example.com/")]), None);
        assert_eq!(dev(&[("ISSUER_DEV_CONTROLS", "false")]), None);
        assert_eq!(dev(&[("ISSUER_ENABLED", "false")]), None);
    }

    #[test]
    fn the_issuer_is_on_another_site_and_one_setting_moves_it_with_the_spa_and_api() {
        let site = |url: &str| url::Url::parse(url).unwrap().host_str().unwrap().to_owned();
        let config = load(&[]).unwrap();
        assert_eq!(site(&config.api.allowed_origins[0]), "localhost", "the SPA");
        for url in [
            &config.issuer.mock.url,
            &config.spa.client.issuer,
            &config.api.token.issuer,
        ] {
            assert_eq!(site(url), "127.0.0.1", "{url}");
        }
        let same_site = load(&[("ISSUER_URL", "http://localhost:9000")]).unwrap();
        for url in [
            &same_site.issuer.mock.url,
            &same_site.spa.client.issuer,
            &same_site.api.token.issuer,
        ] {
            assert_eq!(url, "http://localhost:9000");
        }
        let pinned = load(&[
            ("ISSUER_URL", "http://localhost:9000"),
            ("API_ISSUER", "https://other.example"),
        ])
        .unwrap();
        assert_eq!(pinned.api.token.issuer, "https://other.example");
        assert_eq!(pinned.spa.client.issuer, "http://localhost:9000");
    }

    #[test]
    fn with_no_file_and_no_variables_the_demo_runs_on_its_three_ports() {
        let config = load(&[]).unwrap();
        assert!(config.spa.enabled && config.issuer.enabled && config.api.enabled);
        assert_eq!(config.issuer.addr.port(), 9000);
        assert_eq!(config.api.addr.port(), 8000);
        assert_eq!(config.spa.client.issuer, config.issuer.mock.url);
        assert_eq!(config.api.token.issuer, config.issuer.mock.url);
        assert_eq!(config.api.allowed_origins, ["http://localhost:3000"]);
    }

    #[test]
    fn environment_variables_override_the_defaults() {
        let config = load(&[
            ("ISSUER_ENABLED", "false"),
            ("API_ADDR", "0.0.0.0:8080"),
            ("API_ISSUER", "https://tenant.example.com/"),
            (
                "API_ALLOWED_ORIGINS",
                "https://a.example, https://b.example",
            ),
        ])
        .unwrap();
        assert!(!config.issuer.enabled);
        assert_eq!(config.api.addr, "0.0.0.0:8080".parse().unwrap());
        assert_eq!(config.api.token.issuer, "https://tenant.example.com/");
        assert_eq!(
            config.api.allowed_origins,
            ["https://a.example", "https://b.example"]
        );
    }

    #[test]
    fn a_bad_boolean_or_address_names_the_variable() {
        let error = load(&[("SPA_ENABLED", "maybe")]).unwrap_err();
        assert!(error.to_string().contains("SPA_ENABLED"), "{error}");
        let error = load(&[("ISSUER_ADDR", "localhost")]).unwrap_err();
        assert!(error.to_string().contains("ISSUER_ADDR"), "{error}");
    }

    #[test]
    fn a_config_file_is_read_and_then_overridden_by_the_environment() {
        let dir = std::env::temp_dir().join(format!("demo-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("demo.toml");
        std::fs::write(
            &path,
            "[api]\nurl = \"http://api.test\"\n[spa.client]\nissuer = \"http://idp.test\"\nclient_id = \"from-file\"\n",
        )
        .unwrap();
        let path_str = path.to_str().unwrap();
        let config = load(&[("DEMO_CONFIG", path_str), ("SPA_CLIENT_ID", "from-env")]).unwrap();
        assert_eq!(config.api.url, "http://api.test");
        assert_eq!(config.spa.client.client_id.as_str(), "from-env");
        assert_eq!(config.spa.client.issuer, "http://idp.test");
        assert_eq!(
            config.issuer.addr.port(),
            9000,
            "unset keys keep their defaults"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn an_unknown_key_in_the_file_is_an_error_naming_the_key_and_line() {
        let dir = std::env::temp_dir().join(format!("demo-config-bad-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("demo.toml");
        std::fs::write(&path, "[api]\n\nadress = \"127.0.0.1:1\"\n").unwrap();
        let error = load(&[("DEMO_CONFIG", path.to_str().unwrap())])
            .unwrap_err()
            .to_string();
        assert!(error.contains("adress"), "{error}");
        assert!(error.contains("line 3"), "{error}");
        // The token settings are the bearer crate's, as strict.
        std::fs::write(
            &path,
            "[api.token]\nissuer = \"https://i.test/\"\naudience = \"a\"\nleway_secs = 5\n",
        )
        .unwrap();
        let error = load(&[("DEMO_CONFIG", path.to_str().unwrap())])
            .unwrap_err()
            .to_string();
        assert!(error.contains("leway_secs"), "{error}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn the_shipped_example_file_is_valid_and_says_the_defaults() {
        let text = include_str!("../config/demo.toml");
        let file: Config = toml::from_str(text).unwrap();
        let default = Config::default();
        assert_eq!(format!("{file:?}"), format!("{default:?}"));
    }
}
