//! The whole issuer on a free port of 127.0.0.1, for a test suite: this
//! crate's, the demo's, or another project's.

use std::net::SocketAddr;

use tokio::{net::TcpListener, sync::oneshot, task::JoinHandle};

use crate::{IssuerConfig, IssuerSetupError, router};

/// A running issuer; [`SpawnedIssuer::stop`] ends it (dropping it leaves it
/// running until the runtime ends).
#[derive(Debug)]
pub struct SpawnedIssuer {
    url: String,
    addr: SocketAddr,
    shutdown: oneshot::Sender<()>,
    task: JoinHandle<()>,
}

/// Starts an issuer on `127.0.0.1:<a free port>`, whose URL (the `iss` of its
/// tokens) is `http://127.0.0.1:<port>` whatever `config.url` says. Fails as
/// [`router`] does, or when no port can be had.
pub async fn spawn(config: IssuerConfig) -> Result<SpawnedIssuer, IssuerSetupError> {
    let listener = TcpListener::bind(("127.0.0.1", 0))
        .await
        .map_err(IssuerSetupError::Listen)?;
    let addr = listener.local_addr().map_err(IssuerSetupError::Listen)?;
    config.check_listen_addr(addr)?;
    let url = format!("http://{addr}");
    let router = router(&IssuerConfig {
        url: url.clone(),
        ..config
    })
    .await?;
    let (shutdown, signal) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        // The peer's address counts login failures per client.
        let service = router.into_make_service_with_connect_info::<SocketAddr>();
        let served = axum::serve(listener, service)
            .with_graceful_shutdown(async {
                let _ = signal.await;
            })
            .await;
        if let Err(error) = served {
            tracing::error!(%error, "the spawned issuer stopped");
        }
    });
    Ok(SpawnedIssuer {
        url,
        addr,
        shutdown,
        task,
    })
}

impl SpawnedIssuer {
    /// The issuer URL, `http://127.0.0.1:<port>`, without a trailing slash.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Where it listens.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops it and waits until it has.
    pub async fn stop(self) {
        let _ = self.shutdown.send(());
        let _ = self.task.await;
    }
}
