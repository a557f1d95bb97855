//! The tenant: the APIs, clients and users the authorization server knows,
//! and its token lifetimes, read from TOML and validated before the server
//! starts (like an Auth0 tenant's dashboard settings).
//!
//! A mistake in the file is reported with the file, the line and the field,
//! and the server does not start: a half-valid tenant would fail later, in a
//! browser, far from its cause.

use std::path::{Path, PathBuf};

use argon2::{
    Algorithm, Argon2, Params, Version,
    password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
};
use protocol::{ClientId, RedirectUri, Scope, ScopeSet};
use rand::RngCore;
use serde::{Deserialize, Serialize};

use self::{file::TenantFile, validate::Validator};

/// The embedded demo tenant (`server/mock-issuer/tenant.toml`).
pub const EMBEDDED: &str = include_str!("../tenant.toml");

/// The scopes OpenID Connect defines (Core §3.1.2.1, §5.4), which every
/// client may ask for, with what they release.
pub const OIDC_SCOPES: [(&str, &str); 3] = [
    ("openid", "Sign you in and know who you are (your user id)"),
    ("profile", "Your name, nickname and picture"),
    ("email", "Your email address and whether it is verified"),
];

/// A validated tenant.
#[derive(Debug, Clone)]
pub struct Tenant {
    /// The API used when a request names no `audience`.
    pub default_audience: Option<String>,
    /// Token and session lifetimes.
    pub lifetimes: Lifetimes,
    /// The resource servers tokens are issued for.
    pub apis: Vec<Api>,
    /// The applications allowed to ask for tokens.
    pub clients: Vec<Client>,
    /// The people who can log in.
    pub users: Vec<User>,
}

/// Lifetimes in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lifetimes {
    /// `exp - iat` of access tokens, and the `expires_in` of the response.
    pub access_token_secs: u64,
    /// `exp - iat` of ID tokens.
    pub id_token_secs: u64,
    /// A session unused this long ends.
    pub sso_idle_secs: u64,
    /// A session ends this long after its login in any case.
    pub sso_absolute_secs: u64,
}

/// A resource server (Auth0's "API").
#[derive(Debug, Clone)]
pub struct Api {
    /// Its identifier: the `audience` parameter and the access token's `aud`.
    pub identifier: String,
    /// Shown on the consent page.
    pub name: String,
    /// The scopes it defines.
    pub scopes: Vec<ApiScope>,
}

/// One scope of an API, with the sentence the consent page shows.
#[derive(Debug, Clone)]
pub struct ApiScope {
    /// The scope token.
    pub scope: Scope,
    /// What it allows, for people.
    pub description: String,
}

/// A registered single-page app (RFC 6749 §2: a public client).
#[derive(Debug, Clone)]
pub struct Client {
    /// RFC 6749 §2.2.
    pub client_id: ClientId,
    /// Shown on the login and consent pages.
    pub name: String,
    /// The redirection endpoints (RFC 6749 §3.1.2.2), compared as exact
    /// strings (RFC 9700 §4.1.3).
    pub callbacks: Vec<RedirectUri>,
    /// Origins (`scheme://host[:port]`) that may frame silent requests,
    /// receive `web_message` responses and call /userinfo.
    pub web_origins: Vec<String>,
    /// Where logout may return to.
    pub logout_urls: Vec<String>,
}

/// A demo user.
#[derive(Clone)]
pub struct User {
    /// What is typed on the login page.
    pub username: String,
    /// The `sub` claim: stable and never reassigned (OIDC Core §2).
    pub sub: String,
    /// `name`.
    pub name: String,
    /// `nickname`.
    pub nickname: Option<String>,
    /// `email`.
    pub email: String,
    /// `email_verified`.
    pub email_verified: bool,
    /// `picture`; `None` means the avatar the issuer draws.
    pub picture: Option<String>,
    /// The password in clear, shown as a hint on the login page: this is a
    /// demo tenant whose passwords are public by design.
    pub password_hint: String,
    /// Argon2id PHC string of the password, checked at login.
    pub password_hash: String,
}

impl std::fmt::Debug for User {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("User")
            .field("username", &self.username)
            .field("sub", &self.sub)
            .finish_non_exhaustive()
    }
}

/// Why the tenant cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum TenantError {
    /// The file cannot be read.
    #[error("cannot read the tenant file {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Not TOML, or a missing, unknown or mistyped field: toml's message
    /// names the line and the field.
    #[error("bad tenant file {origin}: {source}")]
    Parse {
        /// The file, or "(embedded)".
        origin: String,
        /// toml's error.
        source: Box<toml::de::Error>,
    },
    /// Well-formed TOML with a value that makes no sense.
    #[error("bad tenant file {origin}, line {line}, `{field}`: {message}")]
    Invalid {
        /// The file, or "(embedded)".
        origin: String,
        /// 1-based line of the value.
        line: usize,
        /// The path of the field, e.g. `clients[0].callbacks[1]`.
        field: String,
        /// What is wrong.
        message: String,
    },
    /// Argon2 failed (it does not with the parameters used).
    #[error("cannot hash the demo passwords: {0}")]
    Hash(String),
}

impl Tenant {
    /// Reads `path`, or the embedded tenant when `None`, then hashes the
    /// passwords on a blocking thread (Argon2 is deliberately slow).
    pub async fn load(path: Option<&Path>) -> Result<Self, TenantError> {
        let (origin, text) = match path {
            Some(path) => {
                let text =
                    tokio::fs::read_to_string(path)
                        .await
                        .map_err(|source| TenantError::Read {
                            path: path.to_owned(),
                            source,
                        })?;
                (path.display().to_string(), text)
            }
            None => ("(embedded)".to_owned(), EMBEDDED.to_owned()),
        };
        tokio::task::spawn_blocking(move || Self::parse(&origin, &text))
            .await
            .map_err(|e| TenantError::Hash(e.to_string()))?
    }

    /// Parses and validates a tenant; `origin` names it in errors.
    pub fn parse(origin: &str, text: &str) -> Result<Self, TenantError> {
        let file: TenantFile = toml::from_str(text).map_err(|source| TenantError::Parse {
            origin: origin.to_owned(),
            source: Box::new(source),
        })?;
        Validator { origin, text }.tenant(file)
    }

    /// The client registered under `client_id`.
    pub fn client(&self, client_id: &str) -> Option<&Client> {
        self.clients
            .iter()
            .find(|c| c.client_id.as_str() == client_id)
    }

    /// The API whose identifier is `identifier`.
    pub fn api(&self, identifier: &str) -> Option<&Api> {
        self.apis.iter().find(|a| a.identifier == identifier)
    }

    /// The user who logs in as `username`.
    pub fn user(&self, username: &str) -> Option<&User> {
        self.users.iter().find(|u| u.username == username)
    }

    /// The user whose `sub` is `sub`.
    pub fn user_by_sub(&self, sub: &str) -> Option<&User> {
        self.users.iter().find(|u| u.sub == sub)
    }

    /// Every client's web origins, for CORS.
    pub fn web_origins(&self) -> Vec<String> {
        let mut origins: Vec<String> = self
            .clients
            .iter()
            .flat_map(|c| c.web_origins.iter().cloned())
            .collect();
        origins.sort_unstable();
        origins.dedup();
        origins
    }

    /// What `scope` lets the client do, for the consent page: an OpenID
    /// Connect scope, or one the `api` defines.
    pub fn describe_scope<'a>(&self, scope: &Scope, api: Option<&'a Api>) -> Option<&'a str> {
        OIDC_SCOPES
            .iter()
            .find(|(s, _)| *s == scope.as_str())
            .map(|(_, d)| *d)
            .or_else(|| {
                api?.scopes
                    .iter()
                    .find(|s| &s.scope == scope)
                    .map(|s| s.description.as_str())
            })
    }
}

impl Client {
    /// The registered redirect URI equal to `uri`, compared as exact
    /// strings: no normalisation, no prefix or pattern matching (RFC 9700
    /// §4.1.3, RFC 6749 §3.1.2.3).
    pub fn callback(&self, uri: &str) -> Option<&RedirectUri> {
        self.callbacks.iter().find(|c| c.as_str() == uri)
    }

    /// Whether `url` is an allowed logout return URL (exact match).
    pub fn allows_logout_url(&self, url: &str) -> bool {
        self.logout_urls.iter().any(|u| u == url)
    }

    /// Whether `origin` is one of the client's web origins.
    pub fn allows_origin(&self, origin: &str) -> bool {
        self.web_origins.iter().any(|o| o == origin)
    }
}

impl Api {
    /// The scopes this API defines.
    pub fn scope_set(&self) -> ScopeSet {
        self.scopes.iter().map(|s| s.scope.clone()).collect()
    }
}

/// Argon2id with light parameters (4 MiB, one pass): the demo's passwords
/// are printed on the login page, so strength buys nothing, while OWASP's
/// 19 MiB / 2 passes takes about a second per login in a debug build. The
/// login path still does the real work of a provider: one Argon2 check.
fn argon2() -> Result<Argon2<'static>, TenantError> {
    let params = Params::new(4 * 1024, 1, 1, None).map_err(|e| TenantError::Hash(e.to_string()))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Hashes `password` with a fresh random salt into a PHC string.
pub fn hash_password(password: &str) -> Result<String, TenantError> {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|e| TenantError::Hash(e.to_string()))?;
    argon2()?
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| TenantError::Hash(e.to_string()))
}

/// Whether `password` matches the PHC string `hash` (constant-time
/// comparison inside `argon2`). Slow on purpose: call it off the runtime.
pub fn verify_password(hash: &str, password: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok()
}

mod file;
mod validate;

#[cfg(test)]
mod tests;
