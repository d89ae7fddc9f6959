//! `oscgen new` and `oscgen generate` as users run them: golden output, regeneration that
//! keeps user work, stubs for new methods, `--check`, and bad input that writes nothing.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn oscgen(args: &[&str], dir: Option<&Path>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_oscgen"));
    cmd.args(args);
    if let Some(dir) = dir {
        cmd.current_dir(dir);
    }
    cmd.output().expect("run oscgen")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("oscgen-project-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    dir
}

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Every file under `dir`, relative, sorted (target/ and Cargo.lock are build output).
fn tree(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            let rel = path.strip_prefix(dir).unwrap().to_path_buf();
            if rel.starts_with("target") || rel == Path::new("Cargo.lock") {
                continue;
            }
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(rel);
            }
        }
    }
    out.sort();
    out
}

/// The user files a sample has edited as its author would: samples/automation implements
/// IGreeter (and tests it), since the Windows lane's cross-apartment client calls it.
/// `the_committed_samples_are_up_to_date` still holds them to every stub and impl block.
const EDITED: &[(&str, &str)] = &[("automation", "src/object.rs"), ("automation", "src/tests.rs")];

/// The golden test: from each sample's oscgen.toml (and its own idl/) alone, `generate`
/// reproduces the committed sample byte for byte: every generated and every initial user
/// file, but for the few in [`EDITED`].
#[test]
fn generate_from_oscgen_toml_reproduces_every_sample() {
    let mut samples: Vec<PathBuf> = fs::read_dir(repo().join("samples"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("oscgen.toml").is_file())
        .collect();
    samples.sort();
    assert!(samples.len() >= 3, "{samples:?}");
    for sample in samples {
        let name = sample.file_name().unwrap().to_string_lossy().into_owned();
        let dir = scratch(&format!("golden-{name}"));
        fs::create_dir_all(&dir).unwrap();
        fs::copy(sample.join("oscgen.toml"), dir.join("oscgen.toml")).unwrap();
        if sample.join("idl").is_dir() {
            fs::create_dir_all(dir.join("idl")).unwrap();
            for entry in fs::read_dir(sample.join("idl")).unwrap() {
                let path = entry.unwrap().path();
                fs::copy(&path, dir.join("idl").join(path.file_name().unwrap())).unwrap();
            }
        }
        let out = oscgen(&["generate", dir.to_str().unwrap()], None);
        assert!(out.status.success(), "{name}: {}", text(&out));
        assert_eq!(tree(&dir), tree(&sample), "{name}");
        for file in tree(&sample) {
            if EDITED.contains(&(name.as_str(), file.to_str().unwrap())) {
                continue;
            }
            assert!(
                fs::read(dir.join(&file)).unwrap() == fs::read(sample.join(&file)).unwrap(),
                "{name}: {} differs",
                file.display()
            );
        }
        fs::remove_dir_all(&dir).unwrap();
    }
}

#[test]
fn the_committed_samples_are_up_to_date() {
    for sample in [
        "samples/osc-provider",
        "samples/mapi-session",
        "samples/com-server",
        "samples/automation",
    ] {
        let out = oscgen(&["generate", "--check", sample], Some(repo()));
        assert_eq!(out.status.code(), Some(0), "{sample}: {}", text(&out));
    }
}

#[test]
fn com_server_needs_inputs_and_known_interfaces() {
    let dir = scratch("com-bad");
    let out = oscgen(&["new", dir.to_str().unwrap(), "--template", "com-server"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("--implement"), "{}", text(&out));
    let idl = repo().join("samples/com-server/idl/calculator.idl");
    let out = oscgen(
        &[
            "new",
            dir.to_str().unwrap(),
            "--template",
            "com-server",
            "--input",
            idl.to_str().unwrap(),
            "--implement",
            "INope",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).contains("`INope` is not an interface the input declares"),
        "{}",
        text(&out)
    );
    assert!(!dir.exists());
}

/// `oscgen new my-provider`, as the README says: a relative directory under the current one.
#[test]
fn new_and_generate_work_with_relative_paths() {
    let cwd = scratch("relative");
    fs::create_dir_all(&cwd).unwrap();
    let out = oscgen(&["new", "my-provider"], Some(&cwd));
    assert!(out.status.success(), "{}", text(&out));
    assert!(cwd.join("my-provider/src/generated/bindings.rs").is_file());
    let out = oscgen(&["generate", "--check"], Some(&cwd.join("my-provider")));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let out = oscgen(&["new", "nested/deeper/provider"], Some(&cwd));
    assert!(out.status.success(), "{}", text(&out));
    fs::remove_dir_all(&cwd).unwrap();
}

#[test]
fn new_writes_fresh_identity_and_generate_keeps_it() {
    let dir = scratch("identity");
    let out = oscgen(
        &[
            "new",
            dir.to_str().unwrap(),
            "--name",
            "contoso-social",
            "--network-name",
            "Contoso",
        ],
        None,
    );
    assert!(out.status.success(), "{}", text(&out));
    let config = fs::read_to_string(dir.join("oscgen.toml")).unwrap();
    assert!(config.contains("prog_id = \"ContosoSocial.Provider\""), "{config}");
    let clsid_line = config.lines().find(|l| l.starts_with("clsid = ")).unwrap().to_string();
    let guid_line = config
        .lines()
        .find(|l| l.starts_with("network_guid = "))
        .unwrap()
        .to_string();
    assert_ne!(
        clsid_line.trim_start_matches("clsid = "),
        guid_line.trim_start_matches("network_guid = ")
    );
    // A second project gets other GUIDs.
    let other = scratch("identity-2");
    assert!(oscgen(&["new", other.to_str().unwrap()], None).status.success());
    assert!(
        !fs::read_to_string(other.join("oscgen.toml"))
            .unwrap()
            .contains(&clsid_line)
    );
    // Regeneration reuses the identity: the generated identity.rs carries the same CLSID.
    let before = fs::read(dir.join("src/generated/identity.rs")).unwrap();
    fs::remove_file(dir.join("src/generated/identity.rs")).unwrap();
    assert!(oscgen(&["generate", dir.to_str().unwrap()], None).status.success());
    assert_eq!(fs::read(dir.join("src/generated/identity.rs")).unwrap(), before);
    assert_eq!(fs::read_to_string(dir.join("oscgen.toml")).unwrap(), config);
    fs::remove_dir_all(&dir).unwrap();
    fs::remove_dir_all(&other).unwrap();
}

#[test]
fn user_edits_survive_and_generated_files_are_restored() {
    let dir = scratch("edits");
    assert!(oscgen(&["new", dir.to_str().unwrap()], None).status.success());
    let provider = dir.join("src/provider.rs");
    let edited = fs::read_to_string(&provider)
        .unwrap()
        .replace("Ok(BSTR::from(PROVIDER_VERSION))", "Ok(BSTR::from(\"2.5\")) // mine");
    fs::write(&provider, &edited).unwrap();
    let bindings = dir.join("src/generated/bindings.rs");
    let pristine = fs::read(&bindings).unwrap();
    fs::write(&bindings, b"// scribbled over\n").unwrap();

    let check = oscgen(&["generate", "--check", dir.to_str().unwrap()], None);
    assert_eq!(check.status.code(), Some(1), "{}", text(&check));
    assert!(text(&check).contains("-// scribbled over"), "{}", text(&check));
    assert!(text(&check).contains("src/generated/bindings.rs"));
    assert_eq!(
        fs::read(&bindings).unwrap(),
        b"// scribbled over\n",
        "--check writes nothing"
    );

    let dry = oscgen(&["generate", "--dry-run", dir.to_str().unwrap()], None);
    assert!(
        text(&dry).contains("would update src/generated/bindings.rs"),
        "{}",
        text(&dry)
    );
    assert_eq!(
        fs::read(&bindings).unwrap(),
        b"// scribbled over\n",
        "--dry-run writes nothing"
    );

    let out = oscgen(&["generate", dir.to_str().unwrap()], None);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(fs::read(&bindings).unwrap(), pristine);
    assert_eq!(
        fs::read_to_string(&provider).unwrap(),
        edited,
        "the user's file is untouched"
    );
    assert_eq!(
        oscgen(&["generate", "--check", dir.to_str().unwrap()], None)
            .status
            .code(),
        Some(0)
    );
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_method_added_to_the_idl_becomes_a_stub_without_touching_user_code() {
    let dir = scratch("new-method");
    fs::create_dir_all(&dir).unwrap();
    let idl = dir.join("osc.idl");
    fs::copy(repo().join("metadata/osc.idl"), &idl).unwrap();
    let project = dir.join("proj");
    let out = oscgen(
        &["new", project.to_str().unwrap(), "--input", idl.to_str().unwrap()],
        None,
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        fs::read_to_string(project.join("oscgen.toml"))
            .unwrap()
            .contains("idl = [\"../osc.idl\"]")
    );
    let person = project.join("src/person.rs");
    let mine = fs::read_to_string(&person).unwrap().replace(
        "xml.element(\"fullName\", user_id);",
        "xml.element(\"fullName\", \"custom\");",
    );
    fs::write(&person, &mine).unwrap();

    let grown = fs::read_to_string(&idl).unwrap().replace(
        "    HRESULT GetDetails([out, retval] BSTR *details);",
        "    HRESULT GetDetails([out, retval] BSTR *details);\n    HRESULT GetNickname([out, retval] BSTR *nickname);",
    );
    fs::write(&idl, grown).unwrap();
    let out = oscgen(&["generate", project.to_str().unwrap()], None);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("added 1 method stub(s) to src/person.rs"),
        "{}",
        text(&out)
    );
    assert!(
        text(&out).contains("added 1 method stub(s) to src/profile.rs"),
        "{}",
        text(&out)
    );
    let after = fs::read_to_string(&person).unwrap();
    assert!(after.contains("fn GetNickname(&self) -> Result<BSTR> {"), "{after}");
    // Everything the user had is still there, in order: the new text was only inserted.
    let inserted = after.len() - mine.len();
    let at = after
        .find("\n    /// TODO: implement ISocialPerson::GetNickname")
        .expect("stub with its TODO");
    assert_eq!(format!("{}{}", &after[..at], &after[at + inserted..]), mine);
    assert!(
        fs::read_to_string(project.join("src/generated/bindings.rs"))
            .unwrap()
            .contains("pub GetNickname:")
    );
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_input_without_the_osc_interfaces_is_refused_and_nothing_is_written() {
    let dir = scratch("missing-interface");
    fs::create_dir_all(&dir).unwrap();
    let idl = dir.join("partial.idl");
    let text_idl = fs::read_to_string(repo().join("metadata/osc.idl")).unwrap();
    let cut = text_idl.find("// A separate interface on the session object").unwrap();
    fs::write(&idl, &text_idl[..cut]).unwrap();
    let project = dir.join("proj");
    let out = oscgen(
        &["new", project.to_str().unwrap(), "--input", idl.to_str().unwrap()],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).contains("needs interface `ISocialSession2`"),
        "{}",
        text(&out)
    );
    assert!(!project.exists(), "nothing is written on failure");
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_interface_without_iid_is_refused() {
    let dir = scratch("missing-iid");
    fs::create_dir_all(&dir).unwrap();
    let idl = dir.join("noiid.idl");
    let text_idl = fs::read_to_string(repo().join("metadata/osc.idl"))
        .unwrap()
        .replace("    uuid(B252A037-5455-429D-A380-B5E9ADA3D423),\n", "");
    fs::write(&idl, text_idl).unwrap();
    let project = dir.join("proj");
    let out = oscgen(
        &["new", project.to_str().unwrap(), "--input", idl.to_str().unwrap()],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).contains("interface `ISocialPerson` has no IID"),
        "{}",
        text(&out)
    );
    assert!(!project.exists());
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_output_path_that_is_a_file_is_refused() {
    let file = scratch("is-a-file");
    fs::write(&file, "not a directory").unwrap();
    let out = oscgen(&["new", file.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("is not a directory"), "{}", text(&out));
    assert_eq!(fs::read_to_string(&file).unwrap(), "not a directory");
    let out = oscgen(&["generate", file.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(2));
    fs::remove_file(&file).unwrap();
}

#[test]
fn a_non_empty_directory_is_not_a_new_project() {
    let dir = scratch("non-empty");
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join("notes.txt"), "keep me").unwrap();
    let out = oscgen(&["new", dir.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("not empty"), "{}", text(&out));
    assert_eq!(fs::read_dir(&dir).unwrap().count(), 1);
    fs::remove_dir_all(&dir).unwrap();
}

/// Without write permission the command fails cleanly and leaves nothing behind. As root,
/// permissions do not apply, so the command runs as `nobody` through runuser.
#[cfg(unix)]
#[test]
fn no_write_permission_is_a_clean_error() {
    use std::os::unix::fs::PermissionsExt;
    let parent = scratch("read-only");
    fs::create_dir_all(&parent).unwrap();
    fs::set_permissions(&parent, fs::Permissions::from_mode(0o555)).unwrap();
    let target = parent.join("proj");
    let exe = env!("CARGO_BIN_EXE_oscgen");
    let is_root = Command::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout == b"0\n")
        .unwrap_or(false);
    let out = if is_root {
        // nobody must be able to reach the binary; copy it somewhere world-readable.
        let copy = std::env::temp_dir().join(format!("oscgen-nobody-{}", std::process::id()));
        fs::copy(exe, &copy).unwrap();
        fs::set_permissions(&copy, fs::Permissions::from_mode(0o755)).unwrap();
        let out = Command::new("runuser")
            .args([
                "-u",
                "nobody",
                "--",
                copy.to_str().unwrap(),
                "new",
                target.to_str().unwrap(),
            ])
            .output()
            .expect("runuser (util-linux) is needed to test permissions as root");
        fs::remove_file(&copy).unwrap();
        out
    } else {
        Command::new(exe)
            .args(["new", target.to_str().unwrap()])
            .output()
            .unwrap()
    };
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("Permission denied"), "{}", text(&out));
    assert!(!target.exists());
    fs::set_permissions(&parent, fs::Permissions::from_mode(0o755)).unwrap();
    fs::remove_dir_all(&parent).unwrap();
}

/// Overloads (two methods of one name, as the Win32 metadata keeps C++'s) get one Rust
/// name each, and the stubs and the generated tests call them by the names the bindings
/// declare: `Set`, `Set2`.
#[test]
fn overloaded_methods_have_the_same_rust_names_in_bindings_stubs_and_tests() {
    let dir = scratch("overloads");
    fs::create_dir_all(&dir).unwrap();
    let idl = dir.join("over.idl");
    fs::write(
        &idl,
        "import \"unknwn.idl\";\n\
         [object, uuid(6f1c1a6e-0b7a-4c3e-9d1e-2a4b5c6d7e80)]\n\
         interface IOver : IUnknown {\n\
         HRESULT Set([in] long a);\n\
         HRESULT Set([in] long a, [in] long b);\n\
         }\n",
    )
    .unwrap();
    let project = dir.join("p");
    let out = oscgen(
        &[
            "new",
            project.to_str().unwrap(),
            "--quiet",
            "--template",
            "com-server",
            "--input",
            idl.to_str().unwrap(),
            "--implement",
            "IOver",
        ],
        None,
    );
    assert!(out.status.success(), "{}", text(&out));
    let read = |f: &str| fs::read_to_string(project.join(f)).unwrap();
    let squash = |s: String| s.split_whitespace().collect::<String>();
    let bindings = squash(read("src/generated/bindings.rs"));
    assert!(bindings.contains("fnSet(&self,a:i32)"), "bindings: Set");
    assert!(bindings.contains("fnSet2(&self,a:i32,b:i32)"), "bindings: Set2");
    let object = squash(read("src/object.rs"));
    assert!(object.contains("fnSet(&self,a:i32)"), "stubs: Set");
    assert!(object.contains("fnSet2(&self,a:i32,b:i32)"), "stubs: Set2");
    let tests = squash(read("src/tests.rs"));
    assert!(
        tests.contains("object.Set(") && tests.contains("object.Set2("),
        "src/tests.rs"
    );
    let out = oscgen(&["generate", "--check", project.to_str().unwrap()], None);
    assert!(out.status.success(), "{}", text(&out));
    let _ = fs::remove_dir_all(&dir);
}

/// Only an OSC provider carries the OSC runtime (src/generated/xml.rs) and the crates it
/// uses; Cargo.toml is the user's, so one that lacks such a crate is reported with the line
/// to add, and an xml.rs an earlier oscgen wrote into another template's project is removed.
#[test]
fn the_osc_runtime_and_its_crates_only_in_osc_providers() {
    let osc = scratch("runtime-osc");
    assert!(oscgen(&["new", osc.to_str().unwrap()], None).status.success());
    let cargo = fs::read_to_string(osc.join("Cargo.toml")).unwrap();
    assert!(
        cargo.contains("quick-xml = \"") && cargo.contains("sha1 = \""),
        "{cargo}"
    );
    let line = cargo.lines().position(|l| l == "[dependencies]").unwrap() + 1;
    fs::write(osc.join("Cargo.toml"), cargo.replace("quick-xml", "# quick-xml")).unwrap();
    let out = oscgen(&["generate", osc.to_str().unwrap()], None);
    assert!(out.status.success(), "{}", text(&out));
    let expected = format!("Cargo.toml:{line}: add `quick-xml = \"0.38\"` under [dependencies]");
    assert!(text(&out).contains(&expected), "{}", text(&out));

    let com = scratch("runtime-com");
    let idl = repo().join("samples/com-server/idl/calculator.idl");
    let out = oscgen(
        &[
            "new",
            com.to_str().unwrap(),
            "--template",
            "com-server",
            "--input",
            idl.to_str().unwrap(),
            "--implement",
            "IScientific",
        ],
        None,
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(!com.join("src/generated/xml.rs").exists());
    let cargo = fs::read_to_string(com.join("Cargo.toml")).unwrap();
    assert!(!cargo.contains("quick-xml"), "{cargo}");
    fs::write(
        com.join("src/generated/xml.rs"),
        "//! Generated by oscgen and owned by it: an earlier version's runtime.\n",
    )
    .unwrap();
    let out = oscgen(&["generate", com.to_str().unwrap()], None);
    assert!(out.status.success(), "{}", text(&out));
    assert!(!com.join("src/generated/xml.rs").exists(), "{}", text(&out));
    fs::remove_dir_all(&osc).unwrap();
    fs::remove_dir_all(&com).unwrap();
}

/// The HTTP client is an optional crate behind a feature of the module's name, off by
/// default; a Cargo.toml that lacks the crate or the feature is told the line to add.
#[test]
fn the_http_client_is_behind_an_optional_feature() {
    let osc = scratch("runtime-http");
    assert!(oscgen(&["new", osc.to_str().unwrap()], None).status.success());
    let cargo = fs::read_to_string(osc.join("Cargo.toml")).unwrap();
    let dependency = "ureq = { version = \"3\", optional = true }";
    let feature = "http = [\"dep:ureq\"]";
    assert!(cargo.lines().any(|l| l == dependency), "{cargo}");
    assert!(cargo.lines().any(|l| l == feature), "{cargo}");
    assert!(
        !cargo.lines().any(|l| l.starts_with("default")),
        "off by default: {cargo}"
    );
    let module = fs::read_to_string(osc.join("src/generated/mod.rs")).unwrap();
    assert!(module.contains("#[cfg(feature = \"http\")]\npub mod http;"), "{module}");
    assert!(module.contains("\npub mod cache;"), "{module}");

    let stripped: Vec<&str> = cargo.lines().filter(|l| *l != dependency && *l != feature).collect();
    let at = |header: &str| stripped.iter().position(|l| *l == header).unwrap() + 1;
    let (dependencies, features) = (at("[dependencies]"), at("[features]"));
    fs::write(osc.join("Cargo.toml"), stripped.join("\n")).unwrap();
    let out = oscgen(&["generate", osc.to_str().unwrap()], None);
    assert!(out.status.success(), "{}", text(&out));
    let expected = format!("Cargo.toml:{dependencies}: add `{dependency}` under [dependencies]");
    assert!(text(&out).contains(&expected), "{}", text(&out));
    let expected = format!("Cargo.toml:{features}: add `{feature}` under [features]");
    assert!(text(&out).contains(&expected), "{}", text(&out));
    fs::remove_dir_all(&osc).unwrap();
}

/// The MSI of each bitness writes exactly the keys of the .reg file (DllRegisterServer's),
/// the 32-bit-only ones in the x86 MSI alone; the scripts write the same under HKLM.
#[test]
fn the_installer_writes_the_keys_dllregisterserver_writes() {
    for sample in ["osc-provider", "com-server", "mapi-session"] {
        let dir = repo().join("samples").join(sample);
        let reg_file = if sample == "osc-provider" {
            "provider.reg"
        } else {
            "server.reg"
        };
        let reg = fs::read_to_string(dir.join(reg_file)).unwrap();
        let keys = |commented: bool| -> Vec<String> {
            reg.lines()
                .filter_map(|l| {
                    let l = if commented { l.strip_prefix(';')? } else { l };
                    l.strip_prefix("[HKEY_CURRENT_USER\\")?
                        .strip_suffix(']')
                        .map(str::to_string)
                })
                .collect()
        };
        let (keys, keys_32) = (keys(false), keys(true));
        for (bitness, with_32) in [("x64", false), ("x86", true)] {
            let wxs = fs::read_to_string(dir.join(format!("installer/{bitness}.wxs"))).unwrap();
            let mut written: Vec<String> = wxs
                .split("Key=\"")
                .skip(1)
                .map(|s| s[..s.find('"').unwrap()].to_string())
                .collect();
            written.dedup();
            let mut wanted = keys.clone();
            if with_32 {
                wanted.extend(keys_32.iter().cloned());
            }
            assert_eq!(written, wanted, "{sample} {bitness}.wxs");
            assert_eq!(wxs.matches("Value=\"[#Dll]\"").count(), 1, "{sample} {bitness}.wxs");
        }
        let install = fs::read_to_string(dir.join("installer/install.cmd")).unwrap();
        assert!(install.contains("\r\n"), "{sample}: install.cmd has CRLF line ends");
        for key in &keys {
            assert!(
                install.contains(&format!("reg add \"%ROOT%\\{key}\"")),
                "{sample}: install.cmd /allusers writes {key}"
            );
        }
        assert_eq!(
            dir.join("installer/EnableDebugging.reg").is_file(),
            sample == "osc-provider",
            "{sample}: EnableDebugging.reg for an OSC provider only"
        );
    }
}

/// `new --typelib` on inputs that declare no library gives the project one of its own: a
/// fresh LIBID kept in oscgen.toml, the two libraries, build.rs and the registry keys, which
/// `generate --check` then finds up to date. Other templates refuse the option.
#[test]
fn new_typelib_without_a_library_gets_a_fresh_libid() {
    let dir = scratch("typelib");
    let idl = repo().join("samples/com-server/idl/calculator.idl");
    let out = oscgen(
        &[
            "new",
            dir.to_str().unwrap(),
            "--template",
            "com-server",
            "--input",
            idl.to_str().unwrap(),
            "--implement",
            "IScientific",
            "--typelib",
        ],
        None,
    );
    assert!(out.status.success(), "{}", text(&out));
    let toml = fs::read_to_string(dir.join("oscgen.toml")).unwrap();
    let libid = toml
        .lines()
        .find_map(|l| l.strip_prefix("libid = \""))
        .and_then(|l| l.strip_suffix('"'))
        .unwrap_or_else(|| panic!("no libid: {toml}"))
        .to_ascii_uppercase();
    assert!(
        toml.contains("[typelib]\nembed = true\n") && toml.contains("version = \"1.0\""),
        "{toml}"
    );
    for file in ["src/generated/typelib/win64.tlb", "src/generated/typelib/win32.tlb"] {
        let bytes = fs::read(dir.join(file)).unwrap();
        assert_eq!(&bytes[..4], b"MSFT", "{file}");
    }
    assert_ne!(
        fs::read(dir.join("src/generated/typelib/win64.tlb")).unwrap(),
        fs::read(dir.join("src/generated/typelib/win32.tlb")).unwrap()
    );
    let reg = fs::read_to_string(dir.join("server.reg")).unwrap();
    assert!(
        reg.contains(&format!(r"Software\Classes\TypeLib\{{{libid}}}\1.0\0\win64]")),
        "{reg}"
    );
    let cargo = fs::read_to_string(dir.join("Cargo.toml")).unwrap();
    assert!(cargo.contains("[build-dependencies]") && cargo.contains("embed-resource = \"3\""));
    assert!(dir.join("build.rs").is_file());
    let out = oscgen(&["generate", "--check", dir.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    fs::remove_dir_all(&dir).unwrap();

    let dir = scratch("typelib-osc");
    let out = oscgen(&["new", dir.to_str().unwrap(), "--typelib"], None);
    assert!(!out.status.success());
    assert!(
        text(&out).contains("`typelib.embed` is for com-server projects"),
        "{}",
        text(&out)
    );
}

/// A dual interface the inputs' library does not name (the SDK's rdpencomapi.idl declares
/// IRDPSRAPIWindow outside `library RDPCOMAPILib`): the project's type library describes it
/// anyway, so oscgen serves its IDispatch, and registration leaves its Interface key to
/// whoever declares it.
#[test]
fn an_implemented_dual_interface_outside_the_library_is_described_not_registered() {
    let dir = scratch("typelib-outside");
    let idl_dir = scratch("typelib-outside-idl");
    fs::create_dir_all(&idl_dir).unwrap();
    let idl = idl_dir.join("outside.idl");
    fs::write(
        &idl,
        "import \"oaidl.idl\";\n\
         [object, uuid(6a1b2c3d-0000-4000-8000-0000000000c1), dual]\n\
         interface IOutside : IDispatch { [id(1)] HRESULT Ping([in] long n, [out, retval] long *r); };\n\
         [object, uuid(6a1b2c3d-0000-4000-8000-0000000000c2), dual]\n\
         interface IListed : IDispatch { [id(1)] HRESULT Pong(); };\n\
         [uuid(6a1b2c3d-0000-4000-8000-0000000000c3), version(1.0)]\n\
         library OutsideLib { importlib(\"stdole2.tlb\"); interface IListed; };\n",
    )
    .unwrap();
    let out = oscgen(
        &[
            "new",
            dir.to_str().unwrap(),
            "--template",
            "com-server",
            "--input",
            idl.to_str().unwrap(),
            "--implement",
            "IOutside",
            "--typelib",
        ],
        None,
    );
    assert!(out.status.success(), "{}", text(&out));
    let idispatch = fs::read_to_string(dir.join("src/generated/idispatch.rs")).unwrap();
    assert!(idispatch.contains("IOutside"), "{idispatch}");
    let object = fs::read_to_string(dir.join("src/object.rs")).unwrap();
    assert!(!object.contains("IDispatch_Impl"), "IDispatch is oscgen's:\n{object}");
    let tlb = oscgen(
        &["inspect", dir.join("src/generated/typelib/win64.tlb").to_str().unwrap()],
        None,
    );
    assert!(text(&tlb).contains("IOutside : IDispatch"), "{}", text(&tlb));
    let reg = fs::read_to_string(dir.join("server.reg")).unwrap().to_ascii_uppercase();
    assert!(
        reg.contains("6A1B2C3D-0000-4000-8000-0000000000C2"),
        "IListed is registered:\n{reg}"
    );
    assert!(
        !reg.contains("6A1B2C3D-0000-4000-8000-0000000000C1"),
        "IOutside is not:\n{reg}"
    );
    fs::remove_dir_all(&dir).unwrap();
    fs::remove_dir_all(&idl_dir).unwrap();
}

/// `new --threading apartment`: the class registers as ThreadingModel=Apartment and the
/// object is written non-agile (`Agile = false`), so COM proxies other apartments' calls
/// rather than handing them the object. `generate` keeps it; other templates refuse it.
#[test]
fn threading_apartment_registers_apartment_and_writes_a_non_agile_object() {
    let dir = scratch("apartment");
    let idl = repo().join("samples/com-server/idl/calculator.idl");
    let out = oscgen(
        &[
            "new",
            dir.to_str().unwrap(),
            "--template",
            "com-server",
            "--input",
            idl.to_str().unwrap(),
            "--implement",
            "IScientific",
            "--threading",
            "apartment",
        ],
        None,
    );
    assert!(out.status.success(), "{}", text(&out));
    let toml = fs::read_to_string(dir.join("oscgen.toml")).unwrap();
    assert!(toml.contains("threading = \"apartment\"\n"), "{toml}");
    let reg = fs::read_to_string(dir.join("server.reg")).unwrap();
    assert!(reg.contains("\"ThreadingModel\"=\"Apartment\""), "{reg}");
    assert!(!reg.contains("\"Both\""), "{reg}");
    let object = fs::read_to_string(dir.join("src/object.rs")).unwrap();
    assert!(object.contains("#[implement(IScientific, Agile = false)]"), "{object}");
    let install = fs::read_to_string(dir.join("installer/install.cmd")).unwrap();
    assert!(
        install.contains("/v \"ThreadingModel\" /t REG_SZ /d \"Apartment\""),
        "{install}"
    );
    let out = oscgen(&["generate", "--check", dir.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    // Back to the default: the registry follows at once, the user's attribute is theirs.
    fs::write(dir.join("oscgen.toml"), toml.replace("threading = \"apartment\"\n", "")).unwrap();
    let out = oscgen(&["generate", dir.to_str().unwrap()], None);
    assert!(out.status.success(), "{}", text(&out));
    let reg = fs::read_to_string(dir.join("server.reg")).unwrap();
    assert!(reg.contains("\"ThreadingModel\"=\"Both\""), "{reg}");
    assert_eq!(fs::read_to_string(dir.join("src/object.rs")).unwrap(), object);
    fs::remove_dir_all(&dir).unwrap();

    let dir = scratch("apartment-osc");
    let out = oscgen(&["new", dir.to_str().unwrap(), "--threading", "apartment"], None);
    assert!(!out.status.success());
    assert!(!dir.join("oscgen.toml").exists());
    assert!(
        text(&out).contains("`provider.threading` is for com-server projects"),
        "{}",
        text(&out)
    );
    let out = oscgen(&["new", dir.to_str().unwrap()], None);
    assert!(out.status.success(), "{}", text(&out));
    let toml = fs::read_to_string(dir.join("oscgen.toml")).unwrap();
    let edited = toml.replace("[provider]\n", "[provider]\nthreading = \"apartment\"\n");
    fs::write(dir.join("oscgen.toml"), edited).unwrap();
    let out = oscgen(&["generate", dir.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("`provider.threading` = \"apartment\" is for com-server projects"));
    fs::remove_dir_all(&dir).unwrap();
}

/// The member table the generated IDispatch resolves names from where oleaut32 is not there
/// (the project's tests on Linux) has the DISPIDs of the type library the DLL embeds, which
/// Windows resolves them from: declared `[id(n)]`s, the ones the writer assigns to methods
/// without one, and one DISPID for a property's get and put.
#[test]
fn the_generated_dispatch_table_has_the_type_library_s_dispids() {
    let dir = scratch("dispatch-table");
    fs::create_dir_all(&dir).unwrap();
    let idl = dir.join("auto.idl");
    fs::write(
        &idl,
        r#"import "oaidl.idl";
[object, uuid(6a0e7e52-3c1d-4f4e-9a51-2f0c6f7d1a01), dual, oleautomation]
interface IAuto : IDispatch
{
    HRESULT First([in] long x);
    [propget] HRESULT Name([out, retval] BSTR *name);
    [propput] HRESULT Name([in] BSTR name);
    [id(7)] HRESULT Seventh([in] BSTR a, [in] double b);
    HRESULT Last();
}
[uuid(6a0e7e52-3c1d-4f4e-9a51-2f0c6f7d1a00), version(1.0)]
library AutoLib { importlib("stdole2.tlb"); interface IAuto; }
"#,
    )
    .unwrap();
    let project = dir.join("auto");
    let out = oscgen(
        &[
            "new",
            project.to_str().unwrap(),
            "--quiet",
            "--template",
            "com-server",
            "--input",
            idl.to_str().unwrap(),
            "--implement",
            "IAuto",
            "--typelib",
        ],
        None,
    );
    assert!(out.status.success(), "{}", text(&out));
    let glue = fs::read_to_string(project.join("src/generated/idispatch.rs")).unwrap();
    // `name: "First",` then `dispid: 1610743808i32,` on the next line.
    let lines: Vec<&str> = glue.lines().map(str::trim).collect();
    let table: Vec<(String, i64)> = lines
        .windows(2)
        .filter_map(|w| {
            let name = w[0].strip_prefix("name: \"")?.strip_suffix("\",")?;
            let id = w[1].strip_prefix("dispid: ")?.strip_suffix("i32,")?;
            Some((name.to_string(), id.parse().unwrap()))
        })
        .collect();
    let tlb = project.join("src/generated/typelib/win64.tlb");
    let out = oscgen(&["inspect", tlb.to_str().unwrap(), "--json"], None);
    assert!(out.status.success(), "{}", text(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let iface = json["interfaces"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["name"] == "IAuto")
        .unwrap();
    let mut library: Vec<(String, i64)> = Vec::new();
    for slot in iface["slots"].as_array().unwrap() {
        if slot["declared_in"] != "IAuto" {
            continue;
        }
        let name = slot["name"].as_str().unwrap();
        let name = name
            .strip_prefix("get_")
            .or_else(|| name.strip_prefix("put_"))
            .unwrap_or(name);
        let entry = (name.to_string(), slot["dispid"].as_i64().unwrap());
        if !library.contains(&entry) {
            library.push(entry);
        }
    }
    assert_eq!(table, library);
    assert_eq!(
        table,
        [
            ("First".to_string(), 0x6002_0000),
            ("Name".to_string(), 0x6002_0001),
            ("Seventh".to_string(), 7),
            ("Last".to_string(), 0x6002_0004),
        ]
    );
    fs::remove_dir_all(&dir).unwrap();
}
