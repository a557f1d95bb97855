//! What keeps a session alive in a tab: a renewal on page load, a timer
//! before expiry, and a wall-clock recheck when the tab wakes.

use std::time::Duration;

use leptos::prelude::*;
use protocol::renewal_deadline;
use wasm_bindgen::{JsCast, closure::Closure};

use crate::{
    AuthClient, CALLBACK_PATH, RenewReason, RenewalState, browser, events::AuthEvent, renew::renew,
    tabs,
};

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
            RenewalState::Failed { retry_at_ms, .. } | RenewalState::OtherTab { retry_at_ms } => {
                Self::RetryAt(*retry_at_ms)
            }
            RenewalState::SessionEnded { .. }
            | RenewalState::InFlight
            | RenewalState::Blocked { .. } => Self::Closed,
            RenewalState::Idle | RenewalState::Scheduled { .. } => Self::Open,
        }
    }
}

/// When the next renewal is due, if any: before the access token (or, with
/// `id_token` only, the ID token) expires, or the retry time after a failure.
fn next_renewal_at(client: AuthClient, gate: Gate) -> Option<u64> {
    let lead_ms = client
        .settings
        .with(|s| s.renew_before_secs)
        .saturating_mul(1000);
    let deadline = client.session.with(|s| {
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
pub(crate) fn start(client: AuthClient) {
    tabs::listen(client);
    let report = client.reporter;

    // Restore on page load (not on the callback pages, which bring tokens).
    let path = web_sys::window()
        .and_then(|w| w.location().pathname().ok())
        .unwrap_or_default();
    if client.session.with_untracked(Option::is_none) && path != CALLBACK_PATH {
        leptos::task::spawn_local(async move {
            let _ = renew(client, report, RenewReason::PageLoad).await;
        });
    }

    // The timer: rescheduled whenever the session, the settings or the gate
    // change (a memo: it notifies only when the gate itself changes).
    let gate = Memo::new(move |_| client.renewal.with(Gate::of));
    // Bumped by a timer that woke before its deadline (timers are capped at
    // a day), to set the next one.
    let rearm = RwSignal::new(0_u64);
    Effect::new(move |previous: Option<Option<TimeoutHandle>>| {
        if let Some(Some(handle)) = previous {
            handle.clear();
        }
        rearm.track();
        let at = next_renewal_at(client, gate.get())?;
        let now = browser::now_ms();
        if client.renewal.with_untracked(|r| r.retry_at_ms().is_none()) {
            client.renewal.set(RenewalState::Scheduled { at_ms: at });
            report.emit(AuthEvent::RenewalScheduled {
                in_secs: at.saturating_sub(now).div_ceil(1000),
            });
        }
        set_timeout_with_handle(
            move || {
                if browser::now_ms() < at {
                    rearm.update(|n| *n += 1);
                    return;
                }
                leptos::task::spawn_local(async move {
                    let _ = renew(client, report, RenewReason::Scheduled).await;
                });
            },
            Duration::from_millis(protocol::delay_until(at, now)),
        )
        .ok()
    });

    // Wall-clock recheck when the tab becomes visible or focused.
    let recheck = move || {
        let due = untrack(|| next_renewal_at(client, gate.get()))
            .is_some_and(|at| browser::now_ms() >= at);
        if due {
            leptos::task::spawn_local(async move {
                let _ = renew(client, report, RenewReason::Scheduled).await;
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
