use leptos::prelude::*;

/// Renders `children` only in the browser, after hydration. The server (and
/// the first, hydrating render) show the placeholder instead, so what depends
/// on tokens, which only the browser has, never causes a hydration mismatch.
#[component]
pub fn ClientOnly(children: ChildrenFn) -> impl IntoView {
    let mounted = RwSignal::new(false);
    // Effects run in the browser only, after hydration.
    Effect::new(move |_| mounted.set(true));
    view! {
        <Show
            when=move || mounted.get()
            fallback=|| view! { <p class="loading" aria-live="polite">"Loading in your browser…"</p> }
        >
            {children()}
        </Show>
    }
}
