//! The client's calls: for each vtable slot, zeroed or null arguments of the parameter's
//! types, scratch memory for out-parameters (freed after a success), and the probe code the
//! call must answer.
//!
//! Every out-parameter gets non-null scratch memory, so the null-argument guard of the
//! generated vtable shims (E_POINTER for a null `[out, retval]` pointer) never answers
//! first: a stub must answer its own slot's probe code, whatever the interface.

use std::fmt::Write as _;

use super::Dialect;
use crate::emit::probe::{Table, code};
use crate::model::Model;
use crate::model::interface::{Method, Param};
use crate::model::types::{Type, TypeDefKind};
use crate::model::vtable::Slot;

/// How an argument is passed and what is done with it after the call.
enum Arg {
    /// `0`: integers, floats, enums, pointers, interfaces, strings.
    Zero,
    /// A zeroed struct or union passed by value, by its C name.
    ZeroStruct(String),
    /// A pointer to zeroed scratch memory the method may write, and what it may write there.
    Out(Owned),
}

/// What an out-parameter may hand over, to be freed after a successful call.
enum Owned {
    Nothing,
    /// An interface pointer, with the interface's name when the model knows it.
    Interface(Option<String>),
    Bstr,
    SafeArray,
    Variant,
}

pub struct Types<'m> {
    pub model: &'m Model,
}

impl Types<'_> {
    /// The type through aliases (`LPSTR` is `char*`), but not past a name the checks below need.
    fn resolve(&self, ty: &Type) -> Type {
        let mut ty = ty.unqualified().clone();
        for _ in 0..32 {
            match &ty {
                Type::Named(n) if matches!(&**n, "BSTR" | "SAFEARRAY" | "VARIANT" | "GUID") => return ty,
                Type::Named(n) => match self.model.type_def(n).map(|t| &t.kind) {
                    Some(TypeDefKind::Alias(inner)) => ty = inner.unqualified().clone(),
                    _ => return ty,
                },
                _ => return ty,
            }
        }
        ty
    }

    fn is_interface(&self, ty: &Type) -> bool {
        match self.resolve(ty) {
            Type::Named(n) => {
                self.model.interface(&n).is_some()
                    || matches!(self.model.type_def(&n).map(|t| &t.kind), Some(TypeDefKind::Interface))
            }
            _ => false,
        }
    }

    fn is_struct(&self, ty: &Type) -> bool {
        match self.resolve(ty) {
            Type::Named(n) if matches!(&*n, "VARIANT" | "GUID") => true,
            Type::Named(n) => matches!(
                self.model.type_def(&n).map(|t| &t.kind),
                Some(TypeDefKind::Struct(_) | TypeDefKind::Union(_))
            ),
            _ => false,
        }
    }

    fn pointee(&self, ty: &Type) -> Option<Type> {
        match self.resolve(ty) {
            Type::Pointer(inner) | Type::Array(inner, _) => Some(*inner),
            _ => None,
        }
    }

    fn owned(&self, pointee: &Type) -> Owned {
        match self.resolve(pointee) {
            Type::Named(n) if &*n == "BSTR" => Owned::Bstr,
            Type::Named(n) if &*n == "VARIANT" => Owned::Variant,
            Type::SafeArray(_) => Owned::SafeArray,
            Type::Pointer(inner) => match self.resolve(&inner) {
                Type::Named(n) if &*n == "SAFEARRAY" => Owned::SafeArray,
                Type::Named(n) if self.is_interface(&inner) => Owned::Interface(Some(n.to_string())),
                _ if self.is_interface(&inner) => Owned::Interface(None),
                _ => Owned::Nothing,
            },
            _ => Owned::Nothing,
        }
    }

    fn arg(&self, p: &Param) -> Arg {
        if p.dir.is_out()
            && let Some(pointee) = self.pointee(&p.ty)
        {
            return Arg::Out(self.owned(&pointee));
        }
        if self.is_struct(&p.ty) {
            return Arg::ZeroStruct(p.ty.unqualified().to_string());
        }
        Arg::Zero
    }

    fn returns_hresult(&self, m: &Method) -> bool {
        matches!(m.ret.unqualified(), Type::Named(n) if &**n == "HRESULT")
    }
}

/// One slot's call, as a block of the interface's probe function.
pub struct SlotCall<'a> {
    pub slot: &'a Slot<'a>,
    /// `ComServer: IScientific`: how the checks name the object and interface.
    pub label: &'a str,
    /// 1: a stub (it must answer the code); 0: implemented; -1: unknown.
    pub stub: i32,
    pub table: &'a Table,
    /// The probe function of the object type that implements an interface a method hands
    /// out, by interface name.
    pub handed_to: &'a dyn Fn(&str) -> Option<String>,
}

/// The block that calls `call.slot` through `obj` and checks its answer; None for a slot
/// the probe table does not list.
pub fn slot_block(types: &Types, dialect: Dialect, call: &SlotCall) -> Option<String> {
    let slot = call.slot;
    let declared = &slot.declared_in.name;
    let entry = call.table.entry(declared)?;
    entry.slots.iter().find(|p| p.index == slot.index)?;
    let label = call.label;
    let member = slot.c_name();
    let mut args = Vec::new();
    let mut frees = Vec::new();
    let mut handed = Vec::new();
    let mut structs = Vec::new();
    let mut outs = 0;
    for p in &slot.method.params {
        match (types.arg(p), dialect) {
            (Arg::Zero | Arg::ZeroStruct(_), Dialect::Cpp) => args.push("probe_zero()".to_string()),
            (Arg::Zero, Dialect::C) => args.push("0".into()),
            (Arg::ZeroStruct(t), Dialect::C) => {
                let v = format!("zero{}", structs.len());
                structs.push(format!("        static {t} {v};"));
                args.push(v);
            }
            (Arg::Out(owned), _) => {
                let i = outs;
                outs += 1;
                args.push(match dialect {
                    Dialect::C => format!("SCRATCH({i})"),
                    Dialect::Cpp => format!("probe_out({i})"),
                });
                match owned {
                    Owned::Nothing => {}
                    Owned::Interface(returned) => handed.push((i, returned)),
                    Owned::Bstr => frees.push(format!("SysFreeString(*(BSTR *)SCRATCH({i}));")),
                    Owned::SafeArray => frees.push(format!(
                        "if (*(SAFEARRAY **)SCRATCH({i}))\n                SafeArrayDestroy(*(SAFEARRAY **)SCRATCH({i}));"
                    )),
                    Owned::Variant => frees.push(format!("VariantClear((VARIANT *)SCRATCH({i}));")),
                }
            }
        }
    }
    let call_text = match dialect {
        Dialect::C => format!(
            "obj->lpVtbl->{member}({})",
            std::iter::once("obj".to_string())
                .chain(args)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Dialect::Cpp => format!("obj->{member}({})", args.join(", ")),
    };
    let mut w = String::new();
    let _ = writeln!(w, "    {{ /* slot {}: {declared}::{member} */", slot.index);
    for s in &structs {
        let _ = writeln!(w, "{s}");
    }
    let _ = writeln!(w, "        reset_out();");
    if !types.returns_hresult(slot.method) {
        let _ = writeln!(w, "        (void){call_text};");
        let _ = writeln!(
            w,
            "        check(1, \"{label}->{member}: called (it returns {}, not an HRESULT)\");\n    }}",
            slot.method.ret
        );
        return Some(w);
    }
    let _ = writeln!(w, "        hr = {call_text};");
    let _ = writeln!(
        w,
        "        expect_slot(hr, \"{label}\", \"{member}\", \"{declared}\", {}, (HRESULT)0x{:08X}UL, {});",
        slot.index,
        code(entry.base, slot.index),
        call.stub
    );
    if !frees.is_empty() || !handed.is_empty() {
        let _ = writeln!(w, "        if (SUCCEEDED(hr)) {{");
        // Interfaces first out of the scratch memory a nested probe reuses.
        for (i, _) in &handed {
            let _ = writeln!(w, "            IUnknown *handed{i} = *(IUnknown **)SCRATCH({i});");
        }
        for f in &frees {
            let _ = writeln!(w, "            {f}");
        }
        for (i, returned) in &handed {
            let _ = writeln!(w, "            if (handed{i}) {{");
            if let Some(probe) = returned.as_deref().and_then(call.handed_to) {
                let _ = writeln!(w, "                {probe}(handed{i}, \"{label}::{member}\");");
            }
            let _ = writeln!(w, "                PROBE_RELEASE(handed{i});\n            }}");
        }
        let _ = writeln!(w, "        }}");
    }
    let _ = writeln!(w, "    }}");
    Some(w)
}
