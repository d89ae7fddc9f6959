//! Shared by the oracle and corpus tests: finding widl and the corpus (skipping, or
//! failing under CI, when they are missing), the corpus's include setup, and reading the
//! `<Interface>Vtbl` structs of a header widl wrote.

#![allow(dead_code)] // each test binary uses its own part of this module

pub mod kinds;
pub mod tlb;
pub mod tlbdump;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub const WIDL: &str = "x86_64-w64-mingw32-widl";

/// mingw-w64's C headers (Debian package mingw-w64-common); IDL files import a few.
pub const MINGW_INCLUDE: &str = "/usr/share/mingw-w64/include";

/// Prints the skip notice, or panics when `CI` is set: CI must never pass by not
/// running a test.
pub fn skip(message: &str) {
    if std::env::var_os("CI").is_some() {
        panic!("CI is set, refusing to skip: {message}");
    }
    println!("SKIPPED: {message}");
}

/// The widl binary, or `None` (after [`skip`]) when it is not installed.
pub fn widl_or_skip() -> Option<PathBuf> {
    let found = std::env::var_os("PATH")
        .map(|paths| std::env::split_paths(&paths).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .map(|dir| dir.join(WIDL))
        .find(|p| p.is_file());
    if found.is_none() {
        skip(&format!("{WIDL} not found (apt-get install mingw-w64-tools)"));
    }
    found
}

/// A fresh scratch directory.
pub fn scratch_dir(what: &str) -> PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let dir = std::env::temp_dir().join(format!("oscgen-{what}-{}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("create scratch directory");
    dir
}

/// One method of a C vtable struct as widl writes it.
#[derive(Debug)]
pub struct WidlMethod {
    pub name: String,
    pub ret: String,
    /// Parameters without the leading `This`.
    pub params: usize,
    /// widl returns a struct through a hidden pointer for the C ABI: `T *(*M)(This, T
    /// *__ret, ...)`. `ret` and `params` are then the method's own (`T`, without `__ret`).
    pub hidden_return: bool,
}

#[derive(Debug)]
pub struct WidlVtbl {
    pub interface: String,
    pub methods: Vec<WidlMethod>,
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

/// Where the next `(CALLCONV *` of a method pointer starts, and where its `*` ends:
/// widl writes STDMETHODCALLTYPE, or the method's own convention (`__stdcall`).
fn method_pointer(text: &str) -> Option<(usize, usize)> {
    let mut from = 0;
    while let Some(open) = text[from..].find('(').map(|i| from + i) {
        let after = &text[open + 1..];
        let word = after.len()
            - after
                .trim_start_matches(|c: char| c.is_ascii_alphanumeric() || c == '_')
                .len();
        let rest = after[word..].trim_start();
        if word > 0 && rest.starts_with('*') {
            return Some((open, text.len() - rest.len() + 1));
        }
        from = open + 1;
    }
    None
}

/// The methods of one `typedef struct XVtbl { ... }` body, in order.
fn parse_vtbl_body(interface: &str, body: &str) -> Vec<WidlMethod> {
    let body = strip_comments(body)
        .replace("BEGIN_INTERFACE", " ")
        .replace("END_INTERFACE", " ");
    let mut methods = Vec::new();
    let mut rest = body.as_str();
    while let Some((at, star_end)) = method_pointer(rest) {
        let ret = rest[..at].trim().to_string();
        let after = &rest[star_end..];
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
        let hidden_return = params.get(1).is_some_and(|p| p.ends_with("__ret"));
        let ret = if hidden_return {
            ret.trim_end().trim_end_matches('*').trim_end().to_string()
        } else {
            ret
        };
        methods.push(WidlMethod {
            name,
            ret,
            params: params.len() - 1 - usize::from(hidden_return),
            hidden_return,
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

/// Every `typedef struct XVtbl { ... } XVtbl;` widl wrote into a header. widl writes
/// them at the start of a line; the indented ones some files write themselves inside
/// `cpp_quote` (mingw-w64's control.idl) are not widl's and are left out.
pub fn parse_header(header: &str) -> Vec<WidlVtbl> {
    let mut out = Vec::new();
    let mut lines = header.lines();
    while let Some(line) = lines.next() {
        let Some(interface) = line
            .trim_end()
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

/// A return type spelling without blanks, with the spellings widl's header uses for
/// MIDL's base types read as oscgen prints them: `int` and `LONG` are `long` (32 bits on
/// Windows), `ULONG` is `unsigned long`, `boolean` and `byte` are `unsigned char`. So
/// `void *` equals `void*` and `LONG` equals `long`.
pub fn c_type_key(ty: &str) -> String {
    let words: Vec<&str> = ty
        .split_whitespace()
        .flat_map(|w| match w {
            "int" | "LONG" => vec!["long"],
            "ULONG" => vec!["unsigned", "long"],
            "boolean" | "byte" => vec!["unsigned", "char"],
            w => vec![w],
        })
        .collect();
    words.concat()
}

/// Wine-internal headers that some wine-dlls IDL files `#include` but that are not IDL,
/// so the corpus does not hold them. Each only defines DISPID or test macros the IDL
/// uses in `[id(...)]` or guards with `#ifndef`; empty stand-ins let the files be read
/// (widl then rejects those with `id(NAME)`, as an `id` must be a constant to it).
const MISSING_WINE_HEADERS: &[&str] = &[
    "ihost_dispid.h",
    "jsglobal_dispid.h",
    "msiserver_dispids.h",
    "msxml6did.h",
    "server_defines.h",
    "vbscript_defs.h",
];

/// One file of the corpus, with how to read it.
pub struct CorpusFile {
    /// `folder/name.idl`, as SOURCES.txt names it.
    pub label: String,
    /// Where to read it: in the corpus, or its place in the rebuilt wine-dlls tree.
    pub path: PathBuf,
    pub include_dirs: Vec<PathBuf>,
    /// `-D` values: mingw-w64 builds its IDL with `-DBOOL=WINBOOL` (its files say
    /// WINBOOL, which its wtypes.idl only declares through that define).
    pub defines: Vec<String>,
}

/// The corpus (../shared/corpus) and the scratch tree that gives its files the layout
/// they were written for:
///
/// - wine-dlls/ is flat (`dlls__rpcrt4__tests__server.idl`); its files are linked back
///   into `dlls/rpcrt4/tests/` so `#include "server.idl"` finds its neighbour;
/// - Wine's `include/wine/` is wine-include-wine/, linked as `wine/` in an include
///   directory for `#include "wine/irot.idl"`;
/// - the Wine-internal `.h` files above are empty stand-ins in that directory.
pub struct Corpus {
    pub root: PathBuf,
    pub files: Vec<CorpusFile>,
    scratch: PathBuf,
}

impl Corpus {
    /// `None` (after [`skip`]) when the corpus or mingw-w64's headers are missing.
    pub fn open() -> Option<Corpus> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
        if !root.join("wine").is_dir() {
            skip("../shared/corpus not found");
            return None;
        }
        if !Path::new(MINGW_INCLUDE).is_dir() {
            skip(&format!("{MINGW_INCLUDE} not found (apt-get install mingw-w64-common)"));
            return None;
        }
        let root = root.canonicalize().expect("canonical corpus path");
        let scratch = scratch_dir("corpus");
        let extra = scratch.join("include");
        std::fs::create_dir_all(&extra).unwrap();
        link(&root.join("wine-include-wine"), &extra.join("wine"));
        for header in MISSING_WINE_HEADERS {
            std::fs::write(
                extra.join(header),
                "/* oscgen test stand-in: the real header is not IDL and not in the corpus */\n",
            )
            .unwrap();
        }
        let mut files = Vec::new();
        for folder in ["wine", "wine-include-wine", "wine-dlls", "mingw-w64"] {
            let mut names: Vec<String> = std::fs::read_dir(root.join(folder))
                .unwrap_or_else(|e| panic!("read {folder}: {e}"))
                .filter_map(|e| e.ok()?.file_name().into_string().ok())
                .filter(|n| n.ends_with(".idl"))
                .collect();
            names.sort();
            for name in names {
                let original = root.join(folder).join(&name);
                let path = if folder == "wine-dlls" {
                    let rebuilt = scratch.join("tree").join(name.replace("__", "/"));
                    std::fs::create_dir_all(rebuilt.parent().unwrap()).unwrap();
                    link(&original, &rebuilt);
                    rebuilt
                } else {
                    original
                };
                let own = path.parent().unwrap().to_path_buf();
                files.push(CorpusFile {
                    label: format!("{folder}/{name}"),
                    include_dirs: vec![own, root.join("wine"), PathBuf::from(MINGW_INCLUDE), extra.clone()],
                    defines: if folder == "mingw-w64" {
                        vec!["BOOL=WINBOOL".into()]
                    } else {
                        Vec::new()
                    },
                    path,
                });
            }
        }
        Some(Corpus { root, files, scratch })
    }

    /// The files grouped by their options (folder and defines), in a stable order,
    /// largest group first: a group can share one parse session.
    pub fn groups(&self) -> Vec<Vec<&CorpusFile>> {
        let mut groups: BTreeMap<(Vec<PathBuf>, Vec<String>), Vec<&CorpusFile>> = BTreeMap::new();
        for f in &self.files {
            groups
                .entry((f.include_dirs.clone(), f.defines.clone()))
                .or_default()
                .push(f);
        }
        let mut groups: Vec<Vec<&CorpusFile>> = groups.into_values().collect();
        groups.sort_by_key(|g| std::cmp::Reverse(g.len()));
        groups
    }
}

impl Drop for Corpus {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.scratch);
    }
}

#[cfg(unix)]
fn link(target: &Path, at: &Path) {
    std::os::unix::fs::symlink(target, at).unwrap_or_else(|e| panic!("link {}: {e}", at.display()));
}

#[cfg(not(unix))]
fn link(target: &Path, at: &Path) {
    if target.is_dir() {
        std::fs::create_dir_all(at).unwrap();
        for entry in std::fs::read_dir(target).unwrap() {
            let entry = entry.unwrap();
            link(&entry.path(), &at.join(entry.file_name()));
        }
    } else {
        std::fs::copy(target, at).unwrap_or_else(|e| panic!("copy to {}: {e}", at.display()));
    }
}

/// Runs `work` over `items` on `threads` threads, each taking the next item as it is
/// free, and returns the results in the items' order.
pub fn parallel<T: Sync, R: Send>(items: &[T], threads: usize, work: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results: Vec<std::sync::Mutex<Option<R>>> = items.iter().map(|_| std::sync::Mutex::new(None)).collect();
    std::thread::scope(|scope| {
        for _ in 0..threads.max(1) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(item) = items.get(i) else { break };
                    let r = work(item);
                    *results[i].lock().unwrap() = Some(r);
                }
            });
        }
    });
    results
        .into_iter()
        .map(|m| m.into_inner().unwrap().expect("every item done"))
        .collect()
}

/// The number of threads to use: the machine's cores.
pub fn threads() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

/// Whether widl accepts `file` (writing its header to `out`, then removed). widl runs in
/// `out`'s directory, where it keeps its preprocessed `widl-pp-*` files.
pub fn widl_accepts(widl: &Path, file: &CorpusFile, out: &Path) -> bool {
    let mut cmd = std::process::Command::new(widl);
    if let Some(dir) = out.parent() {
        cmd.current_dir(dir);
    }
    cmd.arg("-h").arg("-o").arg(out);
    for dir in &file.include_dirs {
        cmd.arg("-I").arg(dir);
    }
    for d in &file.defines {
        cmd.arg("-D").arg(d);
    }
    let ok = cmd
        .arg(&file.path)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", widl.display()))
        .status
        .success();
    let _ = std::fs::remove_file(out);
    ok
}
