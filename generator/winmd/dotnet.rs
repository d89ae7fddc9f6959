//! .NET interop assemblies' conventions for COM interfaces ([ComImport] interfaces, as
//! tlbimp writes them or as C# declares them by hand).
//!
//! ECMA-335 interfaces do not inherit members: an InterfaceImpl row on an interface only
//! says that whoever implements it must implement the other one too (I.8.9.11, interface
//! type derivation), and each interface declares its own methods. .NET COM interop lays
//! out an interface's vtable from that interface's own MethodDefs alone, after IUnknown's
//! three slots (and IDispatch's four for a dual one). So tlbimp, to keep a derived COM
//! interface's vtable, declares the whole base chain's methods again (all but IUnknown's
//! and IDispatch's), in order, ahead of the interface's own (C# spells them `new`), and
//! names the base in an InterfaceImpl row.
//!
//! The model wants the COM shape back: base from the InterfaceImpl row, and only the
//! methods after the redeclared ones as the interface's own. That holds only when the
//! methods really start with the base chain's, in order, with the same name and signature,
//! and the two interfaces start from the same root (IUnknown or IDispatch); otherwise
//! the base's vtable is not a prefix of this one, and the interface is read as .NET lays
//! it out: its root and every method it declares. That includes an interface written by
//! hand that relies on C# inheritance without redeclaring: at run time its vtable holds
//! only its own methods, so it does not derive from the base in COM terms.

use std::collections::{BTreeSet, HashMap};

use crate::model::interface::{Interface, Method, MethodKind};
use crate::winmd::dispatch::is_dispinterface;

/// What an interop interface says about its place in a hierarchy.
#[derive(Debug)]
pub struct Bases {
    /// IUnknown or IDispatch, from `InterfaceTypeAttribute` ([`crate::winmd::dispatch::ComKind`]).
    pub root: &'static str,
    /// The interfaces its InterfaceImpl rows name, in row order.
    pub impls: Vec<String>,
}

/// The property kind and IDL name of a .NET property setter. C# names every setter
/// `set_X`; tlbimp writes `set_X` for a propput, unless the property has a propputref
/// too: then `set_X` is the propputref and the propput is `let_X` (VB's Let and Set).
/// `lets` holds the interface's properties that have a `let_X`.
pub fn accessor_kind<'n>(name: &'n str, lets: &BTreeSet<&str>) -> Option<(MethodKind, &'n str)> {
    if let Some(rest) = name.strip_prefix("let_") {
        return Some((MethodKind::PropPut, rest));
    }
    let rest = name.strip_prefix("set_")?;
    let kind = if lets.contains(rest) {
        MethodKind::PropPutRef
    } else {
        MethodKind::PropPut
    };
    Some((kind, rest))
}

#[derive(Clone, Copy, PartialEq)]
enum State {
    Pending,
    Busy,
    Done,
}

/// Gives each interop interface whose methods start by redeclaring a base chain's the
/// base from its InterfaceImpl rows and only the remaining methods. `bases[i]` belongs
/// to `interfaces[i]`; `None` for interfaces that are not .NET interop ones.
pub fn settle(interfaces: &mut [Interface], bases: &[Option<Bases>]) {
    let mut by_name = HashMap::new();
    for (i, iface) in interfaces.iter().enumerate() {
        by_name.entry(iface.name.clone()).or_insert(i);
    }
    let mut state = vec![State::Pending; interfaces.len()];
    for i in 0..interfaces.len() {
        settle_one(i, interfaces, bases, &by_name, &mut state);
    }
}

fn settle_one(
    i: usize,
    interfaces: &mut [Interface],
    bases: &[Option<Bases>],
    by_name: &HashMap<String, usize>,
    state: &mut [State],
) {
    if state[i] != State::Pending {
        return;
    }
    state[i] = State::Busy;
    // A dispinterface's members own no slot, so it redeclares nothing.
    if let Some(Some(own)) = bases.get(i).filter(|_| !is_dispinterface(&interfaces[i])) {
        // A base is settled before it is compared with, so its chain is its COM chain. One
        // still being settled is on a cycle of InterfaceImpl rows and is not a candidate.
        let mut best: Option<(usize, usize, &str)> = None;
        for name in &own.impls {
            let Some(&j) = by_name.get(name) else { continue };
            settle_one(j, interfaces, bases, by_name, state);
            // A dispinterface's vtable is IDispatch's: with no methods it would be a prefix
            // of every IDispatch-rooted interface that names it.
            if state[j] != State::Done || is_dispinterface(&interfaces[j]) {
                continue;
            }
            let Some((root, chain)) = chain(j, interfaces, by_name) else {
                continue;
            };
            let methods = &interfaces[i].methods;
            let redeclared = root == own.root
                && chain.len() <= methods.len()
                && chain.iter().zip(methods).all(|(b, m)| same_slot(b, m));
            // tlbimp may name every interface up the chain; the most derived one that
            // matches is the base (most methods, then the longest chain).
            let rank = (chain.len(), depth(j, interfaces, by_name));
            if redeclared && best.is_none_or(|(n, d, _)| rank > (n, d)) {
                best = Some((rank.0, rank.1, name));
            }
        }
        if let Some((count, _, name)) = best {
            let name = name.to_string();
            let iface = &mut interfaces[i];
            iface.methods.drain(..count);
            iface.base = Some(name);
        }
    }
    state[i] = State::Done;
}

/// The root and the methods of `j`'s vtable after the root's, base first; `None` when
/// the chain leaves the files or loops.
fn chain<'m>(
    j: usize,
    interfaces: &'m [Interface],
    by_name: &HashMap<String, usize>,
) -> Option<(&'m str, Vec<&'m Method>)> {
    let mut levels = Vec::new();
    let mut current = j;
    loop {
        if levels.len() > interfaces.len() {
            return None;
        }
        let iface = &interfaces[current];
        levels.push(&iface.methods);
        let base = iface.base.as_deref()?;
        if base == "IUnknown" || base == "IDispatch" {
            let methods = levels.into_iter().rev().flatten().collect();
            return Some((base, methods));
        }
        current = *by_name.get(base)?;
    }
}

fn depth(j: usize, interfaces: &[Interface], by_name: &HashMap<String, usize>) -> usize {
    let mut depth = 0;
    let mut current = interfaces[j].base.as_deref();
    while let Some(&k) = current.and_then(|b| by_name.get(b)) {
        depth += 1;
        if depth > interfaces.len() {
            break;
        }
        current = interfaces[k].base.as_deref();
    }
    depth
}

/// The same vtable entry: name, kind, return and each parameter's type, direction and
/// attributes. Parameter names are not part of it, and a redeclaration may rename them.
fn same_slot(a: &Method, b: &Method) -> bool {
    a.name == b.name
        && a.kind == b.kind
        && a.ret == b.ret
        && a.params.len() == b.params.len()
        && a.params
            .iter()
            .zip(&b.params)
            .all(|(p, q)| p.ty == q.ty && p.dir == q.dir && p.retval == q.retval && p.attrs == q.attrs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::interface::{Direction, Param};
    use crate::model::types::Type;

    fn method(name: &str) -> Method {
        Method {
            name: name.into(),
            idl_name: name.into(),
            kind: MethodKind::Plain,
            params: vec![Param {
                name: "value".into(),
                dir: Direction::In,
                retval: false,
                ty: Type::Named("BSTR".into()),
                written: "BSTR".into(),
                attrs: Vec::new(),
                span: None,
            }],
            ret: Type::Named("HRESULT".into()),
            call_as: None,
            local: false,
            dispid: None,
            span: None,
        }
    }

    fn iface(name: &str, base: &str, methods: &[&str]) -> Interface {
        Interface {
            name: name.into(),
            iid: None,
            base: Some(base.into()),
            methods: methods.iter().map(|m| method(m)).collect(),
            local: false,
            oleautomation: false,
            dispatch: None,
            origin: Default::default(),
            span: None,
            base_span: None,
        }
    }

    fn dotnet(root: &'static str, impls: &[&str]) -> Option<Bases> {
        Some(Bases {
            root,
            impls: impls.iter().map(|s| s.to_string()).collect(),
        })
    }

    fn shape(interfaces: &[Interface]) -> Vec<(String, String, Vec<String>)> {
        interfaces
            .iter()
            .map(|i| {
                let methods = i.methods.iter().map(|m| m.name.clone()).collect();
                (i.name.clone(), i.base.clone().unwrap_or_default(), methods)
            })
            .collect()
    }

    fn settled(interfaces: &[Interface], bases: &[Option<Bases>]) -> Vec<(String, String, Vec<String>)> {
        let mut interfaces = interfaces.to_vec();
        settle(&mut interfaces, bases);
        shape(&interfaces)
    }

    #[test]
    fn a_three_level_chain_takes_the_most_derived_base() {
        let interfaces = [
            iface("IC", "IUnknown", &["A1", "B1", "C1"]),
            iface("IB", "IUnknown", &["A1", "B1"]),
            iface("IA", "IUnknown", &["A1"]),
        ];
        let bases = [
            dotnet("IUnknown", &["IA", "IB"]),
            dotnet("IUnknown", &["IA"]),
            dotnet("IUnknown", &[]),
        ];
        let s = settled(&interfaces, &bases);
        assert_eq!(s[0], ("IC".into(), "IB".into(), vec!["C1".into()]));
        assert_eq!(s[1], ("IB".into(), "IA".into(), vec!["B1".into()]));
        assert_eq!(s[2], ("IA".into(), "IUnknown".into(), vec!["A1".into()]));
    }

    #[test]
    fn odd_hierarchies_keep_the_interface_as_declared() {
        let interfaces = [
            // Fewer methods than the base.
            iface("IShort", "IUnknown", &["A1"]),
            iface("IBase", "IUnknown", &["A1", "A2"]),
            // A base no file declares.
            iface("IOrphan", "IUnknown", &["X"]),
            // A cycle of InterfaceImpl rows.
            iface("ILoop1", "IUnknown", &["L"]),
            iface("ILoop2", "IUnknown", &["L"]),
            // A root that differs: the dual base's vtable has IDispatch's slots.
            iface("IMixed", "IUnknown", &["A1", "A2", "M"]),
            iface("IDual", "IDispatch", &["A1", "A2"]),
            // Not an interop interface: its InterfaceImpl is its base already.
            iface("INative", "IBase", &["A1", "A2"]),
        ];
        let bases = [
            dotnet("IUnknown", &["IBase"]),
            dotnet("IUnknown", &[]),
            dotnet("IUnknown", &["IMissing"]),
            dotnet("IUnknown", &["ILoop2"]),
            dotnet("IUnknown", &["ILoop1"]),
            dotnet("IUnknown", &["IDual"]),
            dotnet("IDispatch", &[]),
            None,
        ];
        let before = shape(&interfaces);
        let after = settled(&interfaces, &bases);
        for (i, (b, a)) in before.iter().zip(&after).enumerate() {
            if i == 3 {
                // ILoop1 settles ILoop2 first, which cannot take ILoop1 (still open); then
                // ILoop1 redeclares ILoop2's method. No cycle, no panic.
                assert_eq!(a, &("ILoop1".into(), "ILoop2".into(), vec![]));
            } else {
                assert_eq!(a, b);
            }
        }
    }

    #[test]
    fn a_dispinterface_is_no_base_and_takes_none() {
        use crate::model::interface::Dispatch;
        let dispinterface = |name: &str, members: &[&str]| {
            let mut d = iface(name, "IDispatch", &[]);
            d.dispatch = Some(Dispatch {
                methods: members.iter().map(|m| method(m)).collect(),
                ..Dispatch::default()
            });
            d
        };
        let interfaces = [
            dispinterface("DEvents", &["A"]),
            // Its vtable after IDispatch's starts with nothing, which every one does.
            iface("IDual", "IDispatch", &["A", "B"]),
            // Nothing to redeclare from an empty base, and still not its base.
            dispinterface("DMore", &["A", "B"]),
            iface("IEmpty", "IDispatch", &[]),
        ];
        let bases = [
            dotnet("IDispatch", &[]),
            dotnet("IDispatch", &["DEvents"]),
            dotnet("IDispatch", &["IEmpty"]),
            dotnet("IDispatch", &[]),
        ];
        assert_eq!(settled(&interfaces, &bases), shape(&interfaces));
    }

    #[test]
    fn a_redeclaration_must_match_the_signature() {
        let mut changed = iface("IDerived", "IUnknown", &["A1", "D1"]);
        changed.methods[0].params[0].dir = Direction::Out;
        let interfaces = [changed, iface("IBase", "IUnknown", &["A1"])];
        let bases = [dotnet("IUnknown", &["IBase"]), dotnet("IUnknown", &[])];
        assert_eq!(settled(&interfaces, &bases), shape(&interfaces));
    }

    #[test]
    fn setters_are_propput_unless_a_let_sits_beside_them() {
        let lets = BTreeSet::from(["Conn"]);
        assert_eq!(accessor_kind("set_Url", &lets), Some((MethodKind::PropPut, "Url")));
        assert_eq!(accessor_kind("set_Conn", &lets), Some((MethodKind::PropPutRef, "Conn")));
        assert_eq!(accessor_kind("let_Conn", &lets), Some((MethodKind::PropPut, "Conn")));
        assert_eq!(accessor_kind("get_Url", &lets), None);
    }
}
