//! MIDL's leniency about letter case: a base interface or a type named with the wrong
//! case (`interface IFoo : iunknown`) is the declared one, since MIDL looks names up
//! case-insensitively where it finds no exact match. oscgen does the same, after the
//! last file is lowered (so the order files are lowered in cannot change the outcome),
//! and warns: the spelling is almost certainly a typo, and C or Rust would reject it.

use crate::diagnostic::Diagnostic;
use crate::hash::{NameMap, NameSet};
use crate::model::ModelParts;
use crate::model::types::{Name, Type};
use crate::source::Span;

/// Rewrites names that are declared only with another letter case to the declared
/// spelling, with a warning for each.
pub(super) fn resolve(parts: &mut ModelParts, warnings: &mut Vec<Diagnostic>) {
    let interfaces: NameSet<&str> = parts.interfaces.iter().map(|i| i.name.as_str()).collect();
    let mut types: NameSet<&str> = parts.types.iter().map(|t| t.name.as_str()).collect();
    types.extend(interfaces.iter().copied());
    // The first declaration of a spelling wins, as it would in MIDL's symbol table.
    let mut folded_interfaces: NameMap<String, String> = NameMap::default();
    for i in &parts.interfaces {
        folded_interfaces
            .entry(i.name.to_ascii_lowercase())
            .or_insert_with(|| i.name.clone());
    }
    let mut folded_types: NameMap<String, Name> = NameMap::default();
    for name in parts
        .types
        .iter()
        .map(|t| &t.name)
        .chain(parts.interfaces.iter().map(|i| &i.name))
    {
        folded_types
            .entry(name.to_ascii_lowercase())
            .or_insert_with(|| name.as_str().into());
    }
    let mut base_fixes = Vec::new();
    for (i, iface) in parts.interfaces.iter().enumerate() {
        if let Some(base) = &iface.base
            && !interfaces.contains(base.as_str())
            && let Some(declared) = folded_interfaces.get(&base.to_ascii_lowercase())
        {
            base_fixes.push((i, declared.clone()));
        }
    }
    let mut type_fixes = Vec::new();
    for (i, iface) in parts.interfaces.iter().enumerate() {
        for (j, m) in iface.methods.iter().enumerate() {
            let lookup = |ty: &Type| fix_type(ty, &types, &folded_types);
            if let Some(ret) = lookup(&m.ret) {
                type_fixes.push((i, j, None, ret));
            }
            for (k, p) in m.params.iter().enumerate() {
                if let Some(ty) = lookup(&p.ty) {
                    type_fixes.push((i, j, Some(k), ty));
                }
            }
        }
    }
    drop((interfaces, types));
    for (i, declared) in base_fixes {
        let iface = &mut parts.interfaces[i];
        let written = iface.base.replace(declared.clone()).unwrap_or_default();
        if let Some(span) = iface.base_span.or(iface.span) {
            warnings.push(warning(span, &written, &declared, "base interface"));
        }
    }
    for (i, j, param, (ty, written, declared)) in type_fixes {
        let m = &mut parts.interfaces[i].methods[j];
        let span = match param {
            Some(k) => {
                m.params[k].ty = ty;
                m.params[k].span.or(m.span)
            }
            None => {
                m.ret = ty;
                m.span
            }
        };
        if let Some(span) = span {
            warnings.push(warning(span, &written, &declared, "type"));
        }
    }
}

fn warning(span: Span, written: &str, declared: &str, what: &str) -> Diagnostic {
    Diagnostic::warning_at(span, format!("{what} `{written}` is declared as `{declared}`"))
        .with_label(
            span,
            format!("resolved to `{declared}`, ignoring letter case as MIDL does"),
        )
        .with_note(format!("write `{declared}`: C and Rust compilers match names exactly"))
}

/// The type with each name declared only in another case replaced, the first such
/// name as written and as declared; `None` when every name is declared as written.
fn fix_type(ty: &Type, exact: &NameSet<&str>, folded: &NameMap<String, Name>) -> Option<(Type, String, String)> {
    let mut names = Vec::new();
    ty.name_refs(&mut names);
    if names.iter().all(|n| exact.contains(n)) {
        return None;
    }
    let mut first = None;
    let fixed = rename(ty, &mut |n: &Name| {
        if exact.contains(&**n) {
            return None;
        }
        let declared = folded.get(&n.to_ascii_lowercase())?;
        first.get_or_insert_with(|| (n.to_string(), declared.to_string()));
        Some(declared.clone())
    });
    let (written, declared) = first?;
    Some((fixed, written, declared))
}

fn rename(ty: &Type, f: &mut dyn FnMut(&Name) -> Option<Name>) -> Type {
    match ty {
        Type::Named(n) => Type::Named(f(n).unwrap_or_else(|| n.clone())),
        Type::Pointer(t) => Type::Pointer(Box::new(rename(t, f))),
        Type::Const(t) => Type::Const(Box::new(rename(t, f))),
        Type::Array(t, n) => Type::Array(Box::new(rename(t, f)), *n),
        Type::SafeArray(t) => Type::SafeArray(Box::new(rename(t, f))),
        Type::Function(r, ps) => Type::Function(Box::new(rename(r, f)), ps.iter().map(|p| rename(p, f)).collect()),
        Type::Void | Type::Scalar(_) => ty.clone(),
    }
}
