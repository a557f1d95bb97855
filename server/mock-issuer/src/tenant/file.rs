//! The tenant file as written: what TOML may say, before validation.

use serde::Deserialize;
use toml::Spanned;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct TenantFile {
    #[serde(default)]
    pub(super) default_audience: Option<Spanned<String>>,
    pub(super) lifetimes: LifetimesFile,
    #[serde(default)]
    pub(super) apis: Vec<ApiFile>,
    #[serde(default)]
    pub(super) clients: Vec<ClientFile>,
    #[serde(default)]
    pub(super) users: Vec<UserFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct LifetimesFile {
    pub(super) access_token_secs: Spanned<u64>,
    pub(super) id_token_secs: Spanned<u64>,
    pub(super) sso_idle_secs: Spanned<u64>,
    pub(super) sso_absolute_secs: Spanned<u64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ApiFile {
    pub(super) identifier: Spanned<String>,
    pub(super) name: Spanned<String>,
    #[serde(default)]
    pub(super) scopes: Vec<ScopeFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ScopeFile {
    pub(super) value: Spanned<String>,
    pub(super) description: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ClientFile {
    pub(super) client_id: Spanned<String>,
    pub(super) name: Spanned<String>,
    pub(super) callbacks: Vec<Spanned<String>>,
    #[serde(default)]
    pub(super) web_origins: Vec<Spanned<String>>,
    #[serde(default)]
    pub(super) logout_urls: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct UserFile {
    pub(super) username: Spanned<String>,
    pub(super) password: Spanned<String>,
    pub(super) name: Spanned<String>,
    #[serde(default)]
    pub(super) nickname: Option<String>,
    pub(super) email: Spanned<String>,
    #[serde(default)]
    pub(super) email_verified: bool,
    #[serde(default)]
    pub(super) picture: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) sub: Option<Spanned<String>>,
}
