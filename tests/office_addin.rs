//! oscgen.toml's `[office_addin]`: a com-server project registered as an Office COM add-in,
//! with its REG_DWORD `LoadBehavior`, in DllRegisterServer, the .reg file, the scripts and
//! the MSI; and the section's errors.

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
    let dir = std::env::temp_dir().join(format!("oscgen-addin-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    dir
}

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A new com-server project implementing the calculator sample's IScientific.
fn new_com_server(dir: &Path) {
    let idl = repo().join("samples/com-server/idl/calculator.idl");
    let out = oscgen(&[
        "new",
        dir.to_str().unwrap(),
        "--template",
        "com-server",
        "--input",
        idl.to_str().unwrap(),
        "--implement",
        "IScientific",
    ]);
    assert!(out.status.success(), "{}", text(&out));
}

fn prog_id(dir: &Path) -> String {
    let toml = fs::read_to_string(dir.join("oscgen.toml")).unwrap();
    toml.lines()
        .find_map(|l| l.strip_prefix("prog_id = \""))
        .and_then(|l| l.strip_suffix('"'))
        .unwrap_or_else(|| panic!("no prog_id: {toml}"))
        .to_string()
}

fn add_section(dir: &Path, section: &str) {
    let toml = fs::read_to_string(dir.join("oscgen.toml")).unwrap();
    fs::write(dir.join("oscgen.toml"), format!("{toml}\n{section}")).unwrap();
}

/// What the project's own test checks: DllRegisterServer writes each host's key into the
/// runtime's in-memory registry (the stand-in for Windows' on other hosts), LoadBehavior
/// as a DWORD, and DllUnregisterServer removes both keys and leaves nothing behind.
/// Appended to the project's src/tests.rs: the crate is a cdylib, so its tests live inside.
const PROJECT_TEST: &str = r#"
#[cfg(not(windows))]
#[test]
fn registration_writes_the_office_addin_keys_and_removes_them() {
    use crate::generated::registry;
    use windows_core::HRESULT;

    assert_eq!(crate::DllRegisterServer(), HRESULT(0));
    let snapshot = registry::snapshot();
    let value = |key: &str, name: &str| {
        let wanted = (key.to_ascii_lowercase(), name.to_ascii_lowercase());
        snapshot
            .iter()
            .find(|(k, _)| *k == wanted)
            .map(|(_, v)| v.clone())
    };
    for host in ["Outlook", "Excel"] {
        let key = format!(r"Software\Microsoft\Office\{host}\Addins\{PROG_ID}");
        assert_eq!(value(&key, "FriendlyName").as_deref(), Some("Contoso add-in"));
        assert_eq!(value(&key, "Description").as_deref(), Some("Adds up mail"));
        assert_eq!(value(&key, "LoadBehavior").as_deref(), Some("dword:00000003"));
    }
    assert_eq!(crate::DllUnregisterServer(), HRESULT(0));
    let left = registry::snapshot();
    assert!(
        !left.iter().any(|((k, _), _)| k.contains("addins")),
        "{left:?}"
    );
}
"#;

#[test]
fn an_office_addin_registers_its_keys_with_a_dword_load_behavior_everywhere() {
    let dir = scratch("hosts");
    new_com_server(&dir);
    let prog_id = prog_id(&dir);
    add_section(
        &dir,
        "[office_addin]\nhosts = [\"Outlook\", \"Excel\"]\nfriendly_name = \"Contoso add-in\"\ndescription = \"Adds up mail\"\n",
    );
    let out = oscgen(&["generate", dir.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));

    let reg = fs::read_to_string(dir.join("server.reg")).unwrap();
    for host in ["Outlook", "Excel"] {
        let key = format!(
            "[HKEY_CURRENT_USER\\Software\\Microsoft\\Office\\{host}\\Addins\\{prog_id}]\n\
             \"FriendlyName\"=\"Contoso add-in\"\n\
             \"Description\"=\"Adds up mail\"\n\
             \"LoadBehavior\"=dword:00000003\n"
        );
        assert!(reg.contains(&key), "{reg}");
    }
    assert!(!reg.contains(r"Office\Word"), "{reg}");

    let install = fs::read_to_string(dir.join("installer/install.cmd")).unwrap();
    let key = format!(r"Software\Microsoft\Office\Outlook\Addins\{prog_id}");
    assert!(
        install.contains(&format!(
            "reg add \"%ROOT%\\{key}\" /v \"LoadBehavior\" /t REG_DWORD /d 3 /f /reg:%VIEW% >nul"
        )),
        "{install}"
    );
    assert!(
        install.contains("/v \"FriendlyName\" /t REG_SZ /d \"Contoso add-in\""),
        "{install}"
    );
    let uninstall = fs::read_to_string(dir.join("installer/uninstall.cmd")).unwrap();
    assert!(
        uninstall.contains(&format!("reg delete \"%ROOT%\\{key}\" /f /reg:%VIEW%")),
        "{uninstall}"
    );
    for bitness in ["x64", "x86"] {
        let wxs = fs::read_to_string(dir.join(format!("installer/{bitness}.wxs"))).unwrap();
        assert!(
            wxs.contains(&format!(
                "<RegistryValue Root=\"HKCU\" Key=\"{key}\" Name=\"LoadBehavior\" Type=\"integer\" Value=\"3\"/>"
            )),
            "{wxs}"
        );
        assert!(
            wxs.contains(&format!(
                "<RegistryValue Root=\"HKCU\" Key=\"{key}\" Name=\"FriendlyName\" Type=\"string\" Value=\"Contoso add-in\"/>"
            )),
            "{wxs}"
        );
    }
    let identity = fs::read_to_string(dir.join("src/generated/identity.rs")).unwrap();
    assert!(identity.contains("REGISTRY_DWORDS"), "{identity}");

    let out = oscgen(&["generate", "--check", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));

    wixl_builds(&dir);

    let tests = fs::read_to_string(dir.join("src/tests.rs")).unwrap();
    let test = PROJECT_TEST.replace("{PROG_ID}", &prog_id);
    fs::write(dir.join("src/tests.rs"), format!("{tests}{test}")).unwrap();
    let out = Command::new(env!("CARGO"))
        .args(["test", "--quiet", "registration_writes_the_office_addin_keys"])
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", repo().join("target/samples"))
        .output()
        .expect("run cargo test");
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("test result: ok. 1 passed"),
        "the add-in test ran: {}",
        text(&out)
    );
    fs::remove_dir_all(&dir).unwrap();
}

/// wixl (msitools) takes the MSI source with its integer value, when it is installed; the
/// DLL is a stand-in file, as wixl only packs it.
fn wixl_builds(dir: &Path) {
    if Command::new("wixl").arg("--version").output().is_err() {
        println!("SKIPPED: wixl is not installed, the MSI source is not built");
        return;
    }
    // Relative paths, from the project, as installer/build-msi.sh runs it: wixl takes a
    // source file's path as relative to its directory.
    fs::write(dir.join("stand-in.dll"), b"MZ").unwrap();
    for bitness in ["x64", "x86"] {
        let msi = format!("{bitness}.msi");
        let out = Command::new("wixl")
            .args([
                "-a",
                bitness,
                "-D",
                "Dll=stand-in.dll",
                "-D",
                "Version=1.0.0",
                "-o",
                &msi,
            ])
            .arg(format!("installer/{bitness}.wxs"))
            .current_dir(dir)
            .output()
            .expect("run wixl");
        assert!(out.status.success(), "wixl {bitness}: {}", text(&out));
        let msi = dir.join(msi);
        assert!(msi.is_file());
    }
}

#[test]
fn office_addin_errors_name_the_key_and_what_is_allowed() {
    let dir = scratch("bad-host");
    new_com_server(&dir);
    let toml = fs::read_to_string(dir.join("oscgen.toml")).unwrap();
    add_section(&dir, "[office_addin]\nhosts = [\"Outlook\", \"Wrod\"]\n");
    let out = oscgen(&["generate", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let err = text(&out);
    assert!(err.contains("`office_addin.hosts`"), "{err}");
    assert!(
        err.contains("`Outlook`, `Word`, `Excel`, `PowerPoint`") && err.contains("did you mean `Word`?"),
        "{err}"
    );

    fs::write(dir.join("oscgen.toml"), &toml).unwrap();
    add_section(&dir, "[office_addin]\nhosts = [\"Word\"]\nload_behavior = 4\n");
    let out = oscgen(&["generate", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("`office_addin.load_behavior` = 4 is not one of Office's values: 0, 1, 2, 3, 8, 9, 16"),
        "{}",
        text(&out)
    );
    fs::remove_dir_all(&dir).unwrap();

    let dir = scratch("osc");
    let out = oscgen(&["new", dir.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
    add_section(&dir, "[office_addin]\nhosts = [\"Outlook\"]\n");
    let out = oscgen(&["generate", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("`[office_addin]` is for outlook-addin and com-server projects")
            && text(&out).contains("not the osc-provider template"),
        "{}",
        text(&out)
    );
    fs::remove_dir_all(&dir).unwrap();
}
