//! The tenant: the APIs, clients and users the authorization server knows,
//! and its token lifetimes, read from TOML and validated before the server
//! starts (like an Auth0 tenant's dashboard settings).
//!
//! A mistake in the file is reported with the file, the line and the field,
//! and the server does not start: a half-valid tenant would fail later, in a
//! browser, far from its cause.

use std::{
    collections::HashSet,
    ops::Range,
    path::{Path, PathBuf},
};

use argon2::{
    Algorithm, Argon2, Params, Version,
    password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
};
use protocol::{ClientId, RedirectUri, Scope, ScopeSet};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use toml::Spanned;

/// The embedded demo tenant (`server/config/tenant.toml`).
pub const EMBEDDED: &str = include_str!("../../config/tenant.toml");

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

// ---- the file as written ------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TenantFile {
    #[serde(default)]
    default_audience: Option<Spanned<String>>,
    lifetimes: LifetimesFile,
    #[serde(default)]
    apis: Vec<ApiFile>,
    #[serde(default)]
    clients: Vec<ClientFile>,
    #[serde(default)]
    users: Vec<UserFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LifetimesFile {
    access_token_secs: Spanned<u64>,
    id_token_secs: Spanned<u64>,
    sso_idle_secs: Spanned<u64>,
    sso_absolute_secs: Spanned<u64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ApiFile {
    identifier: Spanned<String>,
    name: Spanned<String>,
    #[serde(default)]
    scopes: Vec<ScopeFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScopeFile {
    value: Spanned<String>,
    description: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClientFile {
    client_id: Spanned<String>,
    name: Spanned<String>,
    callbacks: Vec<Spanned<String>>,
    #[serde(default)]
    web_origins: Vec<Spanned<String>>,
    #[serde(default)]
    logout_urls: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UserFile {
    username: Spanned<String>,
    password: Spanned<String>,
    name: Spanned<String>,
    #[serde(default)]
    nickname: Option<String>,
    email: Spanned<String>,
    #[serde(default)]
    email_verified: bool,
    #[serde(default)]
    picture: Option<Spanned<String>>,
    #[serde(default)]
    sub: Option<Spanned<String>>,
}

// ---- validation ---------------------------------------------------------

/// Longest token lifetime accepted: a day. Anything longer defeats the
/// short-lived tokens the implicit flow depends on (RFC 9700 §2.1.2).
const MAX_TOKEN_SECS: u64 = 24 * 3600;
/// Longest session accepted: 30 days.
const MAX_SESSION_SECS: u64 = 30 * 24 * 3600;

struct Validator<'a> {
    origin: &'a str,
    text: &'a str,
}

impl Validator<'_> {
    fn error(
        &self,
        span: Range<usize>,
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> TenantError {
        let line = self.text[..span.start.min(self.text.len())]
            .matches('\n')
            .count()
            + 1;
        TenantError::Invalid {
            origin: self.origin.to_owned(),
            line,
            field: field.into(),
            message: message.into(),
        }
    }

    fn tenant(&self, file: TenantFile) -> Result<Tenant, TenantError> {
        let lifetimes = self.lifetimes(&file.lifetimes)?;
        let mut apis = Vec::new();
        for (i, api) in file.apis.into_iter().enumerate() {
            let span = api.identifier.span();
            let api = self.api(i, api)?;
            if apis.iter().any(|a: &Api| a.identifier == api.identifier) {
                return Err(self.error(
                    span,
                    format!("apis[{i}].identifier"),
                    format!("{:?} is defined twice", api.identifier),
                ));
            }
            apis.push(api);
        }
        let default_audience = match file.default_audience {
            Some(audience) if !apis.iter().any(|a| &a.identifier == audience.get_ref()) => {
                return Err(self.error(
                    audience.span(),
                    "default_audience",
                    format!(
                        "{:?} is not the identifier of an API in [[apis]]",
                        audience.get_ref()
                    ),
                ));
            }
            other => other.map(Spanned::into_inner),
        };
        let mut clients: Vec<Client> = Vec::new();
        for (i, client) in file.clients.into_iter().enumerate() {
            let span = client.client_id.span();
            let client = self.client(i, client)?;
            if clients.iter().any(|c| c.client_id == client.client_id) {
                return Err(self.error(
                    span,
                    format!("clients[{i}].client_id"),
                    format!("{:?} is registered twice", client.client_id.as_str()),
                ));
            }
            clients.push(client);
        }
        let mut users: Vec<User> = Vec::new();
        let mut subs = HashSet::new();
        for (i, user) in file.users.into_iter().enumerate() {
            let span = user.username.span();
            let sub_span = user.sub.as_ref().map_or(span.clone(), Spanned::span);
            let user = self.user(i, user)?;
            if users.iter().any(|u| u.username == user.username) {
                return Err(self.error(
                    span,
                    format!("users[{i}].username"),
                    format!("{:?} is defined twice", user.username),
                ));
            }
            if !subs.insert(user.sub.clone()) {
                return Err(self.error(
                    sub_span,
                    format!("users[{i}].sub"),
                    format!(
                        "{:?} is the sub of another user: subjects are unique",
                        user.sub
                    ),
                ));
            }
            users.push(user);
        }
        Ok(Tenant {
            default_audience,
            lifetimes,
            apis,
            clients,
            users,
        })
    }

    fn lifetimes(&self, file: &LifetimesFile) -> Result<Lifetimes, TenantError> {
        let check = |value: &Spanned<u64>, name: &str, max: u64| {
            if (1..=max).contains(value.get_ref()) {
                Ok(*value.get_ref())
            } else {
                Err(self.error(
                    value.span(),
                    format!("lifetimes.{name}"),
                    format!("must be between 1 and {max} seconds"),
                ))
            }
        };
        let lifetimes = Lifetimes {
            access_token_secs: check(&file.access_token_secs, "access_token_secs", MAX_TOKEN_SECS)?,
            id_token_secs: check(&file.id_token_secs, "id_token_secs", MAX_TOKEN_SECS)?,
            sso_idle_secs: check(&file.sso_idle_secs, "sso_idle_secs", MAX_SESSION_SECS)?,
            sso_absolute_secs: check(
                &file.sso_absolute_secs,
                "sso_absolute_secs",
                MAX_SESSION_SECS,
            )?,
        };
        if lifetimes.sso_idle_secs > lifetimes.sso_absolute_secs {
            return Err(self.error(
                file.sso_idle_secs.span(),
                "lifetimes.sso_idle_secs",
                "is longer than sso_absolute_secs, so it would never apply",
            ));
        }
        Ok(lifetimes)
    }

    fn api(&self, i: usize, file: ApiFile) -> Result<Api, TenantError> {
        let identifier = self.token_like(&file.identifier, &format!("apis[{i}].identifier"))?;
        let name = self.non_empty(&file.name, &format!("apis[{i}].name"))?;
        let mut scopes: Vec<ApiScope> = Vec::new();
        for (j, scope) in file.scopes.into_iter().enumerate() {
            let field = format!("apis[{i}].scopes[{j}].value");
            let value = Scope::new(scope.value.get_ref().clone())
                .map_err(|e| self.error(scope.value.span(), &field, e.to_string()))?;
            if OIDC_SCOPES.iter().any(|(s, _)| *s == value.as_str()) {
                return Err(self.error(
                    scope.value.span(),
                    &field,
                    format!("{value} is an OpenID Connect scope; APIs define their own"),
                ));
            }
            if scopes.iter().any(|s| s.scope == value) {
                return Err(self.error(
                    scope.value.span(),
                    &field,
                    format!("{value} is defined twice"),
                ));
            }
            let description = self.non_empty(
                &scope.description,
                &format!("apis[{i}].scopes[{j}].description"),
            )?;
            scopes.push(ApiScope {
                scope: value,
                description,
            });
        }
        Ok(Api {
            identifier,
            name,
            scopes,
        })
    }

    fn client(&self, i: usize, file: ClientFile) -> Result<Client, TenantError> {
        let client_id = self.token_like(&file.client_id, &format!("clients[{i}].client_id"))?;
        let name = self.non_empty(&file.name, &format!("clients[{i}].name"))?;
        if file.callbacks.is_empty() {
            return Err(self.error(
                file.client_id.span(),
                format!("clients[{i}].callbacks"),
                "a client needs at least one callback URL",
            ));
        }
        let mut callbacks: Vec<RedirectUri> = Vec::new();
        for (j, callback) in file.callbacks.iter().enumerate() {
            let field = format!("clients[{i}].callbacks[{j}]");
            let uri = RedirectUri::parse(callback.get_ref().clone())
                .map_err(|e| self.error(callback.span(), &field, e.to_string()))?;
            if !uri.as_str().is_ascii() {
                // It goes in a Location header, which is ASCII.
                return Err(self.error(
                    callback.span(),
                    &field,
                    "percent-encode characters outside ASCII",
                ));
            }
            if callbacks.contains(&uri) {
                return Err(self.error(callback.span(), &field, "is listed twice"));
            }
            callbacks.push(uri);
        }
        let mut web_origins = Vec::new();
        for (j, origin) in file.web_origins.iter().enumerate() {
            let value = origin.get_ref();
            let parsed = url::Url::parse(value).ok();
            let is_origin = parsed.as_ref().is_some_and(|u| {
                matches!(u.scheme(), "http" | "https") && u.origin().ascii_serialization() == *value
            });
            if !is_origin {
                return Err(self.error(
                    origin.span(),
                    format!("clients[{i}].web_origins[{j}]"),
                    format!("{value:?} is not an origin like https://app.example.com (scheme, host, optional port; no path, no trailing slash)"),
                ));
            }
            web_origins.push(value.clone());
        }
        let mut logout_urls = Vec::new();
        for (j, url) in file.logout_urls.iter().enumerate() {
            let parsed = RedirectUri::parse(url.get_ref().clone()).map_err(|e| {
                self.error(
                    url.span(),
                    format!("clients[{i}].logout_urls[{j}]"),
                    e.to_string().replace("redirect URI", "logout URL"),
                )
            })?;
            if !parsed.as_str().is_ascii() {
                return Err(self.error(
                    url.span(),
                    format!("clients[{i}].logout_urls[{j}]"),
                    "percent-encode characters outside ASCII",
                ));
            }
            logout_urls.push(String::from(parsed));
        }
        Ok(Client {
            client_id: ClientId::new(client_id),
            name,
            callbacks,
            web_origins,
            logout_urls,
        })
    }

    fn user(&self, i: usize, file: UserFile) -> Result<User, TenantError> {
        let username = file.username.get_ref();
        let valid_username = !username.is_empty()
            && username.len() <= 64
            && username
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
        if !valid_username {
            return Err(self.error(
                file.username.span(),
                format!("users[{i}].username"),
                "use 1 to 64 letters, digits, '.', '_' or '-'",
            ));
        }
        let password = file.password.get_ref();
        if password.is_empty() {
            return Err(self.error(
                file.password.span(),
                format!("users[{i}].password"),
                "must not be empty",
            ));
        }
        let name = self.non_empty(&file.name, &format!("users[{i}].name"))?;
        let email = file.email.get_ref();
        if !email.contains('@') || email.chars().any(char::is_whitespace) {
            return Err(self.error(
                file.email.span(),
                format!("users[{i}].email"),
                format!("{email:?} is not an email address"),
            ));
        }
        let picture = match &file.picture {
            Some(picture) => {
                let ok = url::Url::parse(picture.get_ref())
                    .is_ok_and(|u| matches!(u.scheme(), "http" | "https"));
                if !ok {
                    return Err(self.error(
                        picture.span(),
                        format!("users[{i}].picture"),
                        "must be an absolute http(s) URL",
                    ));
                }
                Some(picture.get_ref().clone())
            }
            None => None,
        };
        let sub = match &file.sub {
            Some(sub) => self.token_like(sub, &format!("users[{i}].sub"))?,
            None => username.clone(),
        };
        let password_hash = hash_password(password)?;
        Ok(User {
            username: username.clone(),
            sub,
            name,
            nickname: file.nickname,
            email: email.clone(),
            email_verified: file.email_verified,
            picture,
            password_hint: password.clone(),
            password_hash,
        })
    }

    fn non_empty(&self, value: &Spanned<String>, field: &str) -> Result<String, TenantError> {
        if value.get_ref().trim().is_empty() {
            return Err(self.error(value.span(), field, "must not be empty"));
        }
        Ok(value.get_ref().clone())
    }

    /// An identifier: visible ASCII, no spaces (RFC 6749 Appendix A.1's
    /// VSCHAR for client_id), at most 256 bytes.
    fn token_like(&self, value: &Spanned<String>, field: &str) -> Result<String, TenantError> {
        let v = value.get_ref();
        if v.is_empty() || v.len() > 256 || !v.bytes().all(|b| (0x21..=0x7E).contains(&b)) {
            return Err(self.error(
                value.span(),
                field,
                "use 1 to 256 visible ASCII characters, without spaces",
            ));
        }
        Ok(v.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Tenant, TenantError> {
        Tenant::parse("test.toml", text)
    }

    /// The embedded tenant with one line replaced.
    fn embedded_with(old: &str, new: &str) -> String {
        assert!(
            EMBEDDED.contains(old),
            "{old} is not in the embedded tenant"
        );
        EMBEDDED.replacen(old, new, 1)
    }

    fn line_of(text: &str, needle: &str) -> usize {
        text[..text.find(needle).unwrap()].matches('\n').count() + 1
    }

    #[test]
    fn the_embedded_tenant_is_the_demo() {
        let tenant = parse(EMBEDDED).unwrap();
        let client = tenant.client("demo-spa").unwrap();
        assert_eq!(client.name, "Leptos implicit demo");
        assert!(client.callback("http://localhost:3000/callback").is_some());
        assert!(
            client
                .callback("http://localhost:3000/silent-callback.html")
                .is_some()
        );
        assert!(client.allows_origin("http://localhost:3000"));
        assert!(client.allows_logout_url("http://localhost:3000/logged-out"));
        let api = tenant.api("http://localhost:8000/api").unwrap();
        assert_eq!(api.scope_set().to_string(), "read:messages write:messages");
        assert_eq!(tenant.lifetimes.access_token_secs, 120);
        assert!(tenant.users.len() >= 2);
        let alice = tenant.user("alice").unwrap();
        assert!(verify_password(&alice.password_hash, &alice.password_hint));
        assert!(!verify_password(&alice.password_hash, "not-her-password"));
    }

    #[test]
    fn a_redirect_uri_is_matched_as_an_exact_string() {
        let tenant = parse(EMBEDDED).unwrap();
        let client = tenant.client("demo-spa").unwrap();
        for near_miss in [
            "http://localhost:3000/callback/",
            "http://localhost:3000/callback?x=1",
            "http://localhost:3000/Callback",
            "http://LOCALHOST:3000/callback",
            "http://localhost:3000/callback#",
            "http://localhost:3000/callbackx",
            "https://localhost:3000/callback",
        ] {
            assert!(
                client.callback(near_miss).is_none(),
                "{near_miss} was accepted"
            );
        }
    }

    #[test]
    fn a_callback_with_a_fragment_names_the_line_and_field() {
        let text = embedded_with(
            "\"http://localhost:3000/callback\",",
            "\"http://localhost:3000/callback#x\",",
        );
        let error = parse(&text).unwrap_err().to_string();
        let line = line_of(&text, "callback#x");
        assert!(error.contains(&format!("line {line}")), "{error}");
        assert!(error.contains("clients[0].callbacks[0]"), "{error}");
        assert!(error.contains("fragment"), "{error}");
    }

    #[test]
    fn a_web_origin_with_a_path_is_refused() {
        let text = embedded_with(
            "web_origins = [\"http://localhost:3000\"]",
            "web_origins = [\"http://localhost:3000/\"]",
        );
        let error = parse(&text).unwrap_err().to_string();
        assert!(error.contains("clients[0].web_origins[0]"), "{error}");
    }

    #[test]
    fn a_duplicate_username_or_client_is_refused() {
        let text = embedded_with("username = \"bob\"", "username = \"alice\"");
        let error = parse(&text).unwrap_err().to_string();
        assert!(error.contains("users[1].username"), "{error}");
        assert!(error.contains("defined twice"), "{error}");

        let text = format!(
            "{EMBEDDED}\n[[clients]]\nclient_id = \"demo-spa\"\nname = \"Again\"\ncallbacks = [\"https://a.example/cb\"]\n"
        );
        let error = parse(&text).unwrap_err().to_string();
        assert!(error.contains("clients[1].client_id"), "{error}");
    }

    #[test]
    fn an_unknown_scope_character_or_an_oidc_scope_in_an_api_is_refused() {
        let text = embedded_with("value = \"read:messages\"", "value = \"read messages\"");
        let error = parse(&text).unwrap_err().to_string();
        assert!(error.contains("apis[0].scopes[0].value"), "{error}");

        let text = embedded_with("value = \"read:messages\"", "value = \"openid\"");
        let error = parse(&text).unwrap_err().to_string();
        assert!(error.contains("OpenID Connect scope"), "{error}");
    }

    #[test]
    fn a_default_audience_must_be_a_known_api() {
        let text = embedded_with(
            "# default_audience = \"http://localhost:8000/api\"",
            "default_audience = \"http://localhost:8000/other\"",
        );
        let error = parse(&text).unwrap_err().to_string();
        assert!(error.contains("default_audience"), "{error}");
        let text = embedded_with(
            "# default_audience = \"http://localhost:8000/api\"",
            "default_audience = \"http://localhost:8000/api\"",
        );
        assert_eq!(
            parse(&text).unwrap().default_audience.as_deref(),
            Some("http://localhost:8000/api")
        );
    }

    #[test]
    fn a_zero_lifetime_or_an_idle_timeout_beyond_the_absolute_one_is_refused() {
        let text = embedded_with("access_token_secs = 120", "access_token_secs = 0");
        let error = parse(&text).unwrap_err().to_string();
        assert!(error.contains("lifetimes.access_token_secs"), "{error}");
        let text = embedded_with("sso_idle_secs = 1800", "sso_idle_secs = 99999");
        let error = parse(&text).unwrap_err().to_string();
        assert!(error.contains("lifetimes.sso_idle_secs"), "{error}");
    }

    #[test]
    fn an_unknown_key_is_a_toml_error_naming_it() {
        let text = embedded_with("nickname = \"bob\"", "nick = \"bob\"");
        let error = parse(&text).unwrap_err().to_string();
        assert!(error.contains("nick"), "{error}");
        assert!(
            error.contains(&format!("line {}", line_of(&text, "nick = "))),
            "{error}"
        );
    }

    #[test]
    fn a_bad_email_or_picture_is_refused() {
        let text = embedded_with("email = \"bob@example.com\"", "email = \"bob\"");
        assert!(
            parse(&text)
                .unwrap_err()
                .to_string()
                .contains("users[1].email")
        );
        let text = embedded_with(
            "email_verified = false",
            "email_verified = false\npicture = \"javascript:alert(1)\"",
        );
        assert!(
            parse(&text)
                .unwrap_err()
                .to_string()
                .contains("users[1].picture")
        );
    }
}
