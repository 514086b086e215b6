//! Skills served from a directory (`ServerBuilder::skills_dir`), through the dispatcher: the
//! listing a page at a time, `skills/get`, directory reads, the files as resources; what is
//! not a skill's file is unreachable (`..`, hidden files, symbolic links); invalid skills stop
//! the build with an error naming the file. (The conformance suite and the Inspector check
//! the everything example's skills end to end in `e2e_skills`.)

use std::path::Path;

use mcp_runtime::client::{Client, ClientError};
use mcp_runtime::{BuildErrorKind, Server};
use mcp_tests::e2e::temp_path;
use mcp_tests::support::serving;
use serde_json::{json, Value};

fn write(root: &Path, path: &str, text: &str) {
    let path = root.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn skill_md(name: &str) -> String {
    format!("---\nname: {name}\ndescription: How to {name}.\n---\n# {name}\n")
}

/// Two skills, a hidden directory, a file outside any skill, and a symbolic link out.
fn skills_root() -> std::path::PathBuf {
    let root = temp_path("skills");
    write(&root, "deploy/SKILL.md", &skill_md("deploy"));
    write(&root, "deploy/steps/rollback.md", "roll back");
    write(&root, "deploy/.git/config", "hidden");
    write(&root, "review/SKILL.md", &skill_md("review"));
    write(&root, "NOTES.md", "not in a skill");
    write(&root, "secret.txt", "outside every skill");
    std::os::unix::fs::symlink(root.join("secret.txt"), root.join("deploy/secret.txt")).unwrap();
    root
}

async fn refused(client: &Client, method: &str, params: Value) -> ClientError {
    let refused = client.request(method, params.clone()).await;
    refused.expect_err(&format!("{method} {params} must be refused"))
}

#[tokio::test]
async fn a_directory_of_skills_is_served_and_nothing_outside_it_is_reachable() {
    let root = skills_root();
    let server = serving(&[]).skills_dir(&root).page_size(1).build().unwrap();
    let client = Client::connect(&server).await;

    let first = client.request("skills/list", json!({})).await.unwrap();
    assert_eq!(first["skills"][0]["uri"], "skill://deploy/SKILL.md");
    let cursor = first["nextCursor"].as_str().expect("a second page");
    let second = client
        .request("skills/list", json!({"cursor": cursor}))
        .await
        .unwrap();
    assert_eq!(second["skills"][0]["frontmatter"]["name"], "review");
    assert!(second.get("nextCursor").is_none());

    let got = client
        .request("skills/get", json!({"uri": "skill://deploy/SKILL.md"}))
        .await
        .unwrap();
    let manifest: Vec<&str> = got["skill"]["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|file| file["uri"].as_str().unwrap())
        .collect();
    assert_eq!(
        manifest,
        [
            "skill://deploy/SKILL.md",
            "skill://deploy/steps/rollback.md"
        ],
        "no hidden file, no symbolic link"
    );
    let unknown = refused(
        &client,
        "skills/get",
        json!({"uri": "skill://nope/SKILL.md"}),
    )
    .await;
    assert_eq!(unknown.code, -32602, "{unknown}");

    let read = client
        .request(
            "resources/read",
            json!({"uri": "skill://deploy/steps/rollback.md"}),
        )
        .await
        .unwrap();
    assert_eq!(read["contents"][0]["text"], "roll back");
    assert_eq!(read["contents"][0]["mimeType"], "text/markdown");
    for outside in [
        "skill://deploy/../secret.txt",
        "skill://deploy/%2e%2e/secret.txt",
        "skill://deploy/secret.txt",
        "skill://deploy/.git/config",
        "skill://NOTES.md",
    ] {
        let error = refused(&client, "resources/read", json!({"uri": outside})).await;
        assert_eq!(error.code, -32002, "{outside}: {error}");
    }

    let children = client
        .request("resources/directory/read", json!({"uri": "skill://deploy"}))
        .await
        .unwrap();
    assert_eq!(children["resources"][0]["uri"], "skill://deploy/SKILL.md");
    assert!(children.get("nextCursor").is_some(), "a page of one");
    let steps = client
        .request(
            "resources/directory/read",
            json!({"uri": "skill://deploy/steps"}),
        )
        .await
        .unwrap();
    assert_eq!(steps["resources"][0]["name"], "rollback.md");
    for not_a_directory in [
        "skill://deploy/SKILL.md",
        "skill://deploy/..",
        "skill://nope",
    ] {
        let error = refused(
            &client,
            "resources/directory/read",
            json!({"uri": not_a_directory}),
        )
        .await;
        assert_eq!(error.code, -32602, "{not_a_directory}: {error}");
    }

    // Only the SKILL.md files are listed, with the skill's name and description.
    let listed = client.request("resources/list", json!({})).await.unwrap();
    assert_eq!(listed["resources"][0]["name"], "deploy");
    assert_eq!(listed["resources"][0]["description"], "How to deploy.");
    let everything = serving(&[]).skills_dir(&root).build().unwrap();
    let listed = Client::connect(&everything)
        .await
        .request("resources/list", json!({}))
        .await
        .unwrap();
    assert_eq!(listed["resources"].as_array().unwrap().len(), 2);
    std::fs::remove_dir_all(root).unwrap();
}

#[test]
fn invalid_skills_stop_the_build_naming_the_file() {
    let root = temp_path("bad-skills");
    write(&root, "deploy/SKILL.md", &skill_md("deploy"));
    write(&root, "Review/SKILL.md", &skill_md("Review"));
    let error = Server::builder().skills_dir(&root).build().unwrap_err();
    assert_eq!(error.kind(), BuildErrorKind::InvalidSkills);
    let message = error.to_string();
    assert!(
        message.starts_with(&format!(
            "the skills in `{}` cannot be served: `Review/SKILL.md`: its name \"Review\" is not a skill name",
            root.display()
        )),
        "{message}"
    );
    std::fs::remove_dir_all(&root).unwrap();

    let missing = Server::builder().skills_dir(&root).build().unwrap_err();
    assert!(
        missing.to_string().contains("cannot read the directory"),
        "{missing}"
    );
}
