//! The single-page app: an OAuth 2.0 implicit-grant client written with Leptos.
//!
//! The server renders the shell and the pages' static parts; the browser
//! hydrates them. Anything that depends on tokens is rendered in the browser
//! only, because the tokens arrive in the URL fragment, which the server never
//! sees (RFC 3986 §3.5).

mod components;
mod config;
mod dev_controls;
pub mod events;
mod pages;
mod playground;

use components::FocusOnNavigation;
use leptos::prelude::*;
use leptos_meta::{MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::{
    components::{A, Route, Router, Routes},
    path,
};

use auth_client::CALLBACK_SCRUB_SCRIPT;
pub use config::SpaConfig;

/// The HTML document the server sends. The [`SpaConfig`] in context is
/// embedded as JSON so that the browser starts with the same settings the
/// server rendered with.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let config_json = use_context::<SpaConfig>()
        .map(|config| config.to_script_json())
        .unwrap_or_default();
    // The response's nonce (`leptos_axum` makes one per response, and the
    // server's script policy names it): without it this script would not run.
    let nonce = leptos::nonce::use_nonce();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="icon" href="data:,"/>
                <script nonce=nonce inner_html=CALLBACK_SCRUB_SCRIPT></script>
                <script id=SpaConfig::SCRIPT_ID type="application/json" inner_html=config_json></script>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The app: header, navigation and routes.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let (is_routing, set_is_routing) = signal(false);
    let log = events::EventLog::new();
    provide_context(log);
    // The server lists the routes by rendering this component with no
    // settings; every real render has them.
    if let Some(config) = use_context::<SpaConfig>() {
        let client = auth_client::provide_auth_client(config.client);
        // The teaching layer: every step of the client goes to the event log.
        client.subscribe(move |step| log.record(step));
        // Effects run in the browser only, after hydration: what this tab
        // kept across the redirect comes back first, then the client starts.
        Effect::new(move |_| {
            log.restore();
            client.start();
        });
    }

    view! {
        <Stylesheet id="leptos" href="/pkg/implicit.css"/>
        // Each page sets its own `<Title text=…/>`; this adds the app's name.
        <Title formatter=|page: String| format!("{page} · Implicit grant in Leptos")/>
        <Router set_is_routing>
            <FocusOnNavigation is_routing/>
            // The first stop for the Tab key. `rel="external"` leaves it to the
            // browser (the router would take it for a navigation), so it works
            // before the app has hydrated too.
            <a class="skip-link" href="#main" rel="external">"Skip to the content"</a>
            <header class="site-header">
                <A href="/" attr:class="brand">"Implicit grant · Leptos"</A>
                <nav aria-label="Main">
                    <A href="/">"Home"</A>
                    <A href="/profile">"Profile"</A>
                    <A href="/api">"API"</A>
                    <A href="/session">"Session"</A>
                    <A href="/settings">"Settings"</A>
                    <A href="/playground">"Playground"</A>
                </nav>
            </header>
            // tabindex -1: the skip link's target takes focus, Tab does not stop here.
            <main id="main" tabindex="-1">
                <Routes fallback=pages::NotFound>
                    <Route path=path!("/") view=pages::Home/>
                    <Route path=path!("/callback") view=pages::Callback/>
                    <Route path=path!("/profile") view=pages::routes::profile()/>
                    <Route path=path!("/api") view=pages::routes::api()/>
                    <Route path=path!("/session") view=pages::routes::session()/>
                    <Route path=path!("/settings") view=pages::routes::settings()/>
                    <Route path=path!("/playground") view=pages::routes::playground()/>
                </Routes>
            </main>
        </Router>
    }
}
