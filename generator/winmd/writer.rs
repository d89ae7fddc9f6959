//! From the model to a .winmd file, through windows-metadata's writer, in the shape of
//! the Win32 metadata: interfaces with `GuidAttribute` and one InterfaceImpl for the
//! base, typedefs as `NativeTypedef` structs, constants as literal fields of `Apis`.
//!
//! The output depends only on the model: rows are added in a fixed order (the inputs'
//! interfaces in declaration order, then the types they reach sorted by name, then the
//! constants in declaration order), and the writer adds no time stamp or random id.

use std::collections::{BTreeMap, BTreeSet};

use windows_metadata::writer::{self, AttributeType, HasAttribute, HasConstant, MemberRefParent, TypeDefOrRef};
use windows_metadata::{
    FieldAttributes, MethodAttributes, MethodCallAttributes, ParamAttributes, Signature, Type as WType, TypeAttributes,
    TypeName, Value,
};

use crate::model::guid::Guid;
use crate::model::interface::{Direction, Interface, Method, MethodKind};
use crate::model::param::ParamAttr;
use crate::model::types::{Scalar, Type, TypeDefKind};
use crate::model::{ConstValue, Model};
use crate::winmd::names;
use crate::winmd::types::{NameScope, safearray_element, to_winmd};

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("`{0}` is not a valid namespace: use dotted identifiers such as `Contoso.Social`")]
    Namespace(String),
    #[error("the input declares no interface to write")]
    Empty,
}

/// What one `oscgen winmd` run writes, for its summary line.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Written {
    pub interfaces: usize,
    pub types: usize,
    pub constants: usize,
    /// Constants whose value is an expression oscgen did not fold: WinMD stores values.
    pub skipped_constants: Vec<String>,
}

struct Scope<'m> {
    model: &'m Model,
    namespace: &'m str,
    /// Interfaces from oscgen's SDK stand-ins: the Win32 metadata declares them.
    sdk: BTreeSet<&'m str>,
}

impl NameScope for Scope<'_> {
    fn is_interface(&self, name: &str) -> bool {
        self.model.interface(name).is_some()
            || matches!(self.model.type_def(name).map(|t| &t.kind), Some(TypeDefKind::Interface))
    }

    fn namespace_of(&self, name: &str) -> &str {
        if self.in_win32(name) {
            names::WIN32
        } else {
            self.namespace
        }
    }
}

impl Scope<'_> {
    fn in_win32(&self, name: &str) -> bool {
        self.sdk.contains(name) || names::WIN32_VALUE_TYPES.contains(&name)
    }

    fn ty(&self, ty: &Type) -> WType {
        to_winmd(ty, self)
    }
}

/// Whether an interface comes from oscgen's stand-ins for the SDK headers.
pub fn is_sdk_interface(iface: &Interface) -> bool {
    iface.origin.stand_in
}

/// The .winmd bytes for `roots` (and the non-SDK interfaces and types they reach) and the
/// model's root constants, in `namespace`.
pub fn write(model: &Model, roots: &[&Interface], namespace: &str) -> Result<(Vec<u8>, Written), WriteError> {
    if namespace.is_empty()
        || !namespace.split('.').all(|part| {
            part.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
    {
        return Err(WriteError::Namespace(namespace.to_string()));
    }
    if roots.is_empty() {
        return Err(WriteError::Empty);
    }
    let scope = Scope {
        model,
        namespace,
        sdk: model
            .interfaces()
            .iter()
            .filter(|i| is_sdk_interface(i))
            .map(|i| i.name.as_str())
            .collect(),
    };
    let (interfaces, forward, types) = closure(&scope, roots);
    let mut w = Writer {
        file: writer::File::new(namespace),
        scope: &scope,
        attributes: BTreeMap::new(),
    };
    for iface in &interfaces {
        w.interface(iface);
    }
    for name in &forward {
        w.file.TypeDef(
            namespace,
            name,
            TypeDefOrRef::default(),
            TypeAttributes::Public | TypeAttributes::Interface | TypeAttributes::Abstract,
        );
    }
    for name in &types {
        w.type_def(name);
    }
    let mut written = Written {
        interfaces: interfaces.len(),
        types: types.len() + forward.len(),
        ..Written::default()
    };
    w.constants(&mut written);
    Ok((w.file.into_stream(), written))
}

/// The interfaces to declare (roots first, then what they reach outside the SDK), the
/// interfaces only forward-declared in the input, and the other types, sorted by name.
fn closure<'m>(scope: &Scope<'m>, roots: &[&'m Interface]) -> (Vec<&'m Interface>, Vec<String>, Vec<String>) {
    let model = scope.model;
    let mut interfaces: Vec<&Interface> = Vec::new();
    let mut forward = BTreeSet::new();
    let mut types = BTreeSet::new();
    let mut pending: Vec<&Interface> = roots.iter().rev().copied().collect();
    let mut names = Vec::new();
    while let Some(iface) = pending.pop() {
        if interfaces.iter().any(|i| i.name == iface.name) {
            continue;
        }
        interfaces.push(iface);
        let mut reached: Vec<String> = iface.base.iter().cloned().collect();
        for m in iface.methods.iter().filter(|m| m.has_slot()) {
            m.ret.names(&mut reached);
            for p in &m.params {
                p.ty.names(&mut reached);
            }
        }
        for name in reached {
            if scope.in_win32(&name) || name == "GUID" {
                continue;
            }
            match model.interface(&name) {
                Some(other) => pending.insert(0, other),
                None if scope.is_interface(&name) => {
                    forward.insert(name);
                }
                None => names.push(name),
            }
        }
    }
    while let Some(name) = names.pop() {
        if scope.in_win32(&name) || name == "GUID" || !types.insert(name.clone()) {
            continue;
        }
        let mut reached = Vec::new();
        match model.type_def(&name).map(|t| &t.kind) {
            Some(TypeDefKind::Alias(ty)) => ty.names(&mut reached),
            Some(TypeDefKind::Struct(fields) | TypeDefKind::Union(fields)) => {
                for f in fields {
                    f.ty.names(&mut reached);
                }
            }
            _ => {}
        }
        for r in reached {
            if model.interface(&r).is_some() || scope.is_interface(&r) {
                if model.interface(&r).is_none() && !scope.in_win32(&r) {
                    forward.insert(r);
                }
            } else {
                names.push(r);
            }
        }
    }
    // An interface the closure declares in full is not also forward-declared.
    let declared: BTreeSet<&str> = interfaces.iter().map(|i| i.name.as_str()).collect();
    let forward = forward.into_iter().filter(|f| !declared.contains(f.as_str())).collect();
    (interfaces, forward, one_per_winmd_name(model, types))
}

/// `typedef struct X X;` is an alias `X` of the tag `struct X`: in WinMD both are `X`, and
/// the struct is the one to write. Otherwise each name keeps its own row.
fn one_per_winmd_name(model: &Model, types: BTreeSet<String>) -> Vec<String> {
    let self_alias = |name: &str| {
        matches!(
            model.type_def(name).map(|t| &t.kind),
            Some(TypeDefKind::Alias(Type::Named(target))) if names::winmd_name(target) == names::winmd_name(name)
        )
    };
    let mut seen = BTreeSet::new();
    types
        .iter()
        .filter(|name| !self_alias(name))
        .filter(|name| seen.insert(names::winmd_name(name).to_string()))
        .cloned()
        .collect()
}

struct Writer<'s, 'm> {
    file: writer::File,
    scope: &'s Scope<'m>,
    /// Attribute constructors by (namespace, name, argument types), made once each.
    attributes: BTreeMap<(String, String, String), writer::MemberRef>,
}

impl Writer<'_, '_> {
    fn ctor(&mut self, namespace: &str, name: &str, args: Vec<WType>) -> AttributeType {
        let key = (namespace.to_string(), name.to_string(), format!("{args:?}"));
        if let Some(&ctor) = self.attributes.get(&key) {
            return AttributeType::MemberRef(ctor);
        }
        let type_ref = self.file.TypeRef(namespace, name);
        let sig = Signature {
            flags: MethodCallAttributes::HASTHIS,
            return_type: WType::Void,
            types: args,
        };
        let ctor = self.file.MemberRef(".ctor", &sig, MemberRefParent::TypeRef(type_ref));
        self.attributes.insert(key, ctor);
        AttributeType::MemberRef(ctor)
    }

    fn marker(&mut self, target: HasAttribute, name: &str) {
        let ctor = self.ctor(names::WIN32_METADATA, name, Vec::new());
        self.file.Attribute(target, ctor, &[]);
    }

    fn guid(&mut self, target: HasAttribute, iid: Guid) {
        let (ns, name) = names::GUID_ATTRIBUTE_WINRT;
        let mut types = vec![WType::U32, WType::U16, WType::U16];
        types.extend(std::iter::repeat_n(WType::U8, 8));
        let ctor = self.ctor(ns, name, types);
        let mut values = vec![
            Value::U32(iid.data1()),
            Value::U16(iid.data2()),
            Value::U16(iid.data3()),
        ];
        values.extend(iid.data4().iter().map(|b| Value::U8(*b)));
        let values: Vec<(String, Value)> = values.into_iter().map(|v| (String::new(), v)).collect();
        self.file.Attribute(target, ctor, &values);
    }

    fn safearray(&mut self, target: HasAttribute, ty: &Type) {
        if let Some(element) = safearray_element(ty) {
            let (ns, name) = names::SAFEARRAY_ATTRIBUTE;
            let ctor = self.ctor(ns, name, vec![WType::String]);
            self.file
                .Attribute(target, ctor, &[(String::new(), Value::Utf8(element.to_string()))]);
        }
    }

    /// What IDispatch reaches is not written, only the vtable: a dispinterface becomes an
    /// IDispatch-derived interface with no methods of its own, DISPIDs and a dual flag are
    /// dropped, `[lcid]` stays a plain parameter, `[optional]` and `[defaultvalue]` are
    /// dropped. This is the Win32 metadata's shape, which windows-bindgen reads and which
    /// has no DISPIDs; and in it ParamAttributes Optional is SAL's `_opt_` (a pointer that
    /// may be NULL), so writing automation's `[optional]` there would say something else.
    /// The vtable, which is the ABI, comes back whole (tests/winmd_dispatch.rs).
    fn interface(&mut self, iface: &Interface) {
        let ns = self.scope.namespace;
        let td = self.file.TypeDef(
            ns,
            &iface.name,
            TypeDefOrRef::default(),
            TypeAttributes::Public | TypeAttributes::Interface | TypeAttributes::Abstract,
        );
        if let Some(iid) = iface.iid {
            self.guid(HasAttribute::TypeDef(td), iid);
        }
        if let Some(base) = &iface.base {
            let base_ty = WType::ClassName(TypeName::named(self.scope.namespace_of(base), base));
            self.file.InterfaceImpl(td, &base_ty);
        }
        for m in iface.methods.iter().filter(|m| m.has_slot()) {
            self.method(m);
        }
    }

    fn method(&mut self, m: &Method) {
        let mut flags = MethodAttributes::Public
            | MethodAttributes::Virtual
            | MethodAttributes::HideBySig
            | MethodAttributes::NewSlot
            | MethodAttributes::Abstract;
        // Win32 metadata marks property accessors (get_X, put_X) this way.
        if m.kind != MethodKind::Plain {
            flags |= MethodAttributes::SpecialName;
        }
        let sig = Signature {
            flags: MethodCallAttributes::HASTHIS,
            return_type: self.scope.ty(&m.ret),
            types: m.params.iter().map(|p| self.scope.ty(&p.ty)).collect(),
        };
        self.file.MethodDef(&m.name, &sig, flags, Default::default());
        for (i, p) in m.params.iter().enumerate() {
            let dir = match p.dir {
                Direction::In => ParamAttributes::In,
                Direction::Out => ParamAttributes::Out,
                Direction::InOut => ParamAttributes::In | ParamAttributes::Out,
            };
            let row = self.file.Param(&p.name, (i + 1) as u16, dir);
            let target = HasAttribute::Param(row);
            if p.retval {
                self.marker(target, names::RETVAL);
            }
            if let Some(count) = size_is(&p.attrs, m) {
                let ctor = self.ctor(names::WIN32_METADATA, names::NATIVE_ARRAY_INFO, Vec::new());
                self.file.Attribute(target, ctor, &[count]);
            }
            self.safearray(target, &p.ty);
        }
    }

    fn type_def(&mut self, model_name: &str) {
        let ns = self.scope.namespace;
        let name = names::winmd_name(model_name);
        let kind = self
            .scope
            .model
            .type_def(model_name)
            .map(|t| t.kind.clone())
            .unwrap_or(TypeDefKind::Opaque);
        let value_type = TypeDefOrRef::TypeRef(self.file.TypeRef("System", "ValueType"));
        let sequential = TypeAttributes::Public | TypeAttributes::SequentialLayout | TypeAttributes::Sealed;
        match kind {
            TypeDefKind::Alias(target) => {
                let td = self.file.TypeDef(ns, name, value_type, sequential);
                let field = self
                    .file
                    .Field("Value", &self.scope.ty(&target), FieldAttributes::Public);
                self.safearray(HasAttribute::Field(field), &target);
                self.marker(HasAttribute::TypeDef(td), names::NATIVE_TYPEDEF);
            }
            TypeDefKind::Struct(fields) | TypeDefKind::Union(fields) => {
                let union = matches!(
                    self.scope.model.type_def(model_name).map(|t| &t.kind),
                    Some(TypeDefKind::Union(_))
                );
                let flags = if union {
                    TypeAttributes::Public | TypeAttributes::ExplicitLayout | TypeAttributes::Sealed
                } else {
                    sequential
                };
                self.file.TypeDef(ns, name, value_type, flags);
                for (i, f) in fields.iter().enumerate() {
                    let fname = if f.name.is_empty() {
                        format!("Anonymous{i}")
                    } else {
                        f.name.clone()
                    };
                    let field = self.file.Field(&fname, &self.scope.ty(&f.ty), FieldAttributes::Public);
                    if union {
                        self.file.FieldLayout(field, 0);
                    }
                    self.safearray(HasAttribute::Field(field), &f.ty);
                }
            }
            TypeDefKind::Enum(repr, values) => {
                let enum_base = TypeDefOrRef::TypeRef(self.file.TypeRef("System", "Enum"));
                self.file
                    .TypeDef(ns, name, enum_base, TypeAttributes::Public | TypeAttributes::Sealed);
                // MIDL's enums are `int`, widened when a value needs it (as before); WinMD's
                // keep the integer they were read with.
                let wide = repr == Scalar::I32 && values.iter().any(|(_, v)| i32::try_from(*v).is_err());
                let repr = if wide { Scalar::I64 } else { repr };
                let underlying = crate::winmd::types::scalar(repr);
                self.file.Field(
                    "value__",
                    &underlying,
                    FieldAttributes::Public | FieldAttributes::SpecialName | FieldAttributes::RTSpecialName,
                );
                let this = WType::ValueName(TypeName::named(ns, name));
                for (n, v) in &values {
                    let field = self.file.Field(
                        n,
                        &this,
                        FieldAttributes::Public
                            | FieldAttributes::Static
                            | FieldAttributes::Literal
                            | FieldAttributes::HasDefault,
                    );
                    let value = match repr {
                        Scalar::I8 => Value::I8(*v as i8),
                        Scalar::U8 | Scalar::Char => Value::U8(*v as u8),
                        Scalar::I16 => Value::I16(*v as i16),
                        Scalar::U16 | Scalar::WChar => Value::U16(*v as u16),
                        Scalar::U32 => Value::U32(*v as u32),
                        Scalar::I64 | Scalar::ISize => Value::I64(*v),
                        Scalar::U64 | Scalar::USize => Value::U64(*v as u64),
                        _ => Value::I32(*v as i32),
                    };
                    self.file.Constant(HasConstant::Field(field), &value);
                }
            }
            // A struct with no fields: its layout is unknown, as in the input.
            TypeDefKind::Opaque | TypeDefKind::Interface => {
                self.file.TypeDef(ns, name, value_type, sequential);
            }
        }
    }

    fn constants(&mut self, written: &mut Written) {
        let model = self.scope.model;
        let roots: Vec<_> = model.constants.iter().filter(|c| c.root).collect();
        if roots.is_empty() {
            return;
        }
        let object = TypeDefOrRef::TypeRef(self.file.TypeRef("System", "Object"));
        self.file.TypeDef(
            self.scope.namespace,
            names::APIS,
            object,
            TypeAttributes::Public | TypeAttributes::Abstract | TypeAttributes::Sealed,
        );
        for c in roots {
            let value = match &c.value {
                ConstValue::Int(v) => int_value(*v),
                ConstValue::Str(s) => Value::Utf16(s.clone()),
                ConstValue::Expr(_) => {
                    written.skipped_constants.push(c.name.clone());
                    continue;
                }
            };
            let field = self.file.Field(
                &c.name,
                &self.scope.ty(&c.ty),
                FieldAttributes::Public
                    | FieldAttributes::Static
                    | FieldAttributes::Literal
                    | FieldAttributes::HasDefault,
            );
            self.file.Constant(HasConstant::Field(field), &value);
            written.constants += 1;
        }
    }
}

/// The narrowest signed-first encoding that holds the value exactly (`0x8007000E` stays
/// positive: it is stored as an unsigned 32-bit value, not as a negative HRESULT).
fn int_value(v: i128) -> Value {
    if let Ok(v) = i32::try_from(v) {
        Value::I32(v)
    } else if let Ok(v) = u32::try_from(v) {
        Value::U32(v)
    } else if let Ok(v) = i64::try_from(v) {
        Value::I64(v)
    } else {
        Value::U64(v as u64)
    }
}

/// `size_is(count)` naming another parameter, or a number, as NativeArrayInfo's argument.
/// Expressions (`size_is(*pcb)`, `size_is(, n)`) have no Win32 metadata spelling.
fn size_is(attrs: &[ParamAttr], m: &Method) -> Option<(String, Value)> {
    let arg: &str = attrs.iter().find_map(|a| match a {
        // One argument: a pointer-to-pointer's second bound has no WinMD form.
        ParamAttr::SizeIs(args) if args.len() == 1 => Some(&*args[0]),
        _ => None,
    })?;
    if let Some(i) = m.params.iter().position(|p| *p.name == *arg) {
        return Some(("CountParamIndex".into(), Value::I16(i as i16)));
    }
    arg.parse::<i32>().ok().map(|n| ("CountConst".into(), Value::I32(n)))
}
