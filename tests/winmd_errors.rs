//! Bad metadata gets a clear error and exit code 2, never a panic: a truncated file, a
//! file that is not a PE file, a PE file without metadata, a cyclic base chain, and (as
//! a sweep) thousands of single-byte corruptions of a real file.
//!
//! Each bad input is made here from a good one (metadata/osc.winmd) or from scratch.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use oscgen::idl::{Input, LoadOptions};
use oscgen::model::scope::Scope;
use oscgen::source::SourceMap;
use oscgen::winmd::reader::{self, Source};
use windows_metadata::writer::{self, HasAttribute, MemberRefParent, TypeDefOrRef};
use windows_metadata::{
    MethodAttributes, MethodCallAttributes, Signature, Type, TypeAttributes, TypeName, Value, writer::AttributeType,
};

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("oscgen-winmd-errors-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

fn inspect(file: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_oscgen"))
        .args(["inspect", file.to_str().unwrap()])
        .output()
        .unwrap()
}

/// Exit code 2, one `error:` line naming the file and saying `expected`, no panic.
fn assert_refused(file: &Path, expected: &str) {
    let out = inspect(file);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{}: {stderr}", file.display());
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(
        stderr.contains(&file.display().to_string()),
        "the message names the file: {stderr}"
    );
    assert!(stderr.contains(expected), "expected {expected:?} in: {stderr}");
    assert!(out.stdout.is_empty());
}

fn osc_winmd() -> Vec<u8> {
    fs::read(repo().join("metadata/osc.winmd")).unwrap()
}

#[test]
fn a_truncated_file_is_refused() {
    let dir = scratch("truncated");
    let bytes = osc_winmd();
    for (name, len) in [
        ("dos.winmd", 40),
        ("pe.winmd", 200),
        ("tables.winmd", bytes.len() - 900),
    ] {
        let file = dir.join(name);
        fs::write(&file, &bytes[..len]).unwrap();
        assert_refused(&file, "is truncated");
    }
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn a_file_that_is_not_a_pe_file_is_refused() {
    let dir = scratch("not-pe");
    let file = dir.join("text.winmd");
    fs::write(&file, "this is not metadata\n").unwrap();
    assert_refused(&file, "is not a PE file");
    // A DOS header without the PE header it points to.
    let mut dos = vec![0u8; 128];
    dos[..2].copy_from_slice(b"MZ");
    dos[0x3c] = 64;
    let file = dir.join("dos-program.bin");
    fs::write(&file, &dos).unwrap();
    assert_refused(&file, "not a PE file");
    let _ = fs::remove_dir_all(&dir);
}

/// A minimal, valid PE32 image with one section and an empty COM descriptor directory:
/// what a native DLL looks like to a metadata reader.
fn native_pe() -> Vec<u8> {
    let mut b = vec![0u8; 1024];
    b[..2].copy_from_slice(b"MZ");
    b[0x3c..0x40].copy_from_slice(&64u32.to_le_bytes());
    b[64..68].copy_from_slice(b"PE\0\0");
    let file = 68;
    b[file..file + 2].copy_from_slice(&0x14cu16.to_le_bytes());
    b[file + 2..file + 4].copy_from_slice(&1u16.to_le_bytes());
    b[file + 16..file + 18].copy_from_slice(&224u16.to_le_bytes());
    let optional = file + 20;
    b[optional..optional + 2].copy_from_slice(&0x10bu16.to_le_bytes());
    b[optional + 92..optional + 96].copy_from_slice(&16u32.to_le_bytes());
    let section = optional + 224;
    b[section..section + 5].copy_from_slice(b".text");
    b[section + 8..section + 12].copy_from_slice(&0x200u32.to_le_bytes());
    b[section + 12..section + 16].copy_from_slice(&0x1000u32.to_le_bytes());
    b[section + 16..section + 20].copy_from_slice(&0x200u32.to_le_bytes());
    b[section + 20..section + 24].copy_from_slice(&0x200u32.to_le_bytes());
    b
}

#[test]
fn a_pe_file_without_metadata_is_refused() {
    let dir = scratch("no-metadata");
    let file = dir.join("native.dll");
    fs::write(&file, native_pe()).unwrap();
    assert_refused(&file, "without CLI metadata");
    let _ = fs::remove_dir_all(&dir);
}

fn interface(f: &mut writer::File, name: &str, base: &str, guid: u32) {
    let td = f.TypeDef(
        "Cycle",
        name,
        TypeDefOrRef::default(),
        TypeAttributes::Public | TypeAttributes::Interface | TypeAttributes::Abstract,
    );
    let tr = f.TypeRef("Windows.Foundation.Metadata", "GuidAttribute");
    let mut types = vec![Type::U32, Type::U16, Type::U16];
    types.extend(std::iter::repeat_n(Type::U8, 8));
    let sig = Signature {
        flags: MethodCallAttributes::HASTHIS,
        return_type: Type::Void,
        types,
    };
    let ctor = f.MemberRef(".ctor", &sig, MemberRefParent::TypeRef(tr));
    let mut values = vec![Value::U32(guid), Value::U16(0), Value::U16(0)];
    values.extend(std::iter::repeat_n(Value::U8(0), 8));
    let values: Vec<(String, Value)> = values.into_iter().map(|v| (String::new(), v)).collect();
    f.Attribute(HasAttribute::TypeDef(td), AttributeType::MemberRef(ctor), &values);
    f.InterfaceImpl(td, &Type::ClassName(TypeName::named("Cycle", base)));
    let sig = Signature {
        flags: MethodCallAttributes::HASTHIS,
        return_type: Type::value_named("Windows.Win32", "HRESULT"),
        types: vec![],
    };
    f.MethodDef(
        "Ping",
        &sig,
        MethodAttributes::Public | MethodAttributes::Virtual | MethodAttributes::Abstract,
        Default::default(),
    );
}

#[test]
fn a_cyclic_base_chain_is_refused() {
    let dir = scratch("cycle");
    let mut f = writer::File::new("Cycle");
    interface(&mut f, "IA", "IB", 1);
    interface(&mut f, "IB", "IC", 2);
    interface(&mut f, "IC", "IA", 3);
    let file = dir.join("cycle.winmd");
    fs::write(&file, f.into_stream()).unwrap();
    assert_refused(&file, "cyclic base chain: IA -> IB -> IC -> IA");
    let _ = fs::remove_dir_all(&dir);
}

/// Corrupting the committed file byte by byte yields a model or an error, never a panic:
/// every third byte set to four values that break lengths, indexes and tags, through the
/// container check and the reader (where untrusted bytes are parsed), and every 61st
/// byte through the whole loader and the model's validation.
#[test]
fn corrupted_files_give_errors_not_panics() {
    let bytes = osc_winmd();
    let (mut read, mut refused) = (0, 0);
    for at in (0..bytes.len()).step_by(3) {
        for value in [0x00, 0xff, 0x7f, bytes[at] ^ 0x55] {
            if bytes[at] == value {
                continue;
            }
            let mut bad = bytes.clone();
            bad[at] = value;
            let result = std::panic::catch_unwind(|| {
                let layout = oscgen::winmd::container::check(&bad).map_err(|e| e.to_string())?;
                let mut bytes = bad.clone();
                let apis = oscgen::winmd::apis::hide(&mut bytes, &layout);
                let accessors = oscgen::winmd::dispatch::accessors(&bytes, &layout);
                let source = Source {
                    name: "corrupt.winmd".into(),
                    bytes,
                    apis,
                    accessors,
                };
                reader::read(vec![source], &Scope::Everything)
                    .map(|_| ())
                    .map_err(|(_, e)| e.to_string())
            });
            match result {
                Ok(Ok(())) => read += 1,
                Ok(Err(_)) => refused += 1,
                Err(_) => panic!("byte {at:#x} set to {value:#04x}: oscgen panicked"),
            }
        }
    }
    assert!(refused > 500, "{read} read, {refused} refused");
    let dir = scratch("corrupt");
    let file = dir.join("corrupt.winmd");
    for at in (0..bytes.len()).step_by(61) {
        for value in [0x00, 0xff] {
            let mut bad = bytes.clone();
            bad[at] = value;
            fs::write(&file, &bad).unwrap();
            let result = std::panic::catch_unwind(|| {
                oscgen::load::load_model(
                    &mut SourceMap::new(),
                    &[Input::File(file.clone())],
                    &LoadOptions::default(),
                )
                .map(|_| ())
                .map_err(|e| e.to_string())
            });
            assert!(result.is_ok(), "byte {at:#x} set to {value:#04x}: oscgen panicked");
        }
    }
    let _ = fs::remove_dir_all(&dir);
}
