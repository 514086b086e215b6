//! Microbenchmarks of mcp-runtime, each next to a baseline measured in the same run, so that the
//! ratio (not the absolute time, which depends on the machine and its load) is what to watch:
//!
//! - `call_add/*`: one `tools/call` of `add` through the dispatcher (decode, dispatch, run the
//!   tool as its own task, encode), against the least a JSON-RPC server must do (parse the
//!   request into a `Value`, add, build and encode the response), both inside one `block_on`.
//! - `list_1000/*`: `tools/list` on a server with 1,002 tools, against encoding the same cached
//!   listings directly.
//! - `schema_1000/*`: building a server with 1,002 tools (every schema generated and reshaped),
//!   against schemars generating the schemas of equivalent structs (same three shapes) 1,002 times.
//!
//! - `task_call/*`: a `tools/call` (MCP 2026-07-28) of a tool that waits a moment, as a task
//!   (the call answered with the task, the task run, `tasks/get` until it is completed) against
//!   the same call answered directly: what making a call a task costs.
//!
//! `cargo bench -p mcp-micro` (from bench/); bench/run.sh runs it and reports the ratios.

use std::time::Duration;

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use mcp_micro::{server_with_all_tools, BaselineFilter, BaselineNumbers, BaselineQuery};
use mcp_runtime::protocol::Message;
use mcp_runtime::transport::Session;
use serde_json::{json, Value};

const CALL: &str = r#"{"jsonrpc":"2.0","id":42,"method":"tools/call","params":{"name":"add","arguments":{"a":1234,"b":-34}}}"#;
const LIST: &str = r#"{"jsonrpc":"2.0","id":7,"method":"tools/list"}"#;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn initialized(server: &mcp_runtime::Server, runtime: &tokio::runtime::Runtime) -> Session {
    let session = Session::new("bench");
    let init = r#"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"b","version":"1"}}}"#;
    runtime.block_on(async {
        let message = Message::from_slice(init.as_bytes()).unwrap();
        server.handle_message(&session, message).await.unwrap();
    });
    session
}

fn call_add(c: &mut Criterion) {
    let runtime = runtime();
    let server = server_with_all_tools();
    let session = initialized(&server, &runtime);
    let mut group = c.benchmark_group("call_add");
    group.bench_function("baseline", |b| {
        b.iter(|| {
            runtime.block_on(async {
                let request: Value = serde_json::from_slice(black_box(CALL.as_bytes())).unwrap();
                let arguments = &request["params"]["arguments"];
                let sum = arguments["a"].as_i64().unwrap() + arguments["b"].as_i64().unwrap();
                let response = json!({
                    "jsonrpc": "2.0",
                    "id": request["id"],
                    "result": {"content": [{"type": "text", "text": sum.to_string()}], "isError": false},
                });
                black_box(serde_json::to_string(&response).unwrap())
            })
        })
    });
    group.bench_function("mcp_runtime", |b| {
        b.iter(|| {
            runtime.block_on(async {
                let message = Message::from_slice(black_box(CALL.as_bytes())).unwrap();
                let response = server.handle_message(&session, message).await.unwrap();
                black_box(response.to_json())
            })
        })
    });
    group.finish();
}

fn list_1000(c: &mut Criterion) {
    let runtime = runtime();
    let server = server_with_all_tools();
    let session = initialized(&server, &runtime);
    let tools = server.tools();
    let listings: Vec<&Value> = tools.iter().map(|tool| tool.listing()).collect();
    let mut group = c.benchmark_group("list_1000");
    group.bench_function("baseline", |b| {
        b.iter(|| {
            #[derive(serde::Serialize)]
            struct Tools<'a> {
                tools: &'a [&'a Value],
            }
            #[derive(serde::Serialize)]
            struct Reply<'a> {
                jsonrpc: &'static str,
                id: u64,
                result: Tools<'a>,
            }
            let request: Value = serde_json::from_slice(black_box(LIST.as_bytes())).unwrap();
            let reply = Reply {
                jsonrpc: "2.0",
                id: request["id"].as_u64().unwrap(),
                result: Tools { tools: &listings },
            };
            black_box(serde_json::to_string(&reply).unwrap())
        })
    });
    group.bench_function("mcp_runtime", |b| {
        b.iter(|| {
            runtime.block_on(async {
                let message = Message::from_slice(black_box(LIST.as_bytes())).unwrap();
                let response = server.handle_message(&session, message).await.unwrap();
                black_box(response.to_json())
            })
        })
    });
    group.finish();
}

fn schema_1000(c: &mut Criterion) {
    let tools = server_with_all_tools().tools().len();
    let mut group = c.benchmark_group("schema_1000");
    group.sample_size(10);
    group.bench_function("baseline", |b| {
        b.iter(|| {
            for i in 0..tools {
                let generator = schemars::SchemaGenerator::default();
                let schema = match i % 3 {
                    0 => generator.into_root_schema_for::<BaselineNumbers>(),
                    1 => generator.into_root_schema_for::<BaselineQuery>(),
                    _ => generator.into_root_schema_for::<BaselineFilter>(),
                };
                black_box(schema.to_value());
            }
        })
    });
    group.bench_function("mcp_runtime", |b| {
        b.iter(|| black_box(server_with_all_tools()))
    });
    group.finish();
}

fn task_call(c: &mut Criterion) {
    use mcp_runtime::client::Client;
    let runtime = runtime();
    let server = mcp_micro::server_with_task_tools();
    let connect = |capabilities: Value| {
        runtime.block_on(
            Client::builder()
                .protocol_version("2026-07-28")
                .capabilities(capabilities)
                .connect(&server),
        )
    };
    let plain = connect(json!({})).unwrap();
    let tasks = connect(json!({"extensions": {"io.modelcontextprotocol/tasks": {}}})).unwrap();
    let arguments = json!({"a": 1234, "b": -34});
    let mut group = c.benchmark_group("task_call");
    group.bench_function("baseline", |b| {
        b.iter(|| {
            runtime.block_on(async {
                let call = json!({"name": "add_later", "arguments": arguments});
                let result = plain.request("tools/call", call).await.unwrap();
                assert_eq!(result["content"][0]["text"], "1200");
                black_box(result)
            })
        })
    });
    group.bench_function("mcp_runtime", |b| {
        b.iter(|| {
            runtime.block_on(async {
                let call = json!({"name": "add_later_task", "arguments": arguments});
                let created = tasks.request("tools/call", call).await.unwrap();
                assert_eq!(created["resultType"], "task");
                let get = json!({"taskId": created["taskId"]});
                loop {
                    let task = tasks.request("tasks/get", get.clone()).await.unwrap();
                    if task["status"] == "completed" {
                        assert_eq!(task["result"]["content"][0]["text"], "1200");
                        break black_box(task);
                    }
                    tokio::task::yield_now().await;
                }
            })
        })
    });
    group.finish();
}

criterion_group! {
    name = micro;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    targets = call_add, list_1000, schema_1000, task_call
}
criterion_main!(micro);
