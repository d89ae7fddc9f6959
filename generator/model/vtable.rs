//! The vtable of an interface, slot by slot: the one place that decides slot order.
//!
//! Base interface slots come first (IUnknown's three at the root), then each interface's
//! own methods in declaration order. `[call_as]` methods are the remote twins of
//! `[local]` ones and own no slot, as in the headers MIDL and widl write.

use crate::model::Model;
use crate::model::interface::{Interface, Method};

#[derive(Clone, Debug)]
pub struct Slot<'m> {
    pub index: usize,
    pub method: &'m Method,
    /// The interface that declares the method (a base, for inherited slots).
    pub declared_in: &'m Interface,
    /// An ancestor of `declared_in` has a method of the same name (a C++ overload, as
    /// `GetFontCollection` in both IDWriteTextFormat and IDWriteTextLayout). The model
    /// keeps the name as declared; a C vtable struct cannot hold it twice, see
    /// [`Slot::c_name`], and a binding that flattens the chain must not either.
    pub redeclares: bool,
}

impl<'m> Slot<'m> {
    /// The member name in the C vtable struct MIDL and widl write: a redeclared name is
    /// prefixed with its interface's (`IDWriteTextLayout_GetFontCollection`, `IB_Size`
    /// for `[propget] Size`), as widl's header writer does.
    pub fn c_name(&self) -> std::borrow::Cow<'m, str> {
        if self.redeclares {
            let iface = &self.declared_in.name;
            let short = iface.rsplit('.').next().unwrap_or(iface);
            format!("{short}_{}", self.method.idl_name).into()
        } else {
            self.method.name.as_str().into()
        }
    }
}

#[derive(Clone, Debug)]
pub struct Vtable<'m> {
    pub interface: &'m Interface,
    pub slots: Vec<Slot<'m>>,
}

impl<'m> Vtable<'m> {
    /// Builds the vtable of a validated model's interface. The chain is finite and every
    /// base exists, because [`Model::new`] checked both.
    pub fn of(model: &'m Model, interface: &'m Interface) -> Vtable<'m> {
        let mut chain = vec![interface];
        let mut current = interface;
        while let Some(base) = current.base.as_deref().and_then(|b| model.interface(b)) {
            chain.push(base);
            current = base;
        }
        chain.reverse();
        let mut slots = Vec::new();
        for (depth, declaring) in chain.iter().enumerate() {
            for method in declaring.methods.iter().filter(|m| m.has_slot()) {
                // Chains are short and interfaces have few methods: compare in place.
                // `[call_as]` methods of ancestors count, as in widl.
                let redeclares = chain[..depth]
                    .iter()
                    .any(|a| a.methods.iter().any(|m| m.name == method.name));
                slots.push(Slot {
                    index: slots.len(),
                    method,
                    declared_in: declaring,
                    redeclares,
                });
            }
        }
        Vtable { interface, slots }
    }

    /// Slots the interface adds to its base's.
    pub fn own_slots(&self) -> impl Iterator<Item = &Slot<'m>> {
        self.slots
            .iter()
            .filter(|s| std::ptr::eq(s.declared_in, self.interface))
    }

    /// The chain from the interface to its root, nearest first (`ISocialProfile`, `ISocialPerson`, `IUnknown`).
    pub fn ancestors(model: &'m Model, interface: &'m Interface) -> Vec<&'m Interface> {
        let mut out = Vec::new();
        let mut current = interface;
        while let Some(base) = current.base.as_deref().and_then(|b| model.interface(b)) {
            out.push(base);
            current = base;
        }
        out
    }
}
