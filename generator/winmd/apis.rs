//! The Win32 metadata's `Apis` classes, kept out of windows-metadata's index.
//!
//! Win32 metadata declares a namespace's functions and constants as the members of a
//! class named `Apis`. windows-metadata's `Index::new` puts every member of every such
//! class in a name map, one string key each, which oscgen never looks up: the reader takes
//! a class's constants from the class's own rows. In Windows.Win32.winmd (one `Apis`
//! class of 83,650 fields and 14,567 methods) building that map was most of the time
//! reading the file took. So before the index is built, the name of each class it would
//! expand is pointed at the empty string (#Strings offset 0, which ECMA-335 keeps for
//! it); the index then holds the class as one nameless type, and the reader knows it by
//! its row.

use windows_metadata::TypeAttributes;

use crate::winmd::container::{Layout, t};
use crate::winmd::names;

/// TypeDef columns (ECMA-335 II.22.37).
const FLAGS: usize = 0;
const NAME: usize = 1;
const NAMESPACE: usize = 2;
const EXTENDS: usize = 3;

/// Renames the `Apis` classes windows-metadata would expand and returns their TypeDef
/// rows (from 0). Only what the index treats as one is renamed: a top-level class of that
/// exact name, not WinRT.
pub fn hide(bytes: &mut [u8], layout: &Layout) -> Vec<usize> {
    // A file whose heap does not start with the empty string keeps its names.
    if layout.string(bytes, 0) != Some("") {
        return Vec::new();
    }
    let mut hidden = Vec::new();
    for row in 0..layout.rows(t::TYPE_DEF) {
        let text = |column| {
            let offset = layout.value(bytes, t::TYPE_DEF, row, column)?;
            layout.string(bytes, offset)
        };
        if text(NAME) != Some(names::APIS) || text(NAMESPACE).is_none_or(str::is_empty) {
            continue;
        }
        let flags = layout.value(bytes, t::TYPE_DEF, row, FLAGS).unwrap_or(0) as u32;
        if flags & TypeAttributes::WindowsRuntime.0 != 0 || !is_class(bytes, layout, row) {
            continue;
        }
        if let Some((at, size)) = layout.cell(t::TYPE_DEF, row, NAME) {
            bytes[at..at + size].fill(0);
            hidden.push(row);
        }
    }
    hidden
}

/// Whether windows-metadata's `TypeDef::category` calls the row a class: it extends a
/// type, and not one of the System types that make it an enum, struct, delegate or
/// attribute. A base it cannot name (a TypeSpec) counts as no class.
fn is_class(bytes: &[u8], layout: &Layout, row: usize) -> bool {
    let Some(extends) = layout.value(bytes, t::TYPE_DEF, row, EXTENDS) else {
        return false;
    };
    let (tag, base) = (extends & 3, extends >> 2);
    if base == 0 {
        return false;
    }
    // TypeDefOrRef: a TypeRef row has its name and namespace in the same columns as a
    // TypeDef row.
    let table = match tag {
        0 => t::TYPE_DEF,
        1 => t::TYPE_REF,
        _ => return false,
    };
    let text = |column| {
        let offset = layout.value(bytes, table, base - 1, column)?;
        layout.string(bytes, offset)
    };
    match (text(NAMESPACE), text(NAME)) {
        (Some("System"), Some("Enum" | "MulticastDelegate" | "ValueType" | "Attribute")) => false,
        (Some(_), Some(_)) => true,
        _ => false,
    }
}
