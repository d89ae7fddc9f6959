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
        let mut slots = Vec::new();
        for declaring in chain.into_iter().rev() {
            for method in declaring.methods.iter().filter(|m| m.has_slot()) {
                slots.push(Slot {
                    index: slots.len(),
                    method,
                    declared_in: declaring,
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
