//! Oracle: Wine's `winedump` (Debian package wine64-tools) dumps the same type libraries
//! oscgen reads; every typeinfo's kind, name, GUID and numbers of functions and variables
//! agree. winedump dumps the raw records (TypeInfoBase, GuidEntry, Name) of a standalone
//! MSFT file, so each library is first taken out of its PE file the way oscgen finds it. winedump also reports what
//! oscgen does not model (help strings and contexts, custom data, the hash tables):
//! those belong to documentation and lookup, not to vtables or dispatch.

mod common;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

use common::tlb::wine_dir;
use oscgen::typelib::{self, format, read};

const LIBRARIES: &[&str] = &[
    "stdole2.tlb",
    "stdole32.tlb",
    "mshtml.tlb",
    "activeds.tlb",
    "scrrun.dll",
    "wshom.ocx",
    "msxml3.dll",
];

fn winedump() -> Option<PathBuf> {
    let paths: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    ["winedump", "winedump-stable"]
        .iter()
        .flat_map(|n| paths.iter().map(move |d| d.join(n)))
        .find(|p| p.is_file())
}

/// Per typeinfo: kind, name, GUID, and function and variable counts, as winedump prints
/// them.
fn dumped(text: &str) -> Vec<(String, String, String, i64)> {
    let mut guids = Vec::new();
    let mut names = BTreeMap::new();
    let mut offset = 0usize;
    let mut infos: Vec<(String, i64, i64, i64)> = Vec::new();
    let mut block = "";
    let mut namelen = 0usize;
    for line in text.lines() {
        let line = line.trim();
        if line.ends_with('{') {
            block = line.split_whitespace().next().unwrap_or("");
            if block == "TypeInfoBase" {
                infos.push((String::new(), -1, -1, 0));
            }
            continue;
        }
        let Some((key, value)) = line.split_once(" = ") else {
            continue;
        };
        match (block, key) {
            ("TypeInfoBase", "typekind") => {
                infos.last_mut().unwrap().0 = value.split(',').next().unwrap().to_string();
            }
            ("TypeInfoBase", "posguid") => infos.last_mut().unwrap().1 = hex(value),
            ("TypeInfoBase", "NameOffset") => infos.last_mut().unwrap().2 = hex(value),
            ("TypeInfoBase", "cElement") => infos.last_mut().unwrap().3 = hex(value),
            ("GuidEntry", "guid") => guids.push(value.trim_matches(['{', '}']).to_ascii_lowercase()),
            ("Name", "namelen") => namelen = (hex(value) & 0xff) as usize,
            ("Name", "name") => {
                let name = value.split('"').nth(1).unwrap_or("").to_string();
                names.insert(offset as i64, name);
                offset += 12 + ((namelen + 3) & !3);
            }
            _ => {}
        }
    }
    infos
        .into_iter()
        .map(|(kind, guid, name, elements)| {
            let guid = if guid < 0 {
                "none".to_string()
            } else {
                guids[guid as usize / format::guid_entry::SIZE].clone()
            };
            (kind, names.get(&name).cloned().unwrap_or_default(), guid, elements)
        })
        .collect()
}

fn hex(value: &str) -> i64 {
    i64::from_str_radix(value.trim_end_matches('h'), 16).map_or(-1, |v| v as i32 as i64)
}

#[test]
fn winedump_agrees_on_every_typeinfo() {
    let dir = wine_dir();
    if !dir.join("stdole2.tlb").is_file() {
        common::skip(&format!("{} not found (apt-get install wine64)", dir.display()));
        return;
    }
    let Some(winedump) = winedump() else {
        common::skip("winedump not found (apt-get install wine64-tools)");
        return;
    };
    let scratch = common::scratch_dir("winedump");
    let mut compared = 0;
    for name in LIBRARIES {
        let (_, bytes) = typelib::library_bytes(&dir.join(name)).unwrap();
        let file = scratch.join(format!("{name}.tlb"));
        std::fs::write(&file, &bytes).unwrap();
        let out = Command::new(&winedump).arg(&file).output().unwrap();
        assert!(out.status.success(), "winedump {name}");
        let theirs = dumped(&String::from_utf8_lossy(&out.stdout));
        let lib = read::read(&bytes).unwrap();
        let ours: Vec<(String, String, String, i64)> = lib
            .typeinfos
            .iter()
            .map(|t| {
                (
                    format!("TKIND_{}", format::tkind::name(t.kind).to_ascii_uppercase()),
                    t.name.clone(),
                    t.guid.map_or_else(|| "none".to_string(), |g| g.to_string()),
                    // cElement: variables in the high word, functions in the low.
                    ((t.vars.len() as i64) << 16) | t.funcs.len() as i64,
                )
            })
            .collect();
        assert_eq!(ours, theirs, "{name}");
        compared += ours.len();
    }
    let _ = std::fs::remove_dir_all(&scratch);
    println!(
        "{} libraries, {compared} typeinfos agree with winedump",
        LIBRARIES.len()
    );
}
