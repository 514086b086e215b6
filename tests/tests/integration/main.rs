//! The integration tests, in one binary: one link instead of one per file, and one program-wide
//! inventory of tools, resources and prompts, so each module names its own uniquely and each
//! server chooses what it serves. (The duplicate-name tests need inventories of their own, and
//! the schema tests include the examples, whose tools share names: they are binaries apart.)

mod apps;
mod auth;
mod bad_input;
mod batches;
mod compose;
mod context;
mod dispatch;
mod e2e_apps;
mod e2e_conformance;
mod e2e_gateway;
mod e2e_inspector;
mod e2e_inspector2;
mod e2e_python;
mod e2e_replicas;
mod e2e_skills;
mod e2e_typescript;
mod in_process_client;
mod limits;
mod mcp_middleware;
mod middleware;
mod modern_era;
mod proxy;
mod redis_sessions;
mod redis_tasks;
mod resources_prompts;
mod runtime_changes;
mod signals;
mod skills;
mod sse_transport;
mod stdio_transport;
mod streamable_http_transport;
mod subscriptions;
mod tasks;
