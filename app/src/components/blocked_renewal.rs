use auth_client::{RenewalState, use_auth_client};
use leptos::prelude::*;
use teaching::spec::{self, Section};

/// What a real app does about a provider whose cookie a browser keeps from
/// the renewal iframe, each with its source.
const REMEDIES: &[(&str, &str, Section)] = &[
    (
        "Serve the provider under the app's own site",
        "a custom domain (login.example.com beside app.example.com): its cookie is then first-party in the iframe (Auth0: Custom Domains).",
        spec::BROWSER_APPS_CLIENT,
    ),
    (
        "Use the authorization code flow with PKCE and refresh tokens",
        "renewal then needs no cookie at the provider; rotate the refresh tokens or bind them to the client.",
        spec::RFC9700_REFRESH_TOKENS,
    ),
    (
        "Add a backend for frontend",
        "the app's own server keeps the tokens and gives the browser a first-party session cookie.",
        spec::BROWSER_APPS_BFF,
    ),
];

/// Auth0's page on the custom domain remedy.
const AUTH0_CUSTOM_DOMAINS: &str = "https://auth0.com/docs/customize/custom-domains";

/// Shown while renewal in the iframe may be blocked by the browser's
/// third-party cookie setting ([`RenewalState::Blocked`]): why, a top-level
/// renewal that tells and renews, and what a real app does instead.
#[component]
pub fn BlockedRenewalNotice() -> impl IntoView {
    let client = use_auth_client();
    let renew = Action::new_local(move |_: &()| async move { client.renew_top_level().await });
    let confirmed = move || {
        matches!(
            client.renewal().get(),
            RenewalState::Blocked { confirmed: true }
        )
    };
    view! {
        <Show when=move || matches!(client.renewal().get(), RenewalState::Blocked { .. })>
            <section class="notice" data-testid="blocked-renewal" aria-labelledby="blocked-renewal-title">
                <h2 id="blocked-renewal-title">
                    {move || if confirmed() { "This browser blocks third-party cookies" } else { "Third-party cookies blocked?" }}
                </h2>
                <p>
                    "The hidden renewal iframe found no session at the provider, though you are signed in here. "
                    "The provider is on another site, so in the iframe its session cookie is a third-party cookie, "
                    "which Safari, Firefox, Brave and Chrome in Incognito do not send. "
                    {move || if confirmed() {
                        "A top-level request found your session before: renewing in the iframe cannot work in this browser."
                    } else {
                        "Or you signed out at the provider: a top-level request, where its cookie is first-party, tells which."
                    }}
                </p>
                <button type="button" on:click=move |_| { renew.dispatch_local(()); }>
                    "Renew by a top-level redirect"
                </button>
                <p class="hint">"The page goes to the provider with prompt=none and comes back here, signed in, or signed out if your session there ended."</p>
                {move || renew.value().get().and_then(Result::err).map(|e| view! { <p role="alert">{e.to_string()}</p> })}
                <h3>"What a real app does"</h3>
                <ul>
                    {REMEDIES.iter().map(|(what, how, source)| view! {
                        <li>
                            <strong>{*what}</strong>": "{*how}" "
                            <a href=source.url>{source.cite}</a>
                        </li>
                    }).collect_view()}
                </ul>
                <p class="hint">"Also: " <a href=AUTH0_CUSTOM_DOMAINS>"Auth0: Custom Domains"</a></p>
            </section>
        </Show>
    }
}
