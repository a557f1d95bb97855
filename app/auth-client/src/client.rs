//! [`AuthClient`]: the one handle a Leptos app holds. It owns the session
//! and the settings as signals, and each method is one step a user takes.

use std::sync::Arc;

use gloo_storage::{LocalStorage, SessionStorage, Storage};
use leptos::prelude::*;
use protocol::{ReturnPath, ScopeSet};
use serde_json::{Map, Value};

use crate::{
    ApiError, CallbackError, ClientConfig, LogoutError, RenewError, RenewReason, RenewalState,
    RequestError, Session, Settings, SignedOut, Step, TokenStorage, UserInfoError,
    api::{self, ApiRequest},
    browser::HttpResponse,
    callback,
    events::{AuthEvent, Reporter},
    login, logout, names, renew, schedule, third_party,
};

/// The client: a `Copy` handle on this tab's session, given to the app by
/// context ([`provide_auth_client`], [`use_auth_client`]).
///
/// Its async methods run in the browser only (call them from event
/// handlers, `Action`s or effects); the server renders with the signals'
/// first values, signed out.
#[derive(Clone, Copy)]
pub struct AuthClient {
    pub(crate) config: StoredValue<ClientConfig>,
    pub(crate) session: RwSignal<Option<Session>>,
    pub(crate) settings: RwSignal<Settings>,
    pub(crate) renewal: RwSignal<RenewalState>,
    /// Bumped when the tokens are dropped (logout, "Forget tokens", another
    /// tab's logout) and by each interactive login: a renewal started under
    /// an older generation must not install its result.
    pub(crate) generation: StoredValue<u64>,
    /// Set by [`forget_tokens`](Self::forget_tokens): this tab stays signed
    /// out, even when another tab renews, until it gets tokens of its own.
    pub(crate) forgotten_here: StoredValue<bool>,
    pub(crate) reporter: Reporter,
}

/// Creates the client and gives it to every component below by context.
pub fn provide_auth_client(config: ClientConfig) -> AuthClient {
    let client = AuthClient::new(config);
    provide_context(client);
    client
}

/// The client [`provide_auth_client`] gave.
///
/// # Panics
///
/// Outside a component under the one that called [`provide_auth_client`].
pub fn use_auth_client() -> AuthClient {
    expect_context::<AuthClient>()
}

impl AuthClient {
    /// A client signed out, with default settings: the server renders with
    /// these, so the browser's first (hydrating) render must too.
    /// [`start`](Self::start) then reads what the tab kept.
    pub fn new(config: ClientConfig) -> Self {
        Self {
            config: StoredValue::new(config),
            session: RwSignal::new(None),
            settings: RwSignal::new(Settings::default()),
            renewal: RwSignal::new(RenewalState::Idle),
            generation: StoredValue::new(0),
            forgotten_here: StoredValue::new(false),
            reporter: Reporter::new(),
        }
    }

    /// Calls `observer` with every step from now on, in order.
    pub fn subscribe(&self, observer: impl Fn(&Step) + Send + Sync + 'static) {
        self.reporter.subscribe(Arc::new(observer));
    }

    /// Starts the client in this tab: reads the settings (and the session,
    /// when they keep it in storage), then renews silently on page load
    /// unless on the callback page, schedules renewals before expiry and
    /// listens to the other tabs. Call once, from an effect.
    pub fn start(&self) {
        self.restore();
        schedule::start(*self);
    }

    /// The configuration.
    pub fn config(&self) -> ClientConfig {
        self.config.get_value()
    }

    /// The session, if signed in (reactive).
    pub fn session(&self) -> ReadSignal<Option<Session>> {
        self.session.read_only()
    }

    /// The settings (reactive).
    pub fn settings(&self) -> ReadSignal<Settings> {
        self.settings.read_only()
    }

    /// Where silent renewal stands (reactive).
    pub fn renewal(&self) -> ReadSignal<RenewalState> {
        self.renewal.read_only()
    }

    /// Whether there is a session (reactive).
    pub fn is_authenticated(&self) -> bool {
        self.session.with(Option::is_some)
    }

    /// Changes the settings, keeps them in `localStorage` (they hold no
    /// secret), and moves the session to the storage they name.
    pub fn update_settings(&self, change: impl FnOnce(&mut Settings)) {
        self.settings.update(change);
        self.settings.with_untracked(|settings| {
            let _ = LocalStorage::set(names::SETTINGS_KEY, settings);
        });
        self.persist();
    }

    /// Sends the browser to the provider to log in (RFC 6749 §4.2.1),
    /// coming back to `return_to`, a path of this app. `extra_scope` asks
    /// for more than the configured scopes (incremental consent).
    pub async fn login(
        &self,
        return_to: ReturnPath,
        extra_scope: ScopeSet,
    ) -> Result<(), RequestError> {
        login::login(*self, return_to, extra_scope).await
    }

    /// On the callback page: reads the response from the fragment, scrubs
    /// it from the URL, validates it, and makes its tokens the session.
    /// Gives the path to go back to.
    pub async fn handle_callback(&self) -> Result<ReturnPath, CallbackError> {
        callback::handle_callback(*self).await
    }

    /// Renews the tokens now, silently (`prompt=none` in a hidden iframe).
    pub async fn renew(&self, reason: RenewReason) -> Result<(), RenewError> {
        renew::renew(*self, self.reporter, reason).await
    }

    /// Renews by sending the whole page to the provider with `prompt=none`
    /// (where its session cookie is first-party), back to this page: for a
    /// browser that sends the renewal iframe no cookie
    /// ([`RenewalState::Blocked`]). Returns only if the page could not go.
    pub async fn renew_top_level(&self) -> Result<(), RequestError> {
        third_party::renew_top_level(*self).await
    }

    /// Calls the API (RFC 6750 §2.1), with the access token when the
    /// request asks for it. When the API answers `401 invalid_token`, renews
    /// once (or waits for the renewal already running) and retries once; if
    /// the renewed token is refused too, the session ends and asks for a
    /// login ([`RenewalState::SessionEnded`]).
    pub async fn fetch(&self, request: ApiRequest<'_>) -> Result<HttpResponse, ApiError> {
        api::fetch(*self, request).await
    }

    /// The UserInfo claims (OIDC Core §5.3), used only when their `sub` is
    /// the ID token's.
    pub async fn userinfo(&self) -> Result<Map<String, Value>, UserInfoError> {
        api::userinfo(*self).await
    }

    /// Logs out in this tab, in the other tabs of the origin, and at the
    /// provider (RP-Initiated Logout, or Auth0's `/v2/logout`).
    pub async fn logout(&self) -> Result<(), LogoutError> {
        logout::logout(*self).await
    }

    /// Drops the tokens from this tab only; it stays signed out even when
    /// another tab renews, until it logs in again.
    pub fn forget_tokens(&self) {
        logout::end_local_session(*self);
        self.forgotten_here.set_value(true);
        self.reporter.emit(AuthEvent::SignedOut {
            reason: SignedOut::ForgottenHere,
        });
    }

    /// Reads the settings, and the session when the settings keep it in
    /// storage.
    fn restore(&self) {
        let settings: Settings = LocalStorage::get(names::SETTINGS_KEY).unwrap_or_default();
        let session: Option<Session> = match settings.token_storage {
            TokenStorage::Memory => None,
            TokenStorage::SessionStorage => SessionStorage::get(names::SESSION_KEY).ok(),
            TokenStorage::LocalStorage => LocalStorage::get(names::SESSION_KEY).ok(),
        };
        self.settings.set(settings);
        if session.is_some() && self.session.with_untracked(Option::is_none) {
            self.session.set(session);
        }
    }

    /// Replaces the session and keeps it where the settings say.
    pub(crate) fn set_session(&self, session: Option<Session>) {
        self.session.set(session);
        self.persist();
    }

    /// Writes the session to the chosen storage and erases it from the others.
    fn persist(&self) {
        LocalStorage::delete(names::SESSION_KEY);
        SessionStorage::delete(names::SESSION_KEY);
        let storage = self.settings.with_untracked(|s| s.token_storage);
        self.session.with_untracked(|session| {
            if let Some(session) = session {
                let _ = match storage {
                    TokenStorage::Memory => Ok(()),
                    TokenStorage::SessionStorage => {
                        SessionStorage::set(names::SESSION_KEY, session)
                    }
                    TokenStorage::LocalStorage => LocalStorage::set(names::SESSION_KEY, session),
                };
            }
        });
    }
}
