//! Throughput of `/api/private` (a bearer token checked on every request)
//! relative to `/api/public` (no token), same machine, same run.
//! Target: ratio ≥ 0.9.
//!
//! Run with `make bench` (installs Debian's `wrk`, then `cargo bench -p
//! server`). Starts a test issuer and the API in-process on 127.0.0.1:0,
//! mints a valid access token, and points `wrk` at each route in turn. A
//! third run against an API with the verified-token cache switched off shows
//! what a plain RS256 verification per request costs. Besides each rate it
//! prints the CPU time the server spent per request, which does not depend
//! on how the kernel shares the two cores with `wrk`. `BENCH_SECS` sets the
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
    // and a drift in the machine's speed must not favour one route. Each
    // round starts with a different route (a rotation), so whatever favours
    // the first or last run of a round falls on each route alike.
    let runs = [
        ("/api/public", format!("{cached}/api/public"), None),
        (
            "/api/public, same Authorization header",
            format!("{cached}/api/public"),
            Some(bearer.as_str()),
        ),
        (
            "/api/private (verified-token cache)",
            format!("{cached}/api/private"),
            Some(bearer.as_str()),
        ),
    ];
    let mut samples: [Vec<Sample>; 3] = Default::default();
    for round in 0..ROUNDS {
        for i in (0..runs.len()).map(|i| (i + round) % runs.len()) {
            let (_, url, header) = &runs[i];
            samples[i].push(get(url, *header, secs).await?);
        }
    }
    let uncached_private = get(&format!("{uncached}/api/private"), Some(&bearer), secs).await?;

    let [public, public_with_header, private] = samples.each_ref().map(|s| Sample::median(s));
    println!("  medians of {ROUNDS} rounds, each route first in turn:");
    println!("  {:<40} {:>10} {:>16}", "", "req/s", "server CPU/req");
    let rows = runs
        .iter()
        .map(|(name, ..)| *name)
        .zip([public, public_with_header, private]);
    for (name, sample) in rows.chain([("/api/private (RS256 every request)", uncached_private)]) {
        println!(
            "  {name:<40} {:>10.0} {:>13.1} µs",
            sample.rate, sample.cpu_micros
        );
    }
    // Each round's own ratio pairs two runs a few seconds apart, so a drift
    // in the machine's speed between rounds cancels out.
    let paired: Vec<f64> = samples[2]
        .iter()
        .zip(&samples[0])
        .map(|(private, public)| private.rate / public.rate)
        .collect();
    println!(
        "  ratio private/public, throughput: {:.2} (target >= {TARGET:.2}); without the cache: {:.2}",
        private.rate / public.rate,
        uncached_private.rate / public.rate
    );
    println!(
        "  ratio private/public, throughput, round by round: median {:.2}, {} of {ROUNDS} rounds >= {TARGET:.2} (each: {})",
        median(paired.clone()),
        paired.iter().filter(|&&r| r >= TARGET).count(),
        paired
            .iter()
            .map(|r| format!("{r:.2}"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    // The server's CPU time per request does not depend on how the kernel
    // shares two cores between it and `wrk`: it is the steadier figure.
    println!(
        "  ratio private/public, server CPU per request: {:.2}; without the cache: {:.2}",
        public.cpu_micros / private.cpu_micros,
        public.cpu_micros / uncached_private.cpu_micros
    );
    println!(
        "  ratio private/public when both carry the token: throughput {:.2}, CPU {:.2} (what checking it costs)",
        private.rate / public_with_header.rate,
        public_with_header.cpu_micros / private.cpu_micros
    );

    // The same two requests through the router alone (`tower::ServiceExt`),
    // with no socket, kernel or `wrk` in the way: the cost of the check itself.
    let router = server::api::router(&config).await?;
    let public_alone = in_process(&router, "/api/public", &token).await?;
    let private_alone = in_process(&router, "/api/private", &token).await?;
    println!(
        "  in process, no network (median of {IN_PROCESS_ROUNDS} × {IN_PROCESS_REQUESTS}): /api/public with the header {public_alone:.2} µs, /api/private {private_alone:.2} µs; ratio {:.2}",
        public_alone / private_alone
    );
    Ok(())
}

const IN_PROCESS_ROUNDS: usize = 5;
const IN_PROCESS_REQUESTS: u32 = 20_000;

/// Median time of one `GET path` carrying `token`, sent straight to the
/// router; refused unless every answer is a 200.
async fn in_process(router: &axum::Router, path: &str, token: &str) -> Result<f64, Box<dyn Error>> {
    use tower::ServiceExt;
    let request = || {
        axum::http::Request::get(path)
            .header("authorization", format!("Bearer {token}"))
            .body(axum::body::Body::empty())
    };
    let mut rounds = Vec::with_capacity(IN_PROCESS_ROUNDS);
    for _ in 0..IN_PROCESS_ROUNDS {
        let start = std::time::Instant::now();
        for _ in 0..IN_PROCESS_REQUESTS {
            let response = router.clone().oneshot(request()?).await?;
            if response.status() != axum::http::StatusCode::OK {
                return Err(format!("{path} answered {}", response.status()).into());
            }
        }
        rounds.push(start.elapsed().as_secs_f64() * 1e6 / f64::from(IN_PROCESS_REQUESTS));
    }
    Ok(median(rounds))
}

const ROUNDS: usize = 6;

/// The target for the throughput ratio private/public.
const TARGET: f64 = 0.90;

/// One `wrk` run: its rate, and the CPU time this process (the API and the
/// idle test issuer) spent per request.
#[derive(Debug, Clone, Copy, Default)]
struct Sample {
    rate: f64,
    cpu_micros: f64,
}

impl Sample {
    /// The median rate and the median CPU per request (each on its own).
    fn median(samples: &[Self]) -> Self {
        Self {
            rate: median(samples.iter().map(|s| s.rate).collect()),
            cpu_micros: median(samples.iter().map(|s| s.cpu_micros).collect()),
        }
    }
}

/// The middle value (the upper one of an even count); NaN when empty.
fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}

/// CPU time (user + system) this process has used, in seconds, from
/// `/proc/self/stat` (fields 14 and 15, in USER_HZ = 100 ticks per second).
fn cpu_secs() -> Result<f64, Box<dyn Error>> {
    let stat = std::fs::read_to_string("/proc/self/stat")?;
    // The command name (field 2) is in parentheses and may hold spaces.
    let after_name = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let mut fields = after_name.split_whitespace().skip(11);
    let mut tick = || -> Result<f64, Box<dyn Error>> {
        Ok(fields
            .next()
            .ok_or("short /proc/self/stat")?
            .parse::<f64>()?)
    };
    Ok((tick()? + tick()?) / 100.0)
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

/// `GET url` (with `header`) under `wrk`; refused when any answer was not
/// a 2xx.
async fn get(url: &str, header: Option<&str>, secs: u64) -> Result<Sample, Box<dyn Error>> {
    let mut args = Vec::new();
    if let Some(header) = header {
        args.extend(["-H".to_owned(), header.to_owned()]);
    }
    args.push(url.to_owned());
    let before = cpu_secs()?;
    let stdout = wrk::run(args, secs).await?;
    let cpu = cpu_secs()? - before;
    if stdout.contains("Non-2xx") {
        return Err(format!("wrk saw errors from {url}:\n{stdout}").into());
    }
    Ok(Sample {
        rate: wrk::requests_per_sec(&stdout)?,
        cpu_micros: cpu * 1e6 / wrk::requests(&stdout)? as f64,
    })
}
