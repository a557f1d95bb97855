//! The SPA's origin: server-side rendering of the Leptos app and its static
//! files (`target/site`), through `leptos_axum`, plus the tiny page that
//! silent authentication loads in a hidden iframe.

use std::sync::Arc;

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
/// Every page loads only what `policy` lists ([`PagePolicy`]); every response
/// says: frame only by this origin (clickjacking; the silent-callback page
/// is framed by the app), no plugins, no `<base>`, no `Referer` to anyone,
/// no MIME sniffing; and every page, that it must be fetched anew. The
/// silent-callback page sets its own, stricter policy.
pub fn router(options: LeptosOptions, config: SpaConfig, policy: PagePolicy) -> Router {
    let routes = generate_route_list(App);
    let context = move || {
        provide_context(config.clone());
        state_page_policy(&policy);
    };
    Router::new()
        .route(SILENT_CALLBACK_PATH, auth_client::axum::silent_callback())
        .leptos_routes_with_context(&options, routes, context.clone(), {
            let options = options.clone();
            move || shell(options.clone())
        })
        .fallback(file_and_error_handler_with_context(context, shell))
        // Pages replace it with their own (`PagePolicy`); anything else
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

/// The policy of the app's pages (CSP Level 3): it starts from
/// `default-src 'none'` and lists what the pages need, each for a reason:
///
/// - `script-src`: this origin's files (the app's JS and wasm) and the
///   scripts that carry the response's nonce, which `leptos_axum` makes for
///   each response and puts on the shell's scripts; WebAssembly may be
///   compiled. With tokens in the page's memory, an injected script could
///   take them (RFC 9700 §2.1.2): the defence in depth behind escaping.
/// - `connect-src`: this origin (the wasm), the provider (discovery, JWKS,
///   UserInfo, the mock's dev controls), the API, and any origin the
///   settings add (a provider whose JWKS lives elsewhere): a script that
///   did run could send tokens nowhere else.
/// - `frame-src`: the provider's `prompt=none` page, and this origin's
///   silent-callback page it redirects to.
/// - `form-action`: the provider's end-session endpoint (logout posts its
///   `id_token_hint`) and this origin, where it returns.
/// - `img-src`: this origin, `data:`, the provider and any `https:` host
///   (a provider's users' pictures live on CDNs); an image runs nothing.
/// - `style-src`: this origin's style sheet only, no inline style.
/// - `base-uri 'none'` and `frame-ancestors 'self'` close the ways around
///   it that `default-src` does not cover.
#[derive(Debug, Clone)]
pub struct PagePolicy {
    /// Everything but the script directive, which carries the nonce.
    rest: Arc<str>,
}

impl PagePolicy {
    /// The policy for pages that talk to `provider` and `api` and to
    /// `more_connect` (URLs; their origins are listed), plus, under
    /// `cargo leptos watch`, its live-reload socket. A URL of
    /// `more_connect` without an http(s) origin is refused: its text goes
    /// into the header.
    pub fn new(
        provider: &str,
        api: &str,
        more_connect: &[String],
        options: &LeptosOptions,
    ) -> Result<Self, BadOrigin> {
        let origin = |url: &str| {
            url::Url::parse(url)
                .ok()
                .filter(|u| matches!(u.scheme(), "http" | "https"))
                .map(|u| u.origin().ascii_serialization())
        };
        let provider = origin(provider);
        let mut connect: Vec<String> = vec!["'self'".into()];
        connect.extend(provider.clone());
        connect.extend(origin(api));
        for url in more_connect {
            connect.push(origin(url).ok_or_else(|| BadOrigin(url.clone()))?);
        }
        if std::env::var_os("LEPTOS_WATCH").is_some() {
            // The live-reload script connects to the page's own host name.
            let port = options.reload_external_port.unwrap_or(options.reload_port);
            connect.push(format!("ws://*:{port} wss://*:{port}"));
        }
        let with_provider = |first: &str| {
            let mut sources = vec![first.to_owned()];
            sources.extend(provider.clone());
            sources.join(" ")
        };
        let rest = format!(
            "default-src 'none'; connect-src {connect}; frame-src {frame}; \
             form-action {form}; img-src {img} https:; style-src 'self'; \
             base-uri 'none'; frame-ancestors 'self'",
            connect = connect.join(" "),
            frame = with_provider("'self'"),
            form = with_provider("'self'"),
            img = with_provider("'self' data:"),
        );
        Ok(Self { rest: rest.into() })
    }

    /// The header's value for a page whose scripts carry `nonce`.
    pub fn with_nonce(&self, nonce: &str) -> String {
        format!(
            "script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; {}",
            self.rest
        )
    }
}

/// A URL given to [`PagePolicy::new`] that names no web origin.
#[derive(Debug, thiserror::Error)]
#[error("{0:?} is not an http(s) URL whose origin a page policy could list")]
pub struct BadOrigin(String);

/// Sets the page's policy on the response being rendered. Called in each
/// render's context, after `leptos_axum` has made the nonce; a static file
/// has none, and keeps the router's default policy (which a script or wasm
/// file does not obey, and needs not).
fn state_page_policy(policy: &PagePolicy) {
    let (Some(nonce), Some(response)) = (use_nonce(), use_context::<ResponseOptions>()) else {
        return;
    };
    if let Ok(value) = HeaderValue::from_str(&policy.with_nonce(&nonce)) {
        response.insert_header(header::CONTENT_SECURITY_POLICY, value);
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
