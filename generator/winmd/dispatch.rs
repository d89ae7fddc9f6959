//! What a .NET interop interface says about IDispatch: its `ComInterfaceType`, its
//! members' DISPIDs, its parameters' `[optional]` and `[defaultvalue]`, and the `[lcid]`
//! parameter that tlbimp takes out of the managed signature.
//!
//! These are the interop conventions only. In the Win32 metadata the same ParamAttributes
//! Optional flag means SAL's `_opt_` (a pointer that may be NULL), not automation's
//! `[optional]` (a VARIANT the caller may leave out), so the reader asks for these only
//! for [ComImport] interfaces.

use std::collections::BTreeMap;

use windows_metadata::AsRow;
use windows_metadata::reader::{
    Attribute, Constant, HasAttributes, MethodDef, MethodParam, RowIterator, TypeDef as WTypeDef,
};
use windows_metadata::{ParamAttributes, Value};

use crate::model::interface::{Direction, Dispatch, Interface, Param};
use crate::model::param::{DefaultValue, ParamAttr};
use crate::model::types::{Scalar, Type};
use crate::winmd::container::{Layout, t};
use crate::winmd::names;

/// `System.Runtime.InteropServices.ComInterfaceType`: what .NET lays out ahead of the
/// interface's own methods, and whether it has any.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ComKind {
    /// `InterfaceIsDual` (0), also what an interface without the attribute is.
    Dual,
    /// `InterfaceIsIUnknown` (1).
    Unknown,
    /// `InterfaceIsIDispatch` (2): a dispinterface, whose vtable is IDispatch's alone and
    /// whose members are reached only through `IDispatch::Invoke`.
    Dispatch,
}

impl ComKind {
    /// From `InterfaceTypeAttribute`, by value or as a `ComInterfaceType` enum value. A
    /// value .NET does not define (3 is WinRT's IInspectable) is read as .NET reads an
    /// interface without the attribute.
    pub fn of(t: WTypeDef) -> ComKind {
        let kind = t
            .find_attribute(names::INTERFACE_TYPE_ATTRIBUTE)
            .and_then(|a| a.value().into_iter().next())
            .and_then(|(_, v)| match v {
                Value::EnumValue(_, inner) => int(&inner),
                other => int(&other),
            });
        match kind {
            Some(1) => ComKind::Unknown,
            Some(2) => ComKind::Dispatch,
            _ => ComKind::Dual,
        }
    }

    /// The interface the vtable starts with.
    pub fn root(self) -> &'static str {
        match self {
            ComKind::Unknown => "IUnknown",
            ComKind::Dual | ComKind::Dispatch => "IDispatch",
        }
    }
}

fn int(v: &Value) -> Option<i64> {
    match *v {
        Value::I16(v) => Some(v.into()),
        Value::I32(v) => Some(v.into()),
        Value::U16(v) => Some(v.into()),
        Value::U32(v) => Some(v.into()),
        _ => None,
    }
}

fn interop<'b>(mut attributes: impl Iterator<Item = Attribute<'b>>, name: &str) -> Option<i64> {
    let attribute = attributes.find(|a| (a.namespace(), a.name()) == (names::INTEROP, name))?;
    attribute.value().first().and_then(|(_, v)| int(v))
}

/// The Property row each property accessor belongs to (both counted from 0), from a
/// checked file's MethodSemantics table: windows-metadata's reader has no Property rows,
/// and C# puts a property's `[DispId]` on the property, not on its accessors (tlbimp
/// writes it on both).
pub fn accessors(bytes: &[u8], layout: &Layout) -> BTreeMap<usize, usize> {
    let mut out = BTreeMap::new();
    let properties = layout.rows(t::PROPERTY);
    for row in 0..layout.rows(t::METHOD_SEMANTICS) {
        let cell = |column| layout.value(bytes, t::METHOD_SEMANTICS, row, column);
        let (Some(method), Some(association)) = (cell(1), cell(2)) else {
            continue;
        };
        // HasSemantics has one tag bit, 1 for a Property; rows count from 1.
        let property = association >> 1;
        if association & 1 == 1 && method > 0 && (1..=properties).contains(&property) {
            out.entry(method - 1).or_insert(property - 1);
        }
    }
    out
}

/// HasCustomAttribute (ECMA-335 II.24.2.6): five tag bits, 9 for a Property row, which
/// windows-metadata's reader does not name.
const HAS_CUSTOM_ATTRIBUTE_BITS: usize = 5;
const HAS_CUSTOM_ATTRIBUTE_PROPERTY: usize = 9;
/// The CustomAttribute table's Parent column.
const CUSTOM_ATTRIBUTE_PARENT: usize = 0;

/// `[DispId(n)]` on a method, or else on the property `property` (a Property row of the
/// method's file) whose accessor it is. DISPIDs above `i32::MAX` (`0x80010000`) are
/// negative, as the IDL front end folds `[id(n)]`. An IUnknown interface's automatic ones
/// are dropped, as the type-library reader drops them ([`is_automatic`]).
pub fn dispid(m: MethodDef, property: Option<usize>, kind: ComKind) -> Option<i32> {
    let v = interop(m.attributes(), names::DISPID_ATTRIBUTE).or_else(|| {
        let code = ((property? + 1) << HAS_CUSTOM_ATTRIBUTE_BITS) | HAS_CUSTOM_ATTRIBUTE_PROPERTY;
        let attributes: RowIterator<Attribute> = m.equal_range(CUSTOM_ATTRIBUTE_PARENT, code);
        interop(attributes, names::DISPID_ATTRIBUTE)
    })?;
    let id = i32::try_from(v)
        .ok()
        .or_else(|| u32::try_from(v).ok().map(|u| u as i32))?;
    (kind != ComKind::Unknown || !is_automatic(id)).then_some(id)
}

/// `[LCIDConversion(n)]`: the CLR passes the caller's LCID as the COM method's parameter
/// `n` (counted from 0 among the managed parameters), which tlbimp left out of the managed
/// signature. The vtable method has that parameter, so the model gets it back at `n`,
/// ahead of the `[retval]` the reader adds after. `params` are the managed ones.
pub fn insert_lcid(m: MethodDef, params: &mut Vec<Param>) -> Result<(), String> {
    let Some(n) = interop(m.attributes(), names::LCID_CONVERSION_ATTRIBUTE) else {
        return Ok(());
    };
    match usize::try_from(n).ok().filter(|&n| n <= params.len()) {
        Some(n) => {
            params.insert(n, lcid_param());
            Ok(())
        }
        None => Err(format!(
            "LCIDConversion({n}) puts the LCID outside its {} parameters",
            params.len()
        )),
    }
}

/// The `[in, lcid] long lcid` parameter the IDL front end gives for the same declaration.
fn lcid_param() -> Param {
    let ty = Type::Scalar(Scalar::I32);
    Param {
        name: "lcid".into(),
        dir: Direction::In,
        retval: false,
        written: ty.to_string().into(),
        ty,
        attrs: vec![ParamAttr::Lcid],
        span: None,
    }
}

/// `[optional]` (ParamAttributes Optional) and `[defaultvalue(v)]` (HasDefault and the
/// parameter's Constant row), in the order the type-library reader gives them.
pub fn param_attrs(p: MethodParam) -> Vec<ParamAttr> {
    let mut attrs = Vec::new();
    if p.flags().contains(ParamAttributes::Optional) {
        attrs.push(ParamAttr::Optional);
    }
    if p.flags().0 & PARAM_HAS_DEFAULT != 0
        && let Some(text) = default_text(p)
    {
        attrs.push(ParamAttr::DefaultValue(DefaultValue::literal(text)));
    }
    attrs
}

/// ParamAttributes HasDefault (ECMA-335 II.23.1.13), which windows-metadata does not name.
const PARAM_HAS_DEFAULT: u16 = 0x1000;

/// HasConstant's tag for a Param row (ECMA-335 II.24.2.6); windows-metadata's reader only
/// knows the Field one.
const HAS_CONSTANT_PARAM: usize = 1;
const HAS_CONSTANT_BITS: usize = 2;
/// The Constant table's Parent column.
const CONSTANT_PARENT: usize = 1;

/// The default value as the type-library reader writes it (`value_text` there): integers
/// in decimal, VARIANT_BOOL's true as -1, strings quoted. A null reference
/// (`DefaultParameterValue(null)`) or a type a default cannot have gives none.
fn default_text(p: MethodParam) -> Option<String> {
    let code = ((p.pos() + 1) << HAS_CONSTANT_BITS) | HAS_CONSTANT_PARAM;
    let constant: Constant = p.equal_range(CONSTANT_PARENT, code).next()?;
    // The raw bytes, never windows-metadata's decoder: it panics on a type it does not
    // know (a null reference's CLASS) and, in debug builds, on a blob it does not read to
    // the end. Blob checks that on drop, so it is read as a slice and forgotten.
    let ty = constant.usize(0);
    let blob = constant.blob(2);
    let bytes = blob.to_vec();
    std::mem::forget(blob);
    constant_text(ty, &bytes)
}

fn constant_text(ty: usize, b: &[u8]) -> Option<String> {
    fn fixed<const N: usize>(b: &[u8]) -> Option<[u8; N]> {
        b.try_into().ok()
    }
    Some(match ty {
        // VARIANT_BOOL: true is all bits set.
        0x02 => (if *b.first()? != 0 { -1 } else { 0 }).to_string(),
        0x03 => u16::from_le_bytes(fixed(b)?).to_string(),
        0x04 => i8::from_le_bytes(fixed(b)?).to_string(),
        0x05 => u8::from_le_bytes(fixed(b)?).to_string(),
        0x06 => i16::from_le_bytes(fixed(b)?).to_string(),
        0x07 => u16::from_le_bytes(fixed(b)?).to_string(),
        0x08 => i32::from_le_bytes(fixed(b)?).to_string(),
        0x09 => u32::from_le_bytes(fixed(b)?).to_string(),
        0x0a => i64::from_le_bytes(fixed(b)?).to_string(),
        0x0b => u64::from_le_bytes(fixed(b)?).to_string(),
        0x0c => f64::from(f32::from_le_bytes(fixed(b)?)).to_string(),
        0x0d => f64::from_le_bytes(fixed(b)?).to_string(),
        0x0e => {
            let units: Vec<u16> = b.chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect();
            format!("{:?}", String::from_utf16(&units).ok()?)
        }
        _ => return None,
    })
}

/// Gives the interface the IDispatch shape its kind says, as the IDL front end gives a
/// dual interface and a dispinterface: a dual one keeps its vtable methods and gets
/// `dual`; a dispinterface's methods move to `dispatch.methods`, and its vtable is
/// IDispatch's.
///
/// A dispinterface's properties stay methods (`get_X`/`put_X`, with the property kinds):
/// in an assembly a dispinterface's `properties:` and a `[propget]`/`[propput]` pair of its
/// `methods:` are the same .NET property, and `IDispatch::Invoke` reaches both alike.
pub fn shape(iface: &mut Interface, kind: ComKind) {
    match kind {
        ComKind::Unknown => {}
        ComKind::Dual => {
            iface.oleautomation = true;
            iface.dispatch = Some(Dispatch {
                dual: true,
                ..Dispatch::default()
            });
        }
        ComKind::Dispatch => {
            iface.oleautomation = true;
            iface.base = Some(kind.root().to_string());
            iface.dispatch = Some(Dispatch {
                dual: false,
                properties: Vec::new(),
                methods: std::mem::take(&mut iface.methods),
                interface: None,
            });
        }
    }
}

/// A dispinterface: no vtable of its own beyond IDispatch's, so never a vtable prefix.
pub fn is_dispinterface(iface: &Interface) -> bool {
    iface.dispatch.as_ref().is_some_and(|d| !d.dual)
}

/// DISPIDs in this range are the ones a type library's writer gives members without
/// `[id]`, and tlbimp copies them to every member. The type-library reader keeps them only
/// for a dual interface or a dispinterface, and so does this one.
pub fn is_automatic(dispid: i32) -> bool {
    (dispid as u32) >> 28 == 6
}

#[cfg(test)]
mod tests {
    use super::constant_text;

    #[test]
    fn constants_read_as_the_type_library_reader_writes_them() {
        assert_eq!(constant_text(0x08, &5i32.to_le_bytes()).as_deref(), Some("5"));
        assert_eq!(constant_text(0x08, &[1, 2]), None);
        assert_eq!(constant_text(0x02, &[1]).as_deref(), Some("-1"));
        assert_eq!(constant_text(0x0d, &1.5f64.to_le_bytes()).as_deref(), Some("1.5"));
        let hi: Vec<u8> = "hi".encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert_eq!(constant_text(0x0e, &hi).as_deref(), Some("\"hi\""));
        // A null reference's CLASS constant.
        assert_eq!(constant_text(0x12, &[0, 0, 0, 0]), None);
    }
}
