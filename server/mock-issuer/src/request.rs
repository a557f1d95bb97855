//! Validating an authorization request (RFC 6749 §4.2.1, OpenID Connect
//! Core §3.2.2.1), in the order that decides where an error may go:
//!
//! 1. `client_id` and `redirect_uri`. Until both are known to be registered
//!    together, nothing may be sent to the redirect URI: an unknown client or
//!    an unregistered, missing or repeated redirect URI gets an error page,
//!    never a redirect (RFC 6749 §4.2.2.1, §10.15 open redirectors).
//! 2. `response_mode` and `state`, which say how and with what to answer.
//! 3. Everything else; its errors go back to the client (RFC 6749 §4.2.2.1,
//!    OIDC Core §3.1.2.6).

use protocol::{
    ClientId, ErrorCode, IdTokenHint, Nonce, Prompt, RedirectUri, ResponseMode, ResponseType,
    Scope, ScopeSet, State,
};

use super::{
    params::{Params, Repeated},
    tenant::{OIDC_SCOPES, Tenant},
};

/// A validated authorization request.
#[derive(Debug, Clone)]
pub struct AuthorizeRequest {
    /// A registered client.
    pub client_id: ClientId,
    /// One of its registered redirect URIs.
    pub redirect_uri: RedirectUri,
    /// What to return.
    pub response_type: ResponseType,
    /// How to return it.
    pub response_mode: ResponseMode,
    /// Scopes, each known: an OpenID Connect scope or one of the audience's.
    pub scope: ScopeSet,
    /// A registered API identifier, when an access token is for an API.
    pub audience: Option<String>,
    /// Echoed in the response.
    pub state: Option<State>,
    /// Copied into the ID token.
    pub nonce: Option<Nonce>,
    /// The `prompt` values.
    pub prompt: Prompts,
    /// OIDC Core §3.1.2.1: the oldest login accepted, in seconds.
    pub max_age: Option<u64>,
    /// OIDC Core §3.1.2.1: an ID token naming the user the client expects;
    /// checked when the request is answered.
    pub id_token_hint: Option<IdTokenHint>,
}

impl AuthorizeRequest {
    /// Its `state`, if it has one.
    pub fn oauth_state(&self) -> Option<&str> {
        self.state.as_ref().map(State::as_str)
    }
}

/// The `prompt` parameter: a space-separated set (OIDC Core §3.1.2.1).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Prompts {
    /// `none`: no page may be shown.
    pub none: bool,
    /// `login` (or `select_account`, the same here: one account per login).
    pub login: bool,
    /// `consent`.
    pub consent: bool,
}

/// Where and how an authorization response goes: known once the client and
/// redirect URI are validated.
#[derive(Debug, Clone)]
pub struct Target {
    /// The client.
    pub client_id: ClientId,
    /// Its registered redirect URI.
    pub redirect_uri: RedirectUri,
    /// Fragment or web message.
    pub response_mode: ResponseMode,
    /// Echoed.
    pub state: Option<State>,
    /// A silent request: its responses may be framed by the client.
    pub prompt_none: bool,
}

impl Target {
    /// The `state` its response echoes, if any.
    pub fn oauth_state(&self) -> Option<&str> {
        self.state.as_ref().map(State::as_str)
    }
}

/// Why a request is refused.
#[derive(Debug, Clone)]
pub enum Refusal {
    /// The redirect URI cannot be trusted: show an error page (HTTP 400).
    Page {
        /// The `client_id` sent, for the event log.
        client_id: Option<String>,
        /// What the developer should fix; shown on the page.
        message: String,
    },
    /// Send the error to the client (RFC 6749 §4.2.2.1).
    Redirect {
        /// Where.
        target: Box<Target>,
        /// The error code.
        error: ErrorCode,
        /// `error_description`.
        description: String,
    },
}

/// What an unknown client and an unregistered redirect URI have in common:
/// the same answer, so that probing cannot tell registered clients apart
/// (RFC 6749 §10.6 spirit; the event log says which it was).
pub const UNKNOWN_CLIENT_OR_REDIRECT: &str = "The application is not registered, or this redirect_uri is not one of its callback URLs (compared as exact strings).";

impl AuthorizeRequest {
    /// Validates `params` against the tenant.
    pub fn parse(params: &Params, tenant: &Tenant) -> Result<Self, Refusal> {
        let page = |client_id: Option<&str>, message: String| Refusal::Page {
            client_id: client_id.map(str::to_owned),
            message,
        };
        let repeated_page = |Repeated(name)| {
            page(
                params.first("client_id"),
                format!("The parameter {name} appears more than once (RFC 6749 §3.1)."),
            )
        };

        // 1. The client and the redirect URI.
        let client_id = params
            .single("client_id")
            .map_err(repeated_page)?
            .ok_or_else(|| page(None, "The request has no client_id.".into()))?;
        let redirect_uri = params.single("redirect_uri").map_err(repeated_page)?.ok_or_else(|| {
            page(
                Some(client_id),
                "The request has no redirect_uri; it is required so that tokens go only where they were asked for.".into(),
            )
        })?;
        let (client, redirect_uri) = tenant
            .client(client_id)
            .and_then(|client| Some((client, client.callback(redirect_uri)?.clone())))
            .ok_or_else(|| page(Some(client_id), UNKNOWN_CLIENT_OR_REDIRECT.into()))?;

        // 2. How to answer. A bad response_mode or a repeated state is
        // answered in the default mode (without the state it could not read).
        let mut target = Target {
            client_id: client.client_id.clone(),
            redirect_uri,
            response_mode: ResponseMode::Fragment,
            state: None,
            prompt_none: false,
        };
        let refuse = |target: &Target, error: ErrorCode, description: String| Refusal::Redirect {
            target: Box::new(target.clone()),
            error,
            description,
        };
        let invalid = |target: &Target, description: String| {
            refuse(target, ErrorCode::InvalidRequest, description)
        };
        let repeated = |target: &Target, Repeated(name)| {
            invalid(
                target,
                format!("{name} appears more than once (RFC 6749 §3.1)"),
            )
        };

        // The state first, so that every later error echoes it.
        target.state = params
            .single("state")
            .map_err(|r| repeated(&target, r))?
            .map(State::new);

        if let Some(mode) = params
            .single("response_mode")
            .map_err(|r| repeated(&target, r))?
        {
            target.response_mode = mode
                .parse()
                .map_err(|e: protocol::ResponseModeError| invalid(&target, e.to_string()))?;
        }
        if target.response_mode == ResponseMode::WebMessage
            && !client.allows_origin(target.redirect_uri.origin())
        {
            // The response would be posted to an origin the client did not
            // register as its own.
            return Err(page(
                Some(client_id),
                format!(
                    "response_mode=web_message posts to the origin of redirect_uri, {}, which is not one of the application's web origins.",
                    target.redirect_uri.origin()
                ),
            ));
        }
        // `prompt` is read early: a silent request's errors are framable.
        let prompt = match params.single("prompt").map_err(|r| repeated(&target, r))? {
            Some(value) => Prompts::parse(value).map_err(|e| invalid(&target, e))?,
            None => Prompts::default(),
        };
        target.prompt_none = prompt.none;

        // 3. The rest.
        let single = |name| params.single(name).map_err(|r| repeated(&target, r));
        if single("request")?.is_some() {
            return Err(refuse(
                &target,
                ErrorCode::Other("request_not_supported".into()),
                "request objects are not supported (OIDC Core §6)".into(),
            ));
        }
        if single("request_uri")?.is_some() {
            return Err(refuse(
                &target,
                ErrorCode::Other("request_uri_not_supported".into()),
                "request_uri is not supported (OIDC Core §6)".into(),
            ));
        }
        let response_type: ResponseType = single("response_type")?
            .ok_or_else(|| invalid(&target, "response_type is missing".into()))?
            .parse()
            .map_err(|e: protocol::ResponseTypeError| {
                refuse(&target, ErrorCode::UnsupportedResponseType, e.to_string())
            })?;

        let scope: ScopeSet =
            single("scope")?
                .unwrap_or_default()
                .parse()
                .map_err(|e: protocol::ScopeError| {
                    refuse(&target, ErrorCode::InvalidScope, e.to_string())
                })?;
        let openid = scope.contains(Scope::OPENID);
        if response_type.has_id_token() && !openid {
            return Err(refuse(
                &target,
                ErrorCode::InvalidScope,
                "an id_token is only issued for the openid scope (OIDC Core §3.1.2.1)".into(),
            ));
        }

        let audience = match single("audience")? {
            Some(audience) => Some(tenant.api(audience).ok_or_else(|| {
                invalid(&target, format!("no API has the identifier {audience:?}"))
            })?),
            None => tenant
                .default_audience
                .as_deref()
                .and_then(|a| tenant.api(a)),
        };
        let api_scopes = audience.map(|api| api.scope_set()).unwrap_or_default();
        if let Some(unknown) = scope.iter().find(|s| {
            !OIDC_SCOPES.iter().any(|(o, _)| *o == s.as_str()) && !api_scopes.contains(s.as_str())
        }) {
            let whose = audience.map_or("no audience was given".to_owned(), |api| {
                format!("the API {} does not define it", api.identifier)
            });
            return Err(refuse(
                &target,
                ErrorCode::InvalidScope,
                format!("unknown scope {unknown}: {whose}"),
            ));
        }
        if response_type.has_access_token() && audience.is_none() && !openid {
            return Err(invalid(
                &target,
                "an access token needs an audience (the API it is for), or the openid scope for /userinfo".into(),
            ));
        }

        let nonce = single("nonce")?.map(Nonce::new);
        if response_type.has_id_token() && nonce.is_none() {
            return Err(invalid(
                &target,
                "nonce is required when an id_token is requested (OIDC Core §3.2.2.1)".into(),
            ));
        }
        let max_age = single("max_age")?
            .map(|v| {
                v.parse::<u64>()
                    .map_err(|_| invalid(&target, "max_age must be a number of seconds".into()))
            })
            .transpose()?;
        let id_token_hint = single("id_token_hint")?.map(IdTokenHint::new);

        Ok(Self {
            client_id: target.client_id.clone(),
            redirect_uri: target.redirect_uri.clone(),
            response_type,
            response_mode: target.response_mode,
            scope,
            audience: audience.map(|api| api.identifier.clone()),
            state: target.state.clone(),
            nonce,
            prompt,
            max_age,
            id_token_hint,
        })
    }

    /// Where the response goes.
    pub fn target(&self) -> Target {
        Target {
            client_id: self.client_id.clone(),
            redirect_uri: self.redirect_uri.clone(),
            response_mode: self.response_mode,
            state: self.state.clone(),
            prompt_none: self.prompt.none,
        }
    }
}

impl Prompts {
    fn parse(value: &str) -> Result<Self, String> {
        let mut prompts = Self::default();
        for word in value.split(' ').filter(|w| !w.is_empty()) {
            match word.parse::<Prompt>().map_err(|e| e.to_string())? {
                Prompt::None => prompts.none = true,
                Prompt::Login | Prompt::SelectAccount => prompts.login = true,
                Prompt::Consent => prompts.consent = true,
            }
        }
        if prompts.none && (prompts.login || prompts.consent) {
            return Err(
                "prompt=none cannot be combined with other values (OIDC Core §3.1.2.1)".into(),
            );
        }
        Ok(prompts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tenant::EMBEDDED;

    fn tenant() -> Tenant {
        Tenant::parse("embedded", EMBEDDED).unwrap()
    }

    const GOOD: &str = "response_type=id_token+token&client_id=demo-spa&redirect_uri=http%3A%2F%2Flocalhost%3A3000%2Fcallback&scope=openid+read%3Amessages&audience=http%3A%2F%2Flocalhost%3A8000%2Fapi&state=s1&nonce=n1";

    fn parse(query: &str) -> Result<AuthorizeRequest, Refusal> {
        AuthorizeRequest::parse(&Params::parse(query.as_bytes()).unwrap(), &tenant())
    }

    fn redirect_error(query: &str) -> (ErrorCode, String, Option<String>) {
        match parse(query) {
            Err(Refusal::Redirect {
                error,
                description,
                target,
            }) => (
                error,
                description,
                target.state.map(|s| s.as_str().to_owned()),
            ),
            other => panic!("expected a redirect error, got {other:?}"),
        }
    }

    #[test]
    fn a_complete_request_is_accepted() {
        let request = parse(GOOD).unwrap();
        assert_eq!(request.response_type, ResponseType::IdTokenToken);
        assert_eq!(
            request.audience.as_deref(),
            Some("http://localhost:8000/api")
        );
        assert_eq!(request.scope.to_string(), "openid read:messages");
        assert_eq!(request.state, Some(State::new("s1")));
        assert_eq!(request.prompt, Prompts::default());
    }

    #[test]
    fn an_unknown_client_and_an_unknown_redirect_uri_look_the_same() {
        let unknown_client = parse(&GOOD.replace("demo-spa", "other"));
        let unknown_uri = parse(&GOOD.replace("callback", "elsewhere"));
        for refusal in [unknown_client, unknown_uri] {
            match refusal {
                Err(Refusal::Page { message, .. }) => {
                    assert_eq!(message, UNKNOWN_CLIENT_OR_REDIRECT)
                }
                other => panic!("expected an error page, got {other:?}"),
            }
        }
    }

    #[test]
    fn errors_after_the_redirect_uri_is_validated_go_back_with_the_state() {
        let (error, _, state) = redirect_error(&GOOD.replace("id_token+token", "code"));
        assert_eq!(error, ErrorCode::UnsupportedResponseType);
        assert_eq!(state.as_deref(), Some("s1"));
        let (error, description, _) = redirect_error(&GOOD.replace("&nonce=n1", ""));
        assert_eq!(error, ErrorCode::InvalidRequest);
        assert!(description.contains("nonce"), "{description}");
        let (error, _, _) = redirect_error(&GOOD.replace("openid+read", "openid+delete"));
        assert_eq!(error, ErrorCode::InvalidScope);
        let (error, _, _) = redirect_error(&format!("{GOOD}&prompt=none+login"));
        assert_eq!(error, ErrorCode::InvalidRequest);
        let (error, _, _) = redirect_error(&format!("{GOOD}&max_age=-1"));
        assert_eq!(error, ErrorCode::InvalidRequest);
    }

    #[test]
    fn a_repeated_state_is_refused_without_echoing_either_value() {
        let (error, _, state) = redirect_error(&format!("{GOOD}&state=s2"));
        assert_eq!(error, ErrorCode::InvalidRequest);
        assert_eq!(state, None);
    }

    #[test]
    fn an_access_token_needs_an_audience_or_openid() {
        let query = "response_type=token&client_id=demo-spa&redirect_uri=http%3A%2F%2Flocalhost%3A3000%2Fcallback&state=s";
        let (error, description, _) = redirect_error(query);
        assert_eq!(error, ErrorCode::InvalidRequest);
        assert!(description.contains("audience"), "{description}");
        assert!(parse(&format!("{query}&scope=openid")).is_ok());
    }

    #[test]
    fn select_account_is_treated_as_login() {
        let request = parse(&format!("{GOOD}&prompt=select_account+consent")).unwrap();
        assert!(request.prompt.login && request.prompt.consent && !request.prompt.none);
    }
}
