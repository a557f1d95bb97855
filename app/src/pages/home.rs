use leptos::prelude::*;
use leptos_meta::Title;

use crate::{
    SpaConfig,
    components::{EventLogView, SessionStatus},
};

/// What this demo is, the current state, and the event log.
#[component]
pub fn Home() -> impl IntoView {
    let config = expect_context::<SpaConfig>();
    view! {
        <Title text="Home"/>
        <section>
            <h1>"The OAuth 2.0 implicit grant, in Rust"</h1>
            <p>
                "This single-page app logs in at an OpenID provider with the implicit grant "
                "(RFC 6749 §4.2, OpenID Connect Core §3.2), validates the tokens it receives "
                "in the URL fragment, and calls a protected API with them."
            </p>
            <SessionStatus/>
            <Origins config/>
        </section>
        <EventLogView/>
    }
}

/// The three origins of the demo, behind a button that works only once the
/// browser has hydrated the server's HTML.
#[component]
fn Origins(config: SpaConfig) -> impl IntoView {
    let SpaConfig {
        client: auth_client::ClientConfig {
            issuer, api_url, ..
        },
        ..
    } = config;
    let (shown, set_shown) = signal(false);
    view! {
        <button
            type="button"
            class="secondary"
            aria-expanded=move || shown.get().to_string()
            on:click=move |_| set_shown.update(|s| *s = !*s)
        >
            {move || if shown.get() { "Hide the three origins" } else { "Show the three origins" }}
        </button>
        <Show when=move || shown.get()>
            <dl class="origins" data-testid="origins">
                <dt>"This app (client)"</dt>
                <dd>"the origin you are on"</dd>
                <dt>"Authorization server (issuer)"</dt>
                <dd><code>{issuer.clone()}</code></dd>
                <dt>"Protected API"</dt>
                <dd><code>{api_url.clone()}</code></dd>
            </dl>
        </Show>
    }
}
