//! Silent authentication and everything that keeps a session alive with no
//! visible navigation: renewal before expiry, restore on page load, retry on
//! an API `401`, several tabs acting as one, and logout (OIDC Core §3.1.2.1
//! `prompt=none`; Auth0's "Silent authentication for SPAs").

use std::time::Duration;

use leptos::prelude::*;
use protocol::{
    AuthorizationRequest, ClientId, ErrorCode, MessageSource, Nonce, Prompt, RedirectUri,
    ResponseMode, ScopeSet, State, Transaction, accept_message, renewal_deadline,
};
use wasm_bindgen::{JsCast, closure::Closure};

use super::{
    Auth, CallbackState, LogoutStyle, RenewalState, Session, SharedBy, SharedSession,
    browser::{self},
    flow::{
        Origin, RANDOM_BYTES, Wanted, accept_response, discovery, origin, save_transaction, tx_of,
    },
    renewal_scope, shared_session,
};
use crate::{
    SpaConfig,
    events::{EventKind, EventLog, Flow, FlowKind},
};

/// Why a renewal runs; shown in the event log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RenewReason {
    /// The page was loaded with no tokens in memory.
    PageLoad,
    /// The access token is about to expire.
    Scheduled,
    /// The user pressed "Renew now".
    Manual,
    /// The API answered `401 invalid_token`.
    ApiRetry,
}

impl RenewReason {
    fn label(self) -> &'static str {
        match self {
            Self::PageLoad => "page load",
            Self::Scheduled => "before expiry",
            Self::Manual => "renew now",
            Self::ApiRetry => "API said invalid_token",
        }
    }
}

/// How a silent authentication ended.
#[derive(Debug, Clone, PartialEq, Eq)]
enum SilentError {
    /// `login_required`, `consent_required`, `interaction_required`.
    InteractionRequired(String),
    /// No answer in time; iframe and listener removed.
    Timeout,
    /// Anything else (refused response, network, provider error).
    Failed(String),
    /// A logout or a new login happened meanwhile; the result was dropped.
    Superseded,
}

const CHANNEL: &str = "implicit.session";
const LOCK: &str = "implicit.renewal";
/// Why this tab did not renew: another one holds the renewal lock.
const OTHER_TAB_RENEWING: &str = "another tab is renewing";
/// After a failed renewal, wait this long before trying again.
const RETRY_MS: u64 = 15_000;

/// One silent authentication in a hidden iframe, fully validated like an
/// interactive callback. Installs the new session on success, unless the
/// tokens were dropped or replaced since `wanted` was read.
async fn silent_authenticate(
    config: &SpaConfig,
    auth: Auth,
    log: EventLog,
    reason: RenewReason,
    state: State,
    wanted: Wanted,
) -> Result<(), SilentError> {
    let settings = auth.settings.get_untracked();
    let discovery = discovery(config, auth, log)
        .await
        .map_err(SilentError::Failed)?;
    let own_origin = origin();
    // Without one, no message can match: the renewal then times out.
    let issuer_origin = browser::origin_of(&discovery.authorization_endpoint).unwrap_or_default();
    let mode = settings.silent_response_mode;

    let random =
        || browser::random_token(RANDOM_BYTES).map_err(|e| SilentError::Failed(e.to_string()));
    let nonce = Nonce::new(random()?);
    let configured: ScopeSet = config
        .scope
        .parse()
        .map_err(|e| SilentError::Failed(format!("scope: {e}")))?;
    let scope = auth
        .session
        .with_untracked(|s| renewal_scope(s.as_ref(), &configured));
    let redirect_uri = RedirectUri::parse(format!("{own_origin}/silent-callback.html"))
        .map_err(|e| SilentError::Failed(e.to_string()))?;
    let request = AuthorizationRequest {
        response_type: settings.response_type,
        client_id: ClientId::new(config.client_id.clone()),
        redirect_uri,
        scope: scope.clone(),
        audience: Some(config.audience.clone()).filter(|a| !a.is_empty()),
        state: state.clone(),
        nonce: settings.response_type.has_id_token().then(|| nonce.clone()),
        prompt: Some(Prompt::None),
        response_mode: (mode == ResponseMode::WebMessage).then_some(mode),
        max_age: None,
    };
    let url = request
        .to_url(&discovery.authorization_endpoint)
        .map_err(|e| SilentError::Failed(e.to_string()))?;
    save_transaction(
        &state,
        &Transaction {
            nonce,
            return_to: "/".into(),
            response_type: settings.response_type,
            scope,
            created_at_ms: browser::now_ms(),
        },
    )
    .map_err(SilentError::Failed)?;
    log.push(EventKind::SilentStarted {
        reason: reason.label().into(),
        response_mode: mode.as_str().into(),
    });

    browser::mark("implicit:silent-start");
    let timeout_ms =
        u32::try_from(settings.silent_timeout_secs.saturating_mul(1000)).unwrap_or(u32::MAX);
    // `_iframe` stays until the answer is validated, then goes.
    let (answer, _iframe) = browser::response_from_hidden_iframe(
        &url,
        timeout_ms,
        move |origin, from_our_iframe, data| {
            accept_message(
                mode,
                MessageSource {
                    origin,
                    from_our_iframe,
                },
                &own_origin,
                &issuer_origin,
                data,
            )
        },
    )
    .await
    .map_err(|e| SilentError::Failed(e.to_string()))?;
    let Some(fragment) = answer else {
        // The transaction of this attempt is useless now; drop it.
        <gloo_storage::SessionStorage as gloo_storage::Storage>::delete(format!(
            "implicit.tx.{state}"
        ));
        // A logout removes the iframe: then there was no answer to wait for.
        if !wanted.still(auth) {
            return Err(SilentError::Superseded);
        }
        return Err(SilentError::Timeout);
    };
    if !wanted.still(auth) {
        return Err(SilentError::Superseded);
    }
    match accept_response(config, auth, log, &fragment, wanted, Origin::Silent).await {
        Ok(_) => Ok(()),
        Err(CallbackState::ProviderError { error, description }) => {
            if ErrorCode::from(error.as_str()).needs_interaction() {
                Err(SilentError::InteractionRequired(error))
            } else {
                Err(SilentError::Failed(match description {
                    Some(d) => format!("{error}: {d}"),
                    None => error,
                }))
            }
        }
        Err(CallbackState::Refused(why)) => Err(SilentError::Failed(why)),
        Err(CallbackState::Superseded) => Err(SilentError::Superseded),
        Err(CallbackState::Working | CallbackState::Done) => {
            Err(SilentError::Failed("unexpected state".into()))
        }
    }
}

/// Renews the session silently, at most one renewal at a time across tabs
/// where the browser has Web Locks; the result is shared with the other
/// tabs (except one whose tokens were forgotten). Returns whether this tab
/// now has fresh tokens.
pub async fn renew(config: &SpaConfig, auth: Auth, log: EventLog, reason: RenewReason) -> bool {
    if auth.renewal.get_untracked() == RenewalState::InFlight {
        return false;
    }
    if reason == RenewReason::Scheduled
        && matches!(
            auth.renewal.get_untracked(),
            RenewalState::SessionEnded { .. }
        )
    {
        // The provider asked for the user: no silent loop.
        return false;
    }
    auth.renewal.set(RenewalState::InFlight);
    // Read before any await: a logout while this renewal waits for its tx
    // or the lock must still supersede it.
    let wanted = Wanted::now(auth);
    // Made here, not in the attempt, so that its outcome below is a step of
    // the same flow.
    let state = match browser::random_token(RANDOM_BYTES) {
        Ok(token) => State::new(token),
        Err(e) => {
            log.or_flow(FlowKind::Silent)
                .push(EventKind::SilentFinished {
                    passed: false,
                    detail: format!("no random state: {e}"),
                });
            auth.renewal.set(RenewalState::Failed {
                reason: e.to_string(),
                retry_at_ms: browser::now_ms() + RETRY_MS,
            });
            return false;
        }
    };
    let tab_log = log;
    let log = log.in_flow(Flow {
        kind: FlowKind::Silent,
        tx: tx_of(&state).await,
    });
    let outcome = browser::with_lock_if_available(
        LOCK,
        silent_authenticate(config, auth, log, reason, state, wanted),
    )
    .await;
    // Whatever came of it, a logout or a new login since it was asked for
    // makes it about a session there no longer is: it changes nothing more
    // here (a newer renewal may be running) and is shared with no tab.
    // Every `SilentError::Superseded` ends here.
    if !wanted.still(auth) {
        log.push(EventKind::SilentFinished {
            passed: false,
            detail: "a logout or another login happened meanwhile; nothing installed".into(),
        });
        return false;
    }
    let now = browser::now_ms();
    match outcome {
        Ok(Some(Ok(()))) => {
            log.push(EventKind::SilentFinished {
                passed: true,
                detail: "new tokens validated and in memory".into(),
            });
            share_session(auth, wanted);
            auth.renewal.set(RenewalState::Idle);
            true
        }
        Ok(None) => {
            // Another tab is renewing; its result arrives on the channel.
            // This tab's request never left: no step of it to show.
            tab_log.push(EventKind::OtherTab {
                detail: "is already renewing; waiting for its tokens".into(),
            });
            auth.renewal.set(RenewalState::Failed {
                reason: OTHER_TAB_RENEWING.into(),
                retry_at_ms: now + 5_000,
            });
            false
        }
        Ok(Some(Err(SilentError::InteractionRequired(code)))) => {
            log.push(EventKind::SilentFinished {
                passed: false,
                detail: format!("{code}: the provider needs the user"),
            });
            if reason == RenewReason::PageLoad {
                // On page load this only means "signed out".
                auth.renewal.set(RenewalState::Idle);
            } else {
                auth.set_session(None);
                auth.renewal.set(RenewalState::SessionEnded {
                    reason: format!(
                        "{code}: your session at the provider has ended — log in again"
                    ),
                });
            }
            false
        }
        Ok(Some(Err(error))) => {
            let reason = match error {
                SilentError::Timeout => {
                    let secs = auth.settings.with_untracked(|s| s.silent_timeout_secs);
                    format!("no answer from the provider within {secs} s")
                }
                SilentError::Failed(why) => why,
                // Both handled above.
                SilentError::InteractionRequired(_) | SilentError::Superseded => String::new(),
            };
            log.push(EventKind::SilentFinished {
                passed: false,
                detail: reason.clone(),
            });
            auth.renewal.set(RenewalState::Failed {
                reason,
                retry_at_ms: now + RETRY_MS,
            });
            false
        }
        Err(e) => {
            auth.renewal.set(RenewalState::Failed {
                reason: e.to_string(),
                retry_at_ms: now + RETRY_MS,
            });
            false
        }
    }
}

/// For a call the API refused with `invalid_token`: renews silently, or,
/// when a renewal is already running (in this tab or another), waits for its
/// tokens rather than giving up. Returns whether a new access token is in.
pub async fn renew_or_wait(
    config: &SpaConfig,
    auth: Auth,
    log: EventLog,
    reason: RenewReason,
) -> bool {
    let access_token = move || {
        auth.session
            .with_untracked(|s| s.as_ref().and_then(|s| s.access_token.clone()))
    };
    let before = access_token();
    let busy = || {
        auth.renewal.get_untracked() == RenewalState::InFlight
            || matches!(auth.renewal.get_untracked(), RenewalState::Failed { ref reason, .. } if reason == OTHER_TAB_RENEWING)
    };
    if !busy() && renew(config, auth, log, reason).await {
        return true;
    }
    // Another renewal's tokens arrive by itself or over the tab channel.
    let timeout_ms = auth
        .settings
        .with_untracked(|s| s.silent_timeout_secs)
        .saturating_add(1)
        .saturating_mul(1000);
    let give_up_at = browser::now_ms().saturating_add(timeout_ms);
    while browser::now_ms() < give_up_at {
        let now = access_token();
        if now.is_some() && now != before {
            return true;
        }
        if !busy() || browser::sleep(100).await.is_err() {
            break;
        }
    }
    let now = access_token();
    now.is_some() && now != before
}

impl Auth {
    fn is_authenticated_untracked(&self) -> bool {
        self.session.with_untracked(Option::is_some)
    }
}

/// What the renewal state means for the timer. The timer itself sets the
/// state to `Scheduled`, so it must not depend on the state as such (it would
/// re-run itself forever): only on this, which `Scheduled` does not change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Gate {
    /// Renew at the deadline.
    Open,
    /// A renewal failed: not before this time (ms since the epoch).
    RetryAt(u64),
    /// A renewal is running, or the provider needs the user: no timer.
    Closed,
}

impl Gate {
    fn of(state: &RenewalState) -> Self {
        match state {
            RenewalState::Failed { retry_at_ms, .. } => Self::RetryAt(*retry_at_ms),
            RenewalState::SessionEnded { .. } | RenewalState::InFlight => Self::Closed,
            RenewalState::Idle | RenewalState::Scheduled { .. } => Self::Open,
        }
    }
}

/// When the next renewal is due, if any: before the access token (or, with
/// `id_token` only, the ID token) expires, or the retry time after a failure.
fn next_renewal_at(auth: Auth, gate: Gate) -> Option<u64> {
    let lead_ms = auth
        .settings
        .with(|s| s.renew_before_secs)
        .saturating_mul(1000);
    let deadline = auth.session.with(|s| {
        let s = s.as_ref()?;
        let expires = s.access_token_expires_at_ms.or(s.id_token_expires_at_ms)?;
        Some(renewal_deadline(s.received_at_ms, expires, lead_ms))
    })?;
    match gate {
        Gate::RetryAt(retry_at_ms) => Some(deadline.max(retry_at_ms)),
        Gate::Closed => None,
        Gate::Open => Some(deadline),
    }
}

/// Starts what keeps the session alive in this tab: one silent
/// authentication on page load, a timer before expiry (rechecked against the
/// wall clock on `visibilitychange` and `focus`, since background timers are
/// throttled and laptops sleep), and the channel to the other tabs.
pub fn start_session_manager(config: SpaConfig, auth: Auth, log: EventLog) {
    listen_to_other_tabs(auth, log);

    // Restore on page load (not on the callback pages, which bring tokens).
    let path = web_sys::window()
        .and_then(|w| w.location().pathname().ok())
        .unwrap_or_default();
    if !auth.is_authenticated_untracked() && path != "/callback" {
        let config = config.clone();
        leptos::task::spawn_local(async move {
            renew(&config, auth, log, RenewReason::PageLoad).await;
        });
    }

    // The timer: rescheduled whenever the session, the settings or the gate
    // change (a memo: it notifies only when the gate itself changes).
    let gate = Memo::new(move |_| auth.renewal.with(Gate::of));
    // Bumped by a timer that woke before its deadline (timers are capped at
    // a day), to set the next one.
    let rearm = RwSignal::new(0_u64);
    let config_for_timer = config.clone();
    Effect::new(move |previous: Option<Option<TimeoutHandle>>| {
        if let Some(Some(handle)) = previous {
            handle.clear();
        }
        rearm.track();
        let at = next_renewal_at(auth, gate.get())?;
        let now = browser::now_ms();
        if !matches!(auth.renewal.get_untracked(), RenewalState::Failed { .. }) {
            auth.renewal.set(RenewalState::Scheduled { at_ms: at });
            log.push(EventKind::RenewalScheduled {
                in_secs: at.saturating_sub(now).div_ceil(1000),
            });
        }
        let config = config_for_timer.clone();
        set_timeout_with_handle(
            move || {
                if browser::now_ms() < at {
                    rearm.update(|n| *n += 1);
                    return;
                }
                leptos::task::spawn_local(async move {
                    renew(&config, auth, log, RenewReason::Scheduled).await;
                });
            },
            Duration::from_millis(protocol::delay_until(at, now)),
        )
        .ok()
    });

    // Wall-clock recheck when the tab becomes visible or focused.
    let recheck = move || {
        let due =
            untrack(|| next_renewal_at(auth, gate.get())).is_some_and(|at| browser::now_ms() >= at);
        if due {
            let config = config.clone();
            leptos::task::spawn_local(async move {
                renew(&config, auth, log, RenewReason::Scheduled).await;
            });
        }
    };
    let on_wake = Closure::<dyn Fn()>::new(recheck);
    if let Some(window) = web_sys::window() {
        let _ = window.add_event_listener_with_callback("focus", on_wake.as_ref().unchecked_ref());
        if let Some(document) = window.document() {
            let _ = document.add_event_listener_with_callback(
                "visibilitychange",
                on_wake.as_ref().unchecked_ref(),
            );
        }
    }
    // The listeners live as long as the page.
    on_wake.forget();
}

/// Messages between tabs of this origin.
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
enum TabMessage {
    /// New tokens, renewed by the sending tab (`from`), asked for when the
    /// origin had seen `logout_epoch` logouts.
    Session {
        session: Session,
        from: String,
        logout_epoch: u64,
    },
    /// The user logged out in the sending tab: the origin's logout count.
    Logout { count: u64 },
}

fn post_to_tabs(message: &TabMessage) {
    if let (Ok(channel), Ok(json)) = (
        web_sys::BroadcastChannel::new(CHANNEL),
        serde_json::to_string(message),
    ) {
        let _ = channel.post_message(&json.into());
        channel.close();
    }
}

thread_local! {
    /// This tab's name on the channel: its own messages come back to it.
    static TAB_ID: String = browser::random_token(16).unwrap_or_default();
}

fn share_session(auth: Auth, wanted: Wanted) {
    if let Some(session) = auth.session.get_untracked() {
        post_to_tabs(&TabMessage::Session {
            session,
            from: TAB_ID.with(String::clone),
            logout_epoch: wanted.logout_epoch(),
        });
    }
}

fn listen_to_other_tabs(auth: Auth, log: EventLog) {
    let Ok(channel) = web_sys::BroadcastChannel::new(CHANNEL) else {
        return;
    };
    let on_message =
        Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            let Some(message) = event
                .data()
                .as_string()
                .and_then(|json| serde_json::from_str::<TabMessage>(&json).ok())
            else {
                return;
            };
            match message {
                TabMessage::Session {
                    session,
                    from,
                    logout_epoch,
                } => {
                    let by = SharedBy {
                        this_tab: !from.is_empty() && TAB_ID.with(|id| *id == from),
                        before_a_logout: logout_epoch < browser::logouts_seen(),
                    };
                    let forgotten_here = auth.forgotten_here.get_untracked();
                    let verdict = auth.session.with_untracked(|held| {
                        shared_session(&session, held.as_ref(), by, forgotten_here)
                    });
                    match verdict {
                        SharedSession::Own => {}
                        SharedSession::Refuse(why) => log.push(EventKind::OtherTab {
                            detail: format!("renewed the tokens; {why}"),
                        }),
                        SharedSession::Take => {
                            log.push(EventKind::OtherTab {
                                detail: "renewed the tokens; using them here too".into(),
                            });
                            auth.set_session(Some(session));
                            auth.renewal.set(RenewalState::Idle);
                        }
                    }
                }
                TabMessage::Logout { count } => {
                    browser::note_logouts(count);
                    log.push(EventKind::OtherTab {
                        detail: "logged out; signing out here too".into(),
                    });
                    end_local_session(auth);
                }
            }
        });
    channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    // Keep the channel open for the life of the page.
    std::mem::forget(channel);
}

/// Forgets the session in this tab: memory, storage, timers (the scheduler
/// sees no session), silent-authentication iframes; and bumps the generation
/// so that a renewal still in flight cannot bring the tokens back.
pub fn end_local_session(auth: Auth) {
    auth.generation.update(|g| *g += 1);
    auth.set_session(None);
    auth.renewal.set(RenewalState::Idle);
    let frames = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector_all("iframe[data-silent-auth]").ok());
    if let Some(frames) = frames {
        for i in 0..frames.length() {
            if let Some(frame) = frames
                .item(i)
                .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
            {
                frame.remove();
            }
        }
    }
}

/// Logs out everywhere: this tab, the other tabs, and the provider's session
/// (OIDC RP-Initiated Logout's `end_session_endpoint`, or Auth0's
/// `/v2/logout`), coming back to the home page, a registered logout URL.
/// A provider without an `end_session_endpoint` (and not Auth0) keeps its
/// session: the error says so.
pub async fn logout(config: &SpaConfig, auth: Auth, log: EventLog) -> Result<(), String> {
    let id_token = auth
        .session
        .with_untracked(|s| s.as_ref().and_then(|s| s.id_token.clone()));
    // Counted first: from now on no tab installs or takes tokens asked for
    // before this logout, whatever order the messages arrive in.
    let count = browser::count_logout();
    end_local_session(auth);
    post_to_tabs(&TabMessage::Logout { count });
    log.push(EventKind::SignedOut {
        reason: "logout".into(),
    });

    let discovery = discovery(config, auth, log).await?;
    let return_to = format!("{}/", origin());
    let style = auth.settings.with_untracked(|s| s.logout_style);
    let mut query = form_urlencoded::Serializer::new(String::new());
    let endpoint = match (style, discovery.end_session_endpoint.as_deref()) {
        (LogoutStyle::EndSession, Some(endpoint)) => {
            query.append_pair("client_id", &config.client_id);
            query.append_pair("post_logout_redirect_uri", &return_to);
            if let Some(token) = &id_token {
                query.append_pair("id_token_hint", token.secret());
            }
            endpoint.to_owned()
        }
        (LogoutStyle::EndSession, None) => {
            // Guessing another provider's logout URL would only lead to its
            // error page; say what happened instead.
            return Err(
                "Signed out of this app only: the provider's discovery document has no \
                end_session_endpoint, so your session at the provider is still active and \
                the next silent authentication would sign you back in. (For Auth0, choose the \
                Auth0 logout style in Settings.)"
                    .to_owned(),
            );
        }
        (LogoutStyle::Auth0, _) => {
            query.append_pair("client_id", &config.client_id);
            query.append_pair("returnTo", &return_to);
            format!("{}/v2/logout", config.issuer.trim_end_matches('/'))
        }
    };
    log.push(EventKind::LogoutRedirect {
        endpoint: endpoint.clone(),
    });
    let separator = if endpoint.contains('?') { '&' } else { '?' };
    log.persist();
    browser::navigate_away(&format!("{endpoint}{separator}{}", query.finish()))
        .map_err(|e| e.to_string())
}
