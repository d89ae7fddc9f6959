//! The slot probe: a build mode of every generated project (the cargo feature
//! `oscgen-probe`) in which each method that is still a stub answers an HRESULT naming the
//! interface and vtable slot that was reached, and the C client that checks it from
//! headers oscgen did not write ([`c_client`]).
//!
//! A stub's body is `Err(not_implemented!(IFoo::Method).into())`. The macro lives in
//! `src/generated/probe.rs`, which oscgen owns: without the feature it is the template's
//! "not implemented" HRESULT (E_NOTIMPL, OSC_E_NOT_IMPLEMENTED, MAPI_E_NO_SUPPORT); with
//! it, `MAKE_HRESULT(SEVERITY_ERROR, FACILITY_ITF, base + slot)` from the table in the same
//! file. A method the user implemented no longer calls the macro and keeps its behaviour.

pub mod client;

use crate::emit::bindings::rust_method_names;
use crate::model::Model;
use crate::model::guid::Guid;
use crate::model::vtable::Vtable;

/// The cargo feature that turns the probe on.
pub const FEATURE: &str = "oscgen-probe";

/// The first interface's base: codes 0x8004C000 and up, far from the FACILITY_ITF codes
/// COM (0x0000-0x01FF), MAPI (0x01xx-0x0Axx) and OSC (0x14xx) define.
pub const FIRST_BASE: u32 = 0xC000;

/// Each interface gets 256 codes (a slot index is the low byte), more when it has more slots.
pub const STEP: u32 = 0x100;

/// `MAKE_HRESULT(SEVERITY_ERROR, FACILITY_ITF, 0)`.
const ITF_ERROR: u32 = 0x8004_0000;

/// One interface of the probe table: its own methods, with the vtable slot of each.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub name: String,
    pub iid: Option<Guid>,
    pub base: u32,
    /// The interface's own slots (its bases have entries of their own).
    pub slots: Vec<ProbeSlot>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProbeSlot {
    /// The slot's index in the vtable (IUnknown's three come first).
    pub index: usize,
    /// The method's name in the `_Impl` trait and in the stubs.
    pub rust_name: String,
    /// The member name of the C vtable struct MIDL and widl write.
    pub c_name: String,
}

impl Entry {
    /// The code the stub in `slot` answers under the probe.
    pub fn code(&self, slot: usize) -> u32 {
        code(self.base, slot)
    }
}

/// `MAKE_HRESULT(SEVERITY_ERROR, FACILITY_ITF, base + slot)`.
pub fn code(base: u32, slot: usize) -> u32 {
    ITF_ERROR | ((base + slot as u32) & 0xFFFF)
}

/// The probe table of a project: every interface that has stubs, in the order given.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Table {
    pub entries: Vec<Entry>,
}

impl Table {
    /// The table for the interfaces that get impl blocks (`interfaces`, bases included,
    /// IUnknown left out). Bases are 0x100 apart from 0xC000; an interface with more than
    /// 256 slots takes as many steps as it needs. Past 0xFFFF the bases wrap to 0x0200.
    pub fn new(model: &Model, interfaces: &[String]) -> Table {
        let mut entries = Vec::new();
        let mut base = FIRST_BASE;
        for name in interfaces {
            let Some(iface) = model.interface(name) else { continue };
            if entries.iter().any(|e: &Entry| e.name == *name) {
                continue;
            }
            let vt = Vtable::of(model, iface);
            let slots: Vec<ProbeSlot> = vt
                .own_slots()
                .zip(rust_method_names(&vt))
                .map(|(s, rust)| ProbeSlot {
                    index: s.index,
                    rust_name: rust.to_string(),
                    c_name: s.c_name().into_owned(),
                })
                .collect();
            let steps = (vt.slots.len() as u32).div_ceil(STEP).max(1);
            if base + steps * STEP > 0x1_0000 {
                base = 0x0200;
            }
            entries.push(Entry {
                name: name.clone(),
                iid: iface.iid,
                base,
                slots,
            });
            base += steps * STEP;
        }
        Table { entries }
    }

    pub fn entry(&self, name: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.name == name)
    }
}

/// What a project's plan knows for the probe's client.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProbeInfo {
    pub table: Table,
    /// Every object of the project: the ones COM creates by CLSID and the ones they hand out.
    pub objects: Vec<ProbeObject>,
    /// `com_server.dll`.
    pub dll_name: String,
    pub prog_id: String,
}

impl ProbeInfo {
    /// The object COM creates for the project's (first) CLSID.
    pub fn class(&self) -> Option<&ProbeObject> {
        self.objects.iter().find(|o| o.clsid.is_some())
    }
}

/// An object of the project.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProbeObject {
    /// The CLSID that creates it, if COM creates it (rather than another object's method).
    pub clsid: Option<Guid>,
    /// The user's file with the object's impl blocks (`src/object.rs`).
    pub file: String,
    /// `ComServer`: the impl blocks are `impl IFoo_Impl for ComServer_Impl`.
    pub type_name: String,
    /// The interfaces of its `#[implement(...)]`.
    pub implements: Vec<String>,
    /// Those with their bases, IUnknown left out.
    pub interfaces: Vec<String>,
}

/// (interface, method, whether it is still a stub) for each method of an object.
pub type StubScan = Vec<(String, String, bool)>;

/// Which methods of a user's file are still stubs: (interface, method) of every method in
/// an `impl IFoo_Impl for Type_Impl` block whose body calls `not_implemented!`, and of every
/// one that does not. None when the file does not parse.
pub fn scan_stubs(source: &str, type_name: &str) -> Option<StubScan> {
    let file = syn::parse_file(source).ok()?;
    let self_name = format!("{type_name}_Impl");
    let mut out = Vec::new();
    for item in &file.items {
        let syn::Item::Impl(block) = item else { continue };
        let Some((trait_path, _)) = &block.trait_ else { continue };
        let Some(trait_name) = trait_path.segments.last().map(|s| s.ident.to_string()) else {
            continue;
        };
        let Some(interface) = trait_name.strip_suffix("_Impl") else {
            continue;
        };
        let self_ok = match block.self_ty.as_ref() {
            syn::Type::Path(p) => p.path.segments.last().is_some_and(|s| s.ident == self_name),
            _ => false,
        };
        if !self_ok {
            continue;
        }
        for it in &block.items {
            if let syn::ImplItem::Fn(f) = it {
                let tokens = quote::ToTokens::to_token_stream(&f.block);
                out.push((interface.to_string(), f.sig.ident.to_string(), calls_probe(tokens)));
            }
        }
    }
    Some(out)
}

fn calls_probe(tokens: proc_macro2::TokenStream) -> bool {
    let mut previous_probe = false;
    for t in tokens {
        match t {
            proc_macro2::TokenTree::Group(g) => {
                if calls_probe(g.stream()) {
                    return true;
                }
                previous_probe = false;
            }
            proc_macro2::TokenTree::Ident(i) => previous_probe = i == "not_implemented",
            proc_macro2::TokenTree::Punct(p) => {
                if previous_probe && p.as_char() == '!' {
                    return true;
                }
                previous_probe = false;
            }
            proc_macro2::TokenTree::Literal(_) => previous_probe = false,
        }
    }
    false
}

/// `src/generated/probe.rs`: the table, and the `not_implemented!` macro the stubs call.
/// `not_implemented` is the path of the HRESULT a stub answers without the probe.
pub fn probe_rs(table: &Table, not_implemented: &str) -> String {
    let shown = not_implemented.replace("$crate::", "crate::");
    let mut out = String::new();
    out.push_str(&format!(
        "//! {}
//!
//! The slot probe. Every stub oscgen writes answers `not_implemented!(IFoo::Method)`:
//! `{shown}` normally, and with the cargo feature `{FEATURE}`
//! `MAKE_HRESULT(SEVERITY_ERROR, FACILITY_ITF, base + slot)`, the interface's base from
//! `INTERFACES` below plus the method's vtable slot. A client that calls a slot and gets
//! another slot's code has found a vtable that is not laid out as its header says. A
//! method you implemented no longer calls the macro and answers as you wrote it.
//!
//! Without the feature the table is constants only: nothing of it reaches the DLL.
//! Never ship a DLL built with the feature.
",
        crate::emit::project::OWNED_HEADER
    ));
    out.push_str(
        "
use windows_core::{GUID, HRESULT};

/// An interface of the probe table.
#[derive(Clone, Copy, Debug)]
pub struct ProbeInterface {
    pub name: &'static str,
    pub iid: GUID,
    /// `base + slot` is the low word of a stub's HRESULT under the probe.
    pub base: u16,
    /// The interface's own methods, by vtable name, with their slots.
    pub methods: &'static [ProbeMethod],
}

/// A method of a [`ProbeInterface`].
#[derive(Clone, Copy, Debug)]
pub struct ProbeMethod {
    /// The member name of the C vtable struct (`get_Version` for a property).
    pub name: &'static str,
    pub slot: u16,
    /// What the stub answers under the probe.
    pub code: HRESULT,
}

/// `MAKE_HRESULT(SEVERITY_ERROR, FACILITY_ITF, base + slot)`.
pub const fn code(base: u16, slot: u16) -> HRESULT {
    HRESULT((0x8004_0000_u32 | base.wrapping_add(slot) as u32) as i32)
}

/// Every interface that has stubs, with its base.
pub const INTERFACES: &[ProbeInterface] = &[",
    );
    for e in &table.entries {
        let iid = e
            .iid
            .map(|g| format!("GUID::from_u128({})", crate::emit::bindings::types::guid_literal(g.0)))
            .unwrap_or_else(|| "GUID::zeroed()".to_string());
        out.push_str(&format!(
            "
    ProbeInterface {{
        name: \"{}\",
        iid: {iid},
        base: 0x{:04X},
        methods: &[",
            e.name, e.base
        ));
        for s in &e.slots {
            out.push_str(&format!(
                "
            ProbeMethod {{
                name: \"{}\",
                slot: {},
                code: {}::{},
            }},",
                s.c_name, s.index, e.name, s.rust_name
            ));
        }
        if e.slots.is_empty() {
            out.push_str("],\n    },");
        } else {
            out.push_str("\n        ],\n    },");
        }
    }
    out.push_str(if table.entries.is_empty() { "];\n" } else { "\n];\n" });
    for e in &table.entries {
        out.push_str(&format!(
            "
/// What each stub of {name} answers under the probe, by method.
#[allow(non_snake_case, non_upper_case_globals)]
pub mod {name} {{
{uses}",
            name = e.name,
            // A dispinterface has no slot of its own: its members are IDispatch's to call.
            uses = if e.slots.is_empty() {
                ""
            } else {
                "    use windows_core::HRESULT;\n"
            }
        ));
        for s in &e.slots {
            out.push_str(&format!(
                "
    /// Slot {}: `0x{:08X}`.
    pub const {}: HRESULT = super::code(0x{:04X}, {});
",
                s.index,
                e.code(s.index),
                s.rust_name,
                e.base,
                s.index
            ));
        }
        out.push_str("}\n");
    }
    out.push_str(&format!(
        "
/// What a stub whose probe code is `code` answers in this build: `code` with the feature
/// `{FEATURE}`, `{shown}` without. For tests that hold either way.
pub const fn stub_answer(code: HRESULT) -> HRESULT {{
    if cfg!(feature = \"{FEATURE}\") {{
        code
    }} else {{
        {shown}
    }}
}}
"
    ));
    out.push_str(&format!(
        "
/// What a stub answers: `{shown}` (the feature `{FEATURE}` is off).
#[cfg(not(feature = \"{FEATURE}\"))]
// Unused once every stub is implemented, which is where a project is headed.
#[allow(unused_macros)]
macro_rules! not_implemented {{
    ($interface:ident :: $method:ident) => {{{{
        // The method must be in the table either way.
        const _: ::windows_core::HRESULT = $crate::generated::probe::$interface::$method;
        {not_implemented}
    }}}};
}}

/// What a stub answers: the code of its interface and slot (the feature `{FEATURE}` is on).
#[cfg(feature = \"{FEATURE}\")]
#[allow(unused_macros)]
macro_rules! not_implemented {{
    ($interface:ident :: $method:ident) => {{
        $crate::generated::probe::$interface::$method
    }};
}}

#[allow(unused_imports)]
pub(crate) use not_implemented;
"
    ));
    out
}
