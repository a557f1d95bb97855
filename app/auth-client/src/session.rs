//! The session: the tokens a validated response left, and what they say.

use std::fmt;

use protocol::{ErrorCode, IdTokenCheck, IdTokenClaims, ScopeSet};
use serde::{Deserialize, Serialize};

use crate::TabRefusal;

/// An access or ID token: a bearer credential, never printed.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Token(String);

impl Token {
    /// Wraps a token value.
    pub fn new(value: String) -> Self {
        Self(value)
    }

    /// The value, to put in an `Authorization` header.
    pub fn secret(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token([redacted])")
    }
}

/// What a successful, validated callback leaves: the tokens and what they say.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    /// The access token for the API (RFC 6749 §4.2.2), when one was asked for.
    pub access_token: Option<Token>,
    /// When the access token expires (ms since the epoch), from `expires_in`.
    pub access_token_expires_at_ms: Option<u64>,
    /// The granted scopes (RFC 6749 §3.3: the response's, else the request's).
    pub scope: ScopeSet,
    /// The scopes asked for: the configured ones and any added by
    /// incremental consent. A renewal asks for these again, never for the
    /// granted `scope`, which a provider may narrow (RFC 6749 §4.2.2), say
    /// to the API's scopes without `openid`. Empty in a session stored
    /// before it was kept, which renews with the configured scope.
    #[serde(default)]
    pub requested_scope: ScopeSet,
    /// The validated ID token, when one was asked for.
    pub id_token: Option<Token>,
    /// Its claims, all checks passed.
    #[serde(default)]
    pub id_claims: Option<IdTokenClaims>,
    /// The checks it passed, in the order they ran (OIDC Core §3.2.2.11):
    /// what the token inspector says was checked. Empty in a session stored
    /// before they were kept, where the inspector then claims no check.
    /// (An older build refuses a whole session that names a check it does
    /// not know, as any value it cannot read, and keeps its own.)
    #[serde(default)]
    pub id_token_checks: Vec<IdTokenCheck>,
    /// When the ID token expires (ms since the epoch).
    pub id_token_expires_at_ms: Option<u64>,
    /// When the tokens were received (ms since the epoch).
    pub received_at_ms: u64,
}

impl Session {
    /// The user's identifier at the provider.
    pub fn subject(&self) -> Option<&str> {
        self.id_claims.as_ref()?.sub.as_deref()
    }

    /// A name to greet the user with (see [`IdTokenClaims::display_name`]).
    pub fn display_name(&self) -> Option<&str> {
        self.id_claims.as_ref()?.display_name()
    }
}

/// What a silent renewal asks for: the scopes `session` was requested with,
/// else (signed out, or a session stored before they were kept) the
/// configured ones.
pub fn renewal_scope(session: Option<&Session>, configured: &ScopeSet) -> ScopeSet {
    session
        .map(|s| &s.requested_scope)
        .filter(|requested| !requested.is_empty())
        .unwrap_or(configured)
        .clone()
}

/// Where silent renewal stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RenewalState {
    /// Nothing planned (signed out, or no expiry known).
    Idle,
    /// The next renewal is due at this time (ms since the epoch).
    Scheduled { at_ms: u64 },
    /// A silent authentication is running.
    InFlight,
    /// Another tab holds the renewal; its tokens arrive over the tab channel.
    OtherTab { retry_at_ms: u64 },
    /// The last attempt failed but the session may recover (timeout, network).
    Failed { reason: String, retry_at_ms: u64 },
    /// The provider needs the user: renewal stopped until the next
    /// interactive login.
    SessionEnded { reason: SessionEnd },
    /// The iframe found no session at the provider, where this browser may
    /// have sent it no cookie (third-party cookies blocked): the session is
    /// kept, no renewal is scheduled, and a top-level renewal
    /// ([`AuthClient::renew_top_level`](crate::AuthClient::renew_top_level))
    /// is offered. `confirmed` once a top-level request found the session
    /// the iframe did not.
    Blocked { confirmed: bool },
}

impl RenewalState {
    /// Until when renewal waits after a failure, if it does.
    pub fn retry_at_ms(&self) -> Option<u64> {
        match self {
            Self::OtherTab { retry_at_ms } | Self::Failed { retry_at_ms, .. } => Some(*retry_at_ms),
            _ => None,
        }
    }
}

/// Why the session ended without a logout.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SessionEnd {
    /// `login_required`, `consent_required`, `interaction_required` to a
    /// `prompt=none` request (OIDC Core §3.1.2.6).
    #[error("{0}: your session at the provider has ended — log in again")]
    InteractionRequired(ErrorCode),
    /// The API refused a token renewed for it (RFC 6750 §3.1 `invalid_token`).
    #[error("the API refused the renewed token too — log in again")]
    RenewedTokenRefused,
    /// A renewal came back for another user (see [`CallbackError::OtherUser`]).
    #[error("the provider renewed the session for another user — log in again")]
    OtherUser,
}

/// What a tab does with tokens a tab of this origin shares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SharedSession {
    /// Newer than anything here: use them.
    Take,
    /// This tab's own message, come back to it.
    Own,
    /// Not taken, and why.
    Refuse(TabRefusal),
}

/// Who shared a session, and when, as the receiving tab sees it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SharedBy {
    /// The message is this tab's own (a channel delivers to every other
    /// object of its name, this tab's listener included).
    pub this_tab: bool,
    /// The tokens were asked for before a logout that some tab has counted
    /// since (see `Wanted`).
    pub before_a_logout: bool,
}

/// Whether to take `incoming`, shared by a tab of this origin. The channel
/// is same-origin, so the sender is this app; what it cannot know is what
/// happened elsewhere meanwhile: messages from different tabs arrive in no
/// set order, so a renewal that finished during a logout, or tokens older
/// than a login made here since, must not replace what this tab holds.
pub(crate) fn shared_session(
    incoming: &Session,
    held: Option<&Session>,
    by: SharedBy,
    forgotten_here: bool,
) -> SharedSession {
    if by.this_tab {
        SharedSession::Own
    } else if forgotten_here {
        SharedSession::Refuse(TabRefusal::ForgottenHere)
    } else if by.before_a_logout {
        SharedSession::Refuse(TabRefusal::BeforeALogout)
    } else if held.is_some_and(|held| incoming.received_at_ms < held.received_at_ms) {
        SharedSession::Refuse(TabRefusal::Older)
    } else {
        SharedSession::Take
    }
}

#[cfg(test)]
mod tests;
