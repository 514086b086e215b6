//! The `mcp-bench` command line.

use std::collections::HashMap;
use std::process::ExitCode;
use std::time::Duration;

use mcp_bench::check::ServerInfo;
use mcp_bench::client::{Target, Transport};
use mcp_bench::load::{run_idle, run_load, IdleConfig, IdleReport, LoadConfig, LoadReport};

const USAGE: &str = "\
mcp-bench: load an MCP server like real clients do, and measure it.

USAGE:
    mcp-bench load --url URL --transport sse|streamable|stateless|modern [options]
    mcp-bench idle --url URL [--sessions N] [options]

LOAD: opens --sessions N sessions (initialize + notifications/initialized; with --transport
modern, MCP 2026-07-28, there is no handshake and no session: one server/discover, then every
call carries its _meta and the MCP-Protocol-Version, Mcp-Method and Mcp-Name headers), keeps
--concurrency C calls of the `add` tool in flight in each (one keep-alive connection per call),
checks every reply (modern: also resultType \"complete\" and _meta serverInfo), and reports
calls/s, latency percentiles, errors, and the server's CPU per call and memory (with --pid).
    --sessions N       sessions                                   [default: 1]
    --concurrency C    calls in flight per session                [default: 1]
    --duration SECS    measured window                            [default: 5]
    --warmup SECS      unmeasured calls first                     [default: 1]
    --calls M          make exactly M calls instead (no warm-up)
    --post-url URL     POST to this replica instead (sse: the stream stays on --url;
                       streamable: the session starts on --url)
    --server-info required|optional   modern: must every result carry _meta serverInfo
                       (a SHOULD of 2026-07-28; when optional, checked where present)
                                                                  [default: required]
IDLE: opens --sessions N sessions (SSE streams by default, or --transport streamable), leaves
them idle, and reports the server's resident memory per session (needs --pid).
    --sessions N       sessions                                   [default: 10000]
    --warmup-sessions  opened and closed first                    [default: 100]
    --lanes L          sessions opened at a time                  [default: 32]
    --settle SECS      wait before reading memory                 [default: 2]
COMMON:
    --url URL          http://127.0.0.1:PORT/sse or /mcp (loopback addresses only)
    --pid PID          the server's process, for CPU time and memory from /proc
    --timeout SECS     per call or session opening                [default: 10]
    --threads T        load generator threads                     [default: 1]
    --json             one JSON object on standard output instead of a table
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(args) {
        Ok(ok) => {
            if ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(2)
            }
        }
        Err(message) => {
            eprintln!("mcp-bench: {message}");
            ExitCode::FAILURE
        }
    }
}

struct Args {
    values: HashMap<String, String>,
    json: bool,
}

impl Args {
    fn parse(args: &[String]) -> Result<Args, String> {
        let mut values = HashMap::new();
        let mut json = false;
        let mut iter = args.iter();
        while let Some(arg) = iter.next() {
            match arg.as_str() {
                "--json" => json = true,
                "-h" | "--help" => return Err(USAGE.to_owned()),
                name if name.starts_with("--") => {
                    let value = iter
                        .next()
                        .ok_or_else(|| format!("{name} needs a value\n\n{USAGE}"))?;
                    values.insert(name[2..].to_owned(), value.clone());
                }
                other => return Err(format!("unexpected argument {other:?}\n\n{USAGE}")),
            }
        }
        Ok(Args { values, json })
    }

    fn get<T: std::str::FromStr>(&self, name: &str, default: T) -> Result<T, String> {
        match self.values.get(name) {
            None => Ok(default),
            Some(value) => value
                .parse()
                .map_err(|_| format!("--{name}: cannot parse {value:?}")),
        }
    }

    fn seconds(&self, name: &str, default: f64) -> Result<Duration, String> {
        let secs: f64 = self.get(name, default)?;
        if !(secs.is_finite() && secs >= 0.0 && secs <= 3600.0) {
            return Err(format!("--{name}: between 0 and 3600 seconds"));
        }
        Ok(Duration::from_secs_f64(secs))
    }
}

/// `Ok(false)` when the run had errors.
fn run(args: Vec<String>) -> Result<bool, String> {
    let Some((command, rest)) = args.split_first() else {
        return Err(USAGE.to_owned());
    };
    let args = Args::parse(rest)?;
    let url = args
        .values
        .get("url")
        .ok_or_else(|| format!("--url is required\n\n{USAGE}"))?;
    let target = Target::parse(url)?;
    let pid: Option<u32> = match args.values.get("pid") {
        Some(pid) => Some(pid.parse().map_err(|_| "--pid: not a pid".to_owned())?),
        None => None,
    };
    let timeout = args.seconds("timeout", 10.0)?;
    let threads: usize = args.get("threads", 1)?;
    let runtime = if threads <= 1 {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
    } else {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(threads)
            .enable_all()
            .build()
    }
    .map_err(|err| format!("runtime: {err}"))?;

    match command.as_str() {
        "load" => {
            let transport = Transport::parse(
                args.values
                    .get("transport")
                    .ok_or("--transport is required (sse, streamable, stateless or modern)")?,
            )?;
            let post_addr = match args.values.get("post-url") {
                Some(url) => Some(Target::parse(url)?.addr),
                None => None,
            };
            let config = LoadConfig {
                target,
                post_addr,
                transport,
                sessions: args.get("sessions", 1usize)?.clamp(1, 10_000),
                concurrency: args.get("concurrency", 1usize)?.clamp(1, 10_000),
                warmup: args.seconds("warmup", 1.0)?,
                duration: args.seconds("duration", 5.0)?,
                calls: match args.values.get("calls") {
                    Some(_) => Some(args.get("calls", 0u64)?.min(100_000_000)),
                    None => None,
                },
                pid,
                timeout,
                server_info: ServerInfo::parse(
                    args.values
                        .get("server-info")
                        .map_or("required", String::as_str),
                )?,
            };
            let report = runtime.block_on(run_load(config))?;
            if args.json {
                println!("{}", serde_json::to_string(&report).unwrap());
            } else {
                print_load(&report);
            }
            Ok(report.errors == 0)
        }
        "idle" => {
            let transport =
                Transport::parse(args.values.get("transport").map_or("sse", String::as_str))?;
            let config = IdleConfig {
                target,
                transport,
                sessions: args.get("sessions", 10_000usize)?.clamp(1, 100_000),
                pid,
                warmup_sessions: args.get("warmup-sessions", 100usize)?,
                lanes: args.get("lanes", 32usize)?.clamp(1, 1024),
                settle: args.seconds("settle", 2.0)?,
                timeout,
            };
            let report = runtime.block_on(run_idle(config))?;
            if args.json {
                println!("{}", serde_json::to_string(&report).unwrap());
            } else {
                print_idle(&report);
            }
            Ok(report.errors == 0 && report.verify_errors == 0)
        }
        other => Err(format!("unknown command {other:?}\n\n{USAGE}")),
    }
}

fn ms(us: u64) -> String {
    format!("{:.2} ms", us as f64 / 1000.0)
}

fn mib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}

fn print_load(r: &LoadReport) {
    println!(
        "{} {}: {} session(s) x {} in flight = {} calls in flight, {:.1} s measured",
        r.transport, r.url, r.sessions, r.concurrency_per_session, r.in_flight, r.window_s
    );
    println!(
        "{:>10} {:>7} {:>11} {:>9} {:>9} {:>9} {:>9} {:>14} {:>22}",
        "calls",
        "errors",
        "calls/s",
        "p50",
        "p90",
        "p99",
        "max",
        "server CPU/call",
        "server RSS (peak)"
    );
    let (cpu, rss) = match &r.server {
        Some(s) => (
            format!("{:.1} us", s.cpu_us_per_call),
            format!("{} ({})", mib(s.memory.rss_kib), mib(s.memory.peak_rss_kib)),
        ),
        None => ("-".into(), "-".into()),
    };
    println!(
        "{:>10} {:>7} {:>11.1} {:>9} {:>9} {:>9} {:>9} {:>14} {:>22}",
        r.calls,
        r.errors,
        r.calls_per_s,
        ms(r.latency.p50_us),
        ms(r.latency.p90_us),
        ms(r.latency.p99_us),
        ms(r.latency.max_us),
        cpu,
        rss
    );
    if let Some(s) = &r.server {
        println!(
            "server kept {:.2} cores busy; this load generator {:.2}",
            s.cores_busy, r.client_cores_busy
        );
    }
    for error in &r.error_samples {
        println!("error: {error}");
    }
}

fn print_idle(r: &IdleReport) {
    println!(
        "{} {}: {} of {} sessions open after {:.1} s ({} errors)",
        r.transport, r.url, r.sessions_open, r.sessions_requested, r.open_s, r.errors
    );
    println!(
        "server RSS {} -> {} (peak {}): {:.1} KiB per session; {} sampled sessions answered a call, {} did not",
        mib(r.rss_before_kib),
        mib(r.rss_after_kib),
        mib(r.peak_rss_kib),
        r.bytes_per_session / 1024.0,
        r.verified_sessions,
        r.verify_errors
    );
    for error in &r.error_samples {
        println!("error: {error}");
    }
}
