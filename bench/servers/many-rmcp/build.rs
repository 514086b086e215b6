//! Writes `$OUT_DIR/tools.rs`: MANY_TOOLS rmcp tools (default 200) of two integer parameters
//! each, as rmcp's documentation writes them (a parameter struct per tool, methods of one
//! `#[tool_router]` impl); MANY_EDIT=k changes the body of tool 0.

use std::fmt::Write;

fn main() {
    println!("cargo:rerun-if-env-changed=MANY_TOOLS");
    println!("cargo:rerun-if-env-changed=MANY_EDIT");
    let count: usize = std::env::var("MANY_TOOLS").ok().and_then(|n| n.parse().ok()).unwrap_or(200);
    let edit: i64 = std::env::var("MANY_EDIT").ok().and_then(|n| n.parse().ok()).unwrap_or(0);
    let mut structs = String::new();
    let mut methods = String::new();
    for i in 0..count {
        let offset = if i == 0 { edit } else { i as i64 };
        writeln!(
            structs,
            "#[derive(serde::Deserialize, schemars::JsonSchema)]\n\
             struct Arguments{i} {{\n    \
                 /// The first number.\n    left_{i}: i64,\n    \
                 /// The second number.\n    right_{i}: i64,\n\
             }}\n"
        )
        .unwrap();
        writeln!(
            methods,
            "    /// Add two numbers, then {offset}.\n    \
             #[tool(description = \"Add two numbers, then {offset}.\")]\n    \
             fn tool_{i}(&self, Parameters(Arguments{i} {{ left_{i}, right_{i} }}): Parameters<Arguments{i}>) -> String {{\n        \
                 left_{i}.wrapping_add(right_{i}).wrapping_add({offset}).to_string()\n    \
             }}\n"
        )
        .unwrap();
    }
    let code = format!(
        "{structs}\n#[derive(Clone)]\npub struct Many;\n\n#[tool_router(server_handler)]\nimpl Many {{\n{methods}}}\n"
    );
    let out = std::path::Path::new(&std::env::var("OUT_DIR").unwrap()).join("tools.rs");
    std::fs::write(out, code).unwrap();
}
