//! The project's own type library (`[typelib]` in oscgen.toml): written by oscgen's writer
//! for each bitness into `src/generated/typelib/`, embedded by the generated `build.rs` as
//! the DLL's TYPELIB resource 1, and registered with the `[oleautomation]` and dual
//! interfaces it describes, which the universal marshaler then carries between apartments.

use crate::emit::project::plan::{Dependency, Ownership, Plan};
use crate::emit::project::{Error, OWNED_HEADER, camel_case};
use crate::emit::registry::TypeLibrary;
use crate::model::{Library, Model};
use crate::project::config::Config;
use crate::typelib::writer::{self, Options};

/// Where the libraries go, one per bitness: SYS_WIN64 and SYS_WIN32 differ in pointer
/// sizes, so each DLL carries the one written for it.
pub const WIN64_TLB: &str = "src/generated/typelib/win64.tlb";
pub const WIN32_TLB: &str = "src/generated/typelib/win32.tlb";

/// The crate build.rs uses to compile the resource script: windres with mingw-w64,
/// rc.exe with MSVC, found the way each toolchain's users expect.
const EMBED_RESOURCE: (&str, &str) = ("embed-resource", "3");

/// The library the inputs themselves declare, as the writer chooses it: the one holding an
/// interface of the inputs (imports declare libraries too), if there is exactly one.
pub fn declared(model: &Model) -> Option<&Library> {
    let roots: Vec<&str> = model.root_interfaces().map(|i| i.name.as_str()).collect();
    let mut own = model
        .libraries
        .iter()
        .filter(|l| l.root && l.interfaces.iter().any(|i| roots.contains(&i.as_str())));
    match (own.next(), own.next()) {
        (Some(one), None) => Some(one),
        _ => None,
    }
}

/// Adds the two libraries and build.rs to the plan, and says what registration writes.
pub fn plan(model: &Model, config: &Config, crate_name: &str, plan: &mut Plan) -> Result<TypeLibrary, Error> {
    let section = config.typelib.clone().unwrap_or_default();
    let library = declared(model);
    let name = match library {
        Some(l) => l.name.clone(),
        // Inputs without a library: one named after the crate, of the inputs' interfaces.
        None => format!("{}Lib", camel_case(crate_name)),
    };
    let options = |win32| Options {
        name: library.is_none().then(|| name.clone()),
        libid: section.libid,
        version: section.version.clone(),
        win32,
        also: config.input.implement.clone(),
    };
    let win64 = writer::write(model, &options(false))?;
    let win32 = writer::write(model, &options(true))?;
    plan.add(WIN64_TLB, win64.bytes, Ownership::Generated);
    plan.add(WIN32_TLB, win32.bytes, Ownership::Generated);
    plan.add("build.rs", build_rs(), Ownership::Generated);
    plan.build_dependencies.push(Dependency {
        name: EMBED_RESOURCE.0.to_string(),
        version: EMBED_RESOURCE.1.to_string(),
        feature: None,
    });
    // The writer succeeded, so there is a LIBID: the configured one or the library's.
    let libid = section
        .libid
        .or(library.and_then(|l| l.libid))
        .ok_or(Error::Typelib(writer::Error::NoLibrary))?;
    let version = registry_version(
        section
            .version
            .as_deref()
            .or(library.and_then(|l| l.version.as_deref())),
    );
    let members: Vec<&str> = match library {
        Some(l) => l.interfaces.iter().map(String::as_str).collect(),
        None => model.root_interfaces().map(|i| i.name.as_str()).collect(),
    };
    let interfaces = members
        .iter()
        .filter_map(|n| model.interface(n))
        .filter(|i| i.oleautomation || i.dispatch.as_ref().is_some_and(|d| d.dual))
        .filter_map(|i| Some((i.iid?, i.name.clone())))
        .collect();
    let mut described: Vec<String> = members.iter().map(|n| n.to_string()).collect();
    described.extend(
        config
            .input
            .implement
            .iter()
            .filter(|n| model.interface(n).is_some())
            .cloned(),
    );
    Ok(TypeLibrary {
        name: win64.name,
        libid,
        version,
        interfaces,
        described,
    })
}

/// `1.0` as the registry's key names it: RegisterTypeLib writes `%x.%x`.
fn registry_version(declared: Option<&str>) -> String {
    let (major, minor) = declared
        .map(|v| v.trim().split_once('.').unwrap_or((v.trim(), "0")))
        .unwrap_or(("0", "0"));
    let hex = |s: &str| {
        s.trim()
            .parse::<u16>()
            .map_or_else(|_| "0".to_string(), |n| format!("{n:x}"))
    };
    format!("{}.{}", hex(major), hex(minor))
}

/// The project's build.rs, laid out as rustfmt lays it out.
fn build_rs() -> String {
    format!(
        r#"//! {OWNED_HEADER}
//!
//! Embeds the type library oscgen wrote for the target's bitness (src/generated/typelib/)
//! as the DLL's TYPELIB resource 1, where LoadTypeLib and the registered `TypeLib` key find
//! it. Only Windows targets carry resources: elsewhere (the tests on Linux) it does nothing.

use std::env;
use std::fs;
use std::path::PathBuf;

fn main() {{
    println!("cargo:rerun-if-changed=src/generated/typelib");
    if env::var("CARGO_CFG_TARGET_OS").as_deref() != Ok("windows") {{
        return;
    }}
    let bits = match env::var("CARGO_CFG_TARGET_POINTER_WIDTH").as_deref() {{
        Ok("32") => "win32",
        _ => "win64",
    }};
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let tlb = manifest.join(format!("src/generated/typelib/{{bits}}.tlb"));
    // Forward slashes: rc.exe and windres both take them, and they need no escaping.
    let tlb = tlb.display().to_string().replace('\\', "/");
    let script = PathBuf::from(env::var("OUT_DIR").expect("set by cargo")).join("typelib.rc");
    fs::write(&script, format!("1 TYPELIB \"{{tlb}}\"\n")).expect("writing typelib.rc");
    embed_resource::compile_for_cdylib(&script, embed_resource::NONE)
        .manifest_required()
        .expect("compiling the TYPELIB resource (windres with mingw-w64, rc.exe with MSVC)");
}}
"#
    )
}
