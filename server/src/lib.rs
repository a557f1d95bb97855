//! The demo's three origins, each an axum [`Router`] built by a
//! `router` function so that tests can drive it without a socket:
//!
//! - [`spa`]: the Leptos app, server-rendered and hydrated (the OAuth client);
//! - the mock authorization server (the OpenID provider), the `mock-issuer` crate;
//! - [`api`]: the protected resource API.

pub mod api;
pub mod config;
pub mod spa;

use std::net::SocketAddr;

use axum::Router;
use tokio::{net::TcpListener, task::JoinSet};

use crate::config::Config;

/// Why the demo could not start or stopped.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// A listener could not bind (port in use, bad address).
    #[error("cannot listen on {addr} for the {name}: {source}")]
    Bind {
        name: &'static str,
        addr: SocketAddr,
        source: std::io::Error,
    },
    /// A server stopped with an I/O error.
    #[error("the {name} stopped: {source}")]
    Serve {
        name: &'static str,
        source: std::io::Error,
    },
    /// An origin could not be set up (bad tenant file, unreadable keys, ...).
    #[error("cannot start the {name}: {source}")]
    Setup {
        name: &'static str,
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The Leptos options could not be read.
    #[error("cannot read the Leptos settings: {0}")]
    Leptos(String),
    /// Every origin is switched off.
    #[error("nothing to run: the SPA, the issuer and the API are all disabled")]
    NothingEnabled,
}

/// Binds every enabled origin, then serves them until Ctrl-C. A failure to
/// bind any of them stops the whole process: half a demo is confusing.
pub async fn run(config: Config) -> Result<(), RunError> {
    let mut servers: Vec<(&'static str, SocketAddr, Router)> = Vec::new();
    if config.issuer.enabled {
        let name = "authorization server";
        let setup = |e: mock_issuer::IssuerSetupError| RunError::Setup {
            name,
            source: e.into(),
        };
        config
            .issuer
            .mock
            .check_listen_addr(config.issuer.addr)
            .map_err(setup)?;
        let router = mock_issuer::router(&config.issuer.mock)
            .await
            .map_err(setup)?;
        servers.push((name, config.issuer.addr, router));
    }
    if config.api.enabled {
        let name = "protected API";
        let router = api::router(&config.api)
            .await
            .map_err(|e| RunError::Setup {
                name,
                source: e.into(),
            })?;
        servers.push((name, config.api.addr, router));
    }
    if config.spa.enabled {
        let options = leptos::config::get_configuration(None)
            .map_err(|e| RunError::Leptos(e.to_string()))?
            .leptos_options;
        let addr = options.site_addr;
        let policy = config.page_policy(&options).map_err(|e| RunError::Setup {
            name: "SPA",
            source: e.into(),
        })?;
        servers.push((
            "SPA",
            addr,
            spa::router(options, config.spa_app_config(), policy),
        ));
    }
    if servers.is_empty() {
        return Err(RunError::NothingEnabled);
    }

    let mut listeners = Vec::new();
    for (name, addr, router) in servers {
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|source| RunError::Bind { name, addr, source })?;
        tracing::info!("{name} listening on http://{addr}");
        listeners.push((name, listener, router));
    }

    let mut tasks = JoinSet::new();
    for (name, listener, router) in listeners {
        tasks.spawn(async move {
            // The peer's address: the issuer counts login failures by it.
            let service = router.into_make_service_with_connect_info::<SocketAddr>();
            axum::serve(listener, service)
                .with_graceful_shutdown(shutdown_signal())
                .await
                .map_err(|source| RunError::Serve { name, source })
        });
    }
    while let Some(result) = tasks.join_next().await {
        match result {
            Ok(Ok(())) => {}
            Ok(Err(error)) => return Err(error),
            Err(join_error) => tracing::error!("a server task failed: {join_error}"),
        }
    }
    Ok(())
}

async fn shutdown_signal() {
    if let Err(error) = tokio::signal::ctrl_c().await {
        tracing::error!("cannot listen for Ctrl-C: {error}");
        std::future::pending::<()>().await;
    }
}
