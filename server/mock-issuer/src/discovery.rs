//! What a client learns from the issuer URL alone: the discovery document
//! (OpenID Connect Discovery §3, §4) and the public keys (RFC 7517 §5).

use axum::{
    Json,
    extract::State,
    http::{HeaderMap, HeaderValue, header},
    response::{IntoResponse, Response},
};
use protocol::{ProviderMetadata, ResponseMode, ResponseType};

use super::{
    AppState, Shared,
    dev::{DocumentFault, Fault},
    events::EventKind,
    tenant,
    tokens::WRONG_ISSUER,
};

/// OpenID Connect Discovery §3: what a client needs to know, from the
/// issuer URL alone.
fn metadata(state: &Shared) -> ProviderMetadata {
    let mut scopes: Vec<String> = tenant::OIDC_SCOPES
        .iter()
        .map(|(s, _)| (*s).to_owned())
        .collect();
    scopes.extend(
        state
            .tenant
            .apis
            .iter()
            .flat_map(|api| api.scopes.iter().map(|s| s.scope.to_string())),
    );
    // Two APIs may define a scope alike; list it once, OIDC scopes first.
    let mut seen = std::collections::HashSet::new();
    scopes.retain(|scope| seen.insert(scope.clone()));
    ProviderMetadata {
        issuer: state.issuer.clone(),
        authorization_endpoint: state.urls.authorize.clone(),
        // Only the implicit flow: Discovery §3 then allows no token endpoint.
        token_endpoint: None,
        userinfo_endpoint: Some(state.urls.userinfo.clone()),
        jwks_uri: state.urls.jwks.clone(),
        end_session_endpoint: Some(state.urls.end_session.clone()),
        scopes_supported: scopes,
        response_types_supported: [
            ResponseType::Token,
            ResponseType::IdToken,
            ResponseType::IdTokenToken,
        ]
        .iter()
        .map(|r| r.as_str().to_owned())
        .collect(),
        response_modes_supported: Some(
            [ResponseMode::Fragment, ResponseMode::WebMessage]
                .iter()
                .map(|m| m.as_str().to_owned())
                .collect(),
        ),
        grant_types_supported: Some(vec!["implicit".into()]),
        subject_types_supported: vec!["public".into()],
        // Never `none` (OIDC Core §3.2.2.11 forbids unsigned ID tokens here).
        id_token_signing_alg_values_supported: vec!["RS256".into()],
        claims_supported: [
            "sub",
            "iss",
            "aud",
            "exp",
            "iat",
            "auth_time",
            "nonce",
            "at_hash",
            "name",
            "nickname",
            "preferred_username",
            "picture",
            "email",
            "email_verified",
        ]
        .iter()
        .map(|c| (*c).to_owned())
        .collect(),
        request_parameter_supported: Some(false),
        request_uri_parameter_supported: Some(false),
        authorization_response_iss_parameter_supported: true,
    }
}

pub(super) async fn discovery_get(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let mut document = metadata(&state);
    // A page's read (with Origin; the API's own reads are spared) may name
    // another issuer on purpose, which the client must refuse (OIDC
    // Discovery §4.3). Not to be cached: the next read is the true one.
    let broken = headers.contains_key(header::ORIGIN)
        && state
            .dev
            .take_document_fault(DocumentFault::DiscoveryIssuerMismatch);
    if broken {
        document.issuer = WRONG_ISSUER.to_owned();
        state.event(EventKind::FaultInjected {
            client_id: None,
            fault: Fault::Document(DocumentFault::DiscoveryIssuerMismatch),
        });
    }
    let mut response = Json(document).into_response();
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(if broken {
            "no-store"
        } else {
            "public, max-age=300"
        }),
    );
    response
}

pub(super) async fn jwks_get(State(state): State<AppState>) -> Response {
    let now = state.now();
    let single = state.dev.signing_key_only(now);
    let keys = if single {
        state.keys.signing_jwks()
    } else {
        state.keys.jwks(now)
    };
    let mut response = Json(keys).into_response();
    if single {
        // A fault's set, not to be kept past it.
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        return response;
    }
    // Clients may keep the keys for five minutes: the next key is published
    // a rotation before it signs, and a client that meets an unknown kid
    // reads the keys again anyway (past its cache).
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=300"),
    );
    response
}
