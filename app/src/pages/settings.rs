use leptos::prelude::*;
use protocol::{ResponseMode, ResponseType};

use crate::{
    auth::{LogoutStyle, Settings, TokenStorage, use_auth},
    components::ClientOnly,
};

/// Where tokens are kept, which response type to ask for, the clock skew.
#[component]
pub fn SettingsPage() -> impl IntoView {
    let auth = use_auth();
    let set_storage = move |storage: TokenStorage| {
        let mut settings = auth.settings.get_untracked();
        settings.token_storage = storage;
        auth.set_settings(settings);
    };
    let set_response_type = move |response_type: ResponseType| {
        let mut settings = auth.settings.get_untracked();
        settings.response_type = response_type;
        auth.set_settings(settings);
    };
    let update = move |change: fn(&mut Settings)| {
        let mut settings = auth.settings.get_untracked();
        change(&mut settings);
        auth.set_settings(settings);
    };
    view! {
        <section>
            <h1>"Settings"</h1>
            <ClientOnly>
                <fieldset>
                    <legend>"Where to keep the tokens"</legend>
                    <p class="hint">
                        "RFC 9700 (OAuth 2.0 Security BCP) and the browser-based apps guidance: "
                        "anything a script can read, an XSS bug can steal. Memory is the default."
                    </p>
                    {TokenStorage::ALL.into_iter().map(|storage| view! {
                        <label class="choice">
                            <input
                                type="radio"
                                name="token-storage"
                                prop:checked=move || auth.settings.with(|s| s.token_storage == storage)
                                on:change=move |_| set_storage(storage)
                            />
                            <span><strong>{storage.label()}</strong>" — "{storage.trade_off()}</span>
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
                                prop:checked=move || auth.settings.with(|s| s.response_type == rt)
                                on:change=move |_| set_response_type(rt)
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
                            prop:checked=move || auth.settings.with(|s| s.silent_response_mode == ResponseMode::Fragment)
                            on:change=move |_| update(|s| s.silent_response_mode = ResponseMode::Fragment)/>
                        <span><code>"fragment"</code>" — the provider redirects the iframe to this app's tiny silent-callback page, which posts the fragment to this window"</span>
                    </label>
                    <label class="choice">
                        <input type="radio" name="silent-mode"
                            prop:checked=move || auth.settings.with(|s| s.silent_response_mode == ResponseMode::WebMessage)
                            on:change=move |_| update(|s| s.silent_response_mode = ResponseMode::WebMessage)/>
                        <span><code>"web_message"</code>" — the provider's own page posts the response (Auth0's checkSession)"</span>
                    </label>
                </fieldset>
                <fieldset>
                    <legend>"Logout endpoint"</legend>
                    <label class="choice">
                        <input type="radio" name="logout-style"
                            prop:checked=move || auth.settings.with(|s| s.logout_style == LogoutStyle::EndSession)
                            on:change=move |_| update(|s| s.logout_style = LogoutStyle::EndSession)/>
                        <span>"OpenID Connect "<code>"end_session_endpoint"</code>" (from discovery)"</span>
                    </label>
                    <label class="choice">
                        <input type="radio" name="logout-style"
                            prop:checked=move || auth.settings.with(|s| s.logout_style == LogoutStyle::Auth0)
                            on:change=move |_| update(|s| s.logout_style = LogoutStyle::Auth0)/>
                        <span>"Auth0 "<code>"/v2/logout"</code></span>
                    </label>
                </fieldset>
            </ClientOnly>
        </section>
    }
}
