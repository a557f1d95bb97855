use auth_client::{CallbackError, use_auth_client};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{NavigateOptions, hooks::use_navigate};

use crate::components::{ClientOnly, EventLogView, LoginButton};

/// `/callback`: the redirect URI. The provider put the response in the URL
/// fragment (`#access_token=…`), which the browser never sends to a server,
/// so this page does its work in the browser only: the client validates the
/// response, and the page goes back where the login started.
#[component]
pub fn Callback() -> impl IntoView {
    let client = use_auth_client();
    let navigate = use_navigate();
    let callback = Action::new_local(move |_: &()| async move { client.handle_callback().await });
    // Runs once, in the browser, after hydration.
    Effect::new(move |_| {
        callback.dispatch_local(());
    });
    Effect::new(move |_| {
        if let Some(Ok(path)) = callback.value().get() {
            let replace = NavigateOptions {
                replace: true,
                ..Default::default()
            };
            navigate(path.as_str(), replace);
        }
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
                {move || match callback.value().get() {
                    None | Some(Ok(_)) => {
                        view! { <p data-testid="callback-status">"Checking the response…"</p> }.into_any()
                    }
                    Some(Err(error)) => view! { <Refused error/> }.into_any(),
                }}
            </ClientOnly>
        </section>
        <EventLogView/>
    }
}

/// Why no session came of the response.
#[component]
fn Refused(error: CallbackError) -> impl IntoView {
    match error {
        CallbackError::Superseded => view! {
            <div class="callout" role="status" data-testid="callback-superseded">
                <p>"This response arrived after a logout or another login in this browser; its tokens were dropped."</p>
                <LoginButton label="Log in again"/>
            </div>
        }
        .into_any(),
        CallbackError::Provider { error, description } => view! {
            <div class="status-bad callout" role="alert" data-testid="callback-error">
                <p><strong>"The provider refused the request: "</strong><code>{error.to_string()}</code></p>
                {description.map(|d| view! { <p data-testid="error-description">{d}</p> })}
                <p>"You can try again:"</p>
                <LoginButton label="Log in again"/>
            </div>
        }
        .into_any(),
        refused => view! {
            <div class="status-bad callout" role="alert" data-testid="callback-refused">
                <p><strong>"The response was refused; no token was kept."</strong></p>
                <p data-testid="refusal-reason">{refused.to_string()}</p>
                <LoginButton label="Log in again"/>
            </div>
        }
        .into_any(),
    }
}
