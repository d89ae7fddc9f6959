//! What the lane reads from a DLL: its machine, exports, imports and (i686) the stdcall
//! symbols its exports point at, through the `object` crate.
use std::collections::BTreeSet;
use std::path::Path;

use object::{Object, ObjectSymbol};

use crate::report::Report;
use crate::target::Target;

/// The four functions COM (DllGetClassObject, DllCanUnloadNow) and regsvr32
/// (DllRegisterServer, DllUnregisterServer) ask GetProcAddress for, with the bytes of their
/// stdcall arguments on x86.
const DLL_EXPORTS: [(&str, u32); 4] = [
    ("DllGetClassObject", 12),
    ("DllCanUnloadNow", 0),
    ("DllRegisterServer", 0),
    ("DllUnregisterServer", 0),
];

/// Runtime DLLs of mingw or Rust that Windows does not have.
fn foreign_runtime(dll: &str) -> bool {
    let l = dll.to_ascii_lowercase();
    l.starts_with("libgcc_s") || l.starts_with("libwinpthread") || l.starts_with("libstdc++") || l.starts_with("std-")
}

/// Checks the DLL's machine, its exports (on i686: each the plain name at the address of
/// the stdcall function `_Name@N`, and no decorated name) and its imports.
pub fn check_dll(r: &mut Report, label: &str, dll: &Path, target: Target) {
    let data = match std::fs::read(dll) {
        Ok(d) => d,
        Err(e) => {
            r.fail(format!("{label}: reading {}: {e}", dll.display()));
            return;
        }
    };
    let file = match object::File::parse(&*data) {
        Ok(f) => f,
        Err(e) => {
            r.fail(format!(
                "{label}: {} is not an object file object can read: {e}",
                dll.display()
            ));
            return;
        }
    };
    let (arch, machine) = target.machine();
    let is_pe = matches!(file, object::File::Pe32(_) | object::File::Pe64(_));
    r.check(
        is_pe && file.architecture() == arch,
        format!("{label}: a PE image for {machine} ({})", target.arch()),
        format!(
            "{label}: expected a PE image for {machine}, found {:?} for {:?}",
            file.format(),
            file.architecture()
        ),
    );

    let exports = match file.exports() {
        Ok(e) => e,
        Err(e) => {
            r.fail(format!("{label}: reading the export table: {e}"));
            return;
        }
    };
    let names: Vec<(String, u64)> = exports
        .iter()
        .map(|e| (String::from_utf8_lossy(e.name()).into_owned(), e.address()))
        .collect();
    let listed = || names.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>().join(" ");
    if target == Target::X86 {
        for (name, bytes) in DLL_EXPORTS {
            let symbol = format!("_{name}@{bytes}");
            let addr = file
                .symbols()
                .find(|s| s.name() == Ok(symbol.as_str()))
                .map(|s| s.address());
            match (names.iter().find(|(n, _)| n == name), addr) {
                (None, _) => r.fail(format!("{label}: export {name} missing (exports: {})", listed())),
                (Some(_), None) => r.fail(format!(
                    "{label}: export {name} is not the stdcall function {symbol} (no such symbol in the DLL)"
                )),
                (Some((_, at)), Some(addr)) if *at != addr => r.fail(format!(
                    "{label}: export {name} is at {at:#x}, but the stdcall function {symbol} is at {addr:#x}"
                )),
                _ => r.pass(format!(
                    "{label}: export {name} (undecorated, as GetProcAddress asks) is the stdcall function {symbol}"
                )),
            }
        }
        let decorated: Vec<&str> = names
            .iter()
            .map(|(n, _)| n.as_str())
            .filter(|n| {
                n.rsplit_once('@')
                    .is_some_and(|(_, d)| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
            })
            .collect();
        r.check(
            decorated.is_empty(),
            format!("{label}: no decorated (@N) export names"),
            format!(
                "{label}: decorated export names that COM would not find: {}",
                decorated.join(" ")
            ),
        );
    } else {
        for (name, _) in DLL_EXPORTS {
            r.check(
                names.iter().any(|(n, _)| n == name),
                format!("{label}: export {name}"),
                format!("{label}: export {name} missing (exports: {})", listed()),
            );
        }
    }

    match file.imports() {
        Ok(imports) => {
            let libs: BTreeSet<String> = imports
                .iter()
                .map(|i| String::from_utf8_lossy(i.library()).into_owned())
                .collect();
            let mut libs: Vec<String> = libs.into_iter().collect();
            libs.sort_by_key(|l| l.to_ascii_lowercase());
            libs.dedup_by_key(|l| l.to_ascii_lowercase());
            let list = libs.join(" ");
            r.check(
                !libs.is_empty() && !libs.iter().any(|l| foreign_runtime(l)),
                format!("{label}: imports only system DLLs ({list})"),
                format!(
                    "{label}: the DLL needs a mingw or Rust runtime DLL that Windows does not have (imports: {list})"
                ),
            );
        }
        Err(e) => r.fail(format!("{label}: reading the import table: {e}")),
    }
}
