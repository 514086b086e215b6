//! Two prompts with one name, and two resource templates that match the same URIs, are
//! start-up errors that name both places.

use mcp_runtime::{prompt, resource, BuildErrorKind, Server};

/// One.
#[prompt(name = "same")]
fn first() -> String {
    "1".to_owned()
}

/// Two.
#[prompt(name = "same")]
async fn second() -> String {
    "2".to_owned()
}

/// Users by id.
#[resource("users://{id}")]
fn user_by_id(id: u32) -> String {
    id.to_string()
}

/// Users by name: the same URIs as `users://{id}`.
#[resource("users://{name}")]
fn user_by_name(name: String) -> String {
    name
}

#[test]
fn overlapping_templates_are_reported_with_both_templates() {
    let err = Server::builder().build().unwrap_err();
    assert_eq!(
        err.kind(),
        BuildErrorKind::OverlappingResourceTemplates,
        "{err:?}"
    );
    let ([first_template, second_template], [first, second]) = (err.names(), err.locations())
    else {
        panic!("expected both templates, got {err:?}");
    };
    assert_eq!(
        (first_template.as_str(), second_template.as_str()),
        ("users://{id}", "users://{name}")
    );
    assert_eq!((first.line, second.line), (19, 25));
    assert_eq!(
        err.to_string(),
        format!(
            "the resource templates `users://{{id}}` (at {first}) and `users://{{name}}` (at \
             {second}) match the same URIs; change one of them"
        )
    );
}

#[test]
fn duplicate_prompts_are_reported_with_both_locations() {
    let err = Server::builder()
        .resources(["users://{id}"])
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), BuildErrorKind::DuplicatePrompt, "{err:?}");
    let [first, second] = err.locations() else {
        panic!("expected both locations, got {err:?}");
    };
    assert_eq!(err.name(), Some("same"));
    assert_eq!((first.line, second.line), (7, 13));
    let message = err.to_string();
    assert!(
        message.contains("two prompts are named `same`")
            && message.contains("duplicate_prompts.rs:7:")
            && message.contains("duplicate_prompts.rs:13:")
            && message.contains("#[prompt(name = \"...\")]"),
        "{message}"
    );
}
