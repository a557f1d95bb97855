use auth_client::use_auth_client;
use leptos::prelude::*;
use leptos_router::hooks::use_location;
use protocol::{ReturnPath, ScopeSet};

/// "Log in": starts the implicit flow and comes back to the current page,
/// asking for `extra_scope` besides the configured scopes (incremental
/// consent). A failure before the page leaves is shown beside it.
#[component]
pub fn LoginButton(
    #[prop(optional, into)] label: Option<String>,
    #[prop(optional)] extra_scope: ScopeSet,
    /// Where to come back to; the current page by default.
    #[prop(optional, into)]
    return_to: Option<String>,
) -> impl IntoView {
    let client = use_auth_client();
    let location = use_location();
    let login = Action::new_local(move |return_to: &String| {
        let (return_to, extra_scope) = (return_to.clone(), extra_scope.clone());
        async move {
            client
                .login(ReturnPath::parse(&return_to), extra_scope)
                .await
        }
    });
    let label = label.unwrap_or_else(|| "Log in".to_owned());
    view! {
        <button
            type="button"
            on:click=move |_| {
                let here = || {
                    let path = location.pathname.get_untracked();
                    let query = location.search.get_untracked();
                    if query.is_empty() { path } else { format!("{path}?{query}") }
                };
                login.dispatch_local(return_to.clone().unwrap_or_else(here));
            }
        >
            {label}
        </button>
        {move || login.value().get().and_then(Result::err).map(|e| view! {
            <p class="status-bad" role="alert">{e.to_string()}</p>
        })}
    }
}
