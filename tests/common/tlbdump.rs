//! Wine's oleaut32 as an oracle: tests/typelib/tlbdump.c, built with mingw-w64 and run
//! under Wine, prints what ITypeLib/ITypeInfo report for a library, and the lines a
//! model's interfaces and coclasses must give in that dump.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

use oscgen::model::interface::{Direction, Interface, MethodKind};
use oscgen::model::param::ParamAttr;
use oscgen::model::{Coclass, Model};

/// Debian's wine64 loader and the directory holding Wine's stdole2.tlb (for widl's
/// `importlib`); `OSCGEN_WINE` and `OSCGEN_WINE_WINDOWS_DIR` override them.
pub const WINE: &str = "/usr/lib/wine/wine64";
pub const WINE_WINDOWS_DIR: &str = "/usr/lib/x86_64-linux-gnu/wine/x86_64-windows";
pub const GCC: &str = "x86_64-w64-mingw32-gcc";

/// The tests share one Wine prefix; its first start (wineboot) must not run twice at once.
pub static WINE_PREFIX: std::sync::Mutex<()> = std::sync::Mutex::new(());

pub fn wine_prefix() -> PathBuf {
    // `option_env!`: the examples that share tests/common are built without the variable.
    option_env!("CARGO_TARGET_TMPDIR")
        .map_or_else(std::env::temp_dir, PathBuf::from)
        .join("wineprefix")
}

pub fn env_or(var: &str, default: &str) -> PathBuf {
    std::env::var_os(var).map_or_else(|| PathBuf::from(default), PathBuf::from)
}

pub fn run(cmd: &mut Command) -> std::process::Output {
    let out = cmd.output().unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

pub fn on_path(tool: &str) -> bool {
    std::env::var_os("PATH").is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(tool).is_file()))
}

/// The dump of each library, by file name: the library lines, then each typeinfo's
/// block by name (a dual interface's vtable view stays in its block).
pub type Dump = BTreeMap<String, (Vec<String>, BTreeMap<String, Vec<String>>)>;

pub fn parse_dump(text: &str) -> Dump {
    let mut out = Dump::new();
    let mut file = String::new();
    let mut block: Option<String> = None;
    for line in text.lines() {
        if let Some(path) = line.strip_prefix("=== ") {
            file = path.rsplit(['\\', '/']).next().unwrap_or(path).to_string();
            out.entry(file.clone()).or_default();
            block = None;
            continue;
        }
        let entry = out.get_mut(&file).expect("a file line first");
        if let Some(name) = line.strip_prefix("typeinfo ") {
            block = Some(name.to_string());
            entry.1.insert(name.to_string(), vec![line.to_string()]);
        } else if let Some(b) = &block {
            entry.1.get_mut(b).unwrap().push(line.to_string());
        } else {
            entry.0.push(line.to_string());
        }
    }
    out
}

/// What the model does not carry, taken out of both dumps (see the module's comment).
pub fn normalize(line: &str) -> String {
    let mut line = line.to_string();
    if let Some(at) = line.find(" version=") {
        line.truncate(at);
    }
    if line.starts_with("    detail ")
        && let Some(at) = line.find(" flags=0x")
    {
        let rest = &line[at + 9..];
        let end = rest.find(' ').unwrap_or(rest.len());
        line = format!("{}{}", &line[..at], &rest[end..]);
    }
    if let Some(flags) = line.strip_prefix("  kind ").and_then(|r| r.split_once(" flags 0x")) {
        let kept = u32::from_str_radix(flags.1, 16).unwrap_or(0) & 0x1140;
        line = format!("  kind {} flags 0x{kept:x}", flags.0);
    }
    if line.starts_with("    param ") {
        line = line.replace(" flags=0x0 ", " flags=0x1 ");
    }
    // The model has one 32-bit integer for `int` and `long`: widl's VT_INT and VT_UINT
    // (for `int`) are VT_I4 and VT_UI4 to oscgen.
    for (from, to) in [
        ("(UINT)", "(UI4)"),
        ("(INT)", "(I4)"),
        ("(UINT[", "(UI4["),
        ("(INT[", "(I4["),
        ("=UINT", "=UI4"),
        ("=INT", "=I4"),
    ] {
        line = line.replace(from, to);
    }
    line
}

/// Typeinfos widl writes that oscgen's model cannot: enums, records and aliases
/// declared in the library but used by no signature, `[public]` aliases, and modules.
pub fn model_cannot_have(block: &[String]) -> bool {
    block.iter().any(|l| {
        ["  kind 0 ", "  kind 1 ", "  kind 2 ", "  kind 6 "]
            .iter()
            .any(|k| l.starts_with(k))
    })
}

pub fn compare_with_widl(
    label: &str,
    ours: &(Vec<String>, BTreeMap<String, Vec<String>>),
    widl: &(Vec<String>, BTreeMap<String, Vec<String>>),
) -> Vec<String> {
    let mut problems = Vec::new();
    if ours.0 != widl.0 {
        problems.push(format!(
            "{label}: library differs:\n  oscgen {:?}\n  widl   {:?}",
            ours.0, widl.0
        ));
    }
    for (name, block) in &ours.1 {
        let Some(theirs) = widl.1.get(name) else {
            problems.push(format!("{label}: oscgen writes {name}, widl does not"));
            continue;
        };
        let a: Vec<String> = block.iter().map(|l| normalize(l)).collect();
        let b: Vec<String> = theirs.iter().map(|l| normalize(l)).collect();
        if a != b {
            let first = a
                .iter()
                .zip(&b)
                .position(|(x, y)| x != y)
                .unwrap_or(a.len().min(b.len()));
            problems.push(format!(
                "{label}: {name} differs from widl's at line {first}:\n  oscgen {:?}\n  widl   {:?}",
                a.get(first),
                b.get(first)
            ));
        }
    }
    for (name, block) in &widl.1 {
        if !ours.1.contains_key(name) && !model_cannot_have(block) {
            problems.push(format!("{label}: widl writes {name}, oscgen does not"));
        }
    }
    problems
}

/// The lines oleaut32 must report for the model's library: each expected line must
/// appear, in order, in the typeinfo's block.
pub fn expected_from_model(
    model: &Model,
    interfaces: &[String],
    coclasses: &[Coclass],
    ptr: usize,
) -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    let guid = |g: Option<oscgen::model::guid::Guid>| {
        format!(
            "  guid {{{}}}",
            g.map_or_else(|| "00000000-0000-0000-0000-000000000000".into(), |g| g.to_string())
        )
    };
    for name in interfaces {
        let Some(iface) = model.interface(name) else { continue };
        let mut lines = vec![format!("typeinfo {name}"), guid(iface.iid)];
        match &iface.dispatch {
            Some(d) if !d.dual => {
                lines.push("  kind 4 flags 0x1000".to_string());
                let mut memids = Vec::new();
                for m in &d.methods {
                    lines.extend(func_lines(model, iface, m, m.dispid.unwrap_or(0), 0, &mut memids));
                }
                for p in &d.properties {
                    lines.push(format!(
                        "  var {} memid=0x{:x} kind=3 flags=0x{:x}",
                        p.name,
                        p.dispid.unwrap_or(0),
                        u8::from(p.readonly)
                    ));
                }
            }
            dispatch => {
                let dual = dispatch.is_some();
                let vtable = model.vtable(name).unwrap();
                let parents = oscgen::model::vtable::Vtable::ancestors(model, iface).len() as i32;
                // TYPEFLAG_FDISPATCHABLE when IDispatch is in the chain (a [dual]
                // interface may derive from IUnknown alone, as Wine's tests do).
                let dispatchable = oscgen::model::vtable::Vtable::ancestors(model, iface)
                    .iter()
                    .any(|a| a.name == "IDispatch");
                let dispatchable = if dispatchable { 0x1000 } else { 0 };
                if dual {
                    lines.push(format!("  kind 4 flags 0x{:x}", 0x40 | dispatchable));
                    lines.push(format!("vtable {name}"));
                    lines.push(guid(iface.iid));
                    lines.push(format!("  kind 3 flags 0x{:x}", 0x140 | dispatchable));
                } else {
                    let flags = if iface.oleautomation { 0x100 } else { 0 } | dispatchable;
                    lines.push(format!("  kind 3 flags 0x{flags:x}"));
                }
                let mut memids = Vec::new();
                for (i, slot) in vtable.own_slots().enumerate() {
                    let memid = slot.method.dispid.unwrap_or(((0x6000 | parents) << 16) | i as i32);
                    lines.extend(func_lines(
                        model,
                        iface,
                        slot.method,
                        memid,
                        slot.index * ptr,
                        &mut memids,
                    ));
                }
            }
        }
        out.insert(name.clone(), lines);
    }
    for class in coclasses {
        let mut lines = vec![
            format!("typeinfo {}", class.name),
            guid(class.clsid),
            "  kind 5 flags 0x2".to_string(),
        ];
        let has_default = |source: bool| class.interfaces.iter().any(|m| m.default && m.source == source);
        let mut first = [true, true];
        for m in &class.interfaces {
            let group = usize::from(m.source);
            let default = m.default || (!has_default(m.source) && first[group]);
            first[group] = false;
            lines.push(format!(
                "  impl {} flags=0x{:x}",
                m.name,
                u8::from(default) | (u8::from(m.source) << 1)
            ));
        }
        out.insert(class.name.clone(), lines);
    }
    out
}

/// A function's line and its parameters' flags. Functions of one name share the first
/// one's MEMBERID (a property's get and put), and oleaut32 names them by it.
pub fn func_lines(
    model: &Model,
    _iface: &Interface,
    m: &oscgen::model::interface::Method,
    memid: i32,
    ovft: usize,
    memids: &mut Vec<(String, i32)>,
) -> Vec<String> {
    let _ = model;
    let memid = match memids.iter().find(|(n, _)| n.eq_ignore_ascii_case(&m.idl_name)) {
        Some(&(_, id)) => id,
        None => {
            memids.push((m.idl_name.clone(), memid));
            memid
        }
    };
    let invkind = match m.kind {
        MethodKind::Plain => 1,
        MethodKind::PropGet => 2,
        MethodKind::PropPut => 4,
        MethodKind::PropPutRef => 8,
    };
    let mut lines = vec![format!(
        "  func {} memid=0x{:x} invkind={invkind} oVft={ovft} params={}",
        m.idl_name,
        memid,
        m.params.len()
    )];
    for p in &m.params {
        let mut flags = match p.dir {
            Direction::In => 1,
            Direction::Out => 2,
            Direction::InOut => 3,
        };
        if p.retval {
            flags |= 8;
        }
        for a in &p.attrs {
            flags |= match a {
                ParamAttr::Lcid => 4,
                ParamAttr::Optional => 0x10,
                ParamAttr::DefaultValue(_) => 0x30,
                _ => 0,
            };
        }
        lines.push(format!("    param flags=0x{flags:x}"));
    }
    lines
}

/// Whether `expected` appears in order in `block` (parameter lines compared by flags).
pub fn check_expected(label: &str, name: &str, expected: &[String], block: &[String]) -> Option<String> {
    let mut at = 0;
    for want in expected {
        let found = block[at..].iter().position(|line| {
            if let Some(flags) = want.strip_prefix("    param ") {
                line.starts_with("    param ") && line.contains(&format!(" {flags} "))
            } else {
                // oleaut32 names a member by the name table's spelling, shared without
                // regard to case (a method `Count`, a parameter `count`).
                let (line, want) = (line.to_ascii_lowercase(), want.to_ascii_lowercase());
                line == want || line.starts_with(&format!("{want} "))
            }
        });
        match found {
            Some(i) => at += i + 1,
            None => {
                return Some(format!(
                    "{label}: {name}: oleaut32 does not report {want:?} (after line {at})\n{}",
                    block.join("\n")
                ));
            }
        }
    }
    None
}
