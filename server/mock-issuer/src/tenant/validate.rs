//! Validating a tenant file: every error names the file, the line and the
//! field, and no value a client would trip over later is let through.

use std::{collections::HashSet, ops::Range};

use protocol::{ClientId, RedirectUri, Scope};
use toml::Spanned;

use super::{
    Api, ApiScope, Client, Lifetimes, OIDC_SCOPES, Tenant, TenantError, User,
    file::{ApiFile, ClientFile, LifetimesFile, TenantFile, UserFile},
    hash_password,
};

/// Longest token lifetime accepted: a day. Anything longer defeats the
/// short-lived tokens the implicit flow depends on (RFC 9700 §2.1.2).
const MAX_TOKEN_SECS: u64 = 24 * 3600;
/// Longest session accepted: 30 days.
const MAX_SESSION_SECS: u64 = 30 * 24 * 3600;

pub(super) struct Validator<'a> {
    pub(super) origin: &'a str,
    pub(super) text: &'a str,
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

    pub(super) fn tenant(&self, file: TenantFile) -> Result<Tenant, TenantError> {
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
