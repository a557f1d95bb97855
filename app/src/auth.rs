//! The session: one context ([`Auth`]) owns the tokens and the settings.
//!
//! Tokens arrive in the browser only, so everything here that touches them
//! runs in the hydrate build; the server renders placeholders.

#[cfg(feature = "hydrate")]
pub mod browser;
#[cfg(feature = "hydrate")]
mod flow;
#[cfg(feature = "hydrate")]
pub mod provider;
#[cfg(feature = "hydrate")]
mod silent;

use std::fmt;

use leptos::prelude::*;
use protocol::{IdTokenCheck, ResponseMode, ResponseType, ScopeSet};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

#[cfg(feature = "hydrate")]
pub use flow::{ApiRequest, call_api, complete_callback, fetch_userinfo, login};
#[cfg(feature = "hydrate")]
pub use silent::{
    RenewReason, end_local_session, logout, renew, renew_or_wait, start_session_manager,
};

/// Whether a call to the API carries the access token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credentials {
    /// `Authorization: Bearer <access token>` (RFC 6750 §2.1), when the
    /// session has one.
    AccessToken,
    /// Nothing: the route is public, and a bearer token, which anyone holding
    /// it can use (RFC 6750 §1.2), goes only where it is needed (§5.3).
    None,
}

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
    pub id_claims: Map<String, Value>,
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
        self.id_claims.get("sub").and_then(Value::as_str)
    }

    /// A name to greet the user with.
    pub fn display_name(&self) -> Option<&str> {
        ["name", "nickname", "email", "sub"]
            .iter()
            .find_map(|k| self.id_claims.get(*k).and_then(Value::as_str))
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
    /// Whether the event log reads new events out to screen readers (a
    /// polite live region). Background renewals add a few events every
    /// minute or two on every page, which some users want quiet.
    pub announce_events: bool,
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

/// Where silent renewal stands, for the Session page and the header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RenewalState {
    /// Nothing planned (signed out, or no expiry known).
    Idle,
    /// The next renewal is due at this time (ms since the epoch).
    Scheduled { at_ms: u64 },
    /// A silent authentication is running.
    InFlight,
    /// The last attempt failed but the session may recover (timeout, network).
    Failed { reason: String, retry_at_ms: u64 },
    /// The provider needs the user (`login_required`...): renewal stopped
    /// until the next interactive login.
    SessionEnded { reason: String },
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
            announce_events: true,
        }
    }
}

/// Where the callback page is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallbackState {
    /// Reading and validating the response.
    Working,
    /// Done; the app moves on to the stored route.
    Done,
    /// The provider said no (RFC 6749 §4.2.2.1), shown as text.
    ProviderError {
        error: String,
        description: Option<String>,
    },
    /// The response was refused by the client; which check and why.
    Refused(String),
    /// A logout or another login happened while the response was being
    /// validated; its tokens were dropped.
    Superseded,
}

/// The session context.
#[derive(Debug, Clone, Copy)]
pub struct Auth {
    /// The current session, if signed in.
    pub session: RwSignal<Option<Session>>,
    /// The user's settings.
    pub settings: RwSignal<Settings>,
    /// The callback page's progress.
    pub callback: RwSignal<CallbackState>,
    /// Silent renewal's progress.
    pub renewal: RwSignal<RenewalState>,
    /// Bumped when the tokens are dropped (logout, "Forget tokens", another
    /// tab's logout) and by each interactive login: a silent renewal started
    /// under an older generation must not install its result.
    pub generation: RwSignal<u64>,
    /// Set by "Forget tokens": this tab stays signed out, even when another
    /// tab renews, until it gets tokens of its own again.
    pub forgotten_here: RwSignal<bool>,
}

/// What a tab does with tokens a tab of this origin shares.
#[cfg(any(feature = "hydrate", test))]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SharedSession {
    /// Newer than anything here: use them.
    Take,
    /// This tab's own message, come back to it.
    Own,
    /// Not taken, and why.
    Refuse(&'static str),
}

/// Who shared a session, and when, as the receiving tab sees it.
#[cfg(any(feature = "hydrate", test))]
#[derive(Debug, Clone, Copy)]
pub(crate) struct SharedBy {
    /// The message is this tab's own (a channel delivers to every other
    /// object of its name, this tab's listener included).
    pub this_tab: bool,
    /// The tokens were asked for before a logout that some tab has counted
    /// since (see `flow::Wanted`).
    pub before_a_logout: bool,
}

/// Whether to take `incoming`, shared by a tab of this origin. The channel
/// is same-origin, so the sender is this app; what it cannot know is what
/// happened elsewhere meanwhile: messages from different tabs arrive in no
/// set order, so a renewal that finished during a logout, or tokens older
/// than a login made here since, must not replace what this tab holds.
#[cfg(any(feature = "hydrate", test))]
pub(crate) fn shared_session(
    incoming: &Session,
    held: Option<&Session>,
    by: SharedBy,
    forgotten_here: bool,
) -> SharedSession {
    if by.this_tab {
        SharedSession::Own
    } else if forgotten_here {
        SharedSession::Refuse("not taken here, where they were forgotten")
    } else if by.before_a_logout {
        SharedSession::Refuse("not taken: they were asked for before a logout")
    } else if held.is_some_and(|held| incoming.received_at_ms < held.received_at_ms) {
        SharedSession::Refuse("not taken: older than the tokens this tab holds")
    } else {
        SharedSession::Take
    }
}

impl Auth {
    #[cfg(feature = "hydrate")]
    const SETTINGS_KEY: &'static str = "implicit.settings";
    #[cfg(feature = "hydrate")]
    const SESSION_KEY: &'static str = "implicit.session";

    /// Defaults only: the server renders with these, so the browser's first
    /// (hydrating) render must too. [`Auth::restore`] then reads storage.
    fn new() -> Self {
        Self {
            session: RwSignal::new(None),
            settings: RwSignal::new(Settings::default()),
            callback: RwSignal::new(CallbackState::Working),
            renewal: RwSignal::new(RenewalState::Idle),
            generation: RwSignal::new(0),
            forgotten_here: RwSignal::new(false),
        }
    }

    /// Reads the settings, and the session when the settings keep it in
    /// storage. Call once, from an effect (after hydration), before anything
    /// looks at the session.
    pub fn restore(&self) {
        #[cfg(feature = "hydrate")]
        {
            use gloo_storage::{LocalStorage, SessionStorage, Storage};
            let settings: Settings = LocalStorage::get(Self::SETTINGS_KEY).unwrap_or_default();
            let session: Option<Session> = match settings.token_storage {
                TokenStorage::Memory => None,
                TokenStorage::SessionStorage => SessionStorage::get(Self::SESSION_KEY).ok(),
                TokenStorage::LocalStorage => LocalStorage::get(Self::SESSION_KEY).ok(),
            };
            self.settings.set(settings);
            if session.is_some() && self.session.with_untracked(Option::is_none) {
                self.session.set(session);
            }
        }
    }

    /// Whether there is a session (reactive).
    pub fn is_authenticated(&self) -> bool {
        self.session.with(Option::is_some)
    }

    /// Replaces the session and keeps it where the settings say.
    pub fn set_session(&self, session: Option<Session>) {
        self.session.set(session);
        self.persist();
    }

    /// Changes the settings, keeps them, and moves the session to the chosen
    /// storage.
    pub fn update_settings(&self, change: impl FnOnce(&mut Settings)) {
        self.settings.update(change);
        #[cfg(feature = "hydrate")]
        self.settings.with_untracked(|settings| {
            use gloo_storage::{LocalStorage, Storage};
            let _ = LocalStorage::set(Self::SETTINGS_KEY, settings);
        });
        self.persist();
    }

    /// Writes the session to the chosen storage and erases it from the others.
    fn persist(&self) {
        #[cfg(feature = "hydrate")]
        {
            use gloo_storage::{LocalStorage, SessionStorage, Storage};
            LocalStorage::delete(Self::SESSION_KEY);
            SessionStorage::delete(Self::SESSION_KEY);
            let storage = self.settings.with_untracked(|s| s.token_storage);
            self.session.with_untracked(|session| {
                if let Some(session) = session {
                    let _ = match storage {
                        TokenStorage::Memory => Ok(()),
                        TokenStorage::SessionStorage => {
                            SessionStorage::set(Self::SESSION_KEY, session)
                        }
                        TokenStorage::LocalStorage => LocalStorage::set(Self::SESSION_KEY, session),
                    };
                }
            });
        }
    }
}

/// Creates the session context; call once, in [`App`](crate::App).
pub fn provide_auth() -> Auth {
    let auth = Auth::new();
    provide_context(auth);
    auth
}

/// The session context.
pub fn use_auth() -> Auth {
    expect_context::<Auth>()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn session() -> Session {
        Session {
            access_token: Some(Token::new("at".into())),
            access_token_expires_at_ms: Some(2_000),
            scope: ScopeSet::default(),
            requested_scope: ScopeSet::default(),
            id_token: Some(Token::new("it".into())),
            id_claims: Map::new(),
            id_token_checks: vec![IdTokenCheck::Algorithm, IdTokenCheck::Nonce],
            id_token_expires_at_ms: Some(3_000),
            received_at_ms: 1_000,
        }
    }

    #[test]
    fn a_shared_session_is_taken_only_when_it_is_newer_than_what_happened_here() {
        let at = |received_at_ms| Session {
            received_at_ms,
            ..session()
        };
        let other = SharedBy {
            this_tab: false,
            before_a_logout: false,
        };
        let verdict = |incoming: u64, held: Option<u64>, by: SharedBy, forgotten: bool| {
            shared_session(&at(incoming), held.map(at).as_ref(), by, forgotten)
        };
        assert_eq!(verdict(2_000, None, other, false), SharedSession::Take);
        assert_eq!(
            verdict(2_000, Some(1_000), other, false),
            SharedSession::Take
        );
        // This tab's own broadcast, back on the channel.
        let own = SharedBy {
            this_tab: true,
            ..other
        };
        assert_eq!(verdict(2_000, Some(2_000), own, false), SharedSession::Own);
        // Asked for before a logout, even if they arrived after it.
        let stale = SharedBy {
            before_a_logout: true,
            ..other
        };
        let refused = |v| matches!(v, SharedSession::Refuse(_));
        assert!(refused(verdict(9_000, None, stale, false)));
        // Older than a login made here since; or this tab forgot its tokens.
        assert!(refused(verdict(2_000, Some(3_000), other, false)));
        assert!(refused(verdict(9_000, None, other, true)));
    }

    #[test]
    fn a_renewal_asks_for_the_requested_scope_not_the_narrowed_grant() {
        let scopes = |s: &str| s.parse::<ScopeSet>().unwrap();
        let configured = scopes("openid profile read:messages");
        // The provider granted only the API's scope; incremental consent
        // had added write:messages to the request.
        let narrowed = Session {
            scope: scopes("read:messages"),
            requested_scope: scopes("openid profile read:messages write:messages"),
            ..session()
        };
        assert_eq!(
            renewal_scope(Some(&narrowed), &configured),
            scopes("openid profile read:messages write:messages")
        );
        // Signed out, or stored before the requested scope was kept.
        assert_eq!(renewal_scope(None, &configured), configured);
        let older = Session {
            scope: scopes("read:messages"),
            ..session()
        };
        assert_eq!(renewal_scope(Some(&older), &configured), configured);
    }

    #[test]
    fn a_session_keeps_its_checks_through_storage_and_an_older_one_claims_none() {
        let stored = serde_json::to_value(session()).unwrap();
        assert_eq!(stored["id_token_checks"], json!(["algorithm", "nonce"]));
        assert_eq!(
            serde_json::from_value::<Session>(stored.clone()).unwrap(),
            session()
        );
        // As stored (or broadcast by another tab) before the checks were kept.
        let mut older = stored;
        older.as_object_mut().unwrap().remove("id_token_checks");
        let read = serde_json::from_value::<Session>(older).unwrap();
        assert!(read.id_token_checks.is_empty());
        assert_eq!(read.id_token, session().id_token);
    }
}
