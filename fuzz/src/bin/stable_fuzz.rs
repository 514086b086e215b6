//! A mutation fuzzer on stable Rust for the same target as the libFuzzer binary, for machines
//! without a nightly toolchain (`scripts/fuzz.sh` picks it then, or with `FUZZ_ENGINE=stable`).
//!
//! ```text
//! stable_fuzz [SECONDS] [SEEDS_DIR] [DICTIONARY]
//! ```
//!
//! Deterministic for a given `FUZZ_SEED` (default 1) apart from timing: it starts from the seed
//! corpus, then mutates (bit flips, byte edits, range deletion and duplication, dictionary tokens,
//! interesting numbers, splicing, truncation, deep nesting) and generates JSON-RPC messages from
//! a small grammar, keeping inputs that show a new outcome signature. There is no coverage
//! feedback, so it finds less than libFuzzer per execution, but runs anywhere.
//!
//! Any panic, in a spawned task too, is a finding: the input is written to
//! `artifacts/stable/crash-<hash>` and the process exits with status 1. A run that makes no
//! progress for 20 s is a hang: the input is written to `artifacts/stable/hang-<hash>`, and the
//! process aborts.

use std::collections::hash_map::DefaultHasher;
use std::collections::HashSet;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    fn pick_ref<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const METHODS: &[&str] = &[
    "initialize",
    "ping",
    "tools/list",
    "tools/call",
    "resources/list",
    "resources/read",
    "resources/templates/list",
    "prompts/list",
    "prompts/get",
    "completion/complete",
    "logging/setLevel",
    "notifications/initialized",
    "notifications/cancelled",
    "nope",
];
const KEYS: &[&str] = &[
    "name",
    "arguments",
    "cursor",
    "uri",
    "level",
    "ref",
    "argument",
    "value",
    "type",
    "_meta",
    "progressToken",
    "protocolVersion",
    "requestId",
    "a",
    "b",
    "shape",
    "kind",
    "radius",
    "points",
    "x",
    "y",
    "label",
    "tree",
    "children",
    "text",
    "times",
    "tags",
    "digits",
    "n",
    "formal",
    "fields",
    "limit",
    "id",
];
const STRINGS: &[&str] = &[
    "add",
    "area",
    "nodes",
    "echo",
    "chatty",
    "greet",
    "circle",
    "polygon",
    "ref/resource",
    "ref/prompt",
    "fuzz://readme",
    "fuzz://items/{id}{?fields,limit}",
    "fuzz://items/3?fields=a,b&limit=2",
    "fuzz://items/%FF%00",
    "fuzz://files/a/../b",
    "fuzz://files/",
    "2025-11-25",
    "2024-11-05",
    "debug",
    "emergency",
    "",
    "1",
    "ada",
    "\u{0}",
    "\u{1F600}",
];
const NUMBERS: &[&str] = &[
    "0",
    "-0",
    "1",
    "-1",
    "2",
    "255",
    "256",
    "1.5",
    "-1.5",
    "1e400",
    "-1e400",
    "1e-400",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775808",
    "-9223372036854775809",
    "18446744073709551615",
    "18446744073709551616",
    "1000000000000000000000000000000",
    "4294967296",
    "2147483648",
];

/// A random JSON value of at most `depth` levels, biased towards the target's vocabulary.
fn value(rng: &mut Rng, depth: usize, out: &mut String) {
    let choice = if depth == 0 {
        rng.below(5)
    } else {
        rng.below(8)
    };
    match choice {
        0 => out.push_str(rng.pick(&["null", "true", "false"])),
        1 | 2 => out.push_str(rng.pick(NUMBERS)),
        3 | 4 => {
            out.push('"');
            out.push_str(rng.pick(STRINGS));
            out.push('"');
        }
        5 => {
            out.push('[');
            for i in 0..rng.below(4) {
                if i > 0 {
                    out.push(',');
                }
                value(rng, depth - 1, out);
            }
            out.push(']');
        }
        _ => {
            out.push('{');
            for i in 0..rng.below(5) {
                if i > 0 {
                    out.push(',');
                }
                out.push('"');
                out.push_str(rng.pick(KEYS));
                out.push_str("\":");
                value(rng, depth - 1, out);
            }
            out.push('}');
        }
    }
}

/// A JSON-RPC message from the grammar: mostly well-formed, with random params.
fn message(rng: &mut Rng) -> String {
    let mut out = String::from("{");
    if !rng.chance(5) {
        out.push_str("\"jsonrpc\":\"2.0\",");
    }
    if !rng.chance(20) {
        out.push_str("\"id\":");
        if rng.chance(70) {
            out.push_str(&rng.below(100).to_string());
        } else {
            value(rng, 1, &mut out);
        }
        out.push(',');
    }
    out.push_str("\"method\":\"");
    out.push_str(rng.pick(METHODS));
    out.push('"');
    if !rng.chance(10) {
        out.push_str(",\"params\":{");
        for i in 0..rng.below(4) {
            if i > 0 {
                out.push(',');
            }
            out.push('"');
            out.push_str(rng.pick(KEYS));
            out.push_str("\":");
            value(rng, 4, &mut out);
        }
        out.push('}');
    }
    out.push('}');
    out
}

fn mutate(rng: &mut Rng, input: &mut Vec<u8>, pool: &[Vec<u8>], dictionary: &[Vec<u8>]) {
    for _ in 0..1 + rng.below(4) {
        let len = input.len();
        match rng.below(12) {
            0 if len > 0 => {
                let i = rng.below(len);
                input[i] ^= 1 << rng.below(8);
            }
            1 if len > 0 => {
                let i = rng.below(len);
                input[i] = rng.next() as u8;
            }
            2 => {
                let i = rng.below(len + 1);
                input.insert(i, rng.next() as u8);
            }
            3 if len > 0 => {
                let start = rng.below(len);
                let end = (start + 1 + rng.below(16)).min(len);
                input.drain(start..end);
            }
            4 if len > 0 => {
                let start = rng.below(len);
                let end = (start + 1 + rng.below(32)).min(len);
                let chunk = input[start..end].to_vec();
                let at = rng.below(input.len() + 1);
                input.splice(at..at, chunk);
            }
            5 | 6 if !dictionary.is_empty() => {
                let token = rng.pick_ref(dictionary).clone();
                let at = rng.below(len + 1);
                if rng.chance(50) || len == 0 {
                    input.splice(at..at, token);
                } else {
                    let end = (at + token.len()).min(len);
                    input.splice(at..end, token);
                }
            }
            7 => {
                // Replace a run of digits by an interesting number.
                if let Some(start) = input.iter().position(|b| b.is_ascii_digit()) {
                    let end = input[start..]
                        .iter()
                        .position(|b| !b.is_ascii_digit() && *b != b'.' && *b != b'e')
                        .map_or(input.len(), |n| start + n);
                    input.splice(start..end, rng.pick(NUMBERS).bytes());
                }
            }
            8 if !pool.is_empty() => {
                let other = rng.pick_ref(pool);
                let cut = rng.below(len + 1);
                let from = rng.below(other.len() + 1);
                input.truncate(cut);
                input.extend_from_slice(&other[from..]);
            }
            9 if len > 0 => {
                input.truncate(rng.below(len));
            }
            10 => {
                let depth = [1, 10, 127, 128, 129, 1000, 50_000][rng.below(7)];
                let opener: &[u8] = if rng.chance(50) { b"[" } else { b"{\"a\":" };
                let at = rng.below(len + 1);
                let nesting: Vec<u8> = opener.repeat(depth);
                input.splice(at..at, nesting);
            }
            11 if !pool.is_empty() => {
                // A second message on its own line.
                input.push(b'\n');
                let other = rng.pick_ref(pool).clone();
                input.extend_from_slice(&other);
            }
            _ => {}
        }
    }
    input.truncate(256 * 1024);
}

/// The entries of a libFuzzer dictionary (`"..."` or `name="..."` lines, `\"`, `\\`, `\xNN`).
fn read_dictionary(path: &Path) -> Vec<Vec<u8>> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return Vec::new();
    };
    let mut entries = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('#') {
            continue;
        }
        let (Some(start), Some(end)) = (line.find('"'), line.rfind('"')) else {
            continue;
        };
        if end <= start {
            continue;
        }
        let inner = &line.as_bytes()[start + 1..end];
        let mut entry = Vec::new();
        let mut i = 0;
        while i < inner.len() {
            match (inner[i], inner.get(i + 1)) {
                (b'\\', Some(b'x')) if i + 3 < inner.len() + 1 => {
                    let hex = std::str::from_utf8(&inner[i + 2..(i + 4).min(inner.len())])
                        .ok()
                        .and_then(|h| u8::from_str_radix(h, 16).ok());
                    entry.push(hex.unwrap_or(b'?'));
                    i += 4;
                }
                (b'\\', Some(&next)) => {
                    entry.push(match next {
                        b'n' => b'\n',
                        other => other,
                    });
                    i += 2;
                }
                (byte, _) => {
                    entry.push(byte);
                    i += 1;
                }
            }
        }
        entries.push(entry);
    }
    entries
}

fn hash(data: &[u8]) -> u64 {
    let mut hasher = DefaultHasher::new();
    data.hash(&mut hasher);
    hasher.finish()
}

fn save(dir: &Path, kind: &str, data: &[u8]) -> PathBuf {
    std::fs::create_dir_all(dir).expect("create the artifacts directory");
    let path = dir.join(format!("{kind}-{:016x}", hash(data)));
    std::fs::write(&path, data).expect("write the artifact");
    path
}

fn main() {
    let mut args = std::env::args().skip(1);
    let seconds: u64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(60);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let seeds = args
        .next()
        .map_or_else(|| root.join("seeds/dispatch"), PathBuf::from);
    let dictionary = read_dictionary(
        &args
            .next()
            .map_or_else(|| root.join("dispatch.dict"), PathBuf::from),
    );
    let artifacts = root.join("artifacts/stable");
    let seed: u64 = std::env::var("FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    let mut rng = Rng(seed.max(1).wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);

    let mut pool: Vec<Vec<u8>> = std::fs::read_dir(&seeds)
        .map(|dir| {
            let mut files: Vec<PathBuf> = dir.filter_map(|e| e.ok().map(|e| e.path())).collect();
            files.sort();
            files
                .into_iter()
                .filter_map(|path| std::fs::read(path).ok())
                .collect()
        })
        .unwrap_or_default();
    let seed_count = pool.len();
    assert!(seed_count > 0, "no seeds in {}", seeds.display());

    // Any panic, including one inside a spawned tool task that tokio would catch, is a finding.
    static PANICKED: AtomicBool = AtomicBool::new(false);
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        PANICKED.store(true, Ordering::SeqCst);
        default_hook(info);
    }));

    // A watchdog: an input that runs for 20 s is a hang.
    let current: Arc<Mutex<Vec<u8>>> = Arc::default();
    let progress = Arc::new(AtomicU64::new(0));
    {
        let (current, progress, artifacts) = (current.clone(), progress.clone(), artifacts.clone());
        std::thread::spawn(move || {
            let mut last = u64::MAX;
            loop {
                std::thread::sleep(Duration::from_secs(20));
                let now = progress.load(Ordering::SeqCst);
                if now == last {
                    let input = current.lock().unwrap_or_else(|p| p.into_inner()).clone();
                    let path = save(&artifacts, "hang", &input);
                    eprintln!("HANG: an input ran for 20 s; saved to {}", path.display());
                    std::process::abort();
                }
                last = now;
            }
        });
    }

    let started = Instant::now();
    let budget = Duration::from_secs(seconds);
    let mut signatures: HashSet<u64> = HashSet::new();
    let mut executions: u64 = 0;
    let mut next_report = Duration::from_secs(10);
    while started.elapsed() < budget {
        let input = if (executions as usize) < seed_count {
            pool[executions as usize].clone()
        } else if rng.chance(30) {
            let mut lines = message(&mut rng);
            for _ in 0..rng.below(3) {
                lines.push('\n');
                lines.push_str(&message(&mut rng));
            }
            let mut input = lines.into_bytes();
            if rng.chance(30) {
                mutate(&mut rng, &mut input, &pool, &dictionary);
            }
            input
        } else {
            let mut input = rng.pick_ref(&pool).clone();
            mutate(&mut rng, &mut input, &pool, &dictionary);
            input
        };
        current
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone_from(&input);
        let result = std::panic::catch_unwind(|| mcp_runtime_fuzz::run(&input));
        executions += 1;
        progress.store(executions, Ordering::SeqCst);
        let Ok(signature) = result.as_ref() else {
            let path = save(&artifacts, "crash", &input);
            eprintln!("FINDING: a panic; input saved to {}", path.display());
            std::process::exit(1);
        };
        if PANICKED.load(Ordering::SeqCst) {
            let path = save(&artifacts, "crash", &input);
            eprintln!(
                "FINDING after {executions} executions: a panic; input saved to {}",
                path.display()
            );
            std::process::exit(1);
        }
        let mut new = false;
        for line in signature {
            new |= signatures.insert(*line);
        }
        if new && pool.len() < 20_000 && input.len() < 64 * 1024 {
            pool.push(input);
        }
        if started.elapsed() >= next_report {
            eprintln!(
                "#{executions} {:.0} s, {:.0} exec/s, pool {}",
                started.elapsed().as_secs_f64(),
                executions as f64 / started.elapsed().as_secs_f64(),
                pool.len()
            );
            next_report += Duration::from_secs(10);
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    println!(
        "stable_fuzz: {executions} executions in {elapsed:.1} s ({:.0} exec/s), {} seeds, \
         {} inputs kept, {} outcome signatures, 0 findings",
        executions as f64 / elapsed,
        seed_count,
        pool.len() - seed_count,
        signatures.len()
    );
}
