use leptos::prelude::*;

/// Shown for any path the router does not know.
#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <section>
            <h1>"Page not found"</h1>
            <p><a href="/">"Back to the home page"</a></p>
        </section>
    }
}
