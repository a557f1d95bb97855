//! What the client reports: each step of a flow as a typed value, to every
//! subscriber ([`AuthClient::subscribe`](crate::AuthClient::subscribe)).
//!
//! A step carries no secret (never a token, `state` or `nonce` value), so a
//! subscriber may show it, keep it or send it anywhere. A step of a login or
//! a silent renewal names its [`Flow`]: the kind of flow and the request's
//! [`Tx`], a short digest of its `state` that a provider's logs can carry
//! too.

use std::sync::Arc;

use leptos::prelude::{GetValue, StoredValue, UpdateValue};
use protocol::{ErrorCode, IdTokenCheck, ResponseMode, ResponseType, ScopeSet, Tx};
use serde::{Deserialize, Serialize};

use crate::{RenewReason, TokenStorage};

/// One observable step.
///
/// Serialised externally tagged (`{"discovered": {…}}`): an internally
/// tagged enum this size costs the wasm tens of kilobytes of buffering code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthEvent {
    /// The provider's metadata was read (OIDC Discovery §4), or this tab's
    /// copy of it, read that many seconds ago, was used.
    Discovered {
        issuer: String,
        #[serde(default)]
        kept_for_secs: Option<u64>,
    },
    /// A discovery document was refused (OIDC Discovery §4.3): it names
    /// another issuer (`issuer_mismatch`) or does not fit this client.
    DiscoveryRefused {
        #[serde(default)]
        issuer_mismatch: bool,
        detail: String,
    },
    /// The browser is sent to the authorization endpoint (RFC 6749 §4.2.1).
    AuthorizeRedirect {
        endpoint: String,
        response_type: ResponseType,
        scope: ScopeSet,
    },
    /// The callback read the fragment (these parameter names) and removed it
    /// from the URL and history.
    FragmentRead { parameters: Vec<String> },
    /// `state` matched a live transaction of this tab, or did not (RFC 6749
    /// §10.12).
    StateChecked { refused: Option<StateRefusal> },
    /// The provider answered with an error (RFC 6749 §4.2.2.1).
    AuthorizationError {
        error: ErrorCode,
        description: Option<String>,
    },
    /// One ID token check (OIDC Core §3.2.2.11).
    IdTokenChecked {
        check: IdTokenCheck,
        passed: bool,
        detail: Option<String>,
    },
    /// A check of the response besides the ID token's.
    ResponseChecked {
        check: ResponseCheck,
        passed: bool,
        detail: Option<String>,
    },
    /// The tokens were accepted and kept.
    SignedIn {
        subject: Option<String>,
        scope: ScopeSet,
        storage: TokenStorage,
    },
    /// The tokens were dropped.
    SignedOut { reason: SignedOut },
    /// A silent authentication (`prompt=none` in a hidden iframe) started.
    SilentStarted {
        reason: RenewReason,
        response_mode: ResponseMode,
    },
    /// A silent authentication ended; `detail` says how.
    SilentFinished { passed: bool, detail: String },
    /// The iframe found no session at the provider (`login_required`) while
    /// this tab has one, and the provider's cookie is not known to reach the
    /// iframe: third-party cookies may be blocked. The session is kept;
    /// `confirmed` when a top-level renewal proved it before, `redirect`
    /// when one starts now.
    RenewalBlocked { confirmed: bool, redirect: bool },
    /// A top-level `prompt=none` renewal came back: with tokens
    /// (`found_session`: so the iframe was sent no cookie), or with
    /// `login_required` (the session had ended at the provider).
    TopLevelRenewal { found_session: bool },
    /// The next renewal was scheduled.
    RenewalScheduled { in_secs: u64 },
    /// Another tab shared its session or its logout.
    OtherTab { news: TabNews },
    /// The browser is sent to the provider's logout endpoint.
    LogoutRedirect { endpoint: String },
    /// The UserInfo endpoint answered (OIDC Core §5.3); `detail` says why
    /// its claims were not used, if they were not.
    UserInfo {
        status: u16,
        passed: bool,
        detail: Option<String>,
        /// Refused because its `sub` is not the ID token's (§5.3.2).
        #[serde(default)]
        subject_mismatch: bool,
    },
    /// A call to the protected API and its verdict (RFC 6750 §3).
    ApiCall {
        method: String,
        url: String,
        status: u16,
        error: Option<ErrorCode>,
    },
}

impl AuthEvent {
    /// Whether a subscriber that keeps steps should write them down now: the
    /// page is about to go to the provider.
    pub fn leaves_the_page(&self) -> bool {
        matches!(
            self,
            Self::AuthorizeRedirect { .. } | Self::LogoutRedirect { .. }
        )
    }
}

/// Why a response's `state` was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "snake_case")]
pub enum StateRefusal {
    /// No login of this tab is waiting under it.
    #[error(
        "state does not match any login started in this tab: a forged, replayed or stale response"
    )]
    Unknown,
    /// The request is older than a transaction may live.
    #[error("the login transaction for this state has expired (10 min)")]
    Expired,
    /// The request was a silent renewal's and its answer came to the login
    /// callback, or the other way round: delivered where it was not sent.
    #[error(
        "state names a request whose response comes back elsewhere (a silent renewal's at the login callback, or a login's in the silent one): refused and used up"
    )]
    OtherChannel,
}

/// A check of the authorization response besides the ID token's
/// ([`IdTokenCheck`]), in the order the callback makes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResponseCheck {
    /// The fragment is an authorization response (RFC 6749 §4.2.2, §4.2.2.1).
    Format,
    /// The response comes from the issuer the request went to: its `iss`
    /// names it, or is absent where the issuer never promised one (RFC 9207
    /// §2.4, against mix-up attacks).
    Issuer,
    /// An access token came, as `response_type` `token` asks (RFC 6749
    /// §4.2.2), with `token_type` Bearer: the only type this client can
    /// use (RFC 6750).
    AccessToken,
    /// An ID token came, as `response_type` `id_token …` asks (OIDC Core §3.2.2.5).
    IdToken,
    /// No logout or other login happened while the response was checked,
    /// so its tokens are still wanted (this client's rule, no spec's).
    StillWanted,
}

impl ResponseCheck {
    /// A short label for people.
    pub fn label(self) -> &'static str {
        match self {
            Self::Format => "response format",
            Self::Issuer => "response issuer (iss)",
            Self::AccessToken => "access token present",
            Self::IdToken => "id_token present",
            Self::StillWanted => "still wanted",
        }
    }
}

/// Why the tokens were dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignedOut {
    /// The user logged out.
    Logout,
    /// "Forget tokens": dropped from this tab only.
    ForgottenHere,
    /// A renewal came back for another user: that is a new session.
    OtherUser,
}

impl SignedOut {
    /// The reason, for people.
    pub fn label(self) -> &'static str {
        match self {
            Self::Logout => "logout",
            Self::ForgottenHere => "tokens dropped from this tab",
            Self::OtherUser => "the provider answered for a different user",
        }
    }
}

/// What another tab of this origin did, and what this tab made of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TabNews {
    /// It is renewing; this tab waits for its tokens.
    Renewing,
    /// It renewed; this tab uses the tokens too.
    TokensTaken,
    /// It renewed; this tab did not take the tokens, and why.
    TokensRefused(TabRefusal),
    /// It logged out; so does this tab.
    LoggedOut,
}

/// Why a tab did not take the tokens another tab shared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TabRefusal {
    /// "Forget tokens" was pressed here.
    ForgottenHere,
    /// They were asked for before a logout some tab has counted since.
    BeforeALogout,
    /// This tab holds newer ones.
    Older,
}

impl TabNews {
    /// What happened, for people.
    pub fn label(self) -> &'static str {
        match self {
            Self::Renewing => "is already renewing; waiting for its tokens",
            Self::TokensTaken => "renewed the tokens; using them here too",
            Self::TokensRefused(TabRefusal::ForgottenHere) => {
                "renewed the tokens; not taken here, where they were forgotten"
            }
            Self::TokensRefused(TabRefusal::BeforeALogout) => {
                "renewed the tokens; not taken: they were asked for before a logout"
            }
            Self::TokensRefused(TabRefusal::Older) => {
                "renewed the tokens; not taken: older than the tokens this tab holds"
            }
            Self::LoggedOut => "logged out; signing out here too",
        }
    }
}

/// The kinds of flow whose steps belong together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FlowKind {
    /// An interactive login: the redirect, then the callback and its checks.
    Login,
    /// A silent authentication (`prompt=none`) in a hidden iframe.
    Silent,
}

impl FlowKind {
    /// A word for people.
    pub fn label(self) -> &'static str {
        match self {
            Self::Login => "login",
            Self::Silent => "silent",
        }
    }
}

/// The flow a step belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flow {
    /// Which kind of flow.
    pub kind: FlowKind,
    /// The authorization request's [`Tx`], once its `state` exists (a
    /// response that cannot be read has none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tx: Option<Tx>,
}

/// A step and the flow it belongs to, as subscribers get it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The flow, if the step is part of one.
    pub flow: Option<Flow>,
    /// What happened.
    pub event: AuthEvent,
}

/// A subscriber.
pub(crate) type Observer = Arc<dyn Fn(&Step) + Send + Sync>;

/// Where the flows report their steps: the client's subscribers, tagged with
/// the flow the code is in. Copy, so each step of a flow passes it on.
#[derive(Clone, Copy)]
pub(crate) struct Reporter {
    observers: StoredValue<Vec<Observer>>,
    flow: Option<Flow>,
}

impl Reporter {
    pub(crate) fn new() -> Self {
        Self {
            observers: StoredValue::new(Vec::new()),
            flow: None,
        }
    }

    pub(crate) fn subscribe(self, observer: Observer) {
        self.observers.update_value(|all| all.push(observer));
    }

    /// The same subscribers, the steps tagged with `flow`.
    pub(crate) fn in_flow(self, flow: Flow) -> Self {
        Self {
            flow: Some(flow),
            ..self
        }
    }

    /// Tagged with a flow of `kind` without a [`Tx`] yet, unless already in one.
    pub(crate) fn or_flow(self, kind: FlowKind) -> Self {
        match self.flow {
            Some(_) => self,
            None => self.in_flow(Flow { kind, tx: None }),
        }
    }

    pub(crate) fn emit(self, event: AuthEvent) {
        let step = Step {
            flow: self.flow,
            event,
        };
        // A subscriber may subscribe another: call a copy of the list.
        for observer in self.observers.get_value() {
            observer(&step);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use leptos::prelude::Owner;

    use super::*;

    #[test]
    fn a_flow_copy_tags_its_steps_and_the_reporter_itself_does_not() {
        let owner = Owner::new();
        owner.with(|| {
            let reporter = Reporter::new();
            let seen = Arc::new(Mutex::new(Vec::new()));
            let into = Arc::clone(&seen);
            reporter.subscribe(Arc::new(move |step: &Step| {
                into.lock().unwrap().push(step.flow);
            }));
            let step = AuthEvent::RenewalScheduled { in_secs: 1 };
            let tx: Tx = "ba7816bf".parse().unwrap();
            let login = reporter.or_flow(FlowKind::Login);
            login.emit(step.clone());
            let with_tx = login.in_flow(Flow {
                kind: FlowKind::Login,
                tx: Some(tx),
            });
            with_tx.emit(step.clone());
            // Already in a flow: `or_flow` keeps it.
            with_tx.or_flow(FlowKind::Silent).emit(step.clone());
            reporter.emit(step);
            let tagged = |tx| {
                Some(Flow {
                    kind: FlowKind::Login,
                    tx,
                })
            };
            assert_eq!(
                *seen.lock().unwrap(),
                [tagged(None), tagged(Some(tx)), tagged(Some(tx)), None]
            );
        });
    }

    #[test]
    fn only_the_redirects_leave_the_page() {
        let redirect = AuthEvent::LogoutRedirect {
            endpoint: "https://idp.example/logout".into(),
        };
        assert!(redirect.leaves_the_page());
        assert!(!AuthEvent::RenewalScheduled { in_secs: 1 }.leaves_the_page());
    }
}
