use leptos::prelude::*;
use leptos_router::hooks::use_location;

/// After a navigation inside the app, moves keyboard and screen-reader focus
/// to the new page's `h1`, as a full page load would start reading the new
/// page (a technique in support of WCAG 2.4.3 Focus Order). Without it, focus stays on the link just
/// followed and nothing tells a screen-reader user that the page changed.
/// The first page load is left alone: the browser starts at the top.
/// `is_routing` is the router's: true while a new page is on its way (a lazy
/// route's chunk loading), when its heading is not there yet.
#[component]
pub fn FocusOnNavigation(is_routing: ReadSignal<bool>) -> impl IntoView {
    let location = use_location();
    // Its value: the path whose page has had focus.
    Effect::new(move |shown: Option<String>| {
        let path = location.pathname.get();
        let routing = is_routing.get();
        match shown {
            None => path,
            Some(shown) if routing || shown == path => shown,
            Some(_) => {
                // The new page renders in the same tick: wait for the frame.
                request_animation_frame(focus_main_heading);
                path
            }
        }
    });
}

fn focus_main_heading() {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let heading = document()
            .query_selector("main h1")
            .ok()
            .flatten()
            .and_then(|h1| h1.dyn_into::<leptos::web_sys::HtmlElement>().ok());
        if let Some(heading) = heading {
            // Focusable by script only, not a stop for the Tab key.
            let _ = heading.set_attribute("tabindex", "-1");
            let _ = heading.focus();
        }
    }
}
