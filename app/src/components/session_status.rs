use leptos::prelude::*;

use crate::{
    actions::sign_out_locally,
    auth::use_auth,
    components::{ClientOnly, LoginButton},
};

/// Who is signed in, or a "Log in" button. Client-only: tokens live in the
/// browser.
#[component]
pub fn SessionStatus() -> impl IntoView {
    let auth = use_auth();
    view! {
        <ClientOnly>
            <div class="session-status" data-testid="session-status">
                <Show
                    when=move || auth.is_authenticated()
                    fallback=|| view! { <p>"You are signed out."</p> <LoginButton/> }
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
                </Show>
            </div>
        </ClientOnly>
    }
}
