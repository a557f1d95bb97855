//! Throughput of `/api/private` (a bearer token checked on every request)
//! relative to `/api/public` (no token), same machine, same run.
//! Target: ratio ≥ 0.9.
//!
//! Run with `make bench` (installs Debian's `wrk`, then `cargo bench -p
//! server`). Starts a test issuer and the API in-process on 127.0.0.1:0,
//! mints a valid access token, and points `wrk` at each route in turn. A
//! third run against an API with the verified-token cache switched off shows
//! what a plain RS256 verification per request costs. `BENCH_SECS` sets the
//! length of each run (default 5).

#[path = "../tests/support_api/harness.rs"]
mod support_api;

use std::{error::Error, process::Command};

use server::config::ApiConfig;
use support_api::{AUDIENCE, issuer::TestIssuer, minter::TokenBuilder};
use tokio::net::TcpListener;

const WRK_THREADS: &str = "2";
const WRK_CONNECTIONS: &str = "32";

fn main() -> Result<(), Box<dyn Error>> {
    if Command::new("wrk").arg("--version").output().is_err() {
        println!(
            "api bench: `wrk` is not installed; `make bench` installs it (apt-get install wrk)."
        );
        return Ok(());
    }
    let secs: u64 = std::env::var("BENCH_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(5);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(run(secs))
}

async fn run(secs: u64) -> Result<(), Box<dyn Error>> {
    let issuer = TestIssuer::start().await;
    let config = ApiConfig {
        issuer: issuer.url().to_owned(),
        audience: AUDIENCE.to_owned(),
        ..ApiConfig::default()
    };
    let cached = serve(&config).await?;
    let uncached = serve(&ApiConfig {
        token_cache_entries: 0,
        ..config.clone()
    })
    .await?;

    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs();
    let key = issuer.key();
    let token = TokenBuilder::access_token(issuer.url(), AUDIENCE, &key, now).sign(&key);
    let bearer = format!("Authorization: Bearer {token}");

    // Warm up: fetch the issuer's keys, verify the token once, check it works.
    let client = reqwest::Client::new();
    for base in [&cached, &uncached] {
        let status = client
            .get(format!("{base}/api/private"))
            .bearer_auth(&token)
            .send()
            .await?
            .status();
        if !status.is_success() {
            return Err(format!("warm-up request to {base}/api/private failed: {status}").into());
        }
    }

    println!(
        "api bench: wrk -t{WRK_THREADS} -c{WRK_CONNECTIONS} -d{secs}s on {} cores, release build",
        std::thread::available_parallelism().map_or(0, usize::from)
    );
    // Interleaved rounds, medians: the load generator shares the two cores,
    // and a drift in the machine's speed must not favour one route.
    let (mut public, mut public_with_header, mut private) = (vec![], vec![], vec![]);
    for _ in 0..ROUNDS {
        public.push(wrk(&format!("{cached}/api/public"), None, secs).await?);
        private.push(wrk(&format!("{cached}/api/private"), Some(&bearer), secs).await?);
        public_with_header.push(wrk(&format!("{cached}/api/public"), Some(&bearer), secs).await?);
    }
    let uncached_private = wrk(&format!("{uncached}/api/private"), Some(&bearer), secs).await?;
    let (public, public_with_header, private) = (
        median(&mut public),
        median(&mut public_with_header),
        median(&mut private),
    );
    println!("  medians of {ROUNDS} interleaved runs:");
    println!("  /api/public                              {public:>10.0} req/s");
    println!("  /api/public, same Authorization header   {public_with_header:>10.0} req/s");
    println!("  /api/private (verified-token cache)      {private:>10.0} req/s");
    println!("  /api/private (RS256 every request)       {uncached_private:>10.0} req/s");
    println!(
        "  ratio private/public: {:.2} (target >= 0.90); without the cache: {:.2}",
        private / public,
        uncached_private / public
    );
    println!(
        "  ratio private/public when both carry the token: {:.2} (what checking it costs)",
        private / public_with_header
    );
    Ok(())
}

const ROUNDS: usize = 3;

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// Serves the API on 127.0.0.1:0 and returns its base URL.
async fn serve(config: &ApiConfig) -> Result<String, Box<dyn Error>> {
    let router = server::api::router(config).await?;
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        if let Err(error) = axum::serve(listener, router).await {
            eprintln!("api bench: the API stopped: {error}");
        }
    });
    Ok(format!("http://{addr}"))
}

/// Runs `wrk` (on a blocking thread, off the runtime's) and returns its Requests/sec.
async fn wrk(url: &str, header: Option<&str>, secs: u64) -> Result<f64, Box<dyn Error>> {
    let mut command = Command::new("wrk");
    command.args([
        "-t",
        WRK_THREADS,
        "-c",
        WRK_CONNECTIONS,
        "-d",
        &format!("{secs}s"),
    ]);
    if let Some(header) = header {
        command.args(["-H", header]);
    }
    command.arg(url);
    let output = tokio::task::spawn_blocking(move || command.output()).await??;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if stdout.contains("Non-2xx") || stdout.contains("Socket errors") {
        return Err(format!("wrk saw errors from {url}:\n{stdout}").into());
    }
    stdout
        .lines()
        .find_map(|line| line.strip_prefix("Requests/sec:"))
        .and_then(|rate| rate.trim().parse().ok())
        .ok_or_else(|| format!("no Requests/sec in wrk's output:\n{stdout}").into())
}
