//! The SPA's origin: server-side rendering of the Leptos app and its static
//! files (`target/site`), through `leptos_axum`, plus the tiny page that
//! silent authentication loads in a hidden iframe.

use app::{App, SpaConfig, shell};
use axum::{
    Router,
    http::{HeaderValue, header},
    response::IntoResponse,
    routing::get,
};
use base64::{Engine, engine::general_purpose::STANDARD};
use leptos::{config::LeptosOptions, prelude::provide_context};
use leptos_axum::{LeptosRoutes, file_and_error_handler_with_context, generate_route_list};
use tower_http::set_header::SetResponseHeaderLayer;

/// The SPA's router. `config` reaches every render through Leptos context and
/// is embedded in the page for the browser.
///
/// Every response says: frame only by this origin (clickjacking, and the
/// silent-callback page), no plugins, no `<base>` (CSP Level 3), no
/// `Referer` to anyone, and no MIME sniffing. The pages add their script
/// policy with the response's nonce ([`app::script_policy`]); the
/// silent-callback page sets its own, stricter one.
pub fn router(options: LeptosOptions, config: SpaConfig) -> Router {
    let routes = generate_route_list(App);
    let context = move || provide_context(config.clone());
    Router::new()
        .route(SILENT_CALLBACK_PATH, get(silent_callback_get))
        .leptos_routes_with_context(&options, routes, context.clone(), {
            let options = options.clone();
            move || shell(options.clone())
        })
        .fallback(file_and_error_handler_with_context(context, shell))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("frame-ancestors 'self'; object-src 'none'; base-uri 'none'"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .with_state(options)
}

/// Where the provider sends silent (`prompt=none`) responses: a redirect URI
/// registered for the SPA.
pub const SILENT_CALLBACK_PATH: &str = "/silent-callback.html";

/// The whole script of the silent-callback page: hand the fragment to the
/// parent window, at this origin only, then drop it from the iframe's
/// history. Loading the wasm app here would cost far more than the renewal.
const SILENT_CALLBACK_SCRIPT: &str = "parent.postMessage({type:\"implicit.silent-callback\",fragment:location.hash},location.origin);history.replaceState(null,\"\",location.pathname);";

/// `GET /silent-callback.html`. Only its own script may run (a CSP hash),
/// only this origin may frame it, and nothing is cached or leaks by referrer.
async fn silent_callback_get() -> impl IntoResponse {
    let html = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Silent authentication</title></head><body><script>{SILENT_CALLBACK_SCRIPT}</script></body></html>"
    );
    let digest = aws_lc_rs::digest::digest(
        &aws_lc_rs::digest::SHA256,
        SILENT_CALLBACK_SCRIPT.as_bytes(),
    );
    let csp = format!(
        "default-src 'none'; script-src 'sha256-{}'; frame-ancestors 'self'; base-uri 'none'; form-action 'none'",
        STANDARD.encode(digest.as_ref())
    );
    let csp = HeaderValue::from_str(&csp).unwrap_or(HeaderValue::from_static("default-src 'none'"));
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            ),
            (header::CONTENT_SECURITY_POLICY, csp),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            (
                header::REFERRER_POLICY,
                HeaderValue::from_static("no-referrer"),
            ),
        ],
        html,
    )
}
