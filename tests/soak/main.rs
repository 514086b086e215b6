//! The soak test (`scripts/soak.sh`, not part of `scripts/test.sh`): a real actix server on
//! loopback, driven by raw HTTP clients in the same process, then checked for leftovers.
//!
//! 1. open/close cycles: HTTP+SSE sessions (open the stream, `initialize`, hang up) and
//!    Streamable HTTP sessions (`initialize`, `notifications/initialized`, `DELETE`);
//! 2. concurrent sessions, half HTTP+SSE and half Streamable HTTP, each with a slow tool call
//!    running, all open at once; then every client vanishes mid-call (its connections dropped);
//! 3. tasks (MCP 2026-07-28's tasks extension): CYCLES / 10 calls that become tasks and finish,
//!    after which the task store must empty once their time to live has passed.
//!
//! Afterwards: the session tables are empty (`Server::session_count`), no request is in flight
//! (`Server::requests_in_flight`), the server's worker runtimes have no more tasks alive than
//! before (`RuntimeMetrics::num_alive_tasks`), and the process's RSS is reported against its
//! starting level. Bounded: fixed counts, loopback only, every wait has a deadline.
//!
//! ```text
//! soak [CYCLES] [CONCURRENT]      default 10000 1000
//! ```

use std::net::SocketAddr;
use std::sync::{Arc, LazyLock, Mutex};
use std::time::{Duration, Instant};

use actix_web::{web, App};
use mcp_runtime::transport::HttpOptions;
use mcp_runtime::{tool, Server};
use mcp_tests::support::{post_json, request_with, SseStream, TestServer};
use serde_json::{json, Value};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use tokio::sync::Semaphore;

/// Holds calls to `slow` until the soak opens it (or 60 s pass).
static GATE: LazyLock<Semaphore> = LazyLock::new(|| Semaphore::new(0));

/// Waits until the soak test lets it go.
#[tool]
async fn slow() -> &'static str {
    let _ = tokio::time::timeout(Duration::from_secs(60), GATE.acquire()).await;
    "done"
}

/// Works a moment: as a task, always (the soak's clients declare the extension).
#[tool(task = "required")]
async fn soak_task(n: u64) -> String {
    tokio::time::sleep(Duration::from_millis(5)).await;
    format!("task {n} done")
}

/// How long the soak's tasks are kept.
const TASK_TTL: Duration = Duration::from_secs(2);

/// Starts one task over Streamable HTTP (MCP 2026-07-28, stateless).
async fn start_task(addr: SocketAddr, n: u64) {
    let call = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {
    "name": "soak_task", "arguments": {"n": n}, "_meta": {
        "io.modelcontextprotocol/protocolVersion": "2026-07-28",
        "io.modelcontextprotocol/clientInfo": {"name": "soak", "version": "0"},
        "io.modelcontextprotocol/clientCapabilities": {
            "extensions": {"io.modelcontextprotocol/tasks": {}}},
    }}});
    let headers = [
        ACCEPT_BOTH,
        JSON,
        ("MCP-Protocol-Version", "2026-07-28"),
        ("Mcp-Method", "tools/call"),
        ("Mcp-Name", "soak_task"),
    ];
    let reply = request_with(addr, "POST", "/mcp", &headers, call.to_string().as_bytes()).await;
    assert!(reply.body.contains("\"resultType\":\"task\""), "{reply:?}");
}

const ACCEPT_BOTH: (&str, &str) = ("Accept", "application/json, text/event-stream");
const JSON: (&str, &str) = ("Content-Type", "application/json");
/// How many clients connect at once (established sessions are not counted).
const CONNECTING: usize = 32;
/// The whole soak must finish within this.
const DEADLINE: Duration = Duration::from_secs(600);

fn initialize() -> Value {
    json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
        "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "soak", "version": "0"}}})
}

fn slow_call() -> Value {
    json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "slow", "arguments": {}}})
}

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix("VmRSS:"))
                .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

/// Hands the heap's free memory back to the operating system (glibc's `malloc_trim`), so that
/// RSS shows what is still in use; `false` where there is no such call.
fn trim_heap() -> bool {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        extern "C" {
            fn malloc_trim(pad: usize) -> i32;
        }
        // SAFETY: `malloc_trim` only releases memory the allocator holds free.
        unsafe { malloc_trim(0) };
        true
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    false
}

/// The tokio runtimes of the actix workers, recorded by the app factory on each worker.
type Workers = Arc<Mutex<Vec<tokio::runtime::Handle>>>;

fn alive_tasks(workers: &Workers) -> usize {
    workers
        .lock()
        .unwrap()
        .iter()
        .map(|handle| handle.metrics().num_alive_tasks())
        .sum()
}

#[derive(Clone)]
struct Snapshot {
    sessions: usize,
    in_flight: usize,
    tasks: usize,
    rss_kib: u64,
}

fn snapshot(server: &Server, workers: &Workers) -> Snapshot {
    Snapshot {
        sessions: server.session_count(),
        in_flight: server.requests_in_flight(),
        tasks: alive_tasks(workers),
        rss_kib: rss_kib(),
    }
}

fn report(label: &str, s: &Snapshot) {
    println!(
        "{label:<44} sessions {:>5}  in flight {:>5}  worker tasks {:>5}  RSS {:>7.1} MiB",
        s.sessions,
        s.in_flight,
        s.tasks,
        s.rss_kib as f64 / 1024.0
    );
}

/// Opens an HTTP+SSE session, initializes it and hangs up.
async fn sse_cycle(addr: SocketAddr) {
    let mut stream = SseStream::open(addr, "/sse").await;
    assert_eq!(stream.status, 200, "GET /sse");
    let endpoint = stream.next_event().await.data;
    let posted = post_json(addr, &endpoint, &initialize()).await;
    assert_eq!(posted.status, 202, "{posted:?}");
    let answer: Value = serde_json::from_str(&stream.next_event().await.data).unwrap();
    assert_eq!(answer["id"], 0, "{answer}");
}

/// Initializes a Streamable HTTP session; returns its id.
async fn http_session(addr: SocketAddr) -> String {
    let init = request_with(
        addr,
        "POST",
        "/mcp",
        &[ACCEPT_BOTH, JSON],
        initialize().to_string().as_bytes(),
    )
    .await;
    assert_eq!(init.status, 200, "{init:?}");
    let session = init.header("mcp-session-id").unwrap().to_owned();
    let initialized = request_with(
        addr,
        "POST",
        "/mcp",
        &[ACCEPT_BOTH, JSON, ("Mcp-Session-Id", &session)],
        br#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#,
    )
    .await;
    assert_eq!(initialized.status, 202);
    session
}

async fn http_cycle(addr: SocketAddr) {
    let session = http_session(addr).await;
    let deleted = request_with(addr, "DELETE", "/mcp", &[("Mcp-Session-Id", &session)], b"").await;
    assert_eq!(deleted.status, 200, "{deleted:?}");
}

/// Runs `count` copies of `cycle`, `CONNECTING` at a time.
async fn cycles<F, Fut>(count: usize, cycle: F)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let limit = Arc::new(Semaphore::new(CONNECTING));
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..count {
        let permit = Arc::clone(&limit).acquire_owned().await.unwrap();
        let future = cycle();
        tasks.spawn(async move {
            future.await;
            drop(permit);
        });
        while let Some(done) = tasks.try_join_next() {
            done.expect("a cycle");
        }
    }
    while let Some(done) = tasks.join_next().await {
        done.expect("a cycle");
    }
}

/// What a vanishing client holds open until it vanishes (dropping it closes the connection).
#[allow(dead_code)]
enum Held {
    Sse(SseStream),
    Http(TcpStream),
}

/// An HTTP+SSE client with a `slow` call running.
async fn sse_with_call(addr: SocketAddr) -> Held {
    let mut stream = SseStream::open(addr, "/sse").await;
    assert_eq!(stream.status, 200);
    let endpoint = stream.next_event().await.data;
    assert_eq!(post_json(addr, &endpoint, &initialize()).await.status, 202);
    stream.next_event().await;
    assert_eq!(post_json(addr, &endpoint, &slow_call()).await.status, 202);
    Held::Sse(stream)
}

/// A Streamable HTTP client whose `slow` call is sent and not yet answered.
async fn http_with_call(addr: SocketAddr) -> Held {
    let session = http_session(addr).await;
    let body = slow_call().to_string();
    let head = format!(
        "POST /mcp HTTP/1.1\r\nHost: {addr}\r\nAccept: application/json, text/event-stream\r\n\
         Content-Type: application/json\r\nMcp-Session-Id: {session}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    let mut connection = TcpStream::connect(addr).await.expect("connect");
    connection.write_all(head.as_bytes()).await.unwrap();
    connection.write_all(body.as_bytes()).await.unwrap();
    Held::Http(connection)
}

/// Polls until `done` holds, up to `limit`; returns how long it took, or `None`.
async fn settle(limit: Duration, mut done: impl FnMut() -> bool) -> Option<Duration> {
    let started = Instant::now();
    while started.elapsed() < limit {
        if done() {
            return Some(started.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    done().then(|| started.elapsed())
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let mut args = std::env::args().skip(1);
    let cycle_count: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let concurrent: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(1_000);
    let started = Instant::now();
    // A watchdog keeps the soak bounded whatever happens.
    std::thread::spawn(|| {
        std::thread::sleep(DEADLINE);
        eprintln!("soak: still running after {DEADLINE:?}; giving up");
        std::process::exit(2);
    });

    let idle_timeout = Duration::from_secs(2);
    // A client that closes its connection ends its session at once (the test server is built
    // with `h1_allow_half_closed(false)`, as the examples are); one that vanishes without a
    // word is noticed when a write to its stream fails, at a keep-alive: keep them frequent.
    let keep_alive = Duration::from_secs(1);
    let server = Server::builder()
        .name("soak")
        .tools(["slow", "soak_task"])
        .task_ttl(TASK_TTL)
        // Hung-up HTTP+SSE sessions count until noticed (see above): room for all of them.
        .max_sessions(cycle_count + concurrent * 2 + 100)
        .max_requests_per_session(4)
        .build()
        .expect("valid server");
    let workers: Workers = Arc::default();
    let app = {
        let (server, workers) = (server.clone(), Arc::clone(&workers));
        TestServer::start(2, move || {
            workers
                .lock()
                .unwrap()
                .push(tokio::runtime::Handle::current());
            let options = HttpOptions::new().keep_alive(keep_alive);
            let streamable = server
                .streamable_http_app()
                .session_idle_timeout(idle_timeout);
            App::new()
                .service(server.sse_app().options(options.clone()))
                .service(web::scope("/mcp").service(streamable.options(options)))
        })
    };
    let addr = app.addr;
    println!(
        "soak: {cycle_count} open/close cycles per transport, {concurrent} concurrent sessions, \
         server on {addr} (2 workers, SSE keep-alive {keep_alive:?}, idle timeout {idle_timeout:?})"
    );

    // Warm up (allocator arenas, connection paths), then take the baseline.
    cycles(200, || sse_cycle(addr)).await;
    cycles(200, || http_cycle(addr)).await;
    let warm = settle(Duration::from_secs(30), || server.session_count() == 0).await;
    println!(
        "warm-up: the last hung-up HTTP+SSE session closed {:.1} s after its client left",
        warm.unwrap_or(Duration::MAX).as_secs_f64()
    );
    tokio::time::sleep(Duration::from_millis(200)).await;
    let baseline = snapshot(&server, &workers);
    report("baseline (after 400 warm-up cycles)", &baseline);
    let mut failures = Vec::new();

    // 1. Open/close cycles.
    let phase = Instant::now();
    let most = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let sampler = {
        let (server, most) = (server.clone(), Arc::clone(&most));
        tokio::spawn(async move {
            loop {
                most.fetch_max(server.session_count(), std::sync::atomic::Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        })
    };
    cycles(cycle_count, || sse_cycle(addr)).await;
    let sse_secs = phase.elapsed().as_secs_f64();
    sampler.abort();
    println!(
        "{:<44} at most {} HTTP+SSE sessions open at once (hung up, not yet noticed)",
        "during the HTTP+SSE cycles",
        most.load(std::sync::atomic::Ordering::Relaxed)
    );
    let sse_closed = settle(Duration::from_secs(20), || {
        server.sse_app().session_count() == 0
    })
    .await;
    report(
        &format!("after {cycle_count} HTTP+SSE cycles ({sse_secs:.1} s)"),
        &snapshot(&server, &workers),
    );
    if sse_closed.is_none() {
        failures.push(format!(
            "{} HTTP+SSE sessions left after the cycles",
            server.sse_app().session_count()
        ));
    }
    let phase = Instant::now();
    cycles(cycle_count, || http_cycle(addr)).await;
    let http_secs = phase.elapsed().as_secs_f64();
    report(
        &format!("after {cycle_count} Streamable HTTP cycles ({http_secs:.1} s)"),
        &snapshot(&server, &workers),
    );
    if server.session_count() != 0 {
        failures.push(format!(
            "{} sessions left after the Streamable HTTP cycles",
            server.session_count()
        ));
    }

    // 2. Concurrent sessions with a slow call each; then every client vanishes.
    let phase = Instant::now();
    let limit = Arc::new(Semaphore::new(CONNECTING));
    let mut opening = tokio::task::JoinSet::new();
    for i in 0..concurrent {
        let permit = Arc::clone(&limit).acquire_owned().await.unwrap();
        opening.spawn(async move {
            let held = if i % 2 == 0 {
                sse_with_call(addr).await
            } else {
                http_with_call(addr).await
            };
            drop(permit);
            held
        });
    }
    let mut held = Vec::with_capacity(concurrent);
    while let Some(client) = opening.join_next().await {
        held.push(client.expect("a client"));
    }
    // Every call has started once the count stops growing.
    let mut last = (0, Instant::now());
    let calls_running = settle(Duration::from_secs(30), || {
        let now = server.requests_in_flight();
        if now != last.0 {
            last = (now, Instant::now());
        }
        now >= concurrent && last.1.elapsed() > Duration::from_millis(500)
    })
    .await;
    let peak = snapshot(&server, &workers);
    report(
        &format!(
            "{concurrent} sessions open, calls running ({:.1} s)",
            phase.elapsed().as_secs_f64()
        ),
        &peak,
    );
    if calls_running.is_none() || peak.sessions < concurrent {
        failures.push(format!(
            "expected {concurrent} sessions and calls at the peak, saw {} and {}",
            peak.sessions, peak.in_flight
        ));
    }
    let (sse, http): (Vec<Held>, Vec<Held>) =
        held.into_iter().partition(|h| matches!(h, Held::Sse(_)));
    let sse_clients = sse.len();
    drop(sse);
    // An HTTP+SSE client that hangs up ends its session, and its calls are cancelled.
    let per_call = peak.in_flight.div_ceil(concurrent);
    let left = per_call * (concurrent - sse_clients);
    let cancelled = settle(Duration::from_secs(20), || {
        server.sse_app().session_count() == 0 && server.requests_in_flight() <= left
    })
    .await;
    report(
        &format!(
            "{sse_clients} HTTP+SSE clients vanished ({:.1} s to notice)",
            cancelled.unwrap_or(Duration::MAX).as_secs_f64()
        ),
        &snapshot(&server, &workers),
    );
    if cancelled.is_none() {
        failures.push("HTTP+SSE sessions or their calls outlived their clients".to_owned());
    }
    drop(http);
    // A Streamable HTTP call outlives its connection (only `notifications/cancelled` cancels
    // one): it runs to its end, and its answer goes nowhere.
    tokio::time::sleep(Duration::from_millis(300)).await;
    report(
        &format!(
            "{} Streamable HTTP clients vanished",
            concurrent - sse_clients
        ),
        &snapshot(&server, &workers),
    );
    GATE.add_permits(concurrent * 2);
    let finished = settle(Duration::from_secs(30), || server.requests_in_flight() == 0).await;
    report("slow calls released", &snapshot(&server, &workers));
    if finished.is_none() {
        failures.push(format!(
            "{} requests still in flight",
            server.requests_in_flight()
        ));
    }
    // The vanished Streamable HTTP sessions expire after the idle timeout; the table is swept
    // when a session starts, so one more session (deleted at once) sweeps it.
    tokio::time::sleep(idle_timeout + Duration::from_millis(500)).await;
    let before_sweep = server.session_count();
    http_cycle(addr).await;
    let empty = settle(Duration::from_secs(10), || server.session_count() == 0).await;
    if empty.is_none() {
        failures.push(format!(
            "{} sessions left after the idle timeout",
            server.session_count()
        ));
    }
    let tasks_back = settle(Duration::from_secs(20), || {
        alive_tasks(&workers) <= baseline.tasks
    })
    .await;
    if tasks_back.is_none() {
        failures.push(format!(
            "{} tasks alive on the workers, {} at the baseline",
            alive_tasks(&workers),
            baseline.tasks
        ));
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let end = snapshot(&server, &workers);
    println!(
        "{:<44} {before_sweep} expired Streamable HTTP sessions were still in the table",
        "idle timeout passed, before the sweep"
    );
    report("end (after the sweep)", &end);
    let end_trimmed = trim_heap().then(|| snapshot(&server, &workers));
    if let Some(trimmed) = &end_trimmed {
        report("end, after malloc_trim (free memory returned)", trimmed);
    }

    // 3. Tasks: started and finished, then forgotten once their time to live has passed.
    let task_count = (cycle_count / 10).max(1);
    let phase = Instant::now();
    let before_tasks = end_trimmed.clone().unwrap_or_else(|| end.clone());
    let limit = Arc::new(Semaphore::new(CONNECTING));
    let mut starting = tokio::task::JoinSet::new();
    for n in 0..task_count {
        let permit = Arc::clone(&limit).acquire_owned().await.unwrap();
        starting.spawn(async move {
            start_task(addr, n as u64).await;
            drop(permit);
        });
    }
    while let Some(started) = starting.join_next().await {
        started.expect("a task started");
    }
    let kept_peak = server.kept_tasks().await.unwrap_or(0);
    let ran = settle(Duration::from_secs(30), || server.running_tasks() == 0).await;
    report(
        &format!(
            "{task_count} tasks started and finished ({:.1} s; {kept_peak} kept)",
            phase.elapsed().as_secs_f64()
        ),
        &snapshot(&server, &workers),
    );
    if ran.is_none() {
        failures.push(format!("{} tasks still running", server.running_tasks()));
    }
    let deadline = Instant::now() + TASK_TTL + Duration::from_secs(10);
    while server.kept_tasks().await.unwrap_or(usize::MAX) > 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let kept = server.kept_tasks().await.unwrap_or(usize::MAX);
    if kept != 0 {
        failures.push(format!("{kept} tasks still kept after their time to live"));
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    // Trimmed where the allocator can (as `before_tasks` is).
    trim_heap();
    let after_tasks = snapshot(&server, &workers);
    report(
        &format!("tasks expired ({kept} kept), memory trimmed"),
        &after_tasks,
    );
    let mib = |kib: u64| kib as f64 / 1024.0;
    println!(
        "tasks: RSS in use {:.1} MiB before, {:.1} MiB after {task_count} tasks expired",
        mib(before_tasks.rss_kib),
        mib(after_tasks.rss_kib)
    );
    if after_tasks.rss_kib as f64 > before_tasks.rss_kib as f64 * 1.1 + 4.0 * 1024.0 {
        failures.push(format!(
            "RSS in use grew from {:.1} to {:.1} MiB over the tasks",
            mib(before_tasks.rss_kib),
            mib(after_tasks.rss_kib)
        ));
    }
    if after_tasks.tasks > baseline.tasks {
        failures.push(format!(
            "{} runtime tasks alive after the tasks, {} at the baseline",
            after_tasks.tasks, baseline.tasks
        ));
    }

    // Freed memory mostly stays with the allocator: a second round of the same cycles shows
    // whether RSS keeps growing (a leak) or reuses it (a plateau), and malloc_trim shows what
    // is still in use.
    cycles(cycle_count, || sse_cycle(addr)).await;
    settle(Duration::from_secs(20), || server.session_count() == 0).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let again = snapshot(&server, &workers);
    report(&format!("after {cycle_count} more HTTP+SSE cycles"), &again);
    let trimmed = trim_heap().then(|| snapshot(&server, &workers));
    if let Some(trimmed) = &trimmed {
        report("again, after malloc_trim", trimmed);
    }
    println!(
        "RSS: baseline {:.1} MiB, peak {:.1} MiB, end {:.1} MiB (trimmed {}), after a second \
         round {:.1} MiB (trimmed {}); worker tasks: baseline {}, peak {}, end {}; total {:.1} s",
        mib(baseline.rss_kib),
        mib(peak.rss_kib.max(again.rss_kib)),
        mib(end.rss_kib),
        end_trimmed
            .as_ref()
            .map_or("n/a".to_owned(), |t| format!("{:.1} MiB", mib(t.rss_kib))),
        mib(again.rss_kib),
        trimmed
            .as_ref()
            .map_or("n/a".to_owned(), |t| format!("{:.1} MiB", mib(t.rss_kib))),
        baseline.tasks,
        peak.tasks,
        end.tasks,
        started.elapsed().as_secs_f64()
    );
    // What is in use must not grow from one round to the next (allocator caches may).
    let (first, second) = match (&end_trimmed, &trimmed) {
        (Some(first), Some(second)) => (first.rss_kib, second.rss_kib),
        _ => (end.rss_kib, again.rss_kib),
    };
    if second as f64 > first as f64 * 1.1 + 4.0 * 1024.0 {
        failures.push(format!(
            "RSS in use grew from {:.1} to {:.1} MiB with a second round of the same cycles",
            mib(first),
            mib(second)
        ));
    }
    let settled = trimmed.as_ref().unwrap_or(&again).rss_kib as f64;
    if settled > baseline.rss_kib as f64 * 1.5 + 16.0 * 1024.0 {
        failures.push("RSS did not come back near its starting level".to_owned());
    }
    if again.sessions != 0 || again.in_flight != 0 || again.tasks > baseline.tasks {
        failures.push("the second round left sessions, requests or tasks behind".to_owned());
    }
    drop(app);
    if failures.is_empty() {
        println!("soak: passed");
    } else {
        for failure in &failures {
            println!("soak: FAILED: {failure}");
        }
        std::process::exit(1);
    }
}
