//! The SPA's origin: server-side rendering of the Leptos app and its static
//! files (`target/site`), through `leptos_axum`.

use app::{App, SpaConfig, shell};
use axum::Router;
use leptos::{config::LeptosOptions, prelude::provide_context};
use leptos_axum::{LeptosRoutes, file_and_error_handler_with_context, generate_route_list};

/// The SPA's router. `config` reaches every render through Leptos context and
/// is embedded in the page for the browser.
pub fn router(options: LeptosOptions, config: SpaConfig) -> Router {
    let routes = generate_route_list(App);
    let context = move || provide_context(config.clone());
    Router::new()
        .leptos_routes_with_context(&options, routes, context.clone(), {
            let options = options.clone();
            move || shell(options.clone())
        })
        .fallback(file_and_error_handler_with_context(context, shell))
        .with_state(options)
}
