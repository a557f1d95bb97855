//! Silent renewal: a `prompt=none` request in a hidden iframe (OIDC Core
//! §3.1.2.1; Auth0's "Silent authentication for SPAs"), its answer
//! validated as an interactive callback's, one renewal at a time across the
//! tabs of the origin, the result shared with them.

use leptos::prelude::{GetUntracked, Set, WithUntracked, WithValue};
use protocol::{ErrorCode, MessageSource, ResponseChannel, accept_message};
use serde::{Deserialize, Serialize};

use crate::{
    AuthClient, CallbackError, FlowKind, RenewError, RenewalState, browser,
    callback::{Wanted, accept_response},
    events::{AuthEvent, Flow, Reporter, TabNews},
    login::{self, Channel},
    names, provider, renewal_scope,
    session::SessionEnd,
    tabs,
    third_party::{self, BlockedRenewal, IframeCookie},
};

/// Why a renewal runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RenewReason {
    /// The page was loaded with no tokens in memory.
    PageLoad,
    /// The access token is about to expire.
    Scheduled,
    /// The user asked for it.
    Manual,
    /// The API answered `401 invalid_token` (RFC 6750 §3.1).
    ApiRetry,
}

impl RenewReason {
    /// A few words for people.
    pub fn label(self) -> &'static str {
        match self {
            Self::PageLoad => "page load",
            Self::Scheduled => "before expiry",
            Self::Manual => "renew now",
            Self::ApiRetry => "API said invalid_token",
        }
    }
}

/// After a failed renewal, wait this long before trying again.
const RETRY_MS: u64 = 15_000;
/// While another tab renews, look again after this long.
const OTHER_TAB_RETRY_MS: u64 = 5_000;

/// Renews the session silently (see [`AuthClient::renew`]). The state it
/// leaves in [`AuthClient::renewal`] says what comes next.
pub(crate) async fn renew(
    client: AuthClient,
    report: Reporter,
    reason: RenewReason,
) -> Result<(), RenewError> {
    match client.renewal.get_untracked() {
        RenewalState::InFlight => return Err(RenewError::InFlight),
        // The provider asked for the user: no silent loop.
        RenewalState::SessionEnded { .. } if reason == RenewReason::Scheduled => {
            return Err(RenewError::Stopped);
        }
        _ => {}
    }
    client.renewal.set(RenewalState::InFlight);
    // Read before any await: a logout while this renewal waits for its tx
    // or the lock must still supersede it.
    let wanted = Wanted::now(client);
    let failed = |error: RenewError| {
        client.renewal.set(RenewalState::Failed {
            reason: error.to_string(),
            retry_at_ms: browser::now_ms() + RETRY_MS,
        });
        Err(error)
    };
    // Made here, not in the attempt, so that its outcome below is a step of
    // the same flow.
    let state = match login::new_state() {
        Ok(state) => state,
        Err(e) => {
            report
                .or_flow(FlowKind::Silent)
                .emit(AuthEvent::SilentFinished {
                    passed: false,
                    detail: format!("no random state: {e}"),
                });
            return failed(e.into());
        }
    };
    let tab_report = report;
    let report = report.in_flow(Flow {
        kind: FlowKind::Silent,
        tx: login::tx_of(&state).await,
    });
    let outcome = browser::with_lock_if_available(
        names::RENEWAL_LOCK,
        attempt(client, report, reason, &state, wanted),
    )
    .await;
    if let Ok(Some(Err(error @ RenewError::Refused(CallbackError::OtherUser)))) = outcome {
        // The answer ended the session (and so moved its generation on):
        // renewals stop here until the next login.
        report.emit(AuthEvent::SilentFinished {
            passed: false,
            detail: error.to_string(),
        });
        client.renewal.set(RenewalState::SessionEnded {
            reason: SessionEnd::OtherUser,
        });
        return Err(error);
    }
    // Whatever came of it, a logout or a new login since it was asked for
    // makes it about a session there no longer is: it changes nothing more
    // here (a newer renewal may be running) and is shared with no tab.
    if !wanted.still(client) {
        report.emit(AuthEvent::SilentFinished {
            passed: false,
            detail: RenewError::Superseded.to_string(),
        });
        return Err(RenewError::Superseded);
    }
    let finished = |error: &RenewError| {
        report.emit(AuthEvent::SilentFinished {
            passed: false,
            detail: error.to_string(),
        });
    };
    match outcome {
        Ok(Some(Ok(()))) => {
            report.emit(AuthEvent::SilentFinished {
                passed: true,
                detail: "new tokens validated and in memory".into(),
            });
            IframeCookie::Sent.learn();
            tabs::share_session(client, wanted);
            client.renewal.set(RenewalState::Idle);
            Ok(())
        }
        Ok(None) => {
            // Another tab is renewing; its result arrives on the channel.
            // This tab's request never left: no step of it to show.
            tab_report.emit(AuthEvent::OtherTab {
                news: TabNews::Renewing,
            });
            client.renewal.set(RenewalState::OtherTab {
                retry_at_ms: browser::now_ms() + OTHER_TAB_RETRY_MS,
            });
            Err(RenewError::OtherTab)
        }
        Ok(Some(Err(RenewError::InteractionRequired(code)))) => {
            let error = RenewError::InteractionRequired(code.clone());
            finished(&error);
            let known = IframeCookie::known();
            if reason == RenewReason::PageLoad {
                // On page load this only means "signed out".
                client.renewal.set(RenewalState::Idle);
            } else if code == ErrorCode::LoginRequired
                && known != IframeCookie::Sent
                && client.session.with_untracked(Option::is_some)
            {
                // Maybe no cookie reached the iframe: keep the session.
                let confirmed = known == IframeCookie::Withheld;
                let redirect = client.settings.with_untracked(|s| s.blocked_renewal)
                    == BlockedRenewal::Redirect;
                report.emit(AuthEvent::RenewalBlocked {
                    confirmed,
                    redirect,
                });
                client.renewal.set(RenewalState::Blocked { confirmed });
                // Never away from a page the user is not looking at.
                if redirect && (reason == RenewReason::Manual || browser::page_visible()) {
                    let _ = third_party::renew_top_level(client).await;
                }
            } else {
                client.set_session(None);
                client.renewal.set(RenewalState::SessionEnded {
                    reason: SessionEnd::InteractionRequired(code),
                });
            }
            Err(error)
        }
        Ok(Some(Err(error))) => {
            finished(&error);
            failed(error)
        }
        Err(e) => failed(e.into()),
    }
}

/// One silent authentication in a hidden iframe, validated like an
/// interactive callback; installs the new session on success.
async fn attempt(
    client: AuthClient,
    report: Reporter,
    reason: RenewReason,
    state: &protocol::State,
    wanted: Wanted,
) -> Result<(), RenewError> {
    let settings = client.settings.get_untracked();
    let discovery = provider::discovery(client, report)
        .await
        .map_err(|e| RenewError::Request(e.into()))?;
    let own_origin = browser::page_origin();
    // Without one, no message can match: the renewal then times out.
    let issuer_origin =
        browser::origin_of(discovery.authorization_endpoint.as_str()).unwrap_or_default();
    let mode = settings.silent_response_mode;
    let configured = client.config.with_value(|c| c.scope.clone());
    let scope = client
        .session
        .with_untracked(|s| renewal_scope(s.as_ref(), &configured));
    let url = login::prepare(
        client,
        &discovery.authorization_endpoint,
        state,
        scope,
        Channel::Silent(mode),
        protocol::ReturnPath::home(),
    )?;
    report.emit(AuthEvent::SilentStarted {
        reason,
        response_mode: mode,
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
    .await?;
    let Some(fragment) = answer else {
        // The transaction of this attempt is useless now.
        login::drop_transaction(state);
        // A logout removes the iframe: then there was no answer to wait for.
        if !wanted.still(client) {
            return Err(RenewError::Superseded);
        }
        return Err(RenewError::Timeout {
            secs: settings.silent_timeout_secs,
        });
    };
    if !wanted.still(client) {
        return Err(RenewError::Superseded);
    }
    match accept_response(client, report, &fragment, wanted, ResponseChannel::Silent).await {
        Ok(_) => Ok(()),
        Err(CallbackError::Provider { error, .. }) if error.needs_interaction() => {
            Err(RenewError::InteractionRequired(error))
        }
        Err(CallbackError::Superseded) => Err(RenewError::Superseded),
        Err(refused) => Err(RenewError::Refused(refused)),
    }
}

/// For a call the API refused with `invalid_token`: renews silently, or,
/// when a renewal is already running (in this tab or another), waits for its
/// tokens rather than giving up. Returns whether a new access token is in.
pub(crate) async fn renew_or_wait(client: AuthClient, reason: RenewReason) -> bool {
    let access_token = move || {
        client
            .session
            .with_untracked(|s| s.as_ref().and_then(|s| s.access_token.clone()))
    };
    let before = access_token();
    let busy = || {
        matches!(
            client.renewal.get_untracked(),
            RenewalState::InFlight | RenewalState::OtherTab { .. }
        )
    };
    if !busy() && renew(client, client.reporter, reason).await.is_ok() {
        return true;
    }
    // Another renewal's tokens arrive by itself or over the tab channel.
    let timeout_ms = client
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
