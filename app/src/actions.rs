//! What the buttons do. Event handlers only ever run in the browser, so in
//! the server build these functions have nothing to do; in the browser they
//! start the async work of [`crate::auth`] and report into the event log.

use leptos::prelude::*;
use protocol::ScopeSet;

#[cfg(feature = "hydrate")]
use crate::{SpaConfig, auth::CallbackState};
use crate::{
    auth::{Auth, Credentials},
    events::EventLog,
};

/// The result of one API call, as the API page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiResult {
    /// Method and path called.
    pub request: String,
    /// HTTP status.
    pub status: u16,
    /// `WWW-Authenticate`, if any (RFC 6750 §3).
    pub www_authenticate: Option<String>,
    /// The body (JSON text).
    pub body: String,
}

/// Starts the interactive login, returning afterwards to `return_to`.
/// `extra_scope` asks for more scopes than configured (incremental
/// consent). Failures before leaving the page land in `error`.
pub fn start_login(return_to: String, extra_scope: ScopeSet, error: RwSignal<Option<String>>) {
    #[cfg(feature = "hydrate")]
    {
        let config = expect_context::<SpaConfig>();
        let auth = expect_context::<Auth>();
        let log = expect_context::<EventLog>();
        leptos::task::spawn_local(async move {
            if let Err(e) = crate::auth::login(&config, auth, log, return_to, extra_scope).await {
                error.set(Some(e));
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (return_to, extra_scope, error);
}

/// Runs the callback: validates the response, then navigates to the stored
/// route, or leaves the reason in `auth.callback`.
pub fn run_callback(navigate: impl Fn(&str) + 'static) {
    #[cfg(feature = "hydrate")]
    {
        let config = expect_context::<SpaConfig>();
        let auth = expect_context::<Auth>();
        let log = expect_context::<EventLog>();
        auth.callback.set(CallbackState::Working);
        leptos::task::spawn_local(async move {
            match crate::auth::complete_callback(&config, auth, log).await {
                Ok(return_to) => {
                    auth.callback.set(CallbackState::Done);
                    navigate(&return_to);
                }
                Err(state) => auth.callback.set(state),
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = navigate;
}

/// Calls the API and puts the outcome in `result`.
pub fn call_api(
    method: &'static str,
    path: &'static str,
    body: Option<String>,
    credentials: Credentials,
    result: RwSignal<Option<Result<ApiResult, String>>>,
) {
    #[cfg(feature = "hydrate")]
    {
        let config = expect_context::<SpaConfig>();
        let auth = expect_context::<Auth>();
        let log = expect_context::<EventLog>();
        leptos::task::spawn_local(async move {
            use crate::auth::{RenewReason, RenewalState, renew_or_wait};
            let invalid_token = |r: &crate::auth::browser::HttpResponse| {
                r.status == 401
                    && r.www_authenticate.as_deref().is_some_and(|h| {
                        protocol::BearerChallenge::parse(h).error.as_deref()
                            == Some("invalid_token")
                    })
            };
            let request = crate::auth::ApiRequest {
                method,
                path,
                body: body.as_deref(),
                credentials,
            };
            let mut outcome = crate::auth::call_api(&config, auth, log, request).await;
            // RFC 6750 §3.1 invalid_token: renew silently once (or wait for
            // the renewal already running) and retry once.
            if outcome.as_ref().is_ok_and(invalid_token)
                && renew_or_wait(&config, auth, log, RenewReason::ApiRetry).await
            {
                outcome = crate::auth::call_api(&config, auth, log, request).await;
                if outcome.as_ref().is_ok_and(invalid_token) {
                    auth.renewal.set(RenewalState::SessionEnded {
                        reason: "the API refused the renewed token too — log in again".into(),
                    });
                }
            }
            // A renewal that failed has set the state itself: `SessionEnded`
            // when the provider needs the user, else a retry later.
            let outcome = outcome.map(|r| ApiResult {
                request: format!("{method} {path}"),
                status: r.status,
                www_authenticate: r.www_authenticate,
                body: r.body,
            });
            result.set(Some(outcome));
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (method, path, body, credentials, result);
}

/// Reads the UserInfo endpoint into `result`.
pub fn load_userinfo(
    result: RwSignal<Option<Result<serde_json::Map<String, serde_json::Value>, String>>>,
) {
    #[cfg(feature = "hydrate")]
    {
        let config = expect_context::<SpaConfig>();
        let auth = expect_context::<Auth>();
        let log = expect_context::<EventLog>();
        leptos::task::spawn_local(async move {
            result.set(Some(crate::auth::fetch_userinfo(&config, auth, log).await));
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = result;
}

/// Renews the tokens now, silently.
pub fn renew_now() {
    #[cfg(feature = "hydrate")]
    {
        let config = expect_context::<SpaConfig>();
        let auth = expect_context::<Auth>();
        let log = expect_context::<EventLog>();
        leptos::task::spawn_local(async move {
            crate::auth::renew(&config, auth, log, crate::auth::RenewReason::Manual).await;
        });
    }
}

/// Logs out here, in the other tabs and at the provider.
pub fn logout(error: RwSignal<Option<String>>) {
    #[cfg(feature = "hydrate")]
    {
        let config = expect_context::<SpaConfig>();
        let auth = expect_context::<Auth>();
        let log = expect_context::<EventLog>();
        leptos::task::spawn_local(async move {
            if let Err(e) = crate::auth::logout(&config, auth, log).await {
                error.set(Some(e));
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = error;
}

/// Starts silent renewal, restore on load and the tab channel (browser only).
pub fn start_session_manager() {
    #[cfg(feature = "hydrate")]
    {
        let config = expect_context::<SpaConfig>();
        let auth = expect_context::<Auth>();
        let log = expect_context::<EventLog>();
        crate::auth::start_session_manager(config, auth, log);
    }
}

/// Forgets the session in this tab.
pub fn sign_out_locally() {
    let auth = expect_context::<Auth>();
    let log = expect_context::<EventLog>();
    // Also stops a renewal in flight from bringing the tokens back.
    #[cfg(feature = "hydrate")]
    {
        crate::auth::end_local_session(auth);
        auth.forgotten_here.set(true);
    }
    #[cfg(not(feature = "hydrate"))]
    auth.set_session(None);
    log.push(crate::events::EventKind::SignedOut {
        reason: "tokens dropped from this tab".into(),
    });
}

/// The playground's view of the demo issuer's dev controls: the fault
/// catalogue and what is armed, or why it could not be read.
pub type FaultsState = Option<Result<protocol::dev_controls::Faults, String>>;

/// Reads the fault catalogue from the dev controls at `dev` into `faults`.
pub fn load_faults(dev: String, faults: RwSignal<FaultsState>) {
    #[cfg(feature = "hydrate")]
    leptos::task::spawn_local(async move {
        faults.set(Some(crate::dev_controls::faults(&dev).await));
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = (dev, faults);
}

/// Arms `armed` at the dev controls at `dev`, logs it, and reads the
/// catalogue again; a refusal lands in `problem`.
pub fn arm_fault(
    dev: String,
    armed: protocol::dev_controls::ArmedFault,
    faults: RwSignal<FaultsState>,
    problem: RwSignal<Option<String>>,
) {
    #[cfg(feature = "hydrate")]
    {
        let log = expect_context::<EventLog>();
        leptos::task::spawn_local(async move {
            match crate::dev_controls::arm(&dev, &armed).await {
                Ok(()) => {
                    problem.set(None);
                    log.push(crate::events::EventKind::FaultArmed {
                        fault: armed.fault,
                        silent_only: armed.prompt_none_only,
                    });
                }
                Err(e) => problem.set(Some(e)),
            }
            faults.set(Some(crate::dev_controls::faults(&dev).await));
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (dev, armed, faults, problem);
}

/// Disarms every fault at the dev controls at `dev`, logs it, and reads
/// the catalogue again; a refusal lands in `problem`.
pub fn disarm_faults(
    dev: String,
    faults: RwSignal<FaultsState>,
    problem: RwSignal<Option<String>>,
) {
    #[cfg(feature = "hydrate")]
    {
        let log = expect_context::<EventLog>();
        leptos::task::spawn_local(async move {
            match crate::dev_controls::disarm_all(&dev).await {
                Ok(()) => {
                    problem.set(None);
                    log.push(crate::events::EventKind::FaultsDisarmed);
                }
                Err(e) => problem.set(Some(e)),
            }
            faults.set(Some(crate::dev_controls::faults(&dev).await));
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (dev, faults, problem);
}

/// Follows the demo issuer's decisions at `dev` while the calling component
/// lives: every [`ISSUER_POLL_MS`], the new ones join `events`, which keeps
/// the latest `shown`. A failed read lands in `problem` and is tried again.
pub fn follow_issuer_events(
    dev: String,
    shown: usize,
    events: RwSignal<Vec<protocol::dev_controls::IssuerEvent>>,
    problem: RwSignal<Option<String>>,
) {
    #[cfg(feature = "hydrate")]
    {
        use std::{cell::Cell, rc::Rc};
        // Where the last read ended, and whether one is still on its way
        // (a slow issuer must not get a pile of overlapping reads).
        let cursor = Rc::new(Cell::new(None::<u64>));
        let busy = Rc::new(Cell::new(false));
        let poll = move || {
            if busy.replace(true) {
                return;
            }
            let (dev, cursor, busy) = (dev.clone(), Rc::clone(&cursor), Rc::clone(&busy));
            leptos::task::spawn_local(async move {
                match crate::dev_controls::events(&dev, cursor.get(), shown as u64).await {
                    Ok(read) => {
                        cursor.set(Some(read.last_seq));
                        // The page may be gone by now: then nothing to update.
                        let _ = problem.try_set(None);
                        let _ = events.try_update(|events| {
                            events.extend(read.events);
                            let extra = events.len().saturating_sub(shown);
                            events.drain(..extra);
                        });
                    }
                    Err(e) => {
                        let _ = problem.try_set(Some(e));
                    }
                }
                busy.set(false);
            });
        };
        poll();
        if let Ok(handle) =
            set_interval_with_handle(poll, std::time::Duration::from_millis(ISSUER_POLL_MS))
        {
            on_cleanup(move || handle.clear());
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (dev, shown, events, problem);
}

/// How often the playground reads the issuer's new decisions.
pub const ISSUER_POLL_MS: u64 = 1_500;
