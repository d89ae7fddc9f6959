//! Files every template writes the same way.

use askama::Template;
use quote::{format_ident, quote};

use crate::emit::bindings::ident;
use crate::emit::format;
use crate::emit::project::plan::Dependency;
use crate::emit::project::{Error, OWNED_HEADER, render};
use crate::emit::registry::{RegKey, Registration};
use crate::model::Model;
use crate::model::vtable::Vtable;
use crate::project::origin::Origin;

/// Files copied verbatim into `src/generated/` of every project.
pub const RUNTIME: &[(&str, &str)] = &[
    ("errorinfo.rs", include_str!("../../../templates/runtime/errorinfo.rs")),
    ("hresult.rs", include_str!("../../../templates/runtime/hresult.rs")),
    ("oleaut.rs", include_str!("../../../templates/runtime/oleaut.rs")),
    ("registry.rs", include_str!("../../../templates/runtime/registry.rs")),
    ("server.rs", include_str!("../../../templates/runtime/server.rs")),
];

/// A module of `src/generated/` that only some templates carry, copied verbatim, with the
/// crates it uses (added to the project's Cargo.toml).
pub struct RuntimeModule {
    /// Compiled only with the cargo feature of the module's name, off by default: its
    /// crates are optional dependencies that the feature turns on.
    pub optional: bool,
    pub name: &'static str,
    pub text: &'static str,
    /// One line for the module list in `src/generated/mod.rs`.
    pub summary: &'static str,
    /// (crate, version requirement), as Cargo.toml spells them.
    pub dependencies: &'static [(&'static str, &'static str)],
}

/// The call log every project carries: each vtable call through the `log` facade, to
/// OutputDebugString and a file when a switch turns it on.
pub const TRACE_RUNTIME: RuntimeModule = RuntimeModule {
    optional: false,
    name: "trace",
    text: include_str!("../../../templates/runtime/trace.rs"),
    summary: "the call log: every vtable call's interface, method, HRESULT, duration and panic, through `log`.",
    dependencies: &[("log", "0.4")],
};

/// The provider's error type: OSC_E_* kinds, `?` from any error, the message logged.
pub const ERROR_RUNTIME: RuntimeModule = RuntimeModule {
    optional: false,
    name: "error",
    text: include_str!("../../../templates/runtime/error.rs"),
    summary: "ProviderError: an OSC_E_* kind and a message; `?` converts any error to it and it to an HRESULT.",
    dependencies: &[("log", "0.4")],
};

/// OSC documents: quick-xml for the XML, RustCrypto and crc32fast for the address hashes.
pub const XML_RUNTIME: RuntimeModule = RuntimeModule {
    optional: false,
    name: "xml",
    text: include_str!("../../../templates/runtime/xml.rs"),
    summary: "an XML writer, the hashedAddresses reader, HashFunction and the address hashes.",
    dependencies: &[
        ("crc32fast", "1"),
        ("md-5", "0.10"),
        ("quick-xml", "0.38"),
        ("sha1", "0.10"),
    ],
};

/// What the typed OSC documents are made of: one list of elements per struct, in schema order.
pub const DOCUMENT_RUNTIME: RuntimeModule = RuntimeModule {
    optional: false,
    name: "document",
    text: include_str!("../../../templates/runtime/document.rs"),
    summary: "the Document trait (to_xml, from_xml) and what the typed OSC documents are made of.",
    dependencies: &[("quick-xml", "0.38")],
};

/// OLE `DATE` and `xs:dateTime` / `xs:date`.
pub const DATE_RUNTIME: RuntimeModule = RuntimeModule {
    optional: false,
    name: "date",
    text: include_str!("../../../templates/runtime/date.rs"),
    summary: "DateTime and Date: OLE DATE and xs:dateTime / xs:date conversions.",
    dependencies: &[],
};

/// The capabilities, person and friends documents.
pub const OSC_RUNTIME: RuntimeModule = RuntimeModule {
    optional: false,
    name: "osc",
    text: include_str!("../../../templates/runtime/osc.rs"),
    summary: "the capabilities, person and friends documents, typed after the OSC schema.",
    dependencies: &[],
};

/// The activityFeed document.
pub const ACTIVITY_RUNTIME: RuntimeModule = RuntimeModule {
    optional: false,
    name: "activity",
    text: include_str!("../../../templates/runtime/activity.rs"),
    summary: "the activityFeed document, typed after the OSC schema.",
    dependencies: &[],
};

/// A time-bounded cache, for people and pictures the network was already asked for.
pub const CACHE_RUNTIME: RuntimeModule = RuntimeModule {
    optional: false,
    name: "cache",
    text: include_str!("../../../templates/runtime/cache.rs"),
    summary: "Cache: a small, thread-safe cache whose entries expire, for people and pictures.",
    dependencies: &[],
};

/// VARIANT and SAFEARRAY(VARIANT) as owned Rust values, for COM servers whose callers are
/// scripts and other late-bound clients.
pub const VARIANT_RUNTIME: RuntimeModule = RuntimeModule {
    optional: false,
    name: "variant",
    text: include_str!("../../../templates/runtime/variant.rs"),
    summary: "Variant: VARIANT as an owned Rust value, read from and written to raw VARIANTs and SAFEARRAY(VARIANT).",
    dependencies: &[],
};

/// The blocking HTTP client, behind the `http` feature: not every provider talks HTTP, and
/// ureq and its TLS stack would weigh on the DLL of one that does not.
pub const HTTP_RUNTIME: RuntimeModule = RuntimeModule {
    optional: true,
    name: "http",
    text: include_str!("../../../templates/runtime/http.rs"),
    summary: "HttpClient: GETs with timeouts and a User-Agent, failures as OSC_E_* kinds.",
    dependencies: &[("ureq", "3")],
};

pub const GITIGNORE: &str = include_str!("../../../templates/common/gitignore");

#[derive(Template)]
#[template(path = "common/lib.rs", escape = "none")]
struct LibRs<'a> {
    title: &'a str,
    dll_name: &'a str,
    modules: &'a [&'a str],
    registers: &'a str,
}

#[derive(Template)]
#[template(path = "common/Cargo.toml", escape = "none")]
struct CargoToml<'a> {
    crate_name: &'a str,
    description: &'a str,
    /// What build.rs uses: embed-resource, when the DLL carries its type library.
    build_dependencies: &'a [String],
    /// Lines under `[dependencies]`.
    dependencies: &'a [String],
    /// (feature, its list), off by default.
    features: &'a [(String, String)],
}

#[derive(Template)]
#[template(path = "common/ci.yml", escape = "none")]
struct CiYml<'a> {
    /// The command that installs the oscgen generating the project, if it is known.
    install: Option<&'a str>,
}

#[derive(Template)]
#[template(path = "common/server.reg", escape = "none")]
struct RegFile<'a> {
    dll_name: &'a str,
    keys: &'a [RegKey],
    /// Written only by a 32-bit DLL: a commented section of the file.
    keys_32: &'a [RegKey],
    /// A key names the DLL's platform (the type library's `win64`): the file says so.
    has_bitness: bool,
}

/// `src/lib.rs`: the module list and the four DLL exports.
pub fn lib_rs(title: &str, dll_name: &str, modules: &[&str], registers: &str) -> Result<String, Error> {
    // In the order rustfmt sorts module declarations, so `cargo fmt` leaves the file alone.
    let mut modules: Vec<&str> = modules.iter().copied().chain(["generated"]).collect();
    modules.sort_unstable();
    render(
        "lib.rs",
        &LibRs {
            title,
            dll_name,
            modules: &modules,
            registers,
        },
    )
}

/// `dependencies`: the crates the template's runtime modules use, besides windows-core; an
/// optional one gets a feature of its own.
pub fn cargo_toml(
    crate_name: &str,
    description: &str,
    dependencies: &[Dependency],
    build_dependencies: &[Dependency],
) -> Result<String, Error> {
    let mut features: Vec<(String, String)> = Vec::new();
    for dependency in dependencies {
        let Some(feature) = &dependency.feature else { continue };
        let enables = format!("\"dep:{}\"", dependency.name);
        match features.iter_mut().find(|(name, _)| name == feature) {
            Some((_, list)) => *list = format!("{list}, {enables}"),
            None => features.push((feature.clone(), enables)),
        }
    }
    render(
        "Cargo.toml",
        &CargoToml {
            crate_name,
            description: &description.replace('"', "'"),
            dependencies: &dependencies.iter().map(Dependency::line).collect::<Vec<_>>(),
            features: &features,
            build_dependencies: &build_dependencies.iter().map(Dependency::line).collect::<Vec<_>>(),
        },
    )
}

pub fn ci_yml(origin: &Origin) -> Result<String, Error> {
    let install = origin.install_command();
    render(
        "ci.yml",
        &CiYml {
            install: install.as_deref(),
        },
    )
}

pub fn reg_file(dll_name: &str, registration: &Registration) -> Result<String, Error> {
    render(
        "server.reg",
        &RegFile {
            dll_name,
            keys: &registration.keys,
            keys_32: &registration.keys_32,
            has_bitness: registration.has_bitness,
        },
    )
}

/// `src/generated/mod.rs`; `extra` are the template's own runtime modules.
pub fn generated_mod(extra: &[RuntimeModule], modules: &[(&str, &str)], test_modules: &[(&str, &str)]) -> String {
    // The user's clippy settings (pedantic, nursery, a newer toolchain's lints) are not
    // this directory's to meet. oscgen's own checks build it with `--cfg oscgen_lint`, so
    // it still meets clippy's default lints.
    let extra_modules = extra.iter().map(|m| {
        let name = format_ident!("{}", m.name);
        let feature = m.name;
        if m.optional {
            quote!(#[cfg(feature = #feature)] pub mod #name;)
        } else {
            quote!(pub mod #name;)
        }
    });
    let own_idents = modules.iter().map(|(name, _)| format_ident!("{}", name));
    let test_idents = test_modules.iter().map(|(name, _)| format_ident!("{}", name));
    let tokens = quote! {
        #![cfg_attr(not(oscgen_lint), allow(clippy::all, clippy::pedantic, clippy::nursery))]

        pub mod bindings;
        pub mod errorinfo;
        pub mod factory;
        pub mod hresult;
        pub mod identity;
        #[cfg(test)]
        mod layout;
        pub mod oleaut;
        pub mod prelude;
        pub mod probe;
        pub mod registry;
        pub mod server;
        pub mod trace;
        #(#extra_modules)*
        #(pub mod #own_idents;)*
        #(#[cfg(test)] pub mod #test_idents;)*
    };
    let summaries: Vec<String> = extra
        .iter()
        .map(|m| match m.optional {
            true => format!("- `{0}` (feature `{0}`, off by default): {1}", m.name, m.summary),
            false => format!("- `{}`: {}", m.name, m.summary),
        })
        .chain(modules.iter().map(|(name, summary)| format!("- `{name}`: {summary}")))
        .chain(
            test_modules
                .iter()
                .map(|(name, summary)| format!("- `{name}` (tests only): {summary}")),
        )
        .collect();
    let mut docs = vec![
        "Generated by oscgen and owned by it: `oscgen generate` rewrites this directory, do not edit.",
        "",
        "- `bindings`: the COM interfaces, their vtables and `_Impl` traits.",
        "- `errorinfo`: `com_error`, an error whose message reaches the caller through IErrorInfo.",
        "- `factory`: IClassFactory, from oscgen's own definition.",
        "- `hresult`: the HRESULTs the generated code returns (E_NOTIMPL, E_POINTER, ...).",
        "- `identity`: the CLSID, ProgID and registry entries (from oscgen.toml).",
        "- `layout` (tests only): every vtable slot at slot × pointer size, checked at compile time.",
        "- `oleaut`: BSTR and SAFEARRAY (oleaut32 on Windows, a same-layout stand-in elsewhere).",
        "- `prelude`: every name a stub may use, for `use crate::generated::prelude::*;`.",
        "- `probe`: the slot probe (feature `oscgen-probe`): what each stub answers, by interface and slot.",
        "- `registry`: DllRegisterServer and DllUnregisterServer.",
        "- `server`: the class factory and DllGetClassObject / DllCanUnloadNow.",
        "- `trace`: the call log: every vtable call's interface, method, HRESULT, duration and panic, through `log`.",
    ];
    docs.extend(summaries.iter().map(String::as_str));
    docs.extend([
        "",
        "rustfmt and clippy leave these files alone (the attributes below and at the top of",
        "each file), so `cargo fmt` and the lints you choose never make `oscgen generate",
        "--check` fail.",
    ]);
    format::rust_file(&docs, tokens).expect("static tokens parse")
}

/// `src/generated/prelude.rs`: every name a stub may use, so that each user file needs one
/// `use crate::generated::prelude::*;` and a stub added later compiles whatever it names.
/// `extra` are a template's own helpers, by module of `src/generated/`.
pub fn prelude(extra: &[(&str, &[&str])]) -> String {
    let extra = extra.iter().map(|(module, names)| {
        let module = format_ident!("{}", module);
        let names = names.iter().map(|n| format_ident!("{}", n));
        quote!(pub use super::#module::{#(#names),*};)
    });
    let tokens = quote! {
        pub use core::ffi::c_void;

        pub use windows_core::{GUID, HRESULT, IUnknown, Interface, Ref, Result, implement};

        pub use super::bindings::*;
        pub use super::hresult::{
            CLASS_E_CLASSNOTAVAILABLE, CLASS_E_NOAGGREGATION, E_NOTIMPL, E_POINTER, E_UNEXPECTED, S_FALSE, S_OK,
        };
        pub use super::errorinfo::com_error;
        pub use super::oleaut::{BSTR, DATE, SAFEARRAY, VARIANT_BOOL, VARIANT_FALSE, VARIANT_TRUE};
        pub use super::server::{ModuleRef, spawn_background};
        // Unused once every stub is implemented.
        #[allow(unused_imports)]
        pub(crate) use super::probe::not_implemented;
        #(#extra)*
    };
    format::rust_file(
        &[
            OWNED_HEADER,
            "",
            "Every name the method stubs in your files may use, in one import: each of your files",
            "starts with `use crate::generated::prelude::*;`, so a stub that `oscgen generate` adds",
            "later (for a method an interface gains) compiles whatever types it names. What your",
            "file declares or imports itself takes precedence over these names.",
        ],
        tokens,
    )
    .expect("prelude tokens parse")
}

/// `src/generated/layout.rs`: every function pointer of every bound `_Vtbl` struct sits
/// at slot × pointer size, as in the C headers (8 bytes on x86_64, 4 on x86), checked at
/// compile time for the target the tests are built for. `sets` are the interfaces to check,
/// each with its model and the module of `src/generated/` that binds them.
pub fn layout_test(sets: &[(&Model, &[String], &str)]) -> String {
    let mut uses = Vec::new();
    let mut tests = Vec::new();
    for (model, bound, module) in sets {
        let module = format_ident!("{}", module);
        let mut names = Vec::new();
        for iface in bound.iter().filter_map(|name| model.interface(name)) {
            let (vtbl, test) = layout_check(model, iface);
            names.push(vtbl);
            tests.push(test);
        }
        uses.push(quote!(use super::#module::{#(#names),*};));
    }
    let tokens = quote! {
        use core::mem::{offset_of, size_of};

        #(#uses)*

        /// A function pointer's size: 8 bytes on 64-bit Windows, 4 on 32-bit.
        const POINTER: usize = if cfg!(target_pointer_width = "64") { 8 } else { 4 };

        #[cfg(target_arch = "x86_64")]
        const _: () = assert!(POINTER == 8);
        #[cfg(target_arch = "x86")]
        const _: () = assert!(POINTER == 4);

        const fn slot(index: usize) -> usize {
            index * POINTER
        }

        #(#tests)*
    };
    format::rust_file(
        &[
            OWNED_HEADER,
            "",
            "The vtable layout: the byte offset of every function pointer in every `_Vtbl` struct",
            "is its slot index times the pointer size, as the C headers lay the vtables out (8 bytes",
            "on x86_64, 4 on x86). The checks are `const` blocks, evaluated when the crate's tests",
            "compile for a target: `cargo test --no-run --target i686-pc-windows-gnu` checks the",
            "32-bit layout even where the tests cannot run.",
        ],
        tokens,
    )
    .expect("layout test tokens parse")
}

/// The `_Vtbl` struct's name and the test that checks its every slot.
fn layout_check(
    model: &Model,
    iface: &crate::model::interface::Interface,
) -> (proc_macro2::Ident, proc_macro2::TokenStream) {
    let vt = Vtable::of(model, iface);
    let mut chain: Vec<String> = vec![iface.name.clone()];
    chain.extend(Vtable::ancestors(model, iface).iter().map(|a| a.name.clone()));
    let vtbl = format_ident!("{}_Vtbl", ident(&iface.name));
    let checks = vt.slots.iter().map(|s| {
        let depth = chain.iter().position(|c| *c == s.declared_in.name).unwrap_or(0);
        let method = ident(&s.method.name);
        let bases = std::iter::repeat_n(quote!(base__.), depth);
        let index = proc_macro2::Literal::usize_unsuffixed(s.index);
        let message = format!("{vtbl}.{method} is not at slot {}", s.index);
        quote!(assert!(offset_of!(#vtbl, #(#bases)* #method) == slot(#index), #message);)
    });
    let count = vt.slots.len();
    let size_message = format!("{vtbl} is not {count} slots long");
    let count = proc_macro2::Literal::usize_unsuffixed(count);
    let test = format_ident!("{}_slots", iface.name.to_ascii_lowercase());
    let test = quote! {
        #[test]
        fn #test() {
            const {
                #(#checks)*
                assert!(size_of::<#vtbl>() == slot(#count), #size_message);
            }
        }
    };
    (vtbl, test)
}
