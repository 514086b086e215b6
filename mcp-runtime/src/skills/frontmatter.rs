//! A `SKILL.md`'s YAML frontmatter, as JSON: the block between a leading `---` line and the
//! next `---` line, parsed as YAML 1.2 (the core schema: `yes` stays a string, `1.0` is a
//! number), with the name and description rules of Agent Skills checked.

use serde_json::{Map, Number, Value};
use yaml_rust2::{Yaml, YamlLoader};

/// The longest name and description the Agent Skills format allows.
const MAX_NAME: usize = 64;
const MAX_DESCRIPTION: usize = 1024;

/// The frontmatter of `text`, as a JSON object; or why it has none that serves.
pub(crate) fn parse(text: &str) -> Result<Map<String, Value>, String> {
    let yaml = block(text).ok_or(
        "it does not begin with YAML frontmatter: a `---` line, `name:` and `description:`, \
         and a closing `---` line",
    )?;
    let docs = YamlLoader::load_from_str(yaml)
        .map_err(|err| format!("its frontmatter is not YAML: {err}"))?;
    let Some(Value::Object(frontmatter)) = docs.into_iter().next().map(to_json).transpose()? else {
        return Err("its frontmatter is not a mapping of `key: value` lines".to_owned());
    };
    let name = frontmatter.get("name").and_then(Value::as_str);
    match name {
        None => return Err("its frontmatter has no `name` (a string)".to_owned()),
        Some(name) => {
            if let Some(problem) = name_problem(name) {
                return Err(format!("its name {name:?} {problem}"));
            }
        }
    }
    match frontmatter.get("description").and_then(Value::as_str) {
        Some(description) if !description.trim().is_empty() => {
            if description.chars().count() > MAX_DESCRIPTION {
                return Err(format!(
                    "its description is longer than {MAX_DESCRIPTION} characters"
                ));
            }
        }
        _ => return Err("its frontmatter has no `description` (a non-empty string)".to_owned()),
    }
    Ok(frontmatter)
}

/// What is wrong with a skill name, if anything: 1 to 64 of `a-z 0-9 -`, no `-` at either
/// end or twice in a row.
pub(crate) fn name_problem(name: &str) -> Option<String> {
    let valid = (1..=MAX_NAME).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !name.starts_with('-')
        && !name.ends_with('-')
        && !name.contains("--");
    (!valid).then(|| {
        format!(
            "is not a skill name: 1 to {MAX_NAME} lowercase letters, digits and single \
             hyphens, neither first nor last"
        )
    })
}

/// The YAML between the opening and the closing `---` lines (a byte-order mark first is
/// allowed).
fn block(text: &str) -> Option<&str> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let rest = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))?;
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line
            .trim_end_matches(['\r', '\n'])
            .trim_end_matches([' ', '\t'])
            == "---"
        {
            return Some(&rest[..offset]);
        }
        offset += line.len();
    }
    None
}

fn to_json(yaml: Yaml) -> Result<Value, String> {
    Ok(match yaml {
        Yaml::Null => Value::Null,
        Yaml::Boolean(flag) => Value::Bool(flag),
        Yaml::Integer(n) => Value::Number(n.into()),
        Yaml::Real(text) => match parse_real(&text).and_then(Number::from_f64) {
            Some(number) => Value::Number(number),
            // `.inf`, `.nan`: JSON has no such numbers.
            None => Value::String(text),
        },
        Yaml::String(text) => Value::String(text),
        Yaml::Array(items) => {
            Value::Array(items.into_iter().map(to_json).collect::<Result<_, _>>()?)
        }
        Yaml::Hash(entries) => {
            let mut object = Map::new();
            for (key, value) in entries {
                let key = match key {
                    Yaml::String(key) => key,
                    Yaml::Integer(n) => n.to_string(),
                    Yaml::Boolean(flag) => flag.to_string(),
                    Yaml::Real(text) => text,
                    _ => return Err("its frontmatter has a key that is not a string".to_owned()),
                };
                object.insert(key, to_json(value)?);
            }
            Value::Object(object)
        }
        Yaml::Alias(_) => return Err("its frontmatter uses a YAML alias (`*name`)".to_owned()),
        Yaml::BadValue => return Err("its frontmatter is not valid YAML".to_owned()),
    })
}

fn parse_real(text: &str) -> Option<f64> {
    text.replace('_', "").parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn frontmatter_becomes_json_as_yaml_1_2_reads_it() {
        let text = "---\nname: git-flow\ndescription: Branch, commit, review.\nversion: 2\n\
                    ratio: 1.5\nenabled: yes\nlicense: MIT\nmetadata:\n  owner: ops\n\
                    tags: [a, b]\n---\n# Git flow\n";
        let frontmatter = parse(text).unwrap();
        assert_eq!(
            Value::Object(frontmatter),
            json!({
                "name": "git-flow", "description": "Branch, commit, review.", "version": 2,
                "ratio": 1.5, "enabled": "yes", "license": "MIT", "metadata": {"owner": "ops"},
                "tags": ["a", "b"],
            })
        );
        let crlf = "\u{feff}---\r\nname: a\r\ndescription: b\r\n---\r\nbody";
        assert_eq!(parse(crlf).unwrap()["name"], "a");
    }

    #[test]
    fn what_is_not_a_skill_is_said_plainly() {
        let problem = |text: &str| parse(text).unwrap_err();
        assert!(problem("# no frontmatter").contains("does not begin with YAML frontmatter"));
        assert!(
            problem("---\nname: a\n").contains("does not begin"),
            "no closing line"
        );
        assert!(problem("---\ndescription: d\n---\n").contains("no `name`"));
        assert!(problem("---\nname: a\n---\n").contains("no `description`"));
        assert!(problem("---\nname: Git_Flow\ndescription: d\n---\n").contains("not a skill name"));
        assert!(problem("---\n- a\n- b\n---\n").contains("not a mapping"));
        for bad in ["", "-a", "a-", "a--b", "A", &"a".repeat(65)] {
            assert!(name_problem(bad).is_some(), "{bad:?}");
        }
        for good in ["a", "git-flow", "pdf2text", &"a".repeat(64)] {
            assert!(name_problem(good).is_none(), "{good:?}");
        }
    }
}
