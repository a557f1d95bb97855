//! What both benches share: `wrk` (Debian's, installed by `make bench`) on
//! the same machine as the server, and a multi-threaded runtime.

use std::{error::Error, future::Future, process::Command};

const THREADS: &str = "2";
const CONNECTIONS: &str = "32";

/// Runs `run(secs)` on a multi-threaded runtime, `secs` from `BENCH_SECS`
/// (default 5); says so and succeeds when `wrk` is missing.
pub fn main<F>(name: &str, run: impl FnOnce(u64) -> F) -> Result<(), Box<dyn Error>>
where
    F: Future<Output = Result<(), Box<dyn Error>>>,
{
    if Command::new("wrk").arg("--version").output().is_err() {
        println!(
            "{name} bench: `wrk` is not installed; `make bench` installs it (apt-get install wrk)."
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

/// The run's description, e.g. `wrk -t2 -c32 -d5s on 2 cores`.
pub fn describe(secs: u64) -> String {
    format!(
        "wrk -t{THREADS} -c{CONNECTIONS} -d{secs}s on {} cores",
        std::thread::available_parallelism().map_or(0, usize::from)
    )
}

/// Runs `wrk` for `secs` with `args` (on a blocking thread, off the
/// runtime's); returns its output, refused when it failed or saw socket
/// errors.
pub async fn run(args: Vec<String>, secs: u64) -> Result<String, Box<dyn Error>> {
    let mut command = Command::new("wrk");
    command
        .args(["-t", THREADS, "-c", CONNECTIONS, "-d", &format!("{secs}s")])
        .args(args);
    let output = tokio::task::spawn_blocking(move || command.output()).await??;
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(format!("wrk failed ({}):\n{stdout}\n{stderr}", output.status).into());
    }
    if stdout.contains("Socket errors") {
        return Err(format!("wrk saw socket errors:\n{stdout}").into());
    }
    Ok(stdout)
}

/// The `Requests/sec` line of `wrk`'s output.
pub fn requests_per_sec(stdout: &str) -> Result<f64, Box<dyn Error>> {
    stdout
        .lines()
        .find_map(|line| line.strip_prefix("Requests/sec:"))
        .and_then(|rate| rate.trim().parse().ok())
        .ok_or_else(|| format!("no Requests/sec in wrk's output:\n{stdout}").into())
}

/// How many requests `wrk` completed (`N requests in …`).
#[allow(dead_code)] // Used by one of the two benches.
pub fn requests(stdout: &str) -> Result<u64, Box<dyn Error>> {
    stdout
        .lines()
        .find_map(|line| line.trim().split_once(" requests in "))
        .and_then(|(count, _)| count.parse().ok())
        .ok_or_else(|| format!("no request count in wrk's output:\n{stdout}").into())
}
