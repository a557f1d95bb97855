use leptos::prelude::*;

use crate::{
    actions::{logout, sign_out_locally},
    auth::{RenewalState, use_auth},
    components::{ClientOnly, LoginButton},
};

/// Who is signed in, or a "Log in" button; says so when the provider ended
/// the session. Client-only: tokens live in the browser.
#[component]
pub fn SessionStatus() -> impl IntoView {
    let auth = use_auth();
    let logout_error = RwSignal::new(None::<String>);
    let ended = move || match auth.renewal.get() {
        RenewalState::SessionEnded { reason } => Some(reason),
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
                    when=move || auth.is_authenticated()
                    fallback=|| view! { <p data-testid="signed-out">"You are signed out."</p> <LoginButton/> }
                >
                    <p>
                        "Signed in as "
                        <strong data-testid="user-name">
                            {move || auth.session.with(|s| {
                                s.as_ref().and_then(|s| s.display_name().map(str::to_owned))
                                    .unwrap_or_else(|| "(access token only)".to_owned())
                            })}
                        </strong>
                    </p>
                    <button type="button" class="secondary" on:click=move |_| sign_out_locally()>
                        "Forget tokens"
                    </button>
                    <button type="button" class="secondary" on:click=move |_| logout(logout_error)>
                        "Log out"
                    </button>
                </Show>
                {move || logout_error.get().map(|e| view! { <p class="status-bad" role="alert">{e}</p> })}
            </div>
        </ClientOnly>
    }
}
