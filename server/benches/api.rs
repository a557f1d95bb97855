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
#[path = "support/wrk.rs"]
mod wrk;

use std::error::Error;

use server::config::ApiConfig;
use support_api::{AUDIENCE, issuer::TestIssuer, minter::TokenBuilder};
use tokio::net::TcpListener;

fn main() -> Result<(), Box<dyn Error>> {
    wrk::main("api", run)
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

    println!("api bench: {}, release build", wrk::describe(secs));
    // Interleaved rounds, medians: the load generator shares the two cores,
    // and a drift in the machine's speed must not favour one route.
    let (mut public, mut public_with_header, mut private) = (vec![], vec![], vec![]);
    for _ in 0..ROUNDS {
        public.push(get(&format!("{cached}/api/public"), None, secs).await?);
        private.push(get(&format!("{cached}/api/private"), Some(&bearer), secs).await?);
        public_with_header.push(get(&format!("{cached}/api/public"), Some(&bearer), secs).await?);
    }
    let uncached_private = get(&format!("{uncached}/api/private"), Some(&bearer), secs).await?;
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

/// `GET url` (with `header`) under `wrk`; returns its Requests/sec, refused
/// when any answer was not a 2xx.
async fn get(url: &str, header: Option<&str>, secs: u64) -> Result<f64, Box<dyn Error>> {
    let mut args = Vec::new();
    if let Some(header) = header {
        args.extend(["-H".to_owned(), header.to_owned()]);
    }
    args.push(url.to_owned());
    let stdout = wrk::run(args, secs).await?;
    if stdout.contains("Non-2xx") {
        return Err(format!("wrk saw errors from {url}:\n{stdout}").into());
    }
    wrk::requests_per_sec(&stdout)
}
