//! `mcp-bench`: a load generator that speaks MCP like a real client.
//!
//! It opens sessions over HTTP+SSE or Streamable HTTP (stateful or stateless), initializes
//! each (or, for MCP 2026-07-28, which has no handshake, discovers the server), keeps calls of an `add(a, b)` tool in flight, checks every reply, and reports calls per
//! second, latency percentiles, errors, and the server's CPU time and memory read from `/proc`.
//! It also measures what idle sessions cost the server. See `bench/run.sh` for the comparison
//! it drives and `BENCHMARKS.md` for results.

pub mod check;
pub mod client;
pub mod load;
pub mod sse;
pub mod stats;
