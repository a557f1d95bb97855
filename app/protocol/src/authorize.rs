//! Building the authorization request (RFC 6749 §4.2.1, OpenID Connect Core
//! §3.2.2.1).

use crate::{
    ClientId, IdTokenHint, Nonce, Prompt, RedirectUri, ResponseMode, ResponseType, ScopeSet, State,
};

/// An implicit-flow authorization request, as the client sends the browser
/// to the provider's `authorization_endpoint`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizationRequest {
    /// RFC 6749 §4.2.1 / OIDC Core §3.2.2.1.
    pub response_type: ResponseType,
    /// RFC 6749 §4.2.1.
    pub client_id: ClientId,
    /// RFC 6749 §3.1.2: compared by the provider as an exact string.
    pub redirect_uri: RedirectUri,
    /// RFC 6749 §3.3.
    pub scope: ScopeSet,
    /// The API the access token is for (Auth0's `audience`; RFC 8707's
    /// `resource` is the standard counterpart).
    pub audience: Option<String>,
    /// RFC 6749 §4.2.1, §10.12: binds the response to this browser.
    pub state: State,
    /// OIDC Core §3.2.2.1: REQUIRED when an id_token is requested.
    pub nonce: Option<Nonce>,
    /// OIDC Core §3.1.2.1: `none` for silent authentication.
    pub prompt: Option<Prompt>,
    /// How the response is delivered; `None` means the default (fragment).
    pub response_mode: Option<ResponseMode>,
    /// OIDC Core §3.1.2.1: maximum authentication age in seconds.
    pub max_age: Option<u64>,
    /// OIDC Core §3.1.2.1: the ID token of the session being renewed, so
    /// that `prompt=none` answers for that user or not at all.
    pub id_token_hint: Option<IdTokenHint>,
}

/// Why a request cannot be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthorizationRequestError {
    /// OIDC Core §3.2.2.1: the nonce is required for `id_token` responses.
    #[error("a nonce is required when an id_token is requested (OIDC Core §3.2.2.1)")]
    MissingNonce,
    /// OIDC Core §3.1.2.1: an OpenID request includes the `openid` scope.
    #[error("an id_token is requested but the scope lacks `openid` (OIDC Core §3.1.2.1)")]
    MissingOpenIdScope,
}

impl AuthorizationRequest {
    /// The full URL: `authorization_endpoint` with the request's parameters
    /// added to its query (keeping any query it already has, RFC 6749 §3.1).
    pub fn to_url(
        &self,
        authorization_endpoint: &str,
    ) -> Result<String, AuthorizationRequestError> {
        if self.response_type.has_id_token() {
            if self.nonce.is_none() {
                return Err(AuthorizationRequestError::MissingNonce);
            }
            if !self.scope.contains(crate::Scope::OPENID) {
                return Err(AuthorizationRequestError::MissingOpenIdScope);
            }
        }
        let mut query = form_urlencoded::Serializer::new(String::new());
        query.append_pair("response_type", self.response_type.as_str());
        query.append_pair("client_id", self.client_id.as_str());
        query.append_pair("redirect_uri", self.redirect_uri.as_str());
        query.append_pair("scope", &self.scope.to_string());
        if let Some(audience) = &self.audience {
            query.append_pair("audience", audience);
        }
        query.append_pair("state", self.state.as_str());
        if let Some(nonce) = &self.nonce {
            query.append_pair("nonce", nonce.as_str());
        }
        if let Some(prompt) = self.prompt {
            query.append_pair("prompt", prompt.as_str());
        }
        if let Some(mode) = self.response_mode {
            query.append_pair("response_mode", mode.as_str());
        }
        if let Some(max_age) = self.max_age {
            query.append_pair("max_age", &max_age.to_string());
        }
        if let Some(hint) = &self.id_token_hint {
            query.append_pair("id_token_hint", hint.as_str());
        }
        let separator = if authorization_endpoint.contains('?') {
            '&'
        } else {
            '?'
        };
        Ok(format!(
            "{authorization_endpoint}{separator}{}",
            query.finish()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> AuthorizationRequest {
        AuthorizationRequest {
            response_type: ResponseType::IdTokenToken,
            client_id: ClientId::new("demo-spa"),
            redirect_uri: RedirectUri::parse("http://localhost:3000/callback").unwrap(),
            scope: "openid profile read:messages".parse().unwrap(),
            audience: Some("http://localhost:8000/api".into()),
            state: State::new("st&te"),
            nonce: Some(Nonce::new("n+nce")),
            prompt: None,
            response_mode: None,
            max_age: None,
            id_token_hint: None,
        }
    }

    fn params(url: &str) -> Vec<(String, String)> {
        let query = url.split_once('?').unwrap().1;
        form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect()
    }

    #[test]
    fn the_url_carries_every_parameter_encoded() {
        let url = request().to_url("http://localhost:9000/authorize").unwrap();
        assert!(url.starts_with("http://localhost:9000/authorize?response_type=id_token+token&"));
        let p = params(&url);
        let get = |k: &str| p.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        assert_eq!(get("client_id"), Some("demo-spa"));
        assert_eq!(get("redirect_uri"), Some("http://localhost:3000/callback"));
        assert_eq!(get("scope"), Some("openid profile read:messages"));
        assert_eq!(get("audience"), Some("http://localhost:8000/api"));
        assert_eq!(
            get("state"),
            Some("st&te"),
            "a reserved character survives encoding"
        );
        assert_eq!(get("nonce"), Some("n+nce"));
        assert_eq!(get("prompt"), None);
    }

    #[test]
    fn silent_authentication_adds_prompt_none_and_the_response_mode() {
        let mut r = request();
        r.prompt = Some(Prompt::None);
        r.response_mode = Some(ResponseMode::WebMessage);
        r.max_age = Some(0);
        r.id_token_hint = Some(IdTokenHint::new("eyJ.hint.sig"));
        let p = params(&r.to_url("https://idp.example/authorize").unwrap());
        assert!(p.contains(&("prompt".into(), "none".into())));
        assert!(p.contains(&("response_mode".into(), "web_message".into())));
        assert!(p.contains(&("max_age".into(), "0".into())));
        assert!(p.contains(&("id_token_hint".into(), "eyJ.hint.sig".into())));
        // The hint is a token: a request's Debug output never shows it.
        assert!(!format!("{r:?}").contains("eyJ.hint.sig"));
    }

    #[test]
    fn an_endpoint_with_a_query_keeps_it() {
        let url = request()
            .to_url("https://idp.example/authorize?tenant=a")
            .unwrap();
        assert!(url.starts_with("https://idp.example/authorize?tenant=a&response_type="));
    }

    #[test]
    fn an_id_token_request_without_a_nonce_or_openid_is_not_built() {
        let mut r = request();
        r.nonce = None;
        assert_eq!(
            r.to_url("https://i/a"),
            Err(AuthorizationRequestError::MissingNonce)
        );
        let mut r = request();
        r.scope = "profile".parse().unwrap();
        assert_eq!(
            r.to_url("https://i/a"),
            Err(AuthorizationRequestError::MissingOpenIdScope)
        );
        let mut r = request();
        r.response_type = ResponseType::Token;
        r.nonce = None;
        r.scope = "read:messages".parse().unwrap();
        assert!(r.to_url("https://i/a").is_ok(), "plain OAuth needs neither");
    }
}
