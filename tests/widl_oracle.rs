//! Oracle test: Wine's IDL compiler (widl, Debian package mingw-w64-tools) writes the C
//! `...Vtbl` struct of every interface in a file. Its method order is the vtable order
//! MIDL would produce, so oscgen's vtables must list the same methods, in the same
//! order, with the same number of parameters, for every built-in IDL file.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use oscgen::builtin::{self, BuiltinFile};
use oscgen::idl::{Input, LoadOptions, load_model};
use oscgen::source::SourceMap;

const WIDL: &str = "x86_64-w64-mingw32-widl";

/// The widl binary, or `None` when the test should be skipped. Skipping is refused
/// under CI (`CI` set to any value): CI must never pass by not running the oracle.
fn widl_or_skip() -> Option<PathBuf> {
    let found = std::env::var_os("PATH")
        .map(|paths| std::env::split_paths(&paths).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .map(|dir| dir.join(WIDL))
        .find(|p| p.is_file());
    if found.is_none() {
        let message = format!("{WIDL} not found (apt-get install mingw-w64-tools)");
        if std::env::var_os("CI").is_some() {
            panic!("CI is set, refusing to skip: {message}");
        }
        println!("SKIPPED: {message}");
    }
    found
}

/// One method of a C vtable struct as widl writes it.
#[derive(Debug)]
struct WidlMethod {
    name: String,
    ret: String,
    /// Parameters without the leading `This`.
    params: usize,
}

#[derive(Debug)]
struct WidlVtbl {
    interface: String,
    methods: Vec<WidlMethod>,
}

/// Removes `/* ... */` and `// ...` comments.
fn strip_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    loop {
        let block = rest.find("/*");
        let line = rest.find("//");
        match (block, line) {
            (Some(b), l) if l.is_none_or(|l| b < l) => {
                out.push_str(&rest[..b]);
                let end = rest[b + 2..]
                    .find("*/")
                    .unwrap_or_else(|| panic!("unterminated comment in widl output"));
                out.push(' ');
                rest = &rest[b + 2 + end + 2..];
            }
            (_, Some(l)) => {
                out.push_str(&rest[..l]);
                rest = rest[l..].find('\n').map_or("", |nl| &rest[l + nl..]);
            }
            (None, None) => {
                out.push_str(rest);
                return out;
            }
            (Some(_), None) => unreachable!(),
        }
    }
}

/// Splits `a, b(c, d), e` at the commas outside parentheses and brackets.
fn split_top_level(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0usize, 0usize);
    for (i, c) in text.char_indices() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.checked_sub(1).expect("unbalanced `)` in widl output"),
            ',' if depth == 0 => {
                parts.push(text[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(text[start..].trim());
    parts.retain(|p| !p.is_empty());
    parts
}

/// The methods of one `typedef struct XVtbl { ... }` body, in order.
fn parse_vtbl_body(interface: &str, body: &str) -> Vec<WidlMethod> {
    const MARK: &str = "(STDMETHODCALLTYPE";
    let body = strip_comments(body)
        .replace("BEGIN_INTERFACE", " ")
        .replace("END_INTERFACE", " ");
    let mut methods = Vec::new();
    let mut rest = body.as_str();
    while let Some(at) = rest.find(MARK) {
        let ret = rest[..at].trim().to_string();
        let after = rest[at + MARK.len()..].trim_start();
        let after = after
            .strip_prefix('*')
            .unwrap_or_else(|| panic!("{interface}Vtbl: expected `*` after {MARK}"));
        let close = after
            .find(')')
            .unwrap_or_else(|| panic!("{interface}Vtbl: unterminated method name"));
        let name = after[..close].trim().to_string();
        assert!(
            !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
            "{interface}Vtbl: bad method name {name:?}"
        );
        let params_open = after[close + 1..]
            .trim_start()
            .strip_prefix('(')
            .unwrap_or_else(|| panic!("{interface}Vtbl::{name}: expected a parameter list"));
        // The parameter list ends at the `)` matching its `(`.
        let mut depth = 1usize;
        let end = params_open
            .char_indices()
            .find_map(|(i, c)| {
                match c {
                    '(' => depth += 1,
                    ')' => depth -= 1,
                    _ => {}
                }
                (depth == 0).then_some(i)
            })
            .unwrap_or_else(|| panic!("{interface}Vtbl::{name}: unterminated parameter list"));
        let params = split_top_level(&params_open[..end]);
        assert!(
            params.first().is_some_and(|p| p.ends_with("This")),
            "{interface}Vtbl::{name}: first parameter is not `This`: {params:?}"
        );
        let tail = params_open[end + 1..].trim_start();
        let tail = tail
            .strip_prefix(';')
            .unwrap_or_else(|| panic!("{interface}Vtbl::{name}: expected `;` after the declaration"));
        methods.push(WidlMethod {
            name,
            ret,
            params: params.len() - 1,
        });
        rest = tail;
    }
    assert!(
        rest.trim().is_empty(),
        "{interface}Vtbl: unparsed text after the last method: {:?}",
        rest.trim()
    );
    methods
}

/// Every `typedef struct XVtbl { ... } XVtbl;` of a widl header.
fn parse_header(header: &str) -> Vec<WidlVtbl> {
    let mut out = Vec::new();
    let mut lines = header.lines();
    while let Some(line) = lines.next() {
        let Some(interface) = line
            .trim()
            .strip_prefix("typedef struct ")
            .and_then(|l| l.strip_suffix('{'))
            .map(str::trim)
            .and_then(|l| l.strip_suffix("Vtbl"))
        else {
            continue;
        };
        let end = format!("}} {interface}Vtbl;");
        let mut body = String::new();
        let mut closed = false;
        for line in lines.by_ref() {
            if line.trim() == end {
                closed = true;
                break;
            }
            body.push_str(line);
            body.push('\n');
        }
        assert!(closed, "{interface}Vtbl: no closing `{end}`");
        out.push(WidlVtbl {
            interface: interface.to_string(),
            methods: parse_vtbl_body(interface, &body),
        });
    }
    out
}

/// A return type spelling without blanks, with `int` read as oscgen prints it (`long`:
/// both are 32 bits on Windows), so `void *` equals `void*` and `int` equals `long`.
fn c_type_key(ty: &str) -> String {
    let words: Vec<&str> = ty
        .split_whitespace()
        .map(|w| if w == "int" { "long" } else { w })
        .collect();
    words.concat()
}

/// A fresh scratch directory for widl's headers.
fn scratch_dir() -> PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let dir = std::env::temp_dir().join(format!("oscgen-widl-oracle-{}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("create scratch directory");
    dir
}

fn run_widl(widl: &Path, repo: &Path, file: &BuiltinFile, out_dir: &Path) -> String {
    let input = repo.join("metadata").join(file.path);
    let stem = file.name.trim_end_matches(".idl");
    let output = out_dir.join(format!("{stem}.h"));
    let result = Command::new(widl)
        .arg("--nostdinc")
        .arg("-I")
        .arg(repo.join("metadata").join("std"))
        .arg("-h")
        .arg("-o")
        .arg(&output)
        .arg(&input)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", widl.display()));
    assert!(
        result.status.success(),
        "widl failed on {} ({}):\n{}{}",
        input.display(),
        result.status,
        String::from_utf8_lossy(&result.stdout),
        String::from_utf8_lossy(&result.stderr)
    );
    std::fs::read_to_string(&output).unwrap_or_else(|e| panic!("cannot read {}: {e}", output.display()))
}

#[derive(Default)]
struct Totals {
    interfaces: usize,
    slots: usize,
    mismatches: Vec<String>,
}

/// Compares widl's vtables for one built-in file with oscgen's model of it.
fn compare_file(widl: &Path, repo: &Path, out_dir: &Path, file: &BuiltinFile, totals: &mut Totals) {
    let header = run_widl(widl, repo, file, out_dir);
    let vtbls = parse_header(&header);
    let mut sources = SourceMap::new();
    let model = load_model(
        &mut sources,
        &[Input::Builtin(file.name.into())],
        &LoadOptions::default(),
    )
    .unwrap_or_else(|e| panic!("oscgen cannot load built-in {}: {e}", file.name));

    let widl_names: BTreeSet<&str> = vtbls.iter().map(|v| v.interface.as_str()).collect();
    let oscgen_roots: BTreeSet<&str> = model.root_interfaces().map(|i| i.name.as_str()).collect();
    for extra in oscgen_roots.difference(&widl_names) {
        totals.mismatches.push(format!(
            "{}: oscgen declares {extra} here but widl wrote no {extra}Vtbl",
            file.name
        ));
    }
    // Only wtypes.idl and wtypesbase.idl declare no interface at all.
    assert_eq!(
        vtbls.is_empty(),
        oscgen_roots.is_empty(),
        "{}: widl wrote {} vtables, oscgen has {} root interfaces",
        file.name,
        vtbls.len(),
        oscgen_roots.len()
    );

    let mut compared = 0;
    for w in &vtbls {
        let Some(vt) = model.vtable(&w.interface) else {
            totals.mismatches.push(format!(
                "{}: {} has a Vtbl in widl's header but is not in oscgen's model",
                file.name, w.interface
            ));
            continue;
        };
        compared += 1;
        totals.interfaces += 1;
        let ours: Vec<&str> = vt.slots.iter().map(|s| s.method.name.as_str()).collect();
        let theirs: Vec<&str> = w.methods.iter().map(|m| m.name.as_str()).collect();
        if ours != theirs {
            totals.mismatches.push(format!(
                "{}: {} slot names differ\n    widl:   {theirs:?}\n    oscgen: {ours:?}",
                file.name, w.interface
            ));
        }
        for (slot, m) in vt.slots.iter().zip(&w.methods) {
            totals.slots += 1;
            if slot.method.name != m.name {
                continue; // already reported above
            }
            if slot.method.params.len() != m.params {
                totals.mismatches.push(format!(
                    "{}: {} slot {} {}: widl has {} parameters, oscgen {}",
                    file.name,
                    w.interface,
                    slot.index,
                    m.name,
                    m.params,
                    slot.method.params.len()
                ));
            }
            let ret = slot.method.ret.to_string();
            if c_type_key(&ret) != c_type_key(&m.ret) {
                totals.mismatches.push(format!(
                    "{}: {} slot {} {}: widl returns {}, oscgen {ret}",
                    file.name, w.interface, slot.index, m.name, m.ret
                ));
            }
        }
    }
    if !vtbls.is_empty() {
        assert!(compared > 0, "{}: no interface compared", file.name);
    }
    println!(
        "widl oracle: {:<16} {compared} interfaces ({})",
        file.name,
        vtbls
            .iter()
            .map(|v| v.interface.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
}

#[test]
fn widl_vtables_match_oscgen() {
    let Some(widl) = widl_or_skip() else { return };
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out_dir = scratch_dir();

    // Every stand-in on disk is a built-in, so none escapes the comparison.
    let on_disk: BTreeSet<String> = std::fs::read_dir(repo.join("metadata/std"))
        .expect("read metadata/std")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".idl"))
        .collect();
    let standard: BTreeSet<String> = builtin::STANDARD.iter().map(|f| f.name.to_string()).collect();
    assert_eq!(on_disk, standard, "metadata/std and builtin::STANDARD differ");
    let sets: Vec<&str> = builtin::SETS.iter().map(|f| f.name).collect();
    assert!(sets.contains(&"osc.idl") && sets.contains(&"mapi.idl"));

    let mut totals = Totals::default();
    for file in builtin::SETS.iter().chain(builtin::STANDARD) {
        compare_file(&widl, repo, &out_dir, file, &mut totals);
    }
    let _ = std::fs::remove_dir_all(&out_dir);

    println!(
        "widl oracle: {} interfaces, {} slots compared, {} mismatches",
        totals.interfaces,
        totals.slots,
        totals.mismatches.len()
    );
    for m in &totals.mismatches {
        println!("MISMATCH {m}");
    }
    assert!(totals.interfaces > 0, "no interface compared");
    assert!(
        totals.mismatches.is_empty(),
        "oscgen disagrees with widl:\n{}",
        totals.mismatches.join("\n")
    );
}

#[test]
fn header_parser_reads_widl_layout() {
    let header = "\
typedef struct IFooVtbl {
    BEGIN_INTERFACE

    /*** IUnknown methods ***/
    HRESULT (STDMETHODCALLTYPE *QueryInterface)(
        IFoo *This,
        REFIID riid,
        void **ppvObject);

    ULONG (STDMETHODCALLTYPE *AddRef)(
        IFoo *This);

    /*** IFoo methods ***/
    void (STDMETHODCALLTYPE *Call)(
        IFoo *This,
        void (STDMETHODCALLTYPE *callback)(int a, int b),
        int n[2]);

    END_INTERFACE
} IFooVtbl;
";
    let vtbls = parse_header(header);
    assert_eq!(vtbls.len(), 1);
    assert_eq!(vtbls[0].interface, "IFoo");
    let got: Vec<(&str, &str, usize)> = vtbls[0]
        .methods
        .iter()
        .map(|m| (m.name.as_str(), m.ret.as_str(), m.params))
        .collect();
    assert_eq!(
        got,
        [
            ("QueryInterface", "HRESULT", 2),
            ("AddRef", "ULONG", 0),
            ("Call", "void", 2)
        ]
    );
}
