//! The user's choices: what the client asks for and how it keeps tokens.

use protocol::{ResponseMode, ResponseType};
use serde::{Deserialize, Serialize};

use crate::BlockedRenewal;

/// Where the session's tokens are kept between page loads (the token
/// storage and XSS discussions of the OAuth 2.0 for Browser-Based
/// Applications draft, draft-ietf-oauth-browser-based-apps).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenStorage {
    /// Only in this tab's memory: gone on reload, out of reach of scripts
    /// that read storage. The default.
    #[default]
    Memory,
    /// `sessionStorage`: survives reloads of this tab; readable by any script
    /// on the origin (an XSS bug exposes the tokens).
    SessionStorage,
    /// `localStorage`: survives restarts, shared by tabs; readable by any
    /// script on the origin, for as long as the tokens live.
    LocalStorage,
}

impl TokenStorage {
    /// Every choice, for the settings page.
    pub const ALL: [Self; 3] = [Self::Memory, Self::SessionStorage, Self::LocalStorage];

    /// A label for people.
    pub fn label(self) -> &'static str {
        match self {
            Self::Memory => "memory",
            Self::SessionStorage => "sessionStorage",
            Self::LocalStorage => "localStorage",
        }
    }

    /// The trade-off, in one sentence.
    pub fn trade_off(self) -> &'static str {
        match self {
            Self::Memory => {
                "Safest: scripts cannot read it from storage, and it ends with the tab. A reload needs a silent authentication to get tokens back."
            }
            Self::SessionStorage => {
                "Survives reloads of this tab only; any script running on this origin (an XSS bug, a compromised dependency) can read and send the tokens."
            }
            Self::LocalStorage => {
                "Survives browser restarts and is shared by every tab; any script on this origin can read the tokens for as long as they live. Avoid for bearer tokens."
            }
        }
    }
}

/// The user's choices, kept in `localStorage` (they hold no secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// `id_token token` (OIDC) or `token` (plain OAuth 2.0).
    pub response_type: ResponseType,
    /// Where tokens are kept.
    pub token_storage: TokenStorage,
    /// Clock difference allowed when checking `exp` and `iat`, in seconds.
    pub clock_skew_secs: u64,
    /// How silent authentication gets its answer: the SPA's own
    /// silent-callback page (`fragment`) or the issuer's page (`web_message`).
    pub silent_response_mode: ResponseMode,
    /// Give up on a silent authentication after this many seconds.
    pub silent_timeout_secs: u64,
    /// Renew this many seconds before the access token expires (or at 75 %
    /// of its lifetime, when that is later).
    pub renew_before_secs: u64,
    /// Which logout endpoint to use.
    pub logout_style: LogoutStyle,
    /// What to do when renewal in the iframe may be blocked by the
    /// browser's third-party cookie setting.
    pub blocked_renewal: BlockedRenewal,
}

/// How to end the session at the provider.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LogoutStyle {
    /// OpenID Connect RP-Initiated Logout: the discovery document's
    /// `end_session_endpoint` with `post_logout_redirect_uri`.
    #[default]
    EndSession,
    /// Auth0's `/v2/logout?client_id=…&returnTo=…`.
    Auth0,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            response_type: ResponseType::IdTokenToken,
            token_storage: TokenStorage::Memory,
            clock_skew_secs: 60,
            silent_response_mode: ResponseMode::Fragment,
            silent_timeout_secs: 10,
            renew_before_secs: 60,
            logout_style: LogoutStyle::EndSession,
            blocked_renewal: BlockedRenewal::Offer,
        }
    }
}
