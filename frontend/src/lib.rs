//! The browser entry point. It only hydrates [`app::App`]; all the app's code
//! lives in `app`. Compiled for `wasm32` only; natively the crate is empty.

#![cfg(target_arch = "wasm32")]

use app::{App, SpaConfig};
use leptos::prelude::*;

/// Called by the JS glue that cargo-leptos generates, once the wasm is loaded.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();

    // The server embedded the settings it rendered with; starting from the
    // same values is what keeps hydration consistent.
    let config = document()
        .get_element_by_id(SpaConfig::SCRIPT_ID)
        .and_then(|element| element.text_content())
        .and_then(|json| serde_json::from_str::<SpaConfig>(&json).ok());
    let Some(config) = config else {
        leptos::logging::error!("the page has no valid #{} settings", SpaConfig::SCRIPT_ID);
        return;
    };

    let app = move || {
        provide_context(config);
        view! { <App/> }
    };
    // Lazy routes hydrate once their chunk is in.
    #[cfg(feature = "split")]
    leptos::mount::hydrate_lazy(app);
    #[cfg(not(feature = "split"))]
    leptos::mount::hydrate_body(app);
}
