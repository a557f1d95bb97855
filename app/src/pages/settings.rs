use leptos::prelude::*;
use leptos_meta::Title;
use protocol::{ResponseMode, ResponseType};

use auth_client::{BlockedRenewal, LogoutStyle, TokenStorage, use_auth_client};

use crate::{components::ClientOnly, events::EventLog};

/// Where tokens are kept, which response type to ask for, how silent
/// authentication answers, the timing, and which logout endpoint to use.
#[component]
pub fn SettingsPage() -> impl IntoView {
    let client = use_auth_client();
    let log = expect_context::<EventLog>();
    view! {
        <Title text="Settings"/>
        <section>
            <h1>"Settings"</h1>
            <ClientOnly>
                <fieldset>
                    <legend>"Where to keep the tokens"</legend>
                    <p class="hint">
                        "OAuth 2.0 for Browser-Based Applications (IETF draft), on token storage: "
                        "anything a script can read, an XSS bug can steal. Memory is the default."
                    </p>
                    {TokenStorage::ALL.into_iter().map(|storage| view! {
                        <label class="choice">
                            <input
                                type="radio"
                                name="token-storage"
                                prop:checked=move || client.settings().with(|s| s.token_storage == storage)
                                on:change=move |_| client.update_settings(|s| s.token_storage = storage)
                            />
                            <span><strong>{storage.label()}</strong>" — "{storage.trade_off()}</span>
                        </label>
                    }).collect_view()}
                </fieldset>
                <fieldset>
                    <legend>"When the renewal iframe may be blocked"</legend>
                    <p class="hint">
                        "A browser that blocks third-party cookies sends the provider's iframe no cookie, so it finds no session. "
                        "The session is kept until a top-level request, where the cookie is first-party, tells."
                    </p>
                    {BlockedRenewal::ALL.into_iter().map(|choice| view! {
                        <label class="choice">
                            <input
                                type="radio"
                                name="blocked-renewal"
                                prop:checked=move || client.settings().with(|s| s.blocked_renewal == choice)
                                on:change=move |_| client.update_settings(|s| s.blocked_renewal = choice)
                            />
                            <span>{choice.label()}</span>
                        </label>
                    }).collect_view()}
                </fieldset>
                <fieldset>
                    <legend>"Response type"</legend>
                    {[ResponseType::IdTokenToken, ResponseType::Token].into_iter().map(|rt| view! {
                        <label class="choice">
                            <input
                                type="radio"
                                name="response-type"
                                prop:checked=move || client.settings().with(|s| s.response_type == rt)
                                on:change=move |_| client.update_settings(|s| s.response_type = rt)
                            />
                            <span><code>{rt.as_str()}</code>{match rt {
                                ResponseType::Token => " — an access token only (plain OAuth 2.0, no identity)",
                                _ => " — an ID token (who the user is) and an access token (for the API)",
                            }}</span>
                        </label>
                    }).collect_view()}
                </fieldset>
                <fieldset>
                    <legend>"Silent authentication answers through"</legend>
                    <label class="choice">
                        <input type="radio" name="silent-mode"
                            prop:checked=move || client.settings().with(|s| s.silent_response_mode == ResponseMode::Fragment)
                            on:change=move |_| client.update_settings(|s| s.silent_response_mode = ResponseMode::Fragment)/>
                        <span><code>"fragment"</code>" — the provider redirects the iframe to this app's tiny silent-callback page, which posts the fragment to this window"</span>
                    </label>
                    <label class="choice">
                        <input type="radio" name="silent-mode"
                            prop:checked=move || client.settings().with(|s| s.silent_response_mode == ResponseMode::WebMessage)
                            on:change=move |_| client.update_settings(|s| s.silent_response_mode = ResponseMode::WebMessage)/>
                        <span><code>"web_message"</code>" — the provider's own page posts the response (Auth0's checkSession)"</span>
                    </label>
                </fieldset>
                <fieldset>
                    <legend>"Timing"</legend>
                    <NumberSetting
                        id="clock-skew"
                        label="Clock skew allowed on exp and iat (seconds)"
                        hint="OIDC Core §3.1.3.7 lets the client allow for small clock differences with the provider."
                        min=0
                        max=600
                        get=move || client.settings().with(|s| s.clock_skew_secs)
                        set=move |v| client.update_settings(|s| s.clock_skew_secs = v)
                    />
                    <NumberSetting
                        id="silent-timeout"
                        label="Give up on a silent authentication after (seconds)"
                        hint="The hidden iframe and its listener are removed then, and the next attempt starts clean."
                        min=1
                        max=120
                        get=move || client.settings().with(|s| s.silent_timeout_secs)
                        set=move |v| client.update_settings(|s| s.silent_timeout_secs = v)
                    />
                    <NumberSetting
                        id="renew-before"
                        label="Renew this long before the access token expires (seconds)"
                        hint="Or at 75 % of the token's lifetime, when that comes later (short-lived tokens)."
                        min=0
                        max=3600
                        get=move || client.settings().with(|s| s.renew_before_secs)
                        set=move |v| client.update_settings(|s| s.renew_before_secs = v)
                    />
                </fieldset>
                <fieldset>
                    <legend>"Logout endpoint"</legend>
                    <label class="choice">
                        <input type="radio" name="logout-style"
                            prop:checked=move || client.settings().with(|s| s.logout_style == LogoutStyle::EndSession)
                            on:change=move |_| client.update_settings(|s| s.logout_style = LogoutStyle::EndSession)/>
                        <span>"OpenID Connect "<code>"end_session_endpoint"</code>" (from discovery)"</span>
                    </label>
                    <label class="choice">
                        <input type="radio" name="logout-style"
                            prop:checked=move || client.settings().with(|s| s.logout_style == LogoutStyle::Auth0)
                            on:change=move |_| client.update_settings(|s| s.logout_style = LogoutStyle::Auth0)/>
                        <span>"Auth0 "<code>"/v2/logout"</code></span>
                    </label>
                </fieldset>
                <fieldset>
                    <legend>"Event log"</legend>
                    <label class="choice">
                        <input
                            type="checkbox"
                            aria-describedby="announce-events-hint"
                            prop:checked=move || log.announces()
                            on:change=move |event| log.set_announce(event_target_checked(&event))
                        />
                        <span>"Read new events out to screen readers"</span>
                    </label>
                    <p class="hint" id="announce-events-hint">
                        "The log is a live region: each step of a login, and of every background "
                        "renewal, is read out as it happens, on every page. Off, the log stays on "
                        "screen and quiet."
                    </p>
                </fieldset>
            </ClientOnly>
        </section>
    }
}

/// A whole number of seconds from `min` to `max`; anything else is refused
/// with a message (an alert, and part of the field's description while it
/// stands) and the field shows the setting in force again.
#[component]
fn NumberSetting(
    id: &'static str,
    label: &'static str,
    hint: &'static str,
    min: u64,
    max: u64,
    get: impl Fn() -> u64 + Send + Sync + Copy + 'static,
    set: impl Fn(u64) + Send + Sync + Copy + 'static,
) -> impl IntoView {
    let refusal = RwSignal::new(None::<String>);
    let hint_id = format!("{id}-hint");
    let refusal_id = format!("{id}-refusal");
    let described_by = {
        let (hint_id, refusal_id) = (hint_id.clone(), refusal_id.clone());
        move || match refusal.get() {
            Some(_) => format!("{hint_id} {refusal_id}"),
            None => hint_id.clone(),
        }
    };
    view! {
        <div class="number-setting">
            <label for=id>{label}</label>
            <input
                id=id
                type="number"
                min=min.to_string()
                max=max.to_string()
                step="1"
                aria-describedby=described_by
                prop:value=move || get().to_string()
                on:change=move |event| {
                    let typed = event_target_value(&event);
                    match typed.trim().parse::<u64>() {
                        Ok(value) if (min..=max).contains(&value) => {
                            refusal.set(None);
                            set(value);
                        }
                        _ => {
                            let kept = get();
                            // A browser gives "" for what is not a number at all.
                            let what = match typed.trim() {
                                "" => "That".to_owned(),
                                typed => typed.to_owned(),
                            };
                            refusal.set(Some(format!(
                                "{what} is not a whole number from {min} to {max}: the setting stays {kept}."
                            )));
                            // Show the value in force, not the typo.
                            let input = event_target::<leptos::web_sys::HtmlInputElement>(&event);
                            input.set_value(&kept.to_string());
                        }
                    }
                }
            />
            <span class="hint" id=hint_id>{hint}</span>
            {move || refusal.get().map(|message| view! {
                <p class="status-bad" role="alert" id=refusal_id.clone()>{message}</p>
            })}
        </div>
    }
}
