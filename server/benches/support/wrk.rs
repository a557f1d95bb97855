//! What both benches share: `wrk` (Debian's, installed by `make bench`) on
//! the same machine as the server, and the two ways they can share its cores.

use std::{error::Error, future::Future, process::Command};

const CONNECTIONS: &str = "32";

/// How the server and `wrk` share the machine's cores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// The server's runtime on every core and `wrk -t2` beside it; the
    /// kernel shares the cores between them, so a route that costs the
    /// server more CPU also leaves `wrk` less of it.
    Shared,
    /// The server on one core (one tokio worker) and `wrk -t1` on another:
    /// neither takes CPU from the other, so the rate is the server's own
    /// capacity, as long as its core is saturated (each run prints how busy
    /// it was; well below 100 % means `wrk`, not the server, set the pace).
    Pinned { server: usize, load: usize },
}

impl Layout {
    fn wrk_threads(self) -> &'static str {
        match self {
            Self::Shared => "2",
            Self::Pinned { .. } => "1",
        }
    }

    /// The run's description, e.g. `wrk -t2 -c32 -d5s on 2 cores`.
    pub fn describe(self, secs: u64) -> String {
        let wrk = format!("wrk -t{} -c{CONNECTIONS} -d{secs}s", self.wrk_threads());
        match self {
            Self::Shared => format!(
                "{wrk} on {} cores shared with the server",
                std::thread::available_parallelism().map_or(0, usize::from)
            ),
            Self::Pinned { server, load } => {
                format!("{wrk} pinned to CPU {load}, the server (one worker) to CPU {server}")
            }
        }
    }
}

/// Runs `run(layout, secs)` for each of `layouts` in turn, each on a runtime
/// of its own (a pinned one last), `secs` from `BENCH_SECS` (else
/// `default_secs`); says so and succeeds
/// when `wrk` is missing. `Pinned` is skipped, with a line saying why, on a
/// machine with fewer than two usable CPUs.
pub fn main<F>(
    name: &str,
    layouts: &[Layout],
    default_secs: u64,
    run: impl Fn(Layout, u64) -> F,
) -> Result<(), Box<dyn Error>>
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
        .unwrap_or(default_secs);
    let mut pinned = false;
    for &layout in layouts {
        if pinned {
            // The main thread keeps its pinning: whatever came next would
            // run on one CPU without saying so.
            return Err("a pinned layout must come last".into());
        }
        let mut builder = tokio::runtime::Builder::new_multi_thread();
        if let Layout::Pinned { server, .. } = layout {
            pinned = true;
            // Threads inherit the affinity of the thread that creates them,
            // so pinning this one before the runtime exists pins all of its.
            pin_main_thread(server)?;
            builder.worker_threads(1);
        }
        builder.enable_all().build()?.block_on(run(layout, secs))?;
    }
    Ok(())
}

/// `Pinned` on the first two CPUs this process may use, or `None` with
/// fewer than two (or no `Cpus_allowed_list` in `/proc/self/status`).
#[allow(dead_code)] // Used by one of the two benches.
pub fn pinned() -> Option<Layout> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let list = status
        .lines()
        .find_map(|line| line.strip_prefix("Cpus_allowed_list:"))?;
    let mut cpus = cpu_list(list);
    Some(Layout::Pinned {
        server: cpus.next()?,
        load: cpus.next()?,
    })
}

/// The CPUs of a kernel CPU list such as `0-3,8,10-11`, in order.
fn cpu_list(list: &str) -> impl Iterator<Item = usize> + '_ {
    list.trim().split(',').flat_map(|range| {
        let (first, last) = range.split_once('-').unwrap_or((range, range));
        let first: Option<usize> = first.parse().ok();
        let last: Option<usize> = last.parse().ok();
        first.zip(last).into_iter().flat_map(|(a, b)| a..=b)
    })
}

/// Restricts the calling thread, and the threads it starts from now on, to
/// `cpu`, with util-linux's `taskset` (the workspace forbids `unsafe`, so no
/// `sched_setaffinity` here). Without `-a` it sets the affinity of the
/// thread whose id is the process id: the main thread, which calls this.
fn pin_main_thread(cpu: usize) -> Result<(), Box<dyn Error>> {
    let status = Command::new("taskset")
        .args([
            "-p",
            "-c",
            &cpu.to_string(),
            &std::process::id().to_string(),
        ])
        .stdout(std::process::Stdio::null())
        .status()?;
    if !status.success() {
        return Err(format!("taskset could not pin the server to CPU {cpu}: {status}").into());
    }
    Ok(())
}

/// Runs `wrk` for `secs` with `args` (on a blocking thread, off the
/// runtime's; on its own CPU when `layout` is pinned); returns its output,
/// refused when it failed or saw socket errors.
pub async fn run(layout: Layout, args: Vec<String>, secs: u64) -> Result<String, Box<dyn Error>> {
    let mut command = match layout {
        Layout::Shared => Command::new("wrk"),
        Layout::Pinned { load, .. } => {
            let mut taskset = Command::new("taskset");
            taskset.args(["-c", &load.to_string(), "wrk"]);
            taskset
        }
    };
    command
        .args(["-t", layout.wrk_threads(), "-c", CONNECTIONS])
        .args(["-d", &format!("{secs}s")])
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
