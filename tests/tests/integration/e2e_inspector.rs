//! End to end with the official MCP Inspector CLI (npm `@modelcontextprotocol/inspector`, pinned
//! in tests/e2e/package.json), over every transport the calculator serves:
//!
//! * HTTP+SSE: the example binaries run as real servers on free loopback ports, and
//!   `mcp-inspector --cli <url>/sse --transport sse --method ...` talks to them;
//! * Streamable HTTP: `mcp-inspector --cli <url>/mcp --transport http --method ...`, against the
//!   calculator both stateful (sessions) and stateless (`MCP_STATELESS=1`);
//! * stdio: `mcp-inspector --cli target/<profile>/calculator --transport stdio --method ... --
//!   --stdio`, the Inspector launching the server itself and speaking over its stdin/stdout.
//!
//! Its JSON output is parsed and checked. The `everything` example's resources, resource
//! templates and prompts are listed, read and rendered over HTTP+SSE and Streamable HTTP.
//!
//! Needs `scripts/setup-e2e.sh` to have been run; fails (never skips) when it has not.

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use mcp_tests::e2e::{example_binary, inspector_bin, run, Server};
use serde_json::{json, Value};

/// One Inspector CLI run (two Node processes starting, connect, one request) may take this long.
const INSPECTOR_TIMEOUT: Duration = Duration::from_secs(40);

/// Where the Inspector CLI connects, and over which transport.
enum Target<'a> {
    /// A running server's URL, with `--transport sse` or `--transport http`.
    Url {
        server: &'a Server,
        url: String,
        transport: &'static str,
    },
    /// A server binary that the Inspector starts itself, with `--transport stdio`; `args` go to
    /// the server (after `--`).
    Stdio {
        program: PathBuf,
        args: &'static [&'static str],
    },
}

impl<'a> Target<'a> {
    /// HTTP+SSE at `server`'s `path` (e.g. `/sse`).
    fn sse(server: &'a Server, path: &str) -> Self {
        Target::Url {
            server,
            url: server.url(path),
            transport: "sse",
        }
    }

    /// Streamable HTTP at `server`'s `path` (e.g. `/mcp`).
    fn http(server: &'a Server, path: &str) -> Self {
        Target::Url {
            server,
            url: server.url(path),
            transport: "http",
        }
    }

    /// The calculator binary, launched by the Inspector as `calculator --stdio`.
    fn calculator_stdio() -> Self {
        Target::Stdio {
            program: example_binary("calculator"),
            args: &["--stdio"],
        }
    }

    /// The Inspector's command line: `--cli <target> --transport <t> <args> [-- <server args>]`.
    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(inspector_bin());
        command.current_dir(mcp_tests::e2e::e2e_dir()).arg("--cli");
        match self {
            Target::Url { url, transport, .. } => {
                command
                    .args([url.as_str(), "--transport", transport])
                    .args(args);
            }
            Target::Stdio {
                program,
                args: server_args,
            } => {
                // The launcher passes what follows `--` on to the server command.
                command
                    .arg(program)
                    .args(["--transport", "stdio"])
                    .args(args)
                    .arg("--")
                    .args(server_args.iter());
            }
        }
        command
    }

    /// What the server printed so far, for failure messages.
    fn server_log(&self) -> String {
        match self {
            Target::Url { server, .. } => server.log(),
            Target::Stdio { .. } => {
                "(not captured: the Inspector starts a stdio server itself and drops its stderr)"
                    .to_owned()
            }
        }
    }

    fn describe(&self) -> String {
        match self {
            Target::Url { url, transport, .. } => format!("{url} --transport {transport}"),
            Target::Stdio { program, args } => {
                format!("{} {} --transport stdio", program.display(), args.join(" "))
            }
        }
    }
}

/// Runs the Inspector CLI against `target` with `args`; returns its JSON output.
fn inspector(target: &Target, args: &[&str]) -> Value {
    let output = run(&mut target.command(args), INSPECTOR_TIMEOUT);
    let what = target.describe();
    assert!(
        output.status.success(),
        "mcp-inspector --cli {what} {args:?} failed:\n{}\n--- server output ---\n{}",
        output.describe(),
        target.server_log()
    );
    serde_json::from_str(&output.stdout).unwrap_or_else(|err| {
        panic!(
            "mcp-inspector --cli {what} {args:?} printed no JSON ({err}):\n{}",
            output.describe()
        )
    })
}

fn list_tools(target: &Target) -> Vec<Value> {
    let listed = inspector(target, &["--method", "tools/list"]);
    listed["tools"]
        .as_array()
        .unwrap_or_else(|| panic!("tools/list has no tools array: {listed:#}"))
        .clone()
}

fn call_tool(target: &Target, tool: &str, args: &[&str]) -> Value {
    let mut all = vec!["--method", "tools/call", "--tool-name", tool];
    if !args.is_empty() {
        all.push("--tool-arg");
        all.extend_from_slice(args);
    }
    inspector(target, &all)
}

fn tool<'a>(tools: &'a [Value], name: &str) -> &'a Value {
    tools
        .iter()
        .find(|tool| tool["name"] == name)
        .unwrap_or_else(|| panic!("tools/list lacks `{name}`: {tools:#?}"))
}

fn names(tools: &[Value]) -> Vec<&str> {
    let mut names: Vec<&str> = tools
        .iter()
        .filter_map(|tool| tool["name"].as_str())
        .collect();
    names.sort_unstable();
    names
}

/// The only text of a tool result's content.
fn text(result: &Value) -> &str {
    let content = result["content"]
        .as_array()
        .unwrap_or_else(|| panic!("the result has no content array: {result:#}"));
    assert_eq!(content.len(), 1, "expected one content block: {result:#}");
    assert_eq!(
        content[0]["type"], "text",
        "expected a text block: {result:#}"
    );
    content[0]["text"]
        .as_str()
        .unwrap_or_else(|| panic!("text block without text: {result:#}"))
}

fn assert_ok(result: &Value) {
    assert_ne!(result["isError"], true, "expected success: {result:#}");
}

fn assert_error_naming(result: &Value, argument: &str) {
    assert_eq!(
        result["isError"], true,
        "expected an isError result: {result:#}"
    );
    let message = text(result);
    assert!(
        message.contains(&format!("`{argument}`")),
        "the error should name the argument `{argument}`: {message:?}"
    );
}

/// `add(a: i64, b: i64)` as both examples declare it.
fn assert_add_schema(add: &Value) {
    assert_eq!(add["description"], "Add two numbers.", "{add:#}");
    let schema = &add["inputSchema"];
    assert_eq!(schema["type"], "object", "{add:#}");
    assert_eq!(schema["required"], json!(["a", "b"]), "{add:#}");
    let properties = schema["properties"].as_object().expect("properties");
    assert_eq!(properties.keys().collect::<Vec<_>>(), ["a", "b"], "{add:#}");
    for parameter in ["a", "b"] {
        assert_eq!(properties[parameter]["type"], "integer", "{add:#}");
    }
}

/// The calculator's six tools, as every transport lists them.
fn assert_calculator_tools(tools: &[Value]) {
    assert_eq!(
        names(tools),
        [
            "add",
            "divide",
            "multiply",
            "power",
            "statistics",
            "subtract"
        ]
    );
    let add = tool(tools, "add");
    assert_add_schema(add);
    assert_eq!(add["annotations"]["readOnlyHint"], true, "{add:#}");

    let power = &tool(tools, "power")["inputSchema"];
    assert_eq!(
        power["required"],
        json!(["base"]),
        "defaults are not required: {power:#}"
    );
    assert_eq!(power["properties"]["exponent"]["default"], 2, "{power:#}");

    let statistics = tool(tools, "statistics");
    let output = &statistics["outputSchema"];
    assert_eq!(
        output["type"], "object",
        "statistics declares its output: {statistics:#}"
    );
    for field in ["count", "sum", "mean", "min", "max"] {
        assert!(
            output["properties"].get(field).is_some(),
            "outputSchema lacks {field}: {output:#}"
        );
    }
}

fn assert_divide_by_zero_message(result: &Value) {
    assert_eq!(result["isError"], true, "{result:#}");
    assert_eq!(
        text(result),
        "cannot divide by zero: pass a non-zero divisor"
    );
}

/// The result of `statistics(numbers=[1,2,6])`. The Inspector lists the tools before calling
/// one, so its SDK has also validated structuredContent against the listed outputSchema.
fn assert_statistics_of_1_2_6(result: &Value) {
    assert_ok(result);
    let structured = result["structuredContent"]
        .as_object()
        .unwrap_or_else(|| panic!("no structuredContent object: {result:#}"));
    // Compared as numbers: Node prints 9.0 as 9.
    let got: Vec<(&str, Option<f64>)> = structured
        .iter()
        .map(|(key, value)| (key.as_str(), value.as_f64()))
        .collect();
    let expected = [
        ("count", 3.0),
        ("sum", 9.0),
        ("mean", 3.0),
        ("min", 1.0),
        ("max", 6.0),
    ];
    let expected: Vec<(&str, Option<f64>)> = expected
        .iter()
        .map(|&(key, value)| (key, Some(value)))
        .collect();
    assert_eq!(got, expected, "{result:#}");
    assert_eq!(structured["count"], 3, "count is an integer: {result:#}");
}

/// Lists the calculator's tools and calls add, divide (by zero, then not), statistics and add
/// with a wrong argument type through `target`, checking every answer.
fn assert_calculator_over(target: &Target) {
    assert_calculator_tools(&list_tools(target));

    let result = call_tool(target, "add", &["a=2", "b=3"]);
    assert_ok(&result);
    assert_eq!(text(&result), "5", "{result:#}");

    assert_divide_by_zero_message(&call_tool(target, "divide", &["dividend=1", "divisor=0"]));
    let result = call_tool(target, "divide", &["dividend=7", "divisor=2"]);
    assert_ok(&result);
    assert_eq!(text(&result), "3.5", "{result:#}");

    assert_statistics_of_1_2_6(&call_tool(target, "statistics", &["numbers=[1,2,6]"]));

    // The Inspector converts by the schema: 2.5 stays a float, for an integer parameter.
    assert_error_naming(&call_tool(target, "add", &["a=2.5", "b=3"]), "a");
}

// ---- calculator, mounted at the root: /sse -----------------------------------------------

#[test]
fn calculator_tools_list() {
    let server = Server::start("calculator", None);
    assert_calculator_tools(&list_tools(&Target::sse(&server, "/sse")));
}

#[test]
fn calculator_add_answers_5() {
    let server = Server::start("calculator", None);
    let result = call_tool(&Target::sse(&server, "/sse"), "add", &["a=2", "b=3"]);
    assert_ok(&result);
    assert_eq!(text(&result), "5", "{result:#}");
}

#[test]
fn calculator_divide_by_zero_is_an_error_result() {
    let server = Server::start("calculator", None);
    let sse = Target::sse(&server, "/sse");
    assert_divide_by_zero_message(&call_tool(&sse, "divide", &["dividend=1", "divisor=0"]));
    // ...and the session's next call still works.
    let result = call_tool(&sse, "divide", &["dividend=7", "divisor=2"]);
    assert_ok(&result);
    assert_eq!(text(&result), "3.5", "{result:#}");
}

#[test]
fn calculator_wrong_argument_types_are_error_results_naming_the_argument() {
    let server = Server::start("calculator", None);
    let sse = Target::sse(&server, "/sse");
    // The Inspector converts by the schema: 2.5 stays a float, for an integer parameter.
    assert_error_naming(&call_tool(&sse, "add", &["a=2.5", "b=3"]), "a");
    // Not JSON, so the Inspector sends the string "oops" for an array parameter.
    assert_error_naming(&call_tool(&sse, "statistics", &["numbers=oops"]), "numbers");
}

#[test]
fn calculator_structured_output() {
    let server = Server::start("calculator", None);
    let result = call_tool(
        &Target::sse(&server, "/sse"),
        "statistics",
        &["numbers=[1,2,6]"],
    );
    assert_statistics_of_1_2_6(&result);
}

// ---- calculator over Streamable HTTP (/mcp) and stdio ----------------------------------------

#[test]
fn calculator_streamable_http_lists_and_calls_tools() {
    let server = Server::start("calculator", None);
    assert_calculator_over(&Target::http(&server, "/mcp"));
}

#[test]
fn calculator_stateless_streamable_http_lists_and_calls_tools() {
    let server = Server::start_with_env("calculator", None, &[("MCP_STATELESS", "1")]);
    assert_calculator_over(&Target::http(&server, "/mcp"));
}

#[test]
fn calculator_stdio_lists_and_calls_tools() {
    // No server is started here: each Inspector run launches `calculator --stdio` itself (it
    // ends with the Inspector's process group).
    assert_calculator_over(&Target::calculator_stdio());
}

// ---- mount_existing: MCP under /api/mcp next to the app's own routes -------------------------

#[test]
fn mounted_tools_list() {
    let server = Server::start("mount_existing", None);
    let tools = list_tools(&Target::sse(&server, "/api/mcp/sse"));
    assert_eq!(names(&tools), ["add", "greet"]);
    assert_add_schema(tool(&tools, "add"));
    let greet = &tool(&tools, "greet")["inputSchema"];
    assert_eq!(greet["required"], json!(["name"]), "{greet:#}");
    assert_eq!(
        greet["properties"]["greeting"]["default"], "Hello",
        "{greet:#}"
    );
}

#[test]
fn mounted_add_answers_5_and_greet_uses_its_default() {
    let server = Server::start("mount_existing", None);
    let sse = Target::sse(&server, "/api/mcp/sse");
    let result = call_tool(&sse, "add", &["a=2", "b=3"]);
    assert_ok(&result);
    assert_eq!(text(&result), "5", "{result:#}");
    let result = call_tool(&sse, "greet", &["name=Ada"]);
    assert_ok(&result);
    assert_eq!(text(&result), "Hello, Ada!", "{result:#}");
}

#[test]
fn mounted_wrong_argument_type_is_an_error_result_naming_the_argument() {
    let server = Server::start("mount_existing", None);
    let sse = Target::sse(&server, "/api/mcp/sse");
    assert_error_naming(&call_tool(&sse, "add", &["a=2", "b=3.5"]), "b");
}

#[test]
fn mounted_unknown_tool_is_a_protocol_error() {
    // mount_existing has no `divide`: an unknown tool stays a protocol error (-32602), which the
    // Inspector reports as a failure, not as an isError result.
    let server = Server::start("mount_existing", None);
    let mut command = Command::new(inspector_bin());
    command.current_dir(mcp_tests::e2e::e2e_dir()).args([
        "--cli",
        &server.url("/api/mcp/sse"),
        "--transport",
        "sse",
        "--method",
        "tools/call",
        "--tool-name",
        "divide",
        "--tool-arg",
        "dividend=1",
        "divisor=0",
    ]);
    let output = run(&mut command, INSPECTOR_TIMEOUT);
    assert!(!output.status.success(), "{}", output.describe());
    let all = format!("{}{}", output.stdout, output.stderr);
    assert!(
        all.contains("-32602") && all.contains("`divide`"),
        "the failure should be error -32602 naming the tool:\n{}",
        output.describe()
    );
}

// ---- everything: resources, templates and prompts over SSE and Streamable HTTP ----------------

/// `listed[key]`, sorted by `field`.
fn sorted_by<'a>(listed: &'a Value, key: &str, field: &str) -> Vec<&'a Value> {
    let mut items: Vec<&Value> = listed[key]
        .as_array()
        .unwrap_or_else(|| panic!("no `{key}` array: {listed:#}"))
        .iter()
        .collect();
    items.sort_by_key(|item| item[field].as_str().unwrap_or_default().to_owned());
    items
}

/// Lists the everything example's resources, templates and prompts through `target`, reads a
/// resource and a template, and gets prompts with and without arguments.
fn assert_everything_over(target: &Target) {
    let listed = inspector(target, &["--method", "resources/list"]);
    let mut resources = sorted_by(&listed, "resources", "uri");
    let uris: Vec<&str> = resources.iter().filter_map(|r| r["uri"].as_str()).collect();
    assert_eq!(
        uris,
        [
            // Its skills' SKILL.md files (the skills extension); its app's UI is not listed.
            "skill://git-workflow/SKILL.md",
            "skill://pdf-processing/SKILL.md",
            "test://static-binary",
            "test://static-text",
            "test://watched-resource"
        ],
        "{listed:#}"
    );
    resources.retain(|resource| {
        resource["uri"]
            .as_str()
            .is_some_and(|u| u.starts_with("test://"))
    });
    assert_eq!(resources[0]["mimeType"], "image/png", "{listed:#}");
    assert_eq!(resources[1]["name"], "static-text", "{listed:#}");
    assert_eq!(
        resources[1]["description"], "A static text resource.",
        "{listed:#}"
    );

    let listed = inspector(target, &["--method", "resources/templates/list"]);
    let templates = sorted_by(&listed, "resourceTemplates", "uriTemplate");
    assert_eq!(templates.len(), 1, "{listed:#}");
    assert_eq!(
        templates[0]["uriTemplate"], "test://template/{id}/data",
        "{listed:#}"
    );
    assert_eq!(templates[0]["mimeType"], "application/json", "{listed:#}");

    let listed = inspector(target, &["--method", "prompts/list"]);
    let prompts = sorted_by(&listed, "prompts", "name");
    let names: Vec<&str> = prompts.iter().filter_map(|p| p["name"].as_str()).collect();
    assert_eq!(
        names,
        [
            "seasonal_prompt",
            "test_input_required_result_prompt",
            "test_prompt_with_arguments",
            "test_prompt_with_embedded_resource",
            "test_prompt_with_image",
            "test_simple_prompt"
        ],
        "{listed:#}"
    );
    assert_eq!(
        prompts[2]["arguments"],
        json!([
            {"name": "arg1", "description": "First test argument.", "required": true},
            {"name": "arg2", "description": "Second test argument.", "required": true},
        ]),
        "{listed:#}"
    );

    let read = inspector(
        target,
        &["--method", "resources/read", "--uri", "test://static-text"],
    );
    assert_eq!(
        read["contents"],
        json!([{
            "uri": "test://static-text",
            "mimeType": "text/plain",
            "text": "This is the content of the static text resource.",
        }]),
        "{read:#}"
    );
    let read = inspector(
        target,
        &[
            "--method",
            "resources/read",
            "--uri",
            "test://template/42/data",
        ],
    );
    let content = &read["contents"][0];
    assert_eq!(content["uri"], "test://template/42/data", "{read:#}");
    assert_eq!(content["mimeType"], "application/json", "{read:#}");
    let data: Value = serde_json::from_str(content["text"].as_str().unwrap_or_default())
        .unwrap_or_else(|err| panic!("the template's text is not JSON ({err}): {read:#}"));
    assert_eq!(
        data,
        json!({"id": "42", "templateTest": true, "data": "Data for ID: 42"})
    );

    let got = inspector(
        target,
        &[
            "--method",
            "prompts/get",
            "--prompt-name",
            "test_prompt_with_arguments",
            "--prompt-args",
            "arg1=hello",
            "arg2=world",
        ],
    );
    assert_eq!(
        got["messages"],
        json!([{
            "role": "user",
            "content": {"type": "text", "text": "Prompt with arguments: arg1='hello', arg2='world'"},
        }]),
        "{got:#}"
    );
    let got = inspector(
        target,
        &[
            "--method",
            "prompts/get",
            "--prompt-name",
            "test_prompt_with_image",
        ],
    );
    let messages = got["messages"].as_array().expect("messages");
    assert_eq!(messages.len(), 2, "{got:#}");
    assert_eq!(messages[0]["content"]["type"], "image", "{got:#}");
    assert_eq!(messages[0]["content"]["mimeType"], "image/png", "{got:#}");
}

#[test]
fn everything_sse_lists_reads_and_gets() {
    let server = Server::start("everything", None);
    assert_everything_over(&Target::sse(&server, "/sse"));
}

#[test]
fn everything_streamable_http_lists_reads_and_gets() {
    let server = Server::start("everything", None);
    assert_everything_over(&Target::http(&server, "/mcp"));
}
