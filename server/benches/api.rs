//! Throughput of `/api/private` (a bearer token checked on every request)
//! relative to `/api/public` (no token), same machine, same run.
//! Target: ratio ≥ 0.9.
//!
//! Run with `make bench` (installs Debian's `wrk`, then `cargo bench -p
//! server`). Starts a test issuer and the API in-process on 127.0.0.1:0,
//! mints a valid access token, and points `wrk` at each route in turn. A
//! third run against an API with the verified-token cache switched off shows
//! what a plain RS256 verification per request costs. Besides each rate it
//! prints the CPU time the server spent per request and how busy it kept
//! its cores.
//!
//! All of it runs twice: with the server and `wrk` sharing every core
//! (`Layout::Shared`), then with each on a core of its own
//! (`Layout::Pinned`), where the rate is the server's capacity alone, not
//! what the kernel's scheduling between the two processes left it.
//!
//! On a shared VM the machine's speed drifts by ±20 % within seconds, more
//! than the effect measured, so the figure that counts is the median of many
//! short paired runs (a private run and a public run seconds apart), with
//! its quartiles. `BENCH_SECS` sets the length of each run (default 1) and
//! `BENCH_ROUNDS` their number (default 30).

#[path = "support/wrk.rs"]
mod wrk;

use std::error::Error;

use bearer_auth::BearerConfig;
use server::config::ApiConfig;
use test_issuer::{TestIssuer, TokenBuilder};
use tokio::net::TcpListener;
use wrk::Layout;

/// The identifier of the API under test (the `aud` of its tokens).
const AUDIENCE: &str = "https://api.test/";

fn main() -> Result<(), Box<dyn Error>> {
    let mut layouts = vec![Layout::Shared];
    match wrk::pinned() {
        Some(pinned) => layouts.push(pinned),
        None => println!(
            "api bench: fewer than two CPUs to use, so no run with the server and wrk on cores of their own"
        ),
    }
    wrk::main("api", &layouts, 1, run)
}

async fn run(layout: Layout, secs: u64) -> Result<(), Box<dyn Error>> {
    let issuer = TestIssuer::start().await;
    let config = ApiConfig {
        token: BearerConfig::new(issuer.url(), AUDIENCE),
        ..ApiConfig::default()
    };
    let cached = serve(&config).await?;
    let mut uncached = config.clone();
    uncached.token.token_cache_entries = 0;
    let uncached = serve(&uncached).await?;

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

    let rounds: usize = std::env::var("BENCH_ROUNDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(ROUNDS);
    println!("api bench: {}, release build", layout.describe(secs));
    // Interleaved rounds: a drift in the machine's speed must not favour one
    // route. Each round starts with a different route (a rotation), so
    // whatever favours the first or last run of a round falls on each route
    // alike.
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
    for round in 0..rounds {
        for i in (0..runs.len()).map(|i| (i + round) % runs.len()) {
            let (_, url, header) = &runs[i];
            samples[i].push(get(layout, url, *header, secs).await?);
        }
    }
    let uncached_private = get(
        layout,
        &format!("{uncached}/api/private"),
        Some(&bearer),
        secs,
    )
    .await?;

    let [public, public_with_header, private] = samples.each_ref().map(|s| Sample::median(s));
    println!("  medians of {rounds} rounds, each route first in turn:");
    println!(
        "  {:<40} {:>10} {:>16} {:>12}",
        "", "req/s", "server CPU/req", "server busy"
    );
    let rows = runs
        .iter()
        .map(|(name, ..)| *name)
        .zip([public, public_with_header, private]);
    for (name, sample) in rows.chain([("/api/private (RS256 every request)", uncached_private)]) {
        println!(
            "  {name:<40} {:>10.0} {:>13.1} µs {:>10.0} %",
            sample.rate,
            sample.cpu_micros,
            sample.busy * 100.0
        );
    }
    // Each round's own ratio pairs two runs seconds apart, so a drift in the
    // machine's speed between rounds cancels out.
    let paired = |of: usize, to: usize| -> Quartiles {
        Quartiles::of(
            samples[of]
                .iter()
                .zip(&samples[to])
                .map(|(a, b)| a.rate / b.rate)
                .collect(),
        )
    };
    println!(
        "  ratio private/public, throughput, round by round: {} (target >= {TARGET:.2}); without the cache: {:.2}",
        paired(2, 0),
        uncached_private.rate / public.rate
    );
    println!(
        "  ratio private/public when both carry the token (what checking it costs): {}",
        paired(2, 1)
    );
    println!(
        "  ratio private/public, server CPU per request: {:.2}; without the cache: {:.2}",
        public.cpu_micros / private.cpu_micros,
        public.cpu_micros / uncached_private.cpu_micros
    );

    if layout != Layout::Shared {
        return Ok(());
    }
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

const ROUNDS: usize = 30;

/// The target for the throughput ratio private/public.
const TARGET: f64 = 0.90;

/// One `wrk` run: its rate, the CPU time this process (the API and the
/// idle test issuer) spent per request, and that CPU time over the run's
/// wall time (1.0 = one core busy throughout).
#[derive(Debug, Clone, Copy, Default)]
struct Sample {
    rate: f64,
    cpu_micros: f64,
    busy: f64,
}

impl Sample {
    /// The median rate and the median CPU per request (each on its own).
    fn median(samples: &[Self]) -> Self {
        Self {
            rate: median(samples.iter().map(|s| s.rate).collect()),
            cpu_micros: median(samples.iter().map(|s| s.cpu_micros).collect()),
            busy: median(samples.iter().map(|s| s.busy).collect()),
        }
    }
}

/// The median of paired ratios, their quartiles, and how many reach
/// [`TARGET`].
struct Quartiles(Vec<f64>);

impl Quartiles {
    fn of(mut ratios: Vec<f64>) -> Self {
        ratios.sort_by(f64::total_cmp);
        Self(ratios)
    }

    /// The ratio at rank round(`fraction` × (n − 1)) of the sorted ratios.
    fn at(&self, fraction: f64) -> f64 {
        let last = self.0.len().saturating_sub(1);
        let rank = (fraction * last as f64).round() as usize;
        self.0.get(rank.min(last)).copied().unwrap_or(f64::NAN)
    }
}

impl std::fmt::Display for Quartiles {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "median {:.2}, quartiles {:.2}–{:.2}, {} of {} rounds >= {TARGET:.2}",
            self.at(0.5),
            self.at(0.25),
            self.at(0.75),
            self.0.iter().filter(|&&r| r >= TARGET).count(),
            self.0.len()
        )
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
async fn get(
    layout: Layout,
    url: &str,
    header: Option<&str>,
    secs: u64,
) -> Result<Sample, Box<dyn Error>> {
    let mut args = Vec::new();
    if let Some(header) = header {
        args.extend(["-H".to_owned(), header.to_owned()]);
    }
    args.push(url.to_owned());
    let before = cpu_secs()?;
    let started = std::time::Instant::now();
    let stdout = wrk::run(layout, args, secs).await?;
    let wall = started.elapsed().as_secs_f64();
    let cpu = cpu_secs()? - before;
    if stdout.contains("Non-2xx") {
        return Err(format!("wrk saw errors from {url}:\n{stdout}").into());
    }
    Ok(Sample {
        rate: wrk::requests_per_sec(&stdout)?,
        cpu_micros: cpu * 1e6 / wrk::requests(&stdout)? as f64,
        busy: cpu / wall,
    })
}
