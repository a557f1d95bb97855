use leptos::prelude::*;
use leptos_meta::Title;

use auth_client::{RenewalState, use_auth_client};

use crate::components::{
    BlockedRenewalNotice, ClientOnly, EventLogView, RenewButton, SessionStatus, TokenInspector,
};
use teaching::inspect::TokenKind;

/// Each token's expiry, counting down, and what is inside each token.
#[component]
pub fn SessionPage() -> impl IntoView {
    let client = use_auth_client();
    let now_ms = RwSignal::new(0u64);
    // A one-second tick, in the browser only.
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        {
            now_ms.set(js_sys::Date::now() as u64);
            if let Ok(handle) = set_interval_with_handle(
                move || now_ms.set(js_sys::Date::now() as u64),
                std::time::Duration::from_secs(1),
            ) {
                on_cleanup(move || handle.clear());
            }
        }
    });
    let remaining = move |at: Option<u64>| match at {
        None => "no expiry given".to_owned(),
        Some(at) => {
            let now = now_ms.get();
            if at <= now {
                "expired".to_owned()
            } else {
                format!("{} s", (at - now).div_ceil(1000))
            }
        }
    };
    // The tokens to inspect, as the session holds them now.
    let id_token = Signal::derive(move || {
        client.session().with(|s| {
            let s = s.as_ref()?;
            let kind = TokenKind::IdToken {
                passed: s.id_token_checks.clone(),
            };
            Some((s.id_token.as_ref()?.secret().to_owned(), kind))
        })
    });
    let access_token = Signal::derive(move || {
        client.session().with(|s| {
            let token = s.as_ref()?.access_token.as_ref()?;
            Some((token.secret().to_owned(), TokenKind::AccessToken))
        })
    });
    view! {
        <Title text="Session"/>
        <section>
            <h1>"Session"</h1>
            <ClientOnly>
                <Show
                    when=move || client.is_authenticated()
                    fallback=|| view! { <p>"No tokens in this tab, so nothing counts down."</p> }
                >
                    <dl class="origins">
                        <dt>"Access token expires in"</dt>
                        <dd data-testid="access-token-expiry">
                            {move || remaining(client.session().with(|s| s.as_ref().and_then(|s| s.access_token_expires_at_ms)))}
                        </dd>
                        <dt>"ID token expires in"</dt>
                        <dd data-testid="id-token-expiry">
                            {move || remaining(client.session().with(|s| s.as_ref().and_then(|s| s.id_token_expires_at_ms)))}
                        </dd>
                        <dt>"Granted scope"</dt>
                        <dd data-testid="granted-scope">
                            {move || client.session().with(|s| s.as_ref().map(|s| s.scope.to_string()).unwrap_or_default())}
                        </dd>
                        <dt>"Asked for (and renewed with)"</dt>
                        <dd data-testid="requested-scope">
                            {move || client.session().with(|s| s.as_ref().map(|s| s.requested_scope.to_string()).unwrap_or_default())}
                        </dd>
                        <dt>"Kept in"</dt>
                        <dd>{move || client.settings().with(|s| s.token_storage.label())}</dd>
                        <dt>"Silent renewal"</dt>
                        <dd data-testid="renewal-state">
                            // The state is a live region; the countdown beside
                            // it is not, or it would be read out every second.
                            <span role="status" aria-label="Silent renewal">
                                {move || match client.renewal().get() {
                                    RenewalState::Idle => "idle".to_owned(),
                                    RenewalState::Scheduled { .. } => "scheduled".to_owned(),
                                    RenewalState::InFlight => "renewing now".to_owned(),
                                    RenewalState::OtherTab { .. } => "failed: another tab is renewing".to_owned(),
                                    RenewalState::Failed { reason, .. } => format!("failed: {reason}"),
                                    RenewalState::SessionEnded { reason } => format!("stopped: {reason}"),
                                    RenewalState::Blocked { confirmed: false } => "stopped: third-party cookies blocked?".to_owned(),
                                    RenewalState::Blocked { confirmed: true } => "stopped: third-party cookies blocked".to_owned(),
                                }}
                            </span>
                            {move || match client.renewal().get() {
                                RenewalState::Scheduled { at_ms } => format!(" — next renewal in {}", remaining(Some(at_ms))),
                                RenewalState::Failed { retry_at_ms, .. } | RenewalState::OtherTab { retry_at_ms } => {
                                    format!("; retry in {}", remaining(Some(retry_at_ms)))
                                }
                                _ => String::new(),
                            }}
                        </dd>
                    </dl>
                    <RenewButton/>
                    <BlockedRenewalNotice/>
                    <h2>"Inside the tokens"</h2>
                    <p class="hint">
                        "What each token says, decoded in this tab: each header parameter and claim "
                        "with what it is, the rule that defines it, and the check this client made with it. "
                        "The tokens themselves are not shown."
                    </p>
                    <TokenInspector token=id_token caption="ID token" testid="id-token-inspector"/>
                    <TokenInspector token=access_token caption="Access token" testid="access-token-inspector"/>
                </Show>
                <SessionStatus/>
            </ClientOnly>
        </section>
        <EventLogView/>
    }
}
