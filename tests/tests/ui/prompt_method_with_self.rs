use mcp_runtime::prompt;

struct Greeter;

impl Greeter {
    /// Greets.
    #[prompt]
    fn greet(&self, name: String) -> String {
        format!("Greet {name}")
    }
}

fn main() {}
