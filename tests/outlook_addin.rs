//! The outlook-addin template: what `oscgen new --template outlook-addin` writes, and what
//! `generate` does when oscgen.toml's ribbon callbacks change.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn oscgen(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_oscgen"))
        .args(args)
        .output()
        .expect("run oscgen")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("outlook-addin-{name}"));
    let _ = fs::remove_dir_all(&dir);
    dir
}

/// The add-in registers with Outlook (a DWORD LoadBehavior of 3), its ribbon XML is
/// well-formed (xmllint) in the customUI namespace and names the callback oscgen.toml
/// declares, and the connect class's IDispatch serves that name.
#[test]
fn new_writes_a_registered_add_in_whose_ribbon_names_its_callback() {
    let dir = scratch("new");
    let out = oscgen(&["new", dir.to_str().unwrap(), "--template", "outlook-addin", "--quiet"]);
    assert!(out.status.success(), "{}", text(&out));
    let toml = fs::read_to_string(dir.join("oscgen.toml")).unwrap();
    assert!(toml.contains("[office_addin]\nhosts = [\"Outlook\"]\n"), "{toml}");
    assert!(toml.contains("[ribbon]\ncallbacks = [\"OnGreet\"]\n"), "{toml}");
    let reg = fs::read_to_string(dir.join("server.reg")).unwrap();
    let prog_id = toml
        .lines()
        .find_map(|l| l.strip_prefix("prog_id = \""))
        .and_then(|l| l.strip_suffix('"'))
        .unwrap();
    let key = format!(r"[HKEY_CURRENT_USER\Software\Microsoft\Office\Outlook\Addins\{prog_id}]");
    assert!(reg.contains(&key), "{reg}");
    assert!(reg.contains("\"LoadBehavior\"=dword:00000003"), "{reg}");
    let ribbon = dir.join("src/ribbon.xml");
    let xml = fs::read_to_string(&ribbon).unwrap();
    assert!(xml.contains("xmlns=\"http://schemas.microsoft.com/office/2009/07/customui\""));
    assert!(
        xml.contains("onAction=\"OnGreet\"") && xml.contains("idMso=\"TabMail\""),
        "{xml}"
    );
    match Command::new("xmllint").arg("--noout").arg(&ribbon).output() {
        Ok(lint) => assert!(lint.status.success(), "{}", text(&lint)),
        Err(_) => common::skip("xmllint not found (apt-get install libxml2-utils)"),
    }
    let glue = fs::read_to_string(dir.join("src/generated/callbacks.rs")).unwrap();
    assert!(glue.contains("name: \"OnGreet\",\n        dispid: 1i32,"), "{glue}");
    let connect = fs::read_to_string(dir.join("src/connect.rs")).unwrap();
    assert!(connect.contains("impl RibbonCallbacks for Connect_Impl {"), "{connect}");
    assert!(!connect.contains("IDispatch_Impl"), "{connect}");
    let out = oscgen(&["generate", "--check", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    fs::remove_dir_all(&dir).unwrap();
}

/// A callback added to oscgen.toml gets the next DISPID and its stub in the user's impl
/// block, the rest of the file kept byte for byte; one removed is reported with its lines.
#[test]
fn callbacks_follow_oscgen_toml() {
    let dir = scratch("callbacks");
    let out = oscgen(&["new", dir.to_str().unwrap(), "--template", "outlook-addin", "--quiet"]);
    assert!(out.status.success(), "{}", text(&out));
    let toml_path = dir.join("oscgen.toml");
    let toml = fs::read_to_string(&toml_path).unwrap();
    fs::write(
        &toml_path,
        toml.replace("callbacks = [\"OnGreet\"]", "callbacks = [\"OnGreet\", \"OnFarewell\"]"),
    )
    .unwrap();
    let before = fs::read_to_string(dir.join("src/connect.rs")).unwrap();
    let out = oscgen(&["generate", dir.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
    let after = fs::read_to_string(dir.join("src/connect.rs")).unwrap();
    assert!(
        after.contains("    fn OnFarewell(&self, control: &IRibbonControl) -> Result<()> {"),
        "{after}"
    );
    let kept = before.trim_end().strip_suffix('}').unwrap();
    assert!(after.starts_with(kept), "the user's text before the new stub is kept");
    let glue = fs::read_to_string(dir.join("src/generated/callbacks.rs")).unwrap();
    assert!(glue.contains("name: \"OnFarewell\",\n        dispid: 2i32,"), "{glue}");

    fs::write(
        &toml_path,
        toml.replace("callbacks = [\"OnGreet\"]", "callbacks = [\"OnFarewell\"]"),
    )
    .unwrap();
    let out = oscgen(&["generate", dir.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("OnGreet"),
        "the removed callback is reported: {}",
        text(&out)
    );
    fs::remove_dir_all(&dir).unwrap();
}

/// `[ribbon]` is the add-in's: other templates refuse it, and a name the ribbon XML could
/// not give is refused with the key.
#[test]
fn ribbon_callbacks_are_checked() {
    let dir = scratch("errors");
    let out = oscgen(&["new", dir.to_str().unwrap(), "--template", "outlook-addin", "--quiet"]);
    assert!(out.status.success(), "{}", text(&out));
    let toml_path = dir.join("oscgen.toml");
    let toml = fs::read_to_string(&toml_path).unwrap();
    for (bad, expected) in [
        (
            "callbacks = [\"On Greet\"]",
            "`ribbon.callbacks` entry \"On Greet\" is not a callback name",
        ),
        ("callbacks = [\"OnGreet\", \"ongreet\"]", "names \"ongreet\" twice"),
    ] {
        fs::write(&toml_path, toml.replace("callbacks = [\"OnGreet\"]", bad)).unwrap();
        let out = oscgen(&["generate", dir.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(2), "{}", text(&out));
        assert!(text(&out).contains(expected), "{}", text(&out));
    }
    fs::remove_dir_all(&dir).unwrap();

    let dir = scratch("com-server");
    let idl = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/com-server/idl/calculator.idl");
    let out = oscgen(&[
        "new",
        dir.to_str().unwrap(),
        "--template",
        "com-server",
        "--input",
        idl.to_str().unwrap(),
        "--implement",
        "IScientific",
        "--quiet",
    ]);
    assert!(out.status.success(), "{}", text(&out));
    let toml_path = dir.join("oscgen.toml");
    let toml = fs::read_to_string(&toml_path).unwrap();
    fs::write(&toml_path, format!("{toml}\n[ribbon]\ncallbacks = [\"OnGreet\"]\n")).unwrap();
    let out = oscgen(&["generate", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("`[ribbon]` is for outlook-addin projects"),
        "{}",
        text(&out)
    );
    fs::remove_dir_all(&dir).unwrap();
}
