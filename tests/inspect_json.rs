//! `oscgen inspect --json` against the schema in docs/inspect-json.md: the documented schema
//! is read from the document itself, so the two cannot drift apart. A small validator for
//! the JSON Schema keywords the document uses lives here.

use std::process::Command;

use serde_json::Value;

fn schema() -> Value {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/inspect-json.md")).unwrap();
    let section = doc.split("## Schema").nth(1).expect("a Schema section");
    let json = section
        .split("```json")
        .nth(1)
        .and_then(|s| s.split("```").next())
        .expect("a json block");
    serde_json::from_str(json).expect("the documented schema is JSON")
}

fn type_ok(value: &Value, ty: &str) -> bool {
    match ty {
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "integer" => value.is_u64() || value.is_i64(),
        "null" => value.is_null(),
        "boolean" => value.is_boolean(),
        other => panic!("validator does not know type {other}"),
    }
}

/// Validates `value` against `schema`; pushes each violation with its JSON path.
fn validate(value: &Value, schema: &Value, path: &str, errors: &mut Vec<String>) {
    let s = schema.as_object().expect("schema object");
    for key in s.keys() {
        assert!(
            [
                "type",
                "required",
                "additionalProperties",
                "properties",
                "items",
                "const",
                "enum",
                "pattern",
                "minimum"
            ]
            .contains(&key.as_str()),
            "validator does not know keyword {key}"
        );
    }
    if let Some(ty) = s.get("type") {
        let ok = match ty {
            Value::String(t) => type_ok(value, t),
            Value::Array(ts) => ts.iter().any(|t| type_ok(value, t.as_str().unwrap())),
            _ => panic!("bad type keyword"),
        };
        if !ok {
            errors.push(format!("{path}: {value} is not of type {ty}"));
            return;
        }
    }
    if let Some(c) = s.get("const")
        && value != c
    {
        errors.push(format!("{path}: {value} != {c}"));
    }
    if let Some(Value::Array(options)) = s.get("enum")
        && !options.contains(value)
    {
        errors.push(format!("{path}: {value} not in {options:?}"));
    }
    if let (Some(Value::Number(min)), Some(n)) = (s.get("minimum"), value.as_f64())
        && n < min.as_f64().unwrap()
    {
        errors.push(format!("{path}: {n} < {min}"));
    }
    if let (Some(Value::String(pattern)), Some(text)) = (s.get("pattern"), value.as_str()) {
        // The document uses one pattern: a lower-case GUID.
        assert!(pattern.contains("[0-9a-f]{8}"), "validator knows only the GUID pattern");
        let ok = text.len() == 36
            && text.char_indices().all(|(i, c)| {
                if [8, 13, 18, 23].contains(&i) {
                    c == '-'
                } else {
                    c.is_ascii_digit() || ('a'..='f').contains(&c)
                }
            });
        if !ok {
            errors.push(format!("{path}: {text:?} does not match {pattern}"));
        }
    }
    if let Some(obj) = value.as_object() {
        for req in s.get("required").and_then(Value::as_array).into_iter().flatten() {
            if !obj.contains_key(req.as_str().unwrap()) {
                errors.push(format!("{path}: missing {req}"));
            }
        }
        let props = s.get("properties").and_then(Value::as_object);
        for (k, v) in obj {
            match props.and_then(|p| p.get(k)) {
                Some(sub) => validate(v, sub, &format!("{path}.{k}"), errors),
                None if s.get("additionalProperties") == Some(&Value::Bool(false)) => {
                    errors.push(format!("{path}: unexpected field {k}"))
                }
                None => {}
            }
        }
    }
    if let (Some(items), Some(arr)) = (s.get("items"), value.as_array()) {
        for (i, v) in arr.iter().enumerate() {
            validate(v, items, &format!("{path}[{i}]"), errors);
        }
    }
}

fn inspect(args: &[&str]) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_oscgen"))
        .arg("inspect")
        .arg("--json")
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn builtin_metadata_output_follows_the_documented_schema() {
    let schema = schema();
    for args in [&[][..], &["--interface", "IStream"], &["--interface", "ISocialProfile"]] {
        let doc = inspect(args);
        let mut errors = Vec::new();
        validate(&doc, &schema, "$", &mut errors);
        assert!(errors.is_empty(), "{args:?}: {errors:#?}");
    }
}

/// A type library's dual interfaces and dispinterfaces: DISPIDs on slots, and the
/// dispatch members, in the documented shape.
#[test]
fn dispatch_members_follow_the_documented_schema() {
    let wine = std::env::var_os("OSCGEN_WINE_DIR").map_or_else(
        || std::path::PathBuf::from("/usr/lib/x86_64-linux-gnu/wine/x86_64-windows"),
        std::path::PathBuf::from,
    );
    let msxml3 = wine.join("msxml3.dll");
    if !msxml3.is_file() {
        if std::env::var_os("CI").is_some() {
            panic!("CI is set, refusing to skip: {} not found", msxml3.display());
        }
        println!("SKIPPED: {} not found (apt-get install wine64)", msxml3.display());
        return;
    }
    let doc = inspect(&[msxml3.to_str().unwrap()]);
    let mut errors = Vec::new();
    validate(&doc, &schema(), "$", &mut errors);
    assert!(errors.is_empty(), "{errors:#?}");
    let interfaces = doc["interfaces"].as_array().unwrap();
    let events = interfaces.iter().find(|i| i["name"] == "XMLDOMDocumentEvents").unwrap();
    assert_eq!(events["dispatch"]["dual"], false);
    assert_eq!(events["dispatch"]["methods"][1]["name"], "onreadystatechange");
    assert_eq!(events["dispatch"]["methods"][1]["dispid"], -609);
    let dual = interfaces.iter().find(|i| i["name"] == "IXMLDOMNode").unwrap();
    assert_eq!(dual["dispatch"]["dual"], true);
    assert!(dual["slots"][7]["dispid"].is_i64());
}

#[test]
fn the_validator_catches_violations() {
    let schema = schema();
    let mut doc = inspect(&["--interface", "IUnknown"]);
    doc["interfaces"][0]["slots"][0]["params"][0]["dir"] = Value::from("sideways");
    doc["interfaces"][0]["iid"] = Value::from("00000000-0000-0000-C000-000000000046");
    doc["interfaces"][0]["extra"] = Value::from(1);
    let mut errors = Vec::new();
    validate(&doc, &schema, "$", &mut errors);
    assert_eq!(errors.len(), 3, "{errors:#?}");
}

#[test]
fn the_documented_example_matches_the_output() {
    let doc = inspect(&["--interface", "ISocialSession2"]);
    let logon_cached = &doc["interfaces"][0]["slots"][6];
    assert_eq!(logon_cached["name"], "LogonCached");
    assert_eq!(
        logon_cached["params"][3],
        serde_json::json!({"name": "connectOut", "type": "BSTR*", "dir": "out"})
    );
    let qi = &doc["interfaces"][0]["slots"][0]["params"][1];
    assert_eq!(
        qi,
        &serde_json::json!({"name": "ppvObject", "type": "void**", "dir": "out", "attributes": ["iid_is(riid)"]})
    );
}
