//! The two measurements: calls under load, and memory of idle sessions.

use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::check::ServerInfo;
use crate::client::{Conn, Session, Target, Transport};
use crate::stats::{self, Latency, Memory};

/// What `mcp-bench load` does.
#[derive(Debug, Clone)]
pub struct LoadConfig {
    pub target: Target,
    /// HTTP+SSE: where the POSTs go when not to `target` (another replica sharing its state).
    pub post_addr: Option<std::net::SocketAddr>,
    pub transport: Transport,
    /// Sessions opened and initialized before the load starts.
    pub sessions: usize,
    /// Calls kept in flight in each session (each on its own connection).
    pub concurrency: usize,
    /// Calls made, not measured, before the measured window.
    pub warmup: Duration,
    /// The measured window (when `calls` is not given).
    pub duration: Duration,
    /// Makes exactly this many calls instead of running for `duration`.
    pub calls: Option<u64>,
    /// The server's pid, for its CPU time and memory.
    pub pid: Option<u32>,
    /// How long one call, or opening one session, may take.
    pub timeout: Duration,
    /// Modern era: whether every result must carry `_meta` serverInfo (a SHOULD).
    pub server_info: ServerInfo,
}

/// The server's resource use while it was measured.
#[derive(Debug, Clone, Serialize)]
pub struct ServerUse {
    pub pid: u32,
    /// CPU seconds (all threads, user + system) used in the measured window.
    pub cpu_s: f64,
    /// That divided by the calls answered: what one call costs the server.
    pub cpu_us_per_call: f64,
    /// Cores kept busy on average (1.0 = one core all the time).
    pub cores_busy: f64,
    pub memory: Memory,
}

#[derive(Debug, Clone, Serialize)]
pub struct LoadReport {
    pub kind: &'static str,
    pub url: String,
    pub transport: &'static str,
    pub sessions: usize,
    pub concurrency_per_session: usize,
    pub in_flight: usize,
    /// Length of the measured window, in seconds.
    pub window_s: f64,
    /// Calls answered correctly in the window.
    pub calls: u64,
    /// Calls that failed (any check) in the whole run, warm-up included.
    pub errors: u64,
    pub error_samples: Vec<String>,
    pub calls_per_s: f64,
    pub latency: Latency,
    pub server: Option<ServerUse>,
    /// Cores this load generator kept busy: near 1.0 with one thread means it, not the server,
    /// may be the limit.
    pub client_cores_busy: f64,
    pub setup_s: f64,
}

#[derive(Default)]
struct WorkerResult {
    latencies_us: Vec<u64>,
    errors: u64,
    samples: Vec<String>,
    last_done: Option<Instant>,
}

/// Errors keep a few distinct messages, for the report.
fn sample(samples: &mut Vec<String>, error: String) {
    if samples.len() < 5 && !samples.contains(&error) {
        samples.push(error);
    }
}

struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> i64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % 2_000_001) as i64 - 1_000_000
    }
}

pub async fn run_load(config: LoadConfig) -> Result<LoadReport, String> {
    let setup_start = Instant::now();
    let target = &config.target;
    // Where POSTs go: the target itself, or (HTTP+SSE) another replica of it.
    let post_addr = config.post_addr.unwrap_or(target.addr);
    let mut sessions = Vec::with_capacity(config.sessions);
    // A Streamable HTTP session starts on the target; its calls then go to `post_addr`.
    let opens_at = if config.transport == Transport::Streamable {
        target.addr
    } else {
        post_addr
    };
    for _ in 0..config.sessions {
        let mut conn = Conn::open(opens_at).await?;
        let session = Session::open_checking(
            target,
            config.transport,
            config.server_info,
            &mut conn,
            config.timeout,
        )
        .await?;
        if opens_at != post_addr {
            conn = Conn::open(post_addr).await?;
        }
        let mut conns = vec![conn];
        for _ in 1..config.concurrency {
            conns.push(Conn::open(post_addr).await?);
        }
        sessions.push((Arc::new(session), conns));
    }
    let setup_s = setup_start.elapsed().as_secs_f64();

    let start = Instant::now();
    let counted = config.calls.is_some();
    let (measure_start, measure_end) = if counted {
        (start, start + Duration::from_secs(600))
    } else {
        (
            start + config.warmup,
            start + config.warmup + config.duration,
        )
    };
    let calls_left = Arc::new(AtomicI64::new(config.calls.unwrap_or(0) as i64));
    let mut workers = Vec::new();
    let mut seed = 0x9E37_79B9_7F4A_7C15u64;
    for (session, conns) in &mut sessions {
        for mut conn in conns.drain(..) {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let session = Arc::clone(session);
            let calls_left = Arc::clone(&calls_left);
            let addr = post_addr;
            let timeout = config.timeout;
            let mut rng = XorShift(seed | 1);
            workers.push(tokio::spawn(async move {
                let mut result = WorkerResult::default();
                loop {
                    if Instant::now() >= measure_end
                        || (counted && calls_left.fetch_sub(1, Ordering::Relaxed) <= 0)
                    {
                        break;
                    }
                    let (a, b) = (rng.next(), rng.next());
                    let began = Instant::now();
                    let outcome = tokio::time::timeout(timeout, session.call_add(&mut conn, a, b))
                        .await
                        .unwrap_or_else(|_| Err(format!("no reply within {timeout:?}")));
                    let done = Instant::now();
                    match outcome {
                        Ok(()) => {
                            if done >= measure_start && done <= measure_end {
                                result
                                    .latencies_us
                                    .push(done.duration_since(began).as_micros() as u64);
                                result.last_done = Some(done);
                            }
                        }
                        Err(error) => {
                            result.errors += 1;
                            sample(&mut result.samples, error);
                            // The connection may be broken: start a new one.
                            tokio::time::sleep(Duration::from_millis(1)).await;
                            if let Ok(fresh) = Conn::open(addr).await {
                                conn = fresh;
                            }
                        }
                    }
                }
                result
            }));
        }
    }

    // The server's CPU time and our own over the measured window.
    let pid = config.pid;
    let monitor = tokio::spawn(async move {
        tokio::time::sleep_until(measure_start.into()).await;
        let server = pid.and_then(stats::cpu_seconds);
        let own = stats::own_cpu_seconds();
        (Instant::now(), server, own)
    });

    let mut results = Vec::new();
    for worker in workers {
        results.push(worker.await.map_err(|err| format!("worker: {err}"))?);
    }
    let (window_start, server_cpu_start, own_cpu_start) =
        monitor.await.map_err(|err| format!("monitor: {err}"))?;
    let window_end = if counted {
        results
            .iter()
            .filter_map(|r| r.last_done)
            .max()
            .unwrap_or(window_start)
    } else {
        measure_end
    };
    // Workers finish in-flight calls after the window; CPU is read as they stop, so it is an
    // upper bound by at most one call per worker.
    let server_cpu_end = pid.and_then(stats::cpu_seconds);
    let own_cpu_end = stats::own_cpu_seconds();
    let window_s = window_end
        .duration_since(window_start)
        .as_secs_f64()
        .max(1e-9);

    let mut latencies = Vec::new();
    let mut errors = 0;
    let mut error_samples = Vec::new();
    for result in results {
        latencies.extend(result.latencies_us);
        errors += result.errors;
        for error in result.samples {
            sample(&mut error_samples, error);
        }
    }
    let calls = latencies.len() as u64;
    let latency = stats::summarize(&mut latencies);
    let elapsed_cpu_window = Instant::now().duration_since(window_start).as_secs_f64();
    let server = match (pid, server_cpu_start, server_cpu_end) {
        (Some(pid), Some(a), Some(b)) => Some(ServerUse {
            pid,
            cpu_s: b - a,
            cpu_us_per_call: if calls > 0 {
                (b - a) * 1e6 / calls as f64
            } else {
                0.0
            },
            cores_busy: (b - a) / elapsed_cpu_window,
            memory: stats::memory(pid).unwrap_or_default(),
        }),
        _ => None,
    };
    let client_cores_busy = match (own_cpu_start, own_cpu_end) {
        (Some(a), Some(b)) => (b - a) / elapsed_cpu_window,
        _ => 0.0,
    };
    drop(sessions);
    Ok(LoadReport {
        kind: "load",
        url: format!("http://{}{}", config.target.host, config.target.path),
        transport: config.transport.name(),
        sessions: config.sessions,
        concurrency_per_session: config.concurrency,
        in_flight: config.sessions * config.concurrency,
        window_s,
        calls,
        errors,
        error_samples,
        calls_per_s: calls as f64 / window_s,
        latency,
        server,
        client_cores_busy,
        setup_s,
    })
}

/// What `mcp-bench idle` does.
#[derive(Debug, Clone)]
pub struct IdleConfig {
    pub target: Target,
    pub transport: Transport,
    pub sessions: usize,
    pub pid: Option<u32>,
    /// Sessions opened and closed first, so one-time allocations are not counted per session.
    pub warmup_sessions: usize,
    /// Sessions opened at a time.
    pub lanes: usize,
    /// Wait before reading memory.
    pub settle: Duration,
    pub timeout: Duration,
}

#[derive(Debug, Clone, Serialize)]
pub struct IdleReport {
    pub kind: &'static str,
    pub url: String,
    pub transport: &'static str,
    pub sessions_requested: usize,
    /// Sessions open and initialized (their streams still open) when memory was read.
    pub sessions_open: usize,
    pub open_s: f64,
    pub errors: u64,
    pub error_samples: Vec<String>,
    pub rss_before_kib: u64,
    pub rss_after_kib: u64,
    pub peak_rss_kib: u64,
    /// (RSS with the sessions open - RSS before) / sessions.
    pub bytes_per_session: f64,
    /// Sampled sessions that still answered a call after the memory was read.
    pub verified_sessions: usize,
    pub verify_errors: u64,
}

/// Opens `n` sessions, `lanes` at a time.
async fn open_sessions(
    target: &Target,
    transport: Transport,
    n: usize,
    lanes: usize,
    timeout: Duration,
) -> (Vec<Session>, u64, Vec<String>) {
    let next = Arc::new(AtomicUsize::new(0));
    let opened = Arc::new(Mutex::new(Vec::with_capacity(n)));
    let mut tasks = Vec::new();
    for _ in 0..lanes.max(1) {
        let (next, opened, target) = (Arc::clone(&next), Arc::clone(&opened), target.clone());
        tasks.push(tokio::spawn(async move {
            let (mut errors, mut samples) = (0u64, Vec::new());
            let mut conn = None;
            while next.fetch_add(1, Ordering::Relaxed) < n {
                if conn.is_none() {
                    conn = Conn::open(target.addr).await.ok();
                }
                let Some(lane_conn) = conn.as_mut() else {
                    errors += 1;
                    sample(&mut samples, "cannot connect".to_owned());
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                };
                match Session::open(&target, transport, lane_conn, timeout).await {
                    Ok(session) => opened.lock().unwrap().push(session),
                    Err(error) => {
                        errors += 1;
                        sample(&mut samples, error);
                        conn = None;
                    }
                }
            }
            (errors, samples)
        }));
    }
    let (mut errors, mut samples) = (0, Vec::new());
    for task in tasks {
        if let Ok((e, s)) = task.await {
            errors += e;
            for error in s {
                sample(&mut samples, error);
            }
        }
    }
    let sessions = std::mem::take(&mut *opened.lock().unwrap());
    (sessions, errors, samples)
}

pub async fn run_idle(config: IdleConfig) -> Result<IdleReport, String> {
    let target = &config.target;
    let memory = || config.pid.and_then(stats::memory).unwrap_or_default();
    if config.warmup_sessions > 0 {
        let (warm, _, _) = open_sessions(
            target,
            config.transport,
            config.warmup_sessions,
            config.lanes,
            config.timeout,
        )
        .await;
        drop(warm);
        tokio::time::sleep(config.settle).await;
    }
    let before = memory();
    let started = Instant::now();
    let (sessions, errors, error_samples) = open_sessions(
        target,
        config.transport,
        config.sessions,
        config.lanes,
        config.timeout,
    )
    .await;
    let open_s = started.elapsed().as_secs_f64();
    tokio::time::sleep(config.settle).await;
    let after = memory();
    let sessions_open = if config.transport == Transport::Sse {
        sessions.iter().filter(|s| s.stream_open()).count()
    } else {
        sessions.len()
    };

    // Proof the sessions are live, not just sockets: a call in a sample of them.
    let mut verified = 0;
    let mut verify_errors = 0;
    if !sessions.is_empty() {
        let mut conn = Conn::open(target.addr).await?;
        let step = (sessions.len() / 20).max(1);
        for (i, session) in sessions.iter().step_by(step).enumerate() {
            let call = session.call_add(&mut conn, i as i64, 1);
            match tokio::time::timeout(config.timeout, call).await {
                Ok(Ok(())) => verified += 1,
                _ => {
                    verify_errors += 1;
                    conn = Conn::open(target.addr).await?;
                }
            }
        }
    }
    drop(sessions);
    let grown_kib = after.rss_kib.saturating_sub(before.rss_kib);
    Ok(IdleReport {
        kind: "idle",
        url: format!("http://{}{}", target.host, target.path),
        transport: config.transport.name(),
        sessions_requested: config.sessions,
        sessions_open,
        open_s,
        errors,
        error_samples,
        rss_before_kib: before.rss_kib,
        rss_after_kib: after.rss_kib,
        peak_rss_kib: after.peak_rss_kib,
        bytes_per_session: if sessions_open > 0 {
            grown_kib as f64 * 1024.0 / sessions_open as f64
        } else {
            0.0
        },
        verified_sessions: verified,
        verify_errors,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_arguments_stay_in_range() {
        let mut rng = XorShift(12345);
        for _ in 0..10_000 {
            let n = rng.next();
            assert!((-1_000_000..=1_000_000).contains(&n));
        }
    }
}
