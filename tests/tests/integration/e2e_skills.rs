//! Agent Skills end to end, against the everything example (its `examples/skills/`, compiled
//! into the binary): the conformance suite's SEP-2640 scenarios (0.2.0-alpha.12, 2026-07-28)
//! pass with nothing failed, and the MCP Inspector 2.x lists skills, gets one and `--verify`s
//! every file's size and digest and the frontmatter, over Streamable HTTP (both eras),
//! HTTP+SSE and stdio (both eras).
//!
//! Needs `scripts/setup-e2e.sh` to have been run; fails (never skips) when it has not.

use std::time::Duration;

use mcp_tests::e2e::{conformance_2026, e2e_dir, example_binary, inspector2, run, Server};
use serde_json::Value;

const TIMEOUT: Duration = Duration::from_secs(60);

#[test]
fn the_skills_scenarios_of_the_conformance_suite_pass_against_the_everything_example() {
    let server = Server::start("everything", None);
    let url = server.url("/mcp");
    for scenario in [
        "sep-2640-skills-directory",
        "sep-2640-skills-enumeration",
        "sep-2640-skills-manifest",
    ] {
        let mut command = conformance_2026();
        command
            .current_dir(e2e_dir())
            .env("NO_PROXY", "127.0.0.1,localhost")
            .env("no_proxy", "127.0.0.1,localhost")
            .args(["server", "--url", &url, "--scenario", scenario]);
        let output = run(&mut command, TIMEOUT);
        let summary = output
            .stdout
            .lines()
            .find(|line| line.starts_with("Passed: "))
            .unwrap_or_else(|| panic!("{scenario}: no summary:\n{}", output.describe()));
        assert!(
            output.status.success() && summary.contains(" 0 failed, 0 warnings"),
            "{scenario}: {summary}\n{}\n--- server ---\n{}",
            output.describe(),
            server.log()
        );
        // Nothing skipped: the directory scenario runs only when `directoryRead` is declared.
        let (passed, total) = summary["Passed: ".len()..]
            .split_once(',')
            .and_then(|(counts, _)| counts.split_once('/'))
            .expect("Passed: n/m");
        assert_eq!(passed, total, "{scenario}: {summary}");
    }
}

/// The Inspector's output: one JSON document, or one per line (`--verify` reports).
fn inspector(args: &[&str]) -> Vec<Value> {
    let mut command = inspector2();
    command.args(args);
    let output = run(&mut command, TIMEOUT);
    assert!(
        output.status.success(),
        "inspector --cli {args:?} failed:\n{}",
        output.describe()
    );
    if let Ok(whole) = serde_json::from_str(&output.stdout) {
        return vec![whole];
    }
    output
        .stdout
        .lines()
        .map(|line| {
            serde_json::from_str(line).unwrap_or_else(|err| {
                panic!(
                    "inspector --cli {args:?}: not JSON ({err}): {line}\n{}",
                    output.describe()
                )
            })
        })
        .collect()
}

fn check_skills(how: &str, before: &[&str], after: &[&str]) {
    let verified = inspector(&[before, &["--method", "skills/list", "--verify"], after].concat());
    let names: Vec<&str> = verified.iter().filter_map(|r| r["name"].as_str()).collect();
    assert_eq!(
        names,
        ["git-workflow", "pdf-processing"],
        "{how}: {verified:#?}"
    );
    for report in &verified {
        assert_eq!(report["outcome"], "verified", "{how}: {report:#}");
        let files = report["files"].as_array().expect("files");
        assert!(
            files.len() >= 3 && files.iter().all(|file| file["status"] == "verified"),
            "{how}: {report:#}"
        );
    }
    let got = inspector(
        &[
            before,
            &[
                "--method",
                "skills/get",
                "--uri",
                "skill://pdf-processing/SKILL.md",
            ],
            after,
        ]
        .concat(),
    );
    let skill = &got[0]["skill"];
    assert_eq!(
        skill["frontmatter"]["name"], "pdf-processing",
        "{how}: {got:#?}"
    );
    let uris: Vec<&str> = skill["resources"]
        .as_array()
        .expect("a manifest")
        .iter()
        .filter_map(|file| file["uri"].as_str())
        .collect();
    assert_eq!(
        uris,
        [
            "skill://pdf-processing/SKILL.md",
            "skill://pdf-processing/assets/logo.png",
            "skill://pdf-processing/templates/invoice.md",
        ],
        "{how}"
    );
}

#[test]
fn the_inspector_lists_gets_and_verifies_the_skills_over_every_transport_and_era() {
    let server = Server::start("everything", None);
    let mcp = server.url("/mcp");
    let sse = server.url("/sse");
    for era in ["modern", "legacy"] {
        let how = format!("Streamable HTTP, {era}");
        check_skills(
            &how,
            &[&mcp, "--transport", "http", "--protocol-era", era],
            &[],
        );
    }
    check_skills("HTTP+SSE", &[&sse, "--transport", "sse"], &[]);
    let everything = example_binary("everything");
    let everything = everything.to_str().unwrap();
    for era in ["modern", "legacy"] {
        let how = format!("stdio, {era}");
        check_skills(
            &how,
            &["--protocol-era", era],
            &["--", everything, "--stdio"],
        );
    }
}
