use mcp_runtime::tool;

/// `std::task::Context` is not the request's context.
#[tool]
fn poll_once(cx: &std::task::Context) -> bool {
    cx.waker().will_wake(cx.waker())
}

fn main() {}
