use leptos::prelude::*;
use leptos_router::hooks::use_location;
use protocol::ScopeSet;

use crate::actions::start_login;

/// "Log in": starts the implicit flow and comes back to the current page.
#[component]
pub fn LoginButton(#[prop(optional, into)] label: Option<String>) -> impl IntoView {
    let error = RwSignal::new(None::<String>);
    let location = use_location();
    let label = label.unwrap_or_else(|| "Log in".to_owned());
    view! {
        <button
            type="button"
            on:click=move |_| {
                let path = location.pathname.get_untracked();
                let query = location.search.get_untracked();
                let return_to = if query.is_empty() { path } else { format!("{path}?{query}") };
                start_login(return_to, ScopeSet::default(), error);
            }
        >
            {label}
        </button>
        {move || error.get().map(|e| view! { <p class="status-bad" role="alert">{e}</p> })}
    }
}
