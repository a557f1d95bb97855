//! Every way a step can fail, as types; each `Display` is a sentence for
//! the user.

use protocol::{
    AuthorizationRequestError, ErrorCode, IdTokenCheck, MetadataError, RedirectUriError,
};

use crate::{ResponseCheck, StateRefusal};

/// A browser API failed (WebCrypto, storage, `fetch`, history).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct BrowserError(pub(crate) String);

/// The provider's discovery document or keys could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProviderError {
    /// The network or the browser failed.
    #[error("network error: {0}")]
    Browser(#[from] BrowserError),
    /// A non-200 answer.
    #[error("{url} answered HTTP {status}")]
    Status { url: String, status: u16 },
    /// Not the JSON expected.
    #[error("{url} did not send the expected JSON: {error}")]
    Json { url: String, error: String },
    /// The discovery document does not fit (another issuer, OIDC Discovery
    /// §4.3; no RS256; the response type unsupported).
    #[error(transparent)]
    Metadata(#[from] MetadataError),
    /// The JWKS has no key that can verify the token (RFC 7517 §4.5): none
    /// with its `kid`, or, for a token without one, not exactly one.
    #[error("{}", no_key(.kid.as_deref()))]
    NoKey { kid: Option<String> },
}

/// Why an authorization request could not be sent (login or renewal).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    /// No randomness, no storage, or the page could not be left.
    #[error(transparent)]
    Browser(#[from] BrowserError),
    /// The provider could not be used.
    #[error(transparent)]
    Provider(#[from] ProviderError),
    /// This page's URL makes no valid `redirect_uri`.
    #[error("redirect_uri: {0}")]
    RedirectUri(#[from] RedirectUriError),
    /// The request breaks a rule of RFC 6749 §4.2.1 (say, an ID token
    /// without `openid`).
    #[error(transparent)]
    Request(#[from] AuthorizationRequestError),
    /// The transaction could not be kept for the response.
    #[error("cannot store the login transaction: {0}")]
    Storage(String),
}

/// Why an authorization response was not turned into a session.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallbackError {
    /// The tokens could not be removed from the URL: nothing is read.
    #[error("cannot remove the tokens from the URL: {0}")]
    Scrub(BrowserError),
    /// The provider said no (RFC 6749 §4.2.2.1).
    #[error("{}", provider_answer(error, description.as_deref()))]
    Provider {
        error: ErrorCode,
        description: Option<String>,
    },
    /// `state` names no live request of this tab (RFC 6749 §10.12).
    #[error(transparent)]
    State(StateRefusal),
    /// The response lacks what was asked for, or is not a response.
    #[error("{reason}")]
    Response {
        check: ResponseCheck,
        reason: String,
    },
    /// An ID token check failed (OIDC Core §3.2.2.11).
    #[error("{}: {reason}", check.label())]
    IdToken { check: IdTokenCheck, reason: String },
    /// A logout or another login happened while it was validated; its
    /// tokens were dropped.
    #[error("a logout or another login happened meanwhile; tokens dropped")]
    Superseded,
    /// A silent renewal came back for another user than the one signed in
    /// here: the session ended instead of switching accounts.
    #[error("the provider answered the renewal for another user; this session ended")]
    OtherUser,
}

fn provider_answer(error: &ErrorCode, description: Option<&str>) -> String {
    match description {
        Some(d) => format!("{error}: {d}"),
        None => error.to_string(),
    }
}

/// Why a silent renewal brought no tokens.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RenewError {
    /// One is already running in this tab.
    #[error("a renewal is already running")]
    InFlight,
    /// Another tab holds the renewal; its tokens come over the tab channel.
    #[error("another tab is renewing")]
    OtherTab,
    /// The provider needs the user; scheduled renewals stay stopped.
    #[error("{0}: the provider needs the user")]
    InteractionRequired(ErrorCode),
    /// The session ended earlier; only an explicit renewal tries again.
    #[error("renewal stopped until the next login")]
    Stopped,
    /// No answer in time; iframe and listener removed.
    #[error("no answer from the provider within {secs} s")]
    Timeout { secs: u64 },
    /// The request could not be sent.
    #[error(transparent)]
    Request(#[from] RequestError),
    /// The answer was refused, or was an error other than one that needs
    /// the user.
    #[error(transparent)]
    Refused(CallbackError),
    /// A browser API failed (the lock, the iframe).
    #[error(transparent)]
    Browser(#[from] BrowserError),
    /// A logout or another login happened meanwhile; nothing was installed.
    #[error("a logout or another login happened meanwhile; nothing installed")]
    Superseded,
}

/// Why a call to the API got no answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// The network failed or the API did not answer in time.
    #[error(transparent)]
    Browser(#[from] BrowserError),
}

/// Why UserInfo's claims were not used (OIDC Core §5.3).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UserInfoError {
    /// The provider could not be used.
    #[error(transparent)]
    Provider(#[from] ProviderError),
    /// Its discovery document names no UserInfo endpoint.
    #[error("the provider's discovery document names no userinfo_endpoint")]
    NoEndpoint,
    /// Signed out, or a session without an access token.
    #[error("no access token: log in first")]
    NoAccessToken,
    /// No ID token, so nothing to compare `sub` with (§5.3.2).
    #[error("no ID token to compare the UserInfo sub with")]
    NoIdToken,
    /// The network failed.
    #[error(transparent)]
    Browser(#[from] BrowserError),
    /// The answer was not used, and why.
    #[error(transparent)]
    Refused(#[from] UserInfoRefusal),
}

/// Why a UserInfo answer was not used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UserInfoRefusal {
    /// Not 200; with the challenge, if one came (RFC 6750 §3).
    #[error("{}", status_text(*status, challenge.as_deref()))]
    Status {
        status: u16,
        challenge: Option<String>,
    },
    /// Not a JSON object.
    #[error("the answer is not a JSON object")]
    NotJson,
    /// Its `sub` is not the ID token's: it may be someone else's (§5.3.2).
    #[error("its sub is not the ID token's; the claims were not used")]
    OtherSubject,
}

fn status_text(status: u16, challenge: Option<&str>) -> String {
    match challenge {
        Some(challenge) => format!("HTTP {status}, {challenge}"),
        None => format!("HTTP {status}"),
    }
}

/// Why the logout could not end the session at the provider. This tab and
/// the others are signed out whatever happens.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LogoutError {
    /// The provider could not be used.
    #[error(transparent)]
    Provider(#[from] ProviderError),
    /// Its discovery document names no `end_session_endpoint`.
    #[error(
        "Signed out of this app only: the provider's discovery document has no \
        end_session_endpoint, so your session at the provider is still active and \
        the next silent authentication would sign you back in. (For Auth0, choose the \
        Auth0 logout style in Settings.)"
    )]
    NoEndSessionEndpoint,
    /// The page could not be sent to the provider.
    #[error(transparent)]
    Browser(#[from] BrowserError),
}

fn no_key(kid: Option<&str>) -> String {
    match kid {
        Some(kid) => format!("the provider's JWKS has no RSA signing key with kid {kid:?}"),
        None => "the token names no kid, and the provider's JWKS does not hold exactly one RSA \
                 signing key (OIDC Core §10.1: with several keys a kid is required)"
            .to_owned(),
    }
}
