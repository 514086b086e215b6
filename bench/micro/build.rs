//! Generates the 1,000 tools the microbenchmarks serve (`$OUT_DIR/tools.rs`).

use std::fmt::Write;

fn main() {
    let mut code = String::new();
    for i in 0..1000 {
        // Three shapes of parameters, all documented, one with a nested struct and an enum.
        let params = match i % 3 {
            0 => "a: i64, b: i64",
            1 => "query: String, limit: Option<u32>, tags: Vec<String>, #[arg(default = true)] exact: bool",
            _ => "filter: crate::Filter, page: Option<u32>",
        };
        writeln!(
            code,
            "/// Tool number {i}: does nothing of interest.\n///\n/// A longer explanation, as real tools carry, over a couple of lines so that the\n/// description is not trivially short.\n#[mcp_runtime::tool(read_only)]\n#[allow(unused_variables)]\nasync fn tool_{i:04}({params}) -> i64 {{ {i} }}\n"
        )
        .unwrap();
    }
    let out = std::env::var("OUT_DIR").unwrap();
    std::fs::write(format!("{out}/tools.rs"), code).unwrap();
    println!("cargo:rerun-if-changed=build.rs");
}
