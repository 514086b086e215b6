//! End to end with the official MCP conformance suite (npm `@modelcontextprotocol/conformance`,
//! pinned in tests/e2e/package.json): for each scenario below, the calculator runs as a real
//! server on a free loopback port and
//!
//! ```text
//! conformance server --url http://127.0.0.1:<port>/mcp --scenario <name> -o <temporary dir>
//! ```
//!
//! checks its Streamable HTTP endpoint. Asserted from the suite's own reports: it exits 0; its
//! summary line reads `Passed: N/N, 0 failed, 0 warnings` with N >= 1; and the per-check JSON it
//! writes (`<dir>/server-<name>-<time>/checks.json`) has every check SUCCESS (or INFO, which the
//! suite does not count), including the checks each scenario is known to make.
//!
//! Only these scenarios apply to the calculator: the suite's others look for specially named
//! tools, resources and prompts (`test_simple_text`, `test://static-text`, ...) or for logging,
//! completion, sampling and elicitation, which it does not have. The `everything` example has
//! them all, and runs the whole suite, pending scenarios included:
//!
//! ```text
//! conformance server --url http://127.0.0.1:<port>/mcp --suite all -o <temporary dir>
//! ```
//!
//! Needs `scripts/setup-e2e.sh` to have been run; fails (never skips) when it has not.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use mcp_tests::e2e::{conformance_bin, e2e_dir, run, temp_path, Server};
use serde_json::Value;

/// One scenario run (Node starting, a few requests) may take this long.
const SCENARIO_TIMEOUT: Duration = Duration::from_secs(60);

/// What one scenario reported.
struct Report {
    /// The summary line, e.g. `Passed: 2/2, 0 failed, 0 warnings`.
    summary: String,
    /// Every check of checks.json.
    checks: Vec<Value>,
}

impl Report {
    fn check(&self, id: &str) -> &Value {
        self.checks
            .iter()
            .find(|check| check["id"] == id)
            .unwrap_or_else(|| panic!("no check `{id}` in {:#?}", self.checks))
    }
}

/// The conformance suite's version, as installed.
fn suite_version() -> String {
    let path = e2e_dir().join("node_modules/@modelcontextprotocol/conformance/package.json");
    let manifest: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap_or_default())
        .unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()));
    manifest["version"].as_str().unwrap_or("?").to_owned()
}

/// Parses `Passed: <passed>/<counted>, <failed> failed, <warnings> warnings`.
fn parse_summary(line: &str) -> Option<(u32, u32, u32, u32)> {
    let rest = line.trim().strip_prefix("Passed: ")?;
    let (passed, rest) = rest.split_once('/')?;
    let (counted, rest) = rest.split_once(", ")?;
    let (failed, rest) = rest.split_once(" failed, ")?;
    let warnings = rest.strip_suffix(" warnings")?;
    Some((
        passed.parse().ok()?,
        counted.parse().ok()?,
        failed.parse().ok()?,
        warnings.parse().ok()?,
    ))
}

/// The only `checks.json` under `dir` (the suite writes `<dir>/server-<scenario>-<time>/`).
fn checks_file(dir: &Path) -> PathBuf {
    let found: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|err| panic!("the suite wrote no {}: {err}", dir.display()))
        .filter_map(|entry| entry.ok().map(|entry| entry.path().join("checks.json")))
        .filter(|path| path.is_file())
        .collect();
    assert_eq!(
        found.len(),
        1,
        "expected one checks.json under {}: {found:?}",
        dir.display()
    );
    found.into_iter().next().unwrap()
}

/// Runs `scenario` against `server`'s `/mcp` and asserts that the suite reports it passed with
/// nothing failed and no warnings.
fn run_scenario(server: &Server, scenario: &str) -> Report {
    let url = server.url("/mcp");
    let out = temp_path(&format!("conformance-{scenario}"));
    let mut command = Command::new(conformance_bin());
    command
        .current_dir(e2e_dir())
        .env("NO_PROXY", "127.0.0.1,localhost")
        .env("no_proxy", "127.0.0.1,localhost")
        .args(["server", "--url", &url, "--scenario", scenario, "-o"])
        .arg(&out);
    let output = run(&mut command, SCENARIO_TIMEOUT);
    let context = || {
        format!(
            "conformance server --url {url} --scenario {scenario}:\n{}\n--- server output ---\n{}",
            output.describe(),
            server.log()
        )
    };
    let summary = output
        .stdout
        .lines()
        .find(|line| line.starts_with("Passed: "))
        .unwrap_or_else(|| panic!("no `Passed: ` summary line from {}", context()))
        .trim()
        .to_owned();
    let (passed, counted, failed, warnings) = parse_summary(&summary)
        .unwrap_or_else(|| panic!("unparsable summary {summary:?} from {}", context()));
    assert!(
        failed == 0 && warnings == 0 && passed == counted && counted >= 1,
        "scenario {scenario} did not pass ({summary}) in {}",
        context()
    );
    assert!(output.status.success(), "the suite failed: {}", context());

    let path = checks_file(&out);
    let text = std::fs::read_to_string(&path).expect("read checks.json");
    let _ = std::fs::remove_dir_all(&out);
    let checks: Vec<Value> = serde_json::from_str(&text)
        .unwrap_or_else(|err| panic!("{} is not a JSON array ({err}): {text}", path.display()));
    for check in &checks {
        assert!(
            check["status"] == "SUCCESS" || check["status"] == "INFO",
            "scenario {scenario}: check {} is {}: {check:#}",
            check["id"],
            check["status"]
        );
    }
    let successes = checks.iter().filter(|c| c["status"] == "SUCCESS").count();
    assert_eq!(
        successes, passed as usize,
        "checks.json disagrees with `{summary}`: {checks:#?}"
    );
    // Shown with --nocapture.
    let ids: Vec<String> = checks
        .iter()
        .map(|c| {
            format!(
                "{}={}",
                c["id"].as_str().unwrap_or("?"),
                c["status"].as_str().unwrap_or("?")
            )
        })
        .collect();
    println!(
        "conformance {} {scenario} against {url}: {summary} [{}]",
        suite_version(),
        ids.join(", ")
    );
    Report { summary, checks }
}

fn assert_success(report: &Report, id: &str) {
    let check = report.check(id);
    assert_eq!(check["status"], "SUCCESS", "{}: {check:#}", report.summary);
}

#[test]
fn conformance_server_initialize() {
    let server = Server::start("calculator", None);
    let report = run_scenario(&server, "server-initialize");
    assert_success(&report, "server-initialize");
}

#[test]
fn conformance_ping() {
    let server = Server::start("calculator", None);
    let report = run_scenario(&server, "ping");
    assert_success(&report, "ping");
}

#[test]
fn conformance_tools_list() {
    let server = Server::start("calculator", None);
    let report = run_scenario(&server, "tools-list");
    assert_success(&report, "tools-list");
    let listed = &report.check("tools-list")["details"]["tools"];
    assert_eq!(
        *listed,
        serde_json::json!([
            "add",
            "divide",
            "multiply",
            "power",
            "statistics",
            "subtract"
        ]),
        "{}",
        report.summary
    );
}

#[test]
fn conformance_server_sse_multiple_streams() {
    // Three concurrent POSTs in one session; the calculator answers each with JSON, which the
    // suite accepts (SSE responses are optional) and notes as INFO.
    let server = Server::start("calculator", None);
    let report = run_scenario(&server, "server-sse-multiple-streams");
    assert_success(&report, "server-accepts-multiple-post-streams");
    let details = &report.check("server-accepts-multiple-post-streams")["details"];
    assert_eq!(details["numStreamsAccepted"], 3, "{details:#}");
}

#[test]
fn conformance_dns_rebinding_protection() {
    // The suite requires a loopback URL host (127.0.0.1 here): it sends `Host: evil.example.com`
    // and expects a 4xx, then a loopback Host and expects success.
    let server = Server::start("calculator", None);
    let report = run_scenario(&server, "dns-rebinding-protection");
    assert_success(&report, "localhost-host-rebinding-rejected");
    assert_success(&report, "localhost-host-valid-accepted");
    let rejected = &report.check("localhost-host-rebinding-rejected")["details"];
    assert_eq!(rejected["statusCode"], 403, "{rejected:#}");
}

#[test]
fn conformance_stateless_calculator() {
    // The same scenarios against `MCP_STATELESS=1`, except server-sse-multiple-streams: it needs
    // a session id, so against a stateless server it only warns that there is none.
    let server = Server::start_with_env("calculator", None, &[("MCP_STATELESS", "1")]);
    for scenario in [
        "server-initialize",
        "ping",
        "tools-list",
        "dns-rebinding-protection",
    ] {
        run_scenario(&server, scenario);
    }
}

// ---- everything: the whole suite ---------------------------------------------------------------

/// Every server scenario of the suite (`conformance list --server`), pending ones included.
const ALL_SCENARIOS: [&str; 32] = [
    "server-initialize",
    "logging-set-level",
    "ping",
    "completion-complete",
    "tools-list",
    "tools-call-simple-text",
    "tools-call-image",
    "tools-call-audio",
    "tools-call-embedded-resource",
    "tools-call-mixed-content",
    "tools-call-with-logging",
    "tools-call-error",
    "tools-call-with-progress",
    "tools-call-sampling",
    "tools-call-elicitation",
    "json-schema-2020-12",
    "elicitation-sep1034-defaults",
    "server-sse-polling",
    "server-sse-multiple-streams",
    "elicitation-sep1330-enums",
    "resources-list",
    "resources-read-text",
    "resources-read-binary",
    "resources-templates-read",
    "resources-subscribe",
    "resources-unsubscribe",
    "prompts-list",
    "prompts-get-simple",
    "prompts-get-with-args",
    "prompts-get-embedded-resource",
    "prompts-get-with-image",
    "dns-rebinding-protection",
];

/// The whole suite (about 40 scenarios' worth of sessions) runs in a few seconds; this leaves
/// room for a slow machine.
const SUITE_TIMEOUT: Duration = Duration::from_secs(180);

/// Parses `Total: <passed> passed, <failed> failed`.
fn parse_total(line: &str) -> Option<(u32, u32)> {
    let rest = line.trim().strip_prefix("Total: ")?;
    let (passed, rest) = rest.split_once(" passed, ")?;
    let failed = rest.strip_suffix(" failed")?;
    Some((passed.parse().ok()?, failed.parse().ok()?))
}

/// Every `checks.json` under `dir`, by scenario (`<dir>/server-<scenario>-<time>/checks.json`).
fn all_checks(dir: &Path) -> Vec<(String, Vec<Value>)> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir)
        .unwrap_or_else(|err| panic!("the suite wrote no {}: {err}", dir.display()))
        .filter_map(Result::ok)
    {
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path().join("checks.json");
        if !path.is_file() {
            continue;
        }
        let scenario = ALL_SCENARIOS
            .iter()
            .filter(|scenario| name.starts_with(&format!("server-{scenario}-")))
            .max_by_key(|scenario| scenario.len())
            .unwrap_or_else(|| panic!("{} is not of a known scenario", path.display()));
        let text = std::fs::read_to_string(&path).expect("read checks.json");
        let checks: Vec<Value> = serde_json::from_str(&text)
            .unwrap_or_else(|err| panic!("{} is not a JSON array ({err})", path.display()));
        found.push(((*scenario).to_owned(), checks));
    }
    found.sort_by(|a, b| a.0.cmp(&b.0));
    found
}

#[test]
fn conformance_suite_all_against_everything() {
    let server = Server::start("everything", None);
    let url = server.url("/mcp");
    let out = temp_path("conformance-all");
    let mut command = Command::new(conformance_bin());
    command
        .current_dir(e2e_dir())
        .env("NO_PROXY", "127.0.0.1,localhost")
        .env("no_proxy", "127.0.0.1,localhost")
        .args(["server", "--url", &url, "--suite", "all", "-o"])
        .arg(&out);
    let output = run(&mut command, SUITE_TIMEOUT);
    let context = || {
        format!(
            "conformance server --url {url} --suite all:\n{}\n--- server output ---\n{}",
            output.describe(),
            server.log()
        )
    };

    // The suite's own verdict: its summary line, one line per scenario, and its exit status.
    let total = output
        .stdout
        .lines()
        .find(|line| line.starts_with("Total: "))
        .unwrap_or_else(|| panic!("no `Total: ` line from {}", context()))
        .trim()
        .to_owned();
    let (passed, failed) =
        parse_total(&total).unwrap_or_else(|| panic!("unparsable {total:?} from {}", context()));
    assert_eq!(failed, 0, "`{total}` in {}", context());
    assert!(
        passed >= 40,
        "`{total}`: fewer checks than expected in {}",
        context()
    );
    assert!(output.status.success(), "the suite failed: {}", context());
    for scenario in ALL_SCENARIOS {
        let line = format!("✓ {scenario}: ");
        assert!(
            output.stdout.lines().any(|l| l.starts_with(&line)),
            "no `{line}..` line: the scenario did not run or failed, in {}",
            context()
        );
    }

    // Its per-check reports: nothing failed; warnings are allowed but shown.
    let reports = all_checks(&out);
    let _ = std::fs::remove_dir_all(&out);
    let scenarios: Vec<&str> = reports.iter().map(|(name, _)| name.as_str()).collect();
    let mut expected = ALL_SCENARIOS.to_vec();
    expected.sort_unstable();
    assert_eq!(scenarios, expected, "one checks.json per scenario");
    let mut successes = 0;
    let mut warnings = Vec::new();
    for (scenario, checks) in &reports {
        for check in checks {
            match check["status"].as_str() {
                Some("SUCCESS") => successes += 1,
                Some("INFO") => {}
                Some("WARNING") => warnings.push(format!(
                    "{scenario}/{}: {}",
                    check["id"].as_str().unwrap_or("?"),
                    check["errorMessage"].as_str().unwrap_or("")
                )),
                _ => panic!("scenario {scenario}: check {check:#} in {}", context()),
            }
        }
    }
    assert_eq!(successes, passed, "checks.json disagrees with `{total}`");
    let status = |scenario: &str, id: &str| {
        let (_, checks) = reports
            .iter()
            .find(|(name, _)| name == scenario)
            .expect("every scenario reported");
        checks
            .iter()
            .find(|check| check["id"] == id)
            .unwrap_or_else(|| panic!("no check {id} in {scenario}: {checks:#?}"))["status"]
            .clone()
    };
    // The checks of the scenarios that need more than a named item.
    for (scenario, id) in [
        ("json-schema-2020-12", "json-schema-2020-12-$schema"),
        ("json-schema-2020-12", "json-schema-2020-12-$defs"),
        (
            "json-schema-2020-12",
            "json-schema-2020-12-additionalProperties",
        ),
        (
            "elicitation-sep1034-defaults",
            "elicitation-sep1034-enum-default",
        ),
        (
            "elicitation-sep1330-enums",
            "elicitation-sep1330-titled-single",
        ),
        (
            "elicitation-sep1330-enums",
            "elicitation-sep1330-legacy-enumnames",
        ),
        (
            "elicitation-sep1330-enums",
            "elicitation-sep1330-titled-multi",
        ),
        ("tools-call-with-logging", "tools-call-with-logging"),
        ("tools-call-with-progress", "tools-call-with-progress"),
        ("resources-unsubscribe", "resources-unsubscribe"),
    ] {
        assert_eq!(status(scenario, id), "SUCCESS", "{scenario}: {id}");
    }
    // Shown with --nocapture.
    println!(
        "conformance {} --suite all against everything at {url}: {total}; warnings: {}",
        suite_version(),
        if warnings.is_empty() {
            "none".to_owned()
        } else {
            warnings.join("; ")
        }
    );
}

/// `conformance server --requirements <set>` (the 0.2.0 prerelease, on Node 22) against the
/// everything example: per scenario, `✓`/`✗` and its counts.
fn run_requirements(set: &str) -> Vec<(String, bool, u32, u32)> {
    run_requirements_with(set, &[])
}

/// [`run_requirements`] against the everything example started with `env`.
fn run_requirements_with(set: &str, env: &[(&str, &str)]) -> Vec<(String, bool, u32, u32)> {
    let server = Server::start_with_env("everything", None, env);
    let url = server.url("/mcp");
    let mut command = mcp_tests::e2e::conformance_2026();
    command
        .current_dir(e2e_dir())
        .env("NO_PROXY", "127.0.0.1,localhost")
        .env("no_proxy", "127.0.0.1,localhost")
        .args(["server", "--url", &url, "--requirements", set]);
    let output = run(&mut command, SUITE_TIMEOUT);
    let mut scenarios = Vec::new();
    for line in output.stdout.lines() {
        // `✓ tools-list: 4 passed, 0 failed` (the summary's indented lines repeat names only).
        let (passed_mark, rest) =
            match line.split_at_checked(line.char_indices().nth(1).map_or(0, |(i, _)| i)) {
                Some(("✓", rest)) => (true, rest),
                Some(("✗", rest)) => (false, rest),
                _ => continue,
            };
        let Some((name, counts)) = rest.trim().split_once(": ") else {
            continue;
        };
        let Some((passed, failed)) = parse_total(&format!("Total: {counts}")) else {
            continue;
        };
        scenarios.push((name.to_owned(), passed_mark, passed, failed));
    }
    assert!(
        !scenarios.is_empty(),
        "no scenario lines from conformance server --requirements {set}:\n{}\n--- server ---\n{}",
        output.describe(),
        server.log()
    );
    scenarios
}

#[test]
fn conformance_2026_07_28_requirements_against_everything() {
    let scenarios = run_requirements("2026-07-28");
    let mut failing = Vec::new();
    for (name, passed, checks_passed, checks_failed) in &scenarios {
        if !passed || *checks_failed > 0 {
            failing.push(format!(
                "{name}: {checks_passed} passed, {checks_failed} failed"
            ));
        }
    }
    assert!(
        failing.is_empty(),
        "2026-07-28 scenarios failing: {failing:#?}"
    );
    // The stateless core and the era's HTTP rules are among what passes.
    for must in [
        "caching",
        "sep-2164-resource-not-found",
        "http-header-validation",
        "input-required-result-unsupported-methods",
        "input-required-result-multiple-input-requests",
        "input-required-result-multi-round",
        "input-required-result-tampered-state",
        "input-required-result-capability-check",
        "input-required-result-non-tool-request",
        "server-stateless",
        "json-schema-2020-12",
        "http-custom-header-server-validation",
        "tools-call-with-progress",
        "dns-rebinding-protection",
        // The tasks extension (unscored in the set, required here).
        "tasks-lifecycle",
        "tasks-capability-negotiation",
        "tasks-wire-fields",
        "tasks-request-state-removal",
        "tasks-mrtr-input",
        "tasks-request-headers",
        "tasks-dispatch-and-envelope",
        "tasks-required-task-error",
        "tasks-mrtr-composition",
    ] {
        assert!(
            scenarios
                .iter()
                .any(|(name, passed, _, _)| name == must && *passed),
            "{must} did not run or did not pass: {scenarios:#?}"
        );
    }
    assert!(
        scenarios.len() >= 45,
        "fewer scenarios than the set has: {scenarios:#?}"
    );
}

/// The tasks scenarios again, with the everything example keeping its tasks in a real Redis
/// (`MCP_REDIS_URL`): the Redis task store passes what the in-memory one does.
#[test]
fn conformance_2026_07_28_tasks_with_the_redis_task_store() {
    let redis = mcp_tests::e2e::RedisServer::start();
    let url = redis.url();
    let scenarios = run_requirements_with("2026-07-28", &[("MCP_REDIS_URL", &url)]);
    let tasks: Vec<_> = scenarios
        .iter()
        .filter(|(name, ..)| name.starts_with("tasks-"))
        .collect();
    assert!(
        tasks.len() >= 10,
        "the tasks scenarios did not run: {scenarios:#?}"
    );
    let failing: Vec<_> = scenarios
        .iter()
        .filter(|(_, passed, _, failed)| !passed || *failed > 0)
        .collect();
    assert!(failing.is_empty(), "with Redis, failing: {failing:#?}");
}

#[test]
fn conformance_2025_11_25_requirements_against_everything() {
    let scenarios = run_requirements("2025-11-25");
    // Every scenario, those the set runs unscored (pending, added after the release) too.
    let failing: Vec<_> = scenarios
        .iter()
        .filter(|(_, passed, _, failed)| !passed || *failed > 0)
        .collect();
    assert!(
        failing.is_empty(),
        "2025-11-25 scenarios failing: {failing:#?}"
    );
    assert!(
        scenarios.len() >= 30,
        "fewer scenarios than the set has: {scenarios:#?}"
    );
}
