//! The provider's discovery document (OpenID Connect Discovery 1.0 §3).

use serde::{Deserialize, Serialize};

use crate::{EndpointUrl, ResponseMode, ResponseType};

/// Where a provider publishes its metadata: the issuer with
/// `/.well-known/openid-configuration` appended, after removing one trailing
/// `/` (OpenID Connect Discovery 1.0 §4.1).
pub fn discovery_url(issuer: &str) -> String {
    format!(
        "{}/.well-known/openid-configuration",
        issuer.strip_suffix('/').unwrap_or(issuer)
    )
}

/// How long a response may be reused, in seconds, from its `Cache-Control`
/// header (RFC 9111 §5.2.2): `max-age`, or nothing at all with `no-store`,
/// `no-cache` or no header. A client keeps the provider's metadata and keys no
/// longer than the provider allows.
pub fn cache_lifetime_secs(cache_control: Option<&str>) -> u64 {
    let Some(header) = cache_control else {
        return 0;
    };
    let mut max_age = None;
    for directive in header.split(',').map(str::trim) {
        let (name, value) = directive
            .split_once('=')
            .map_or((directive, None), |(n, v)| (n.trim(), Some(v.trim())));
        if name.eq_ignore_ascii_case("no-store") || name.eq_ignore_ascii_case("no-cache") {
            return 0;
        }
        if name.eq_ignore_ascii_case("max-age") {
            // A malformed value means the response is stale (RFC 9111 §4.2.1).
            let parsed = value.and_then(|v| v.trim_matches('"').parse::<u64>().ok());
            max_age = Some(max_age.map_or(parsed, |a: Option<u64>| a.min(parsed)));
        }
    }
    max_age.flatten().unwrap_or(0)
}

/// OpenID Provider Metadata (OpenID Connect Discovery 1.0 §3), the fields an
/// implicit-flow client and a resource server use. Lists of values are kept
/// as the provider wrote them (it may list values this crate does not model,
/// such as `code`); ask the typed questions with the `supports_*` methods.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderMetadata {
    /// REQUIRED: the issuer identifier, exactly the `iss` of its tokens.
    pub issuer: String,
    /// REQUIRED: the authorization endpoint (RFC 6749 §3.1).
    pub authorization_endpoint: EndpointUrl,
    /// REQUIRED unless only the implicit flow is used (Discovery §3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_endpoint: Option<EndpointUrl>,
    /// RECOMMENDED: the UserInfo endpoint (OIDC Core §5.3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub userinfo_endpoint: Option<EndpointUrl>,
    /// REQUIRED: the provider's JWK Set (RFC 7517 §5).
    pub jwks_uri: EndpointUrl,
    /// OpenID Connect RP-Initiated Logout 1.0 §2.1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_session_endpoint: Option<EndpointUrl>,
    /// RECOMMENDED: the scopes the provider supports.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scopes_supported: Vec<String>,
    /// REQUIRED: each entry a space-separated set of response types.
    pub response_types_supported: Vec<String>,
    /// OPTIONAL; when absent, `["query", "fragment"]` (Discovery §3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_modes_supported: Option<Vec<String>>,
    /// OPTIONAL; when absent, `["authorization_code", "implicit"]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grant_types_supported: Option<Vec<String>>,
    /// REQUIRED: `public` and/or `pairwise` (OIDC Core §8).
    pub subject_types_supported: Vec<String>,
    /// REQUIRED: MUST include `RS256`; `none` is never acceptable for tokens
    /// returned from the authorization endpoint (OIDC Core §3.2.2.11).
    pub id_token_signing_alg_values_supported: Vec<String>,
    /// RECOMMENDED: the claims the provider may supply.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub claims_supported: Vec<String>,
    /// OPTIONAL: whether the `request` parameter is supported (default false).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_parameter_supported: Option<bool>,
    /// OPTIONAL: whether `request_uri` is supported (default true, so a
    /// provider that does not support it says so).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_uri_parameter_supported: Option<bool>,
    /// RFC 9207 §3: whether every authorization response carries `iss`
    /// (default false). When true, a client refuses a response without it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub authorization_response_iss_parameter_supported: bool,
}

/// Why a discovery document cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MetadataError {
    /// Discovery §4.3: the `issuer` MUST be identical to the issuer URL the
    /// document was fetched for, or an attacker's document could be used.
    #[error("the discovery document's issuer {found:?} is not the expected {expected:?}")]
    IssuerMismatch {
        /// The issuer the client is configured with.
        expected: String,
        /// The issuer the document names.
        found: String,
    },
    /// The provider cannot answer an implicit request of this type.
    #[error("the provider does not support response_type {0:?}")]
    ResponseType(ResponseType),
    /// OIDC Core §15.1: RS256 is mandatory to implement; without it the
    /// client has no algorithm it accepts.
    #[error("the provider does not sign ID tokens with RS256")]
    NoRs256,
}

impl ProviderMetadata {
    /// Whether `response_type` is listed, in either order of its values
    /// (`token id_token` is `id_token token`).
    pub fn supports_response_type(&self, response_type: ResponseType) -> bool {
        self.response_types_supported
            .iter()
            .any(|listed| listed.parse::<ResponseType>() == Ok(response_type))
    }

    /// Whether `mode` is listed, applying Discovery §3's default
    /// (`query` and `fragment`) when the field is absent.
    pub fn supports_response_mode(&self, mode: ResponseMode) -> bool {
        match &self.response_modes_supported {
            Some(modes) => modes.iter().any(|m| m == mode.as_str()),
            None => mode == ResponseMode::Fragment,
        }
    }

    /// Checks what a client of the implicit flow relies on: the issuer is
    /// the one it was configured with (Discovery §4.3, compared as exact
    /// strings), `response_type` is supported, and ID tokens are RS256.
    pub fn check_for_implicit_client(
        &self,
        expected_issuer: &str,
        response_type: ResponseType,
    ) -> Result<(), MetadataError> {
        if self.issuer != expected_issuer {
            return Err(MetadataError::IssuerMismatch {
                expected: expected_issuer.to_owned(),
                found: self.issuer.clone(),
            });
        }
        if !self.supports_response_type(response_type) {
            return Err(MetadataError::ResponseType(response_type));
        }
        if !self
            .id_token_signing_alg_values_supported
            .iter()
            .any(|alg| alg == "RS256")
        {
            return Err(MetadataError::NoRs256);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_lifetime_is_the_max_age_unless_the_provider_forbids_reuse() {
        assert_eq!(cache_lifetime_secs(Some("public, max-age=300")), 300);
        assert_eq!(
            cache_lifetime_secs(Some("Max-Age=15, stale-while-revalidate=15")),
            15
        );
        assert_eq!(cache_lifetime_secs(Some("max-age=\"60\"")), 60);
        assert_eq!(cache_lifetime_secs(Some("max-age=300, no-cache")), 0);
        assert_eq!(cache_lifetime_secs(Some("no-store")), 0);
        assert_eq!(cache_lifetime_secs(Some("public")), 0);
        assert_eq!(cache_lifetime_secs(Some("max-age=soon")), 0);
        assert_eq!(cache_lifetime_secs(Some("max-age=60, max-age=10")), 10);
        assert_eq!(cache_lifetime_secs(None), 0);
    }

    /// Auth0's discovery document, shortened: real providers list more than
    /// this crate models, and the extra fields must not break parsing.
    const AUTH0_LIKE: &str = r#"{
        "issuer": "https://tenant.example.auth0.com/",
        "authorization_endpoint": "https://tenant.example.auth0.com/authorize",
        "token_endpoint": "https://tenant.example.auth0.com/oauth/token",
        "userinfo_endpoint": "https://tenant.example.auth0.com/userinfo",
        "jwks_uri": "https://tenant.example.auth0.com/.well-known/jwks.json",
        "end_session_endpoint": "https://tenant.example.auth0.com/oidc/logout",
        "scopes_supported": ["openid", "profile", "email"],
        "response_types_supported": ["code", "token", "id_token", "code token", "token id_token"],
        "response_modes_supported": ["query", "fragment", "form_post"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["HS256", "RS256", "PS256"],
        "request_uri_parameter_supported": false,
        "device_authorization_endpoint": "https://tenant.example.auth0.com/oauth/device/code"
    }"#;

    fn auth0() -> ProviderMetadata {
        serde_json::from_str(AUTH0_LIKE).unwrap()
    }

    #[test]
    fn the_discovery_url_is_the_issuer_with_the_well_known_path() {
        assert_eq!(
            discovery_url("https://tenant.example/"),
            "https://tenant.example/.well-known/openid-configuration"
        );
        assert_eq!(
            discovery_url("http://localhost:9000"),
            "http://localhost:9000/.well-known/openid-configuration"
        );
        assert_eq!(
            discovery_url("https://idp.example/realms/demo"),
            "https://idp.example/realms/demo/.well-known/openid-configuration"
        );
    }

    #[test]
    fn a_real_providers_document_with_unknown_fields_is_read() {
        let metadata = auth0();
        assert_eq!(metadata.issuer, "https://tenant.example.auth0.com/");
        assert!(metadata.supports_response_type(ResponseType::IdTokenToken));
        assert!(metadata.supports_response_type(ResponseType::Token));
        assert!(metadata.supports_response_mode(ResponseMode::Fragment));
        assert!(!metadata.supports_response_mode(ResponseMode::WebMessage));
        assert_eq!(
            metadata.check_for_implicit_client(
                "https://tenant.example.auth0.com/",
                ResponseType::IdTokenToken
            ),
            Ok(())
        );
    }

    #[test]
    fn an_issuer_that_differs_even_by_a_slash_is_refused() {
        assert!(matches!(
            auth0().check_for_implicit_client(
                "https://tenant.example.auth0.com",
                ResponseType::IdTokenToken
            ),
            Err(MetadataError::IssuerMismatch { .. })
        ));
    }

    #[test]
    fn a_provider_without_rs256_or_the_response_type_is_refused() {
        let mut metadata = auth0();
        metadata.id_token_signing_alg_values_supported = vec!["HS256".into(), "none".into()];
        assert_eq!(
            metadata.check_for_implicit_client(&metadata.issuer.clone(), ResponseType::Token),
            Err(MetadataError::NoRs256)
        );
        let mut metadata = auth0();
        metadata.response_types_supported = vec!["code".into()];
        assert_eq!(
            metadata.check_for_implicit_client(&metadata.issuer.clone(), ResponseType::IdToken),
            Err(MetadataError::ResponseType(ResponseType::IdToken))
        );
    }

    #[test]
    fn without_response_modes_the_default_is_query_and_fragment() {
        let mut metadata = auth0();
        metadata.response_modes_supported = None;
        assert!(metadata.supports_response_mode(ResponseMode::Fragment));
        assert!(!metadata.supports_response_mode(ResponseMode::WebMessage));
    }

    #[test]
    fn absent_optional_fields_are_not_serialized() {
        let mut metadata = auth0();
        metadata.token_endpoint = None;
        metadata.request_parameter_supported = None;
        let json = serde_json::to_value(&metadata).unwrap();
        assert!(json.get("token_endpoint").is_none(), "{json}");
        assert!(json.get("request_parameter_supported").is_none(), "{json}");
        let back: ProviderMetadata = serde_json::from_value(json).unwrap();
        assert_eq!(back, metadata);
    }
}
