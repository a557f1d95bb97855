//! The SPA's origin: server-side rendering of the Leptos app and its static
//! files (`target/site`), through `leptos_axum`, plus the tiny page that
//! silent authentication loads in a hidden iframe.

use app::{App, SpaConfig, shell};
use auth_client::SILENT_CALLBACK_PATH;
use axum::{
    Router,
    http::{HeaderValue, header},
};
use leptos::{
    config::LeptosOptions,
    nonce::use_nonce,
    prelude::{provide_context, use_context},
};
use leptos_axum::{
    LeptosRoutes, ResponseOptions, file_and_error_handler_with_context, generate_route_list,
};
use tower_http::set_header::SetResponseHeaderLayer;

/// The SPA's router. `config` reaches every render through Leptos context and
/// is embedded in the page for the browser.
///
/// Every page runs only its own scripts ([`page_policy`]); every response
/// says: frame only by this origin (clickjacking; the silent-callback page
/// is framed by the app), no plugins, no `<base>`, no `Referer` to anyone,
/// no MIME sniffing; and every page, that it must be fetched anew. The
/// silent-callback page sets its own, stricter policy.
pub fn router(options: LeptosOptions, config: SpaConfig) -> Router {
    let routes = generate_route_list(App);
    let context = move || {
        provide_context(config.clone());
        state_page_policy();
    };
    Router::new()
        .route(SILENT_CALLBACK_PATH, auth_client::axum::silent_callback())
        .leptos_routes_with_context(&options, routes, context.clone(), {
            let options = options.clone();
            move || shell(options.clone())
        })
        .fallback(file_and_error_handler_with_context(context, shell))
        // Pages replace it with their own (`page_policy`); anything else
        // gets one that runs nothing, so a page rendered without its nonce
        // would fail closed, not open.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; frame-ancestors 'self'; base-uri 'none'"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(axum::middleware::map_response(revalidate_pages))
        .with_state(options)
}

/// The policy of a page (CSP Level 3) rendered with `nonce`, which
/// `leptos_axum` makes for each response and puts on the shell's scripts
/// (the scrub script, hydration, live reload): only those and this origin's
/// files (the app's JS) run, and WebAssembly may be compiled. With tokens
/// in the page's memory, an injected script could take them (the exposure
/// of tokens issued to the browser, RFC 9700 §2.1.2): this is the defence
/// in depth behind escaping everything the page shows. `object-src` and
/// `base-uri` close the usual ways around a script policy.
pub fn page_policy(nonce: &str) -> String {
    format!(
        "script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; object-src 'none'; \
         base-uri 'none'; frame-ancestors 'self'"
    )
}

/// Sets the page's policy on the response being rendered. Called in each
/// render's context, after `leptos_axum` has made the nonce; a static file
/// has none, and keeps the router's default policy (which a script or wasm
/// file does not obey, and needs not).
fn state_page_policy() {
    let (Some(nonce), Some(response)) = (use_nonce(), use_context::<ResponseOptions>()) else {
        return;
    };
    if let Ok(policy) = HeaderValue::from_str(&page_policy(&nonce)) {
        response.insert_header(header::CONTENT_SECURITY_POLICY, policy);
    }
}

/// A page names its response's script nonce, so a copy kept by a cache
/// would serve the same nonce again and again: every page is fetched anew
/// (`no-cache`), unless it already says how it may be kept. The app's
/// files (`/pkg`) keep their caching.
async fn revalidate_pages(mut response: axum::response::Response) -> axum::response::Response {
    let is_page = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("text/html"));
    if is_page {
        response
            .headers_mut()
            .entry(header::CACHE_CONTROL)
            .or_insert(HeaderValue::from_static("no-cache"));
    }
    response
}
