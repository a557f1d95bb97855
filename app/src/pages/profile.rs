use leptos::prelude::*;

use crate::{
    auth::use_auth,
    components::{ClientOnly, LoginButton},
};

/// The validated ID token's claims.
#[component]
pub fn Profile() -> impl IntoView {
    let auth = use_auth();
    view! {
        <section>
            <h1>"Profile"</h1>
            <p class="hint">"The claims of the ID token, after every check of OIDC Core §3.2.2.11 passed."</p>
            <ClientOnly>
                <Show
                    when=move || auth.session.with(|s| s.as_ref().is_some_and(|s| !s.id_claims.is_empty()))
                    fallback=|| view! { <p>"No ID token: log in with response type \"id_token token\"."</p> <LoginButton/> }
                >
                    <table class="claims" data-testid="claims">
                        <thead><tr><th scope="col">"Claim"</th><th scope="col">"Value"</th></tr></thead>
                        <tbody>
                            {move || auth.session.with(|s| {
                                s.as_ref().map(|s| s.id_claims.iter().map(|(name, value)| {
                                    let value = match value {
                                        serde_json::Value::String(text) => text.clone(),
                                        other => other.to_string(),
                                    };
                                    view! { <tr><th scope="row"><code>{name.clone()}</code></th><td>{value}</td></tr> }
                                }).collect_view())
                            })}
                        </tbody>
                    </table>
                </Show>
            </ClientOnly>
        </section>
    }
}
