use leptos::prelude::*;
use leptos_meta::Title;
use serde_json::{Map, Value};

use auth_client::use_auth_client;

use crate::components::{ClientOnly, EventLogView, LoginButton};
use leptos_router::components::A;

/// The validated ID token's claims, and what the UserInfo endpoint says.
#[component]
pub fn Profile() -> impl IntoView {
    let client = use_auth_client();
    let has_id_token = move || {
        client
            .session()
            .with(|s| s.as_ref().is_some_and(|s| s.id_claims.is_some()))
    };
    view! {
        <Title text="Profile"/>
        <section>
            <h1>"Profile"</h1>
            <p class="hint">"The claims of the ID token, after every check of OIDC Core §3.2.2.11 passed."</p>
            <ClientOnly>
                <Show when=has_id_token fallback=NoClaims>
                    {move || client.session().with(|s| {
                        s.as_ref().and_then(|s| s.id_claims.as_ref()).map(|claims| view! {
                            <ClaimsTable claims=claims.to_map() caption="ID token claims" testid="claims"/>
                        })
                    })}
                    <UserInfo/>
                </Show>
            </ClientOnly>
        </section>
        <EventLogView/>
    }
}

/// Why there are no claims to show, and what to do about it.
#[component]
fn NoClaims() -> impl IntoView {
    let client = use_auth_client();
    move || {
        if client.is_authenticated() {
            view! {
                <p data-testid="profile-empty">
                    "No ID token: this login asked for response type \"token\", an access token only. "
                    "Choose \"id_token token\" in "<A href="/settings">"Settings"</A>" and log in again."
                </p>
            }
            .into_any()
        } else {
            view! {
                <p data-testid="profile-empty">
                    "You are signed out: log in to see who you are, from the claims of your ID token."
                </p>
                <LoginButton/>
            }
            .into_any()
        }
    }
}

/// `GET userinfo_endpoint` with the access token (OIDC Core §5.3).
#[component]
fn UserInfo() -> impl IntoView {
    let client = use_auth_client();
    let userinfo = Action::new_local(move |_: &()| async move { client.userinfo().await });
    let result = userinfo.value();
    view! {
        <h2>"UserInfo"</h2>
        <p class="hint">
            "The provider's UserInfo endpoint, called with the access token. Its claims are used "
            "only when their " <code>"sub"</code> " is the ID token's (OIDC Core §5.3.2)."
        </p>
        <button type="button" on:click=move |_| { userinfo.dispatch_local(()); }>"Fetch UserInfo"</button>
        // A one-line live region, there before the answer, announces it.
        <p class="visually-hidden" role="status" aria-label="UserInfo result">
            {move || result.with(|outcome| match outcome {
                None => String::new(),
                Some(Ok(claims)) => format!("UserInfo: {} claims", claims.len()),
                Some(Err(why)) => format!("UserInfo refused: {why}"),
            })}
        </p>
        {move || result.get().map(|outcome| match outcome {
            Ok(claims) => view! { <ClaimsTable claims caption="UserInfo claims" testid="userinfo"/> }.into_any(),
            Err(why) => view! {
                <p class="status-bad callout" data-testid="userinfo-error">{why.to_string()}</p>
            }.into_any(),
        })}
    }
}

/// Claims as a two-column table.
#[component]
fn ClaimsTable(
    claims: Map<String, Value>,
    caption: &'static str,
    testid: &'static str,
) -> impl IntoView {
    view! {
        <table class="claims" data-testid=testid>
            <caption>{caption}</caption>
            <thead><tr><th scope="col">"Claim"</th><th scope="col">"Value"</th></tr></thead>
            <tbody>
                {claims.into_iter().map(|(name, value)| {
                    let value = match value {
                        Value::String(text) => text,
                        other => other.to_string(),
                    };
                    view! { <tr><th scope="row"><code>{name}</code></th><td>{value}</td></tr> }
                }).collect_view()}
            </tbody>
        </table>
    }
}
