//! The smallest Leptos app on `auth-client` alone: log in at the provider,
//! come back through the callback, renew silently, call a protected API,
//! log out. No event log, no playground: everything about OAuth is the
//! crate's; this file is the wiring and four buttons.
//!
//! It runs at <http://localhost:3100> (`make minimal-app`), logs in at the
//! demo's issuer as the client `minimal-spa` and calls `server/minimal-api`
//! at <http://localhost:8100>.

use auth_client::{
    ApiRequest, CALLBACK_SCRUB_SCRIPT, ClientConfig, RenewReason, provide_auth_client,
    use_auth_client,
};
use leptos::prelude::*;
use leptos_router::{
    NavigateOptions,
    components::{Route, Router, Routes},
    hooks::use_navigate,
    path,
};
use protocol::{ReturnPath, ScopeSet};

/// Where this app logs in and what it calls.
pub fn client_config() -> ClientConfig {
    ClientConfig {
        audience: Some("http://localhost:8000/api".into()),
        // Valid scope tokens: the parse cannot fail.
        scope: "openid profile read:messages".parse().unwrap_or_default(),
        api_url: "http://localhost:8100".into(),
        ..ClientConfig::new("http://127.0.0.1:9000", "minimal-spa")
    }
}

/// The document. Its first script takes the tokens out of the address bar
/// on the callback route before anything else loads.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let nonce = leptos::nonce::use_nonce();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <title>"Minimal implicit-grant app"</title>
                <script nonce=nonce inner_html=CALLBACK_SCRUB_SCRIPT></script>
                <HydrationScripts options/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The app: the client, and two routes.
#[component]
pub fn App() -> impl IntoView {
    let client = provide_auth_client(client_config());
    // In the browser, after hydration: restore, renew on load, tabs.
    Effect::new(move |_| client.start());
    view! {
        <Router>
            <main>
                <h1>"Minimal implicit-grant app"</h1>
                <Routes fallback=|| "Not found.">
                    <Route path=path!("/") view=Home/>
                    // auth_client::CALLBACK_PATH (`path!` takes a literal).
                    <Route path=path!("/callback") view=Callback/>
                </Routes>
            </main>
        </Router>
    }
}

/// Who is signed in, and the four things to do.
#[component]
fn Home() -> impl IntoView {
    let client = use_auth_client();
    let login = Action::new_local(move |_: &()| async move {
        client.login(ReturnPath::home(), ScopeSet::new()).await
    });
    let logout = Action::new_local(move |_: &()| async move { client.logout().await });
    let renew =
        Action::new_local(move |_: &()| async move { client.renew(RenewReason::Manual).await });
    let call = Action::new_local(move |_: &()| async move {
        let response = client.fetch(ApiRequest::get("/messages")).await?;
        Ok::<_, auth_client::ApiError>(format!("{} {}", response.status, response.body))
    });
    let user = move || {
        client.session().with(|s| {
            s.as_ref()
                .map(|s| s.display_name().unwrap_or("(no name)").to_owned())
        })
    };
    let renewed_at = move || {
        client
            .session()
            .with(|s| s.as_ref().map(|s| s.received_at_ms))
    };
    let problem = move || {
        failure(login.value().get())
            .or_else(|| failure(logout.value().get()))
            .or_else(|| failure(renew.value().get()))
    };
    view! {
        <Show
            when=move || user().is_some()
            fallback=move || view! {
                <p data-testid="status">"Signed out."</p>
                <button on:click=move |_| { login.dispatch_local(()); }>"Log in"</button>
            }
        >
            <p data-testid="status">"Signed in as " {user}</p>
            <p>"Tokens received at " <span data-testid="received-at">{renewed_at}</span> " ms"</p>
            <button on:click=move |_| { call.dispatch_local(()); }>"Call the API"</button>
            <button on:click=move |_| { renew.dispatch_local(()); }>"Renew now"</button>
            <button on:click=move |_| { logout.dispatch_local(()); }>"Log out"</button>
        </Show>
        <p data-testid="api-answer">
            {move || call.value().get().map(|r| r.unwrap_or_else(|e| e.to_string()))}
        </p>
        <p data-testid="problem" role="alert">{problem}</p>
    }
}

/// What went wrong, if the action ran and failed.
fn failure<T, E: std::fmt::Display>(outcome: Option<Result<T, E>>) -> Option<String> {
    outcome?.err().map(|e| e.to_string())
}

/// The redirect URI: the client validates the response, then the page goes
/// back where the login started, or says why it refused.
#[component]
fn Callback() -> impl IntoView {
    let client = use_auth_client();
    let navigate = use_navigate();
    let callback = Action::new_local(move |_: &()| async move { client.handle_callback().await });
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
    let status = move || match callback.value().get() {
        Some(Err(refused)) => format!("Refused: {refused}"),
        _ => "Signing you in…".to_owned(),
    };
    view! { <p data-testid="callback">{status}</p> }
}

/// The browser's entry point.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
}
