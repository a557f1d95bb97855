use auth_client::{RenewalState, use_auth_client};
use leptos::prelude::*;

use crate::components::{ClientOnly, LoginButton};

/// Who is signed in, or a "Log in" button; says so when the provider ended
/// the session. Client-only: tokens live in the browser.
#[component]
pub fn SessionStatus() -> impl IntoView {
    let client = use_auth_client();
    let logout = Action::new_local(move |_: &()| async move { client.logout().await });
    let ended = move || match client.renewal().get() {
        RenewalState::SessionEnded { reason } => Some(reason.to_string()),
        _ => None,
    };
    view! {
        <ClientOnly>
            <div class="session-status" data-testid="session-status">
                {move || ended().map(|reason| view! {
                    <p class="status-bad callout" role="alert" data-testid="session-ended">
                        "Session ended — log in again. "<span class="hint">{reason}</span>
                    </p>
                })}
                <Show
                    when=move || client.is_authenticated()
                    fallback=|| view! { <p data-testid="signed-out">"You are signed out."</p> <LoginButton/> }
                >
                    <p>
                        "Signed in as "
                        <strong data-testid="user-name">
                            {move || client.session().with(|s| {
                                s.as_ref().and_then(|s| s.display_name().map(str::to_owned))
                                    .unwrap_or_else(|| "(access token only)".to_owned())
                            })}
                        </strong>
                    </p>
                    <button type="button" class="secondary" on:click=move |_| client.forget_tokens()>
                        "Forget tokens"
                    </button>
                    <button type="button" class="secondary" on:click=move |_| { logout.dispatch_local(()); }>
                        "Log out"
                    </button>
                </Show>
                {move || logout.value().get().and_then(Result::err).map(|e| view! {
                    <p class="status-bad" role="alert">{e.to_string()}</p>
                })}
            </div>
        </ClientOnly>
    }
}
