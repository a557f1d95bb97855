use auth_client::{RenewReason, use_auth_client};
use leptos::prelude::*;

/// "Renew now": one silent renewal. How it went shows in the renewal state
/// and the event log.
#[component]
pub fn RenewButton(#[prop(optional)] class: Option<&'static str>) -> impl IntoView {
    let client = use_auth_client();
    let renew =
        Action::new_local(move |_: &()| async move { client.renew(RenewReason::Manual).await });
    view! {
        <button type="button" class=class on:click=move |_| { renew.dispatch_local(()); }>
            "Renew now"
        </button>
    }
}
