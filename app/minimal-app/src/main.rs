//! Serves the minimal app on http://localhost:3100: the server-rendered
//! shell, the wasm and JS from `target/minimal-site/pkg` (built by
//! `make minimal-app`), and the silent-callback page.

use std::net::SocketAddr;

use auth_client::SILENT_CALLBACK_PATH;
use axum::Router;
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, file_and_error_handler, generate_route_list};
use minimal_app::{App, shell};

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr = SocketAddr::from(([127, 0, 0, 1], 3100));
    let options = LeptosOptions::builder()
        .output_name("minimal")
        .site_root("target/minimal-site")
        .site_pkg_dir("pkg")
        .site_addr(addr)
        .build();
    let routes = generate_route_list(App);
    let app = Router::new()
        .route(SILENT_CALLBACK_PATH, auth_client::axum::silent_callback())
        .leptos_routes(&options, routes, {
            let options = options.clone();
            move || shell(options.clone())
        })
        .fallback(file_and_error_handler(shell))
        .with_state(options);
    let listener = tokio::net::TcpListener::bind(addr).await?;
    println!("minimal app on http://localhost:{}", addr.port());
    axum::serve(listener, app).await
}
