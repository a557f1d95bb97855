use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{NavigateOptions, hooks::use_navigate};

use crate::{
    actions::run_callback,
    auth::{CallbackState, use_auth},
    components::{ClientOnly, EventLogView, LoginButton},
};

/// `/callback`: the redirect URI. The provider put the response in the URL
/// fragment (`#access_token=…`), which the browser never sends to a server,
/// so this page does its work in the browser only.
#[component]
pub fn Callback() -> impl IntoView {
    let auth = use_auth();
    let navigate = use_navigate();
    // Runs once, in the browser, after hydration.
    Effect::new(move |_| {
        let navigate = navigate.clone();
        run_callback(move |path| {
            navigate(
                path,
                NavigateOptions {
                    replace: true,
                    ..Default::default()
                },
            )
        });
    });
    view! {
        <Title text="Signing in"/>
        <section>
            <h1>"Signing you in"</h1>
            <p class="hint">
                "The tokens are in this page's URL fragment, which never reaches the server: "
                "only the app in your browser reads it, then removes it from the address bar and history."
            </p>
            <ClientOnly>
                {move || match auth.callback.get() {
                    CallbackState::Superseded => view! {
                        <div class="callout" role="status" data-testid="callback-superseded">
                            <p>"This response arrived after a logout or another login in this browser; its tokens were dropped."</p>
                            <LoginButton label="Log in again"/>
                        </div>
                    }.into_any(),
                    CallbackState::Working | CallbackState::Done => {
                        view! { <p data-testid="callback-status">"Checking the response…"</p> }.into_any()
                    }
                    CallbackState::ProviderError { error, description } => view! {
                        <div class="status-bad callout" role="alert" data-testid="callback-error">
                            <p><strong>"The provider refused the request: "</strong><code>{error}</code></p>
                            {description.map(|d| view! { <p data-testid="error-description">{d}</p> })}
                            <p>"You can try again:"</p>
                            <LoginButton label="Log in again"/>
                        </div>
                    }.into_any(),
                    CallbackState::Refused(why) => view! {
                        <div class="status-bad callout" role="alert" data-testid="callback-refused">
                            <p><strong>"The response was refused; no token was kept."</strong></p>
                            <p data-testid="refusal-reason">{why}</p>
                            <LoginButton label="Log in again"/>
                        </div>
                    }.into_any(),
                }}
            </ClientOnly>
        </section>
        <EventLogView/>
    }
}
