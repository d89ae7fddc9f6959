//! A read type library into model parts: interfaces (their own slots; the base chain
//! gives the rest), dual interfaces and dispinterfaces with their DISPIDs, coclasses,
//! enums, records, unions, aliases, modules' constants and the library itself.

use std::sync::Arc;

use crate::model::interface::{Direction, DispProperty, Dispatch, Interface, Method, MethodKind, Origin, Param};
use crate::model::param::{DefaultValue, ParamAttr};
use crate::model::types::{Field, Layout, Scalar, Type, TypeDef, TypeDefKind};
use crate::model::{Coclass, CoclassInterface, ConstValue, Constant, Library, ModelParts};
use crate::typelib::format::{funckind, impltypeflag, invkind, paramflag, tkind, typeflag, varflag, varkind};
use crate::typelib::read::{FuncRec, Href, Import, TypeInfo, TypeLib, Value};
use crate::typelib::types;

/// The name of a type in another library, or `None` when that library was not found.
pub type ImportNames<'a> = dyn Fn(&Import) -> Option<String> + 'a;

/// What a library gives the model, and the imported names it could not resolve.
pub struct Lowered {
    pub parts: ModelParts,
    /// Imported types no library on the search path declares: opaque in the model.
    pub unresolved: Vec<String>,
}

/// `lib` as model parts; `root` marks its interfaces and constants as the input's own.
pub fn lower(lib: &TypeLib, file: &str, root: bool, imported: &ImportNames) -> Lowered {
    let mut unresolved = Vec::new();
    let mut name_of = |href: &Href| -> String {
        match href {
            Href::Local(i) => lib.typeinfos[*i].name.clone(),
            Href::Imported(imp) => imported(imp).unwrap_or_else(|| {
                let name = unresolved_name(lib, imp);
                if !unresolved.contains(&name) {
                    unresolved.push(name.clone());
                }
                name
            }),
        }
    };
    let origin = Origin::file(Arc::<str>::from(file));
    let mut parts = ModelParts::default();
    let mut library = Library {
        name: lib.name.clone(),
        libid: lib.libid,
        version: Some(format!("{}.{}", lib.major, lib.minor)),
        interfaces: Vec::new(),
        coclasses: Vec::new(),
        root: true,
    };
    for ti in &lib.typeinfos {
        let layout = Some(Layout {
            size: ti.size,
            align: ti.align,
        });
        let typedef = |kind| TypeDef {
            name: ti.name.clone(),
            kind,
            span: None,
            pack: None,
            layout,
            uuid: ti.guid,
        };
        match ti.kind {
            tkind::INTERFACE | tkind::DISPATCH => {
                library.interfaces.push(ti.name.clone());
                let iface = interface(ti, &origin, &mut name_of);
                if root {
                    parts.roots.push(iface.name.clone());
                }
                parts.interfaces.push(iface);
            }
            tkind::COCLASS => library.coclasses.push(Coclass {
                name: ti.name.clone(),
                clsid: ti.guid,
                interfaces: ti
                    .implemented
                    .iter()
                    .map(|(href, flags)| CoclassInterface {
                        name: name_of(href),
                        default: flags & impltypeflag::DEFAULT != 0,
                        source: flags & impltypeflag::SOURCE != 0,
                    })
                    .collect(),
            }),
            tkind::ENUM => {
                let values = ti
                    .vars
                    .iter()
                    .map(|v| (v.name.clone(), int_value(v.value.as_ref())))
                    .collect();
                parts.types.push(typedef(TypeDefKind::Enum(Scalar::I32, values)));
            }
            tkind::RECORD | tkind::UNION => {
                let fields: Vec<Field> = ti
                    .vars
                    .iter()
                    .filter(|v| v.kind == varkind::PERINSTANCE)
                    .map(|v| Field {
                        name: v.name.clone(),
                        ty: types::lower(&v.ty, &mut name_of),
                    })
                    .collect();
                parts.types.push(typedef(if ti.kind == tkind::RECORD {
                    TypeDefKind::Struct(fields)
                } else {
                    TypeDefKind::Union(fields)
                }));
            }
            tkind::ALIAS => {
                let ty = ti.alias.as_ref().map_or(Type::Void, |t| types::lower(t, &mut name_of));
                parts.types.push(TypeDef {
                    layout: None,
                    uuid: None,
                    ..typedef(TypeDefKind::Alias(ty))
                });
            }
            tkind::MODULE => {
                for v in ti.vars.iter().filter(|v| v.kind == varkind::CONST) {
                    parts.constants.push(Constant {
                        name: v.name.clone(),
                        ty: types::lower(&v.ty, &mut name_of),
                        value: match &v.value {
                            Some(Value::Int(i)) => ConstValue::Int(*i as i128),
                            Some(Value::Str(s)) => ConstValue::Str(s.clone()),
                            Some(v @ (Value::Float(_) | Value::Currency(_))) => ConstValue::Expr(value_text(v)),
                            Some(Value::Other(code)) => ConstValue::Expr(format!("VARTYPE {code}")),
                            None => ConstValue::Expr(String::new()),
                        },
                        span: None,
                        root,
                    });
                }
            }
            _ => {}
        }
    }
    if root {
        parts.libraries.push(library);
    }
    Lowered { parts, unresolved }
}

fn interface(ti: &TypeInfo, origin: &Origin, name_of: &mut dyn FnMut(&Href) -> String) -> Interface {
    let dual = ti.flags & typeflag::DUAL != 0;
    let base = ti.base.as_ref().map(&mut *name_of);
    // A dual interface's base is IDispatch when the library leaves it unsaid.
    let base = base.or_else(|| dual.then(|| "IDispatch".to_string()));
    let mut iface = Interface {
        name: ti.name.clone(),
        iid: ti.guid,
        base: base.clone(),
        methods: Vec::new(),
        local: false,
        oleautomation: ti.flags & (typeflag::OLEAUTOMATION | typeflag::DUAL) != 0 || ti.kind == tkind::DISPATCH,
        dispatch: None,
        origin: origin.clone(),
        span: None,
        base_span: None,
    };
    if ti.kind == tkind::DISPATCH && !dual {
        // A dispinterface: IDispatch's vtable, members reached by DISPID only. One that
        // wraps an interface (`dispinterface D { interface I; }`) names it as its base.
        iface.base = Some("IDispatch".into());
        let wrapped = base.filter(|b| b != "IDispatch");
        let methods = if wrapped.is_some() {
            Vec::new()
        } else {
            ti.funcs
                .iter()
                .filter(|f| f.funckind == funckind::DISPATCH)
                .map(|f| method(f, true, name_of))
                .collect()
        };
        iface.dispatch = Some(Dispatch {
            dual: false,
            properties: ti
                .vars
                .iter()
                .filter(|v| v.kind == varkind::DISPATCH)
                .map(|v| DispProperty {
                    name: v.name.clone(),
                    dispid: Some(v.memid),
                    ty: types::lower(&v.ty, name_of),
                    readonly: v.flags & varflag::READONLY != 0,
                })
                .collect(),
            methods,
            interface: wrapped,
        });
        return iface;
    }
    // The interface's own slots, in vtable order. A dual interface's functions are all
    // slots, whatever kind they are recorded as. MIDL and widl keep a dual interface as one
    // TKIND_DISPATCH typeinfo with TYPEFLAG_FDUAL and the vtable's functions (comtypes'
    // mylib.tlb, tests/typelib_midl.rs); oleaut32 makes from it the TKIND_INTERFACE partner
    // that GetRefTypeOfImplType(-1) gives.
    let mut funcs: Vec<&FuncRec> = ti
        .funcs
        .iter()
        .filter(|f| dual || f.funckind != funckind::DISPATCH)
        .collect();
    funcs.sort_by_key(|f| f.slot);
    iface.methods = funcs.into_iter().map(|f| method(f, dual, name_of)).collect();
    if dual {
        iface.dispatch = Some(Dispatch {
            dual: true,
            ..Dispatch::default()
        });
    }
    iface
}

/// DISPIDs in this range are the ones widl and MIDL give members without `[id]`.
fn is_automatic_memid(memid: i32) -> bool {
    (memid as u32) >> 28 == 6
}

fn method(f: &FuncRec, dispatch: bool, name_of: &mut dyn FnMut(&Href) -> String) -> Method {
    let kind = match f.invkind {
        invkind::PROPERTYGET => MethodKind::PropGet,
        invkind::PROPERTYPUT => MethodKind::PropPut,
        invkind::PROPERTYPUTREF => MethodKind::PropPutRef,
        _ => MethodKind::Plain,
    };
    let mut params = f
        .params
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let ty = types::lower(&p.ty, name_of);
            let dir = match (p.flags & paramflag::IN != 0, p.flags & paramflag::OUT != 0) {
                (true, true) => Direction::InOut,
                (false, true) => Direction::Out,
                _ => Direction::In,
            };
            let mut attrs = Vec::new();
            if p.flags & paramflag::OPT != 0 {
                attrs.push(ParamAttr::Optional);
            }
            if p.flags & paramflag::LCID != 0 {
                attrs.push(ParamAttr::Lcid);
            }
            if let Some(v) = &p.default {
                attrs.push(ParamAttr::DefaultValue(DefaultValue::literal(value_text(v))));
            }
            Param {
                name: p.name.clone().unwrap_or_else(|| format!("param{i}")).into(),
                dir,
                retval: p.flags & paramflag::RETVAL != 0,
                written: ty.to_string().into(),
                ty,
                attrs,
                span: None,
            }
        })
        .collect::<Vec<Param>>();
    if f.optional == -1
        && let Some(last) = params.iter_mut().rev().find(|p| !p.retval)
    {
        last.attrs.push(ParamAttr::Vararg);
    }
    Method {
        name: Method::vtable_name(kind, &f.name),
        idl_name: f.name.clone(),
        kind,
        params,
        ret: types::lower(&f.ret, name_of),
        call_as: None,
        local: false,
        dispid: (dispatch || !is_automatic_memid(f.memid)).then_some(f.memid),
        span: None,
    }
}

fn int_value(v: Option<&Value>) -> i64 {
    match v {
        Some(Value::Int(i)) => *i,
        _ => 0,
    }
}

/// A default value as IDL would write it.
fn value_text(v: &Value) -> String {
    match v {
        Value::Int(i) => i.to_string(),
        Value::Float(f) => f.to_string(),
        Value::Currency(c) => currency_text(*c),
        Value::Str(s) => format!("{s:?}"),
        Value::Other(code) => format!("VARTYPE {code}"),
    }
}

/// A VT_CY value as the decimal the IDL wrote: 327800 ten-thousandths is `32.78`.
fn currency_text(c: i64) -> String {
    let (units, frac) = (c / 10_000, (c % 10_000).unsigned_abs());
    let sign = if c < 0 && units == 0 { "-" } else { "" };
    if frac == 0 {
        return format!("{sign}{units}");
    }
    let frac = format!("{frac:04}");
    format!("{sign}{units}.{}", frac.trim_end_matches('0'))
}

/// The name an unresolved imported type gets: the library's file and the type's GUID or
/// index, which says what to put on the search path.
fn unresolved_name(lib: &TypeLib, imp: &Import) -> String {
    let file = lib.imports.get(imp.file).map_or("unknown", |f| f.file_name.as_str());
    let stem: String = file
        .split(['.', '/', '\\'])
        .next()
        .unwrap_or(file)
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    match (imp.guid, imp.index) {
        (Some(g), _) => format!("{stem}_{}", g.to_string().replace('-', "_")),
        (None, Some(i)) => format!("{stem}_type{i}"),
        (None, None) => format!("{stem}_unknown"),
    }
}

#[cfg(test)]
mod tests {
    use super::currency_text;

    #[test]
    fn currency_reads_as_the_decimal_the_idl_wrote() {
        assert_eq!(currency_text(327_800), "32.78");
        assert_eq!(currency_text(320_000), "32");
        assert_eq!(currency_text(5), "0.0005");
        assert_eq!(currency_text(-5_000), "-0.5");
        assert_eq!(currency_text(-15_000), "-1.5");
    }
}
