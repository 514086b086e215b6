//! What the integration tests share: a real actix server on a free loopback port with raw
//! HTTP/1.1 and SSE clients ([`support`]), and the harness that runs the example binaries
//! against real third-party clients ([`e2e`]).

pub mod e2e;
pub mod support;
