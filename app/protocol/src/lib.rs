//! OAuth 2.0 and OpenID Connect protocol values for the implicit grant.
//!
//! This crate is the one home of the protocol vocabulary that the SPA (`app`),
//! the mock authorization server and the protected API (`server`) share. It is
//! plain Rust: no Leptos, no HTTP, and time only through an injected
//! [`Clock`], so every rule here is unit-tested
//! without a browser or a server.
//!
//! Each type's documentation names the section of the specification it models:
//! RFC 6749 (OAuth 2.0), RFC 6750 (bearer tokens), OpenID Connect Core 1.0.

mod authorize;
mod challenge;
mod claims;
mod clock;
mod endpoint;
mod error_code;
mod id_token;
mod jwk;
mod jws;
mod metadata;
mod request;
mod response;
mod response_type;
mod return_path;
mod scope;
mod silent;
mod token_type;
mod transaction;
mod tx;
mod values;

pub use authorize::{AuthorizationRequest, AuthorizationRequestError};
pub use challenge::BearerChallenge;
pub use claims::{AccessTokenClaims, Audience, IdTokenClaims, UserClaims, numeric_date};
pub use clock::{Clock, ManualClock, SystemClock};
pub use endpoint::{EndpointUrl, EndpointUrlError};
pub use error_code::ErrorCode;
pub use id_token::{
    ALLOWED_ALG, CheckFailure, ClaimsRefused, IdTokenCheck, IdTokenExpectations,
    at_hash_from_sha256, check_algorithm, check_claims,
};
pub use jwk::{Jwk, JwkSet};
pub use jws::{CompactJws, JoseHeader, JwsError};
pub use metadata::{MetadataError, ProviderMetadata, cache_lifetime_secs, discovery_url};
pub use request::{Prompt, PromptError, ResponseMode, ResponseModeError};
pub use response::{
    AuthorizationResponse, ErrorResponse, ResponseIssuerError, ResponseParseError, TokenResponse,
    parse_fragment,
};
pub use response_type::{ResponseType, ResponseTypeError};
pub use return_path::ReturnPath;
pub use scope::{Scope, ScopeError, ScopeSet};
pub use silent::{
    MessageSource, SILENT_CALLBACK_MESSAGE, WEB_MESSAGE_TYPE, accept_message, delay_until,
    renewal_deadline,
};
pub use token_type::{TokenType, TokenTypeError};
pub use transaction::{ResponseChannel, Transaction};
pub use tx::{Tx, TxError};
pub use values::{ClientId, IdTokenHint, Nonce, RedirectUri, RedirectUriError, State};
