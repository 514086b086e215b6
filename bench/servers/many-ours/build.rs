//! Writes `$OUT_DIR/tools.rs`: MANY_TOOLS `#[tool]` functions (default 200) of two integer
//! parameters each, written as a user would; MANY_EDIT=k changes the body of tool 0 (an edit
//! of one tool, for the incremental build).

use std::fmt::Write;

fn main() {
    println!("cargo:rerun-if-env-changed=MANY_TOOLS");
    println!("cargo:rerun-if-env-changed=MANY_EDIT");
    let count: usize = std::env::var("MANY_TOOLS").ok().and_then(|n| n.parse().ok()).unwrap_or(200);
    let edit: i64 = std::env::var("MANY_EDIT").ok().and_then(|n| n.parse().ok()).unwrap_or(0);
    let mut code = String::new();
    for i in 0..count {
        let offset = if i == 0 { edit } else { i as i64 };
        writeln!(
            code,
            "/// Add two numbers, then {offset}.\n\
             ///\n\
             /// # Arguments\n\
             ///\n\
             /// * `left_{i}` - The first number.\n\
             /// * `right_{i}` - The second number.\n\
             #[mcp_runtime::tool]\n\
             async fn tool_{i}(left_{i}: i64, right_{i}: i64) -> i64 {{\n    \
                 left_{i}.wrapping_add(right_{i}).wrapping_add({offset})\n\
             }}\n"
        )
        .unwrap();
    }
    let out = std::path::Path::new(&std::env::var("OUT_DIR").unwrap()).join("tools.rs");
    std::fs::write(out, code).unwrap();
}
