use mcp_runtime::tool;

struct Counter {
    count: i64,
}

impl Counter {
    #[tool]
    fn get(&self) -> i64 {
        self.count
    }
}

fn main() {}
