//! From metadata files to the parts of the model, through windows-metadata's reader.
//!
//! Every non-WinRT interface (or, for a [`Scope::Closure`], every one the scope reaches)
//! becomes a candidate [`Interface`] with its methods in MethodDef order (the vtable
//! order); the loader keeps those whose base chain reaches IUnknown. The types their
//! signatures reach come along; names no input declares are reported as missing, so the
//! loader can find them elsewhere or make them opaque.

use std::cell::Cell;
use std::collections::{BTreeMap, BTreeSet};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Once;

use windows_metadata::reader::{Attribute, File, HasAttributes, Index, MethodDef, TypeCategory, TypeDef as WTypeDef};
use windows_metadata::{AsRow, FieldAttributes, MethodImplAttributes, Type as WType, TypeAttributes, TypeName, Value};

use crate::model::guid::Guid;
use crate::model::interface::{Direction, Interface, Method, MethodKind, Origin, Param};
use crate::model::param::ParamAttr;
use crate::model::scope::Scope;
use crate::model::types::{Field, Scalar, Type, TypeDef, TypeDefKind};
use crate::model::{ConstValue, Constant};
use crate::winmd::dispatch::{self, ComKind};
use crate::winmd::dotnet::{self, Bases};
use crate::winmd::lookup::{Lookup, is_interface, position};
use crate::winmd::names;
use crate::winmd::types::{ClassKind, from_winmd, model_name, parse_c_type, with_safearray_element};

/// One metadata file, already checked by [`crate::winmd::container::check`].
pub struct Source {
    /// The name shown in messages and in `Interface::file`.
    pub name: String,
    pub bytes: Vec<u8>,
    /// The TypeDef rows of the `Apis` classes [`crate::winmd::apis::hide`] renamed.
    pub apis: Vec<usize>,
    /// The Property row of each property accessor ([`dispatch::accessors`]).
    pub accessors: BTreeMap<usize, usize>,
}

/// What the metadata files declare, before the loader decides what is COM.
#[derive(Debug, Default)]
pub struct Extract {
    /// Every non-WinRT interface, in file order; `base` is as written, or for .NET interop
    /// interfaces as [`dotnet`] reads it.
    pub interfaces: Vec<Interface>,
    /// The types the interfaces' signatures reach, as declared in the files.
    pub types: Vec<TypeDef>,
    /// The literal fields of each file's `Apis` classes.
    pub constants: Vec<Constant>,
    /// Names the signatures and types reach that no file declares.
    pub missing: BTreeSet<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("windows-metadata could not open it as metadata")]
    Rejected,
    #[error("windows-metadata stopped on malformed metadata: {0}")]
    Panicked(String),
    #[error("method `{interface}::{method}`: {detail}")]
    Method {
        interface: String,
        method: String,
        detail: String,
    },
}

/// The 64-bit view of architecture-specific declarations (SupportedArchitecture X64):
/// the one MAPI and every x64 provider use.
const X64: i32 = 2;

/// Reads the files into one index, so references between them resolve by name, and
/// from it as much as `scope` asks for. `Err((i, e))` names the file at fault when it is
/// known.
pub fn read(sources: Vec<Source>, scope: &Scope) -> Result<Extract, (Option<usize>, ReadError)> {
    let names: Vec<String> = sources.iter().map(|s| s.name.clone()).collect();
    let apis: BTreeSet<(usize, usize)> = sources
        .iter()
        .enumerate()
        .flat_map(|(file, s)| s.apis.iter().map(move |&row| (file, row)))
        .collect();
    let mut accessors = Vec::with_capacity(sources.len());
    let mut files = Vec::with_capacity(sources.len());
    for (i, source) in sources.into_iter().enumerate() {
        accessors.push(source.accessors);
        match quietly(|| File::new(source.bytes)) {
            Ok(Some(file)) => files.push(file),
            Ok(None) => return Err((Some(i), ReadError::Rejected)),
            Err(panic) => return Err((Some(i), ReadError::Panicked(panic))),
        }
    }
    let single = (files.len() == 1).then_some(0);
    match quietly(|| {
        let index = Index::new_for_architecture(files, X64);
        Reader::new(&index, &names, &apis, &accessors).extract(scope)
    }) {
        Ok(result) => result.map_err(|e| (single, e)),
        Err(panic) => Err((single, ReadError::Panicked(panic))),
    }
}

thread_local! {
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f`, turning a panic inside windows-metadata into an error. The container check
/// keeps every offset and index in bounds; this catches what remains (a signature blob
/// that lies about its contents, constructs windows-metadata 0.100 does not handle), and
/// keeps the default panic message off the user's terminal.
fn quietly<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(Cell::get) {
                previous(info);
            }
        }));
    });
    let was = QUIET.with(|q| q.replace(true));
    let result = catch_unwind(AssertUnwindSafe(f));
    QUIET.with(|q| q.set(was));
    result.map_err(|payload| {
        payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "unknown failure".into())
    })
}

struct Reader<'a> {
    names: &'a [String],
    lookup: Lookup<'a>,
    /// The `Apis` classes renamed before indexing, by (file, row).
    apis: &'a BTreeSet<(usize, usize)>,
    /// Each file's property accessors, by MethodDef row.
    accessors: &'a [BTreeMap<usize, usize>],
}

/// The names a type walk has still to look at, and those it has read.
struct Walk {
    pending: Vec<String>,
    done: BTreeSet<String>,
}

impl<'a> Reader<'a> {
    fn new(
        index: &'a Index,
        names: &'a [String],
        apis: &'a BTreeSet<(usize, usize)>,
        accessors: &'a [BTreeMap<usize, usize>],
    ) -> Reader<'a> {
        Reader {
            names,
            lookup: Lookup::new(index),
            apis,
            accessors,
        }
    }

    /// A namespace's class of constants (Win32 convention), renamed or not.
    fn is_apis(&self, t: WTypeDef) -> bool {
        (self.apis.contains(&position(t)) || t.name() == names::APIS) && t.category() == TypeCategory::Class
    }

    fn class_kind(&self, tn: &TypeName) -> ClassKind {
        match self.lookup.qualified(tn.namespace.as_str(), &tn.name) {
            Some(t) if t.category() == TypeCategory::Delegate => ClassKind::Delegate,
            _ => ClassKind::Object,
        }
    }

    fn ty(&self, ty: &WType) -> Type {
        from_winmd(ty, &|tn| self.class_kind(tn))
    }

    fn extract(&self, scope: &Scope) -> Result<Extract, ReadError> {
        match scope {
            Scope::Everything => self.everything(),
            Scope::Closure { interfaces, constants } => self.closure(interfaces, constants),
        }
    }

    /// Every interface, the types they reach, every constant.
    fn everything(&self) -> Result<Extract, ReadError> {
        let mut out = Extract::default();
        let mut seen = BTreeSet::new();
        let mut bases = Vec::new();
        for t in self.lookup.all() {
            if is_interface(t) {
                let name = model_name(&TypeName::named(t.namespace(), t.name()));
                if seen.insert(name.clone()) {
                    let (interface, dotnet) = self.interface(t, name)?;
                    out.interfaces.push(interface);
                    bases.push(dotnet);
                }
            } else if self.is_apis(t) {
                self.constants(t, &|_| true, &mut out.constants);
            }
        }
        dotnet::settle(&mut out.interfaces, &bases);
        let interfaces: BTreeSet<String> = out.interfaces.iter().map(|i| i.name.clone()).collect();
        missing_bases(&interfaces, &mut out);
        let mut walk = Walk {
            pending: signature_names(&out.interfaces),
            done: BTreeSet::new(),
        };
        self.types(&mut walk, &mut |name| interfaces.contains(name), &mut out);
        out.types.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    /// The interfaces `roots` name and what they reach, read the way [`Reader::everything`]
    /// reads them, so what a back end binds from the closure is the same either way.
    /// Constants: those of the user's own namespaces (every one, as a back end binds
    /// them all) and the SDK's that `constants` names.
    fn closure(&self, roots: &[String], constants: &[String]) -> Result<Extract, ReadError> {
        let mut out = Extract::default();
        let mut read: Vec<((usize, usize), Interface, Option<Bases>)> = Vec::new();
        let mut seen = BTreeSet::new();
        let mut next: Vec<String> = roots.to_vec();
        let mut walk = Walk {
            pending: Vec::new(),
            done: BTreeSet::new(),
        };
        loop {
            while let Some(name) = next.pop() {
                if !seen.insert(name.clone()) {
                    continue;
                }
                let Some(t) = self.lookup.interface(&name) else {
                    continue;
                };
                let (interface, dotnet) = self.interface(t, name)?;
                next.extend(interface.base.clone());
                if let Some(d) = &dotnet {
                    next.extend(d.impls.iter().cloned());
                }
                walk.pending.extend(signature_names(std::slice::from_ref(&interface)));
                read.push((position(t), interface, dotnet));
            }
            let mut reached = Vec::new();
            self.types(
                &mut walk,
                &mut |name| {
                    let interface = self.lookup.interface(name).is_some();
                    if interface {
                        reached.push(name.to_string());
                    }
                    interface
                },
                &mut out,
            );
            if reached.is_empty() {
                break;
            }
            next = reached;
        }
        read.sort_by_key(|(at, _, _)| *at);
        let bases: Vec<Option<Bases>> = read.iter_mut().map(|(_, _, d)| d.take()).collect();
        out.interfaces = read.into_iter().map(|(_, i, _)| i).collect();
        dotnet::settle(&mut out.interfaces, &bases);
        let interfaces: BTreeSet<String> = out.interfaces.iter().map(|i| i.name.clone()).collect();
        missing_bases(&interfaces, &mut out);
        // The renamed classes are nameless to the index.
        let mut apis: Vec<WTypeDef<'a>> = self.lookup.top_level("");
        apis.extend(self.lookup.top_level(names::APIS));
        apis.retain(|&t| self.is_apis(t));
        apis.sort_by_key(|&t| position(t));
        for t in apis {
            self.constants(t, &|name| constants.iter().any(|c| c == name), &mut out.constants);
        }
        out.types.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    /// The interface as declared, and for a .NET interop interface ([ComImport]) what
    /// [`dotnet::settle`] needs to find its COM base: until then its base is its root,
    /// IUnknown or IDispatch, and its methods are all it declares.
    fn interface(&self, t: WTypeDef<'a>, name: String) -> Result<(Interface, Option<Bases>), ReadError> {
        let impls: Vec<String> = t
            .interface_impls()
            .map(|i| match i.interface(&[]) {
                WType::ClassName(tn) | WType::ValueName(tn) => model_name(&tn),
                other => format!("{other:?}"),
            })
            .collect();
        let (base, dotnet, kind) = if t.flags().contains(TypeAttributes::Import) {
            let kind = ComKind::of(t);
            let root = kind.root();
            (Some(root.to_string()), Some(Bases { root, impls }), Some(kind))
        } else {
            (impls.into_iter().next(), None, None)
        };
        let lets: Option<BTreeSet<&str>> = dotnet.as_ref().map(|_| {
            t.methods()
                .filter(|m| is_special(*m))
                .filter_map(|m| m.name().strip_prefix("let_"))
                .collect()
        });
        let mut methods = Vec::new();
        for m in t.methods() {
            methods.push(self.method(&name, m, lets.as_ref().zip(kind))?);
        }
        let mut interface = Interface {
            iid: guid(t),
            base,
            methods,
            local: false,
            oleautomation: false,
            dispatch: None,
            origin: Origin::file(self.names.get(t.to_row().file).cloned().unwrap_or_default()),
            span: None,
            base_span: None,
            name,
        };
        if let Some(kind) = kind {
            dispatch::shape(&mut interface, kind);
        }
        Ok((interface, dotnet))
    }

    /// `dotnet`: for a .NET interop interface, the properties that have a `let_` accessor
    /// and the interface's kind.
    fn method(
        &self,
        interface: &str,
        m: MethodDef<'a>,
        dotnet: Option<(&BTreeSet<&str>, ComKind)>,
    ) -> Result<Method, ReadError> {
        let error = |detail: String| ReadError::Method {
            interface: interface.to_string(),
            method: m.name().to_string(),
            detail,
        };
        let sig = m.signature(&[]);
        let rows = m
            .params_by_sequence(sig.types.len())
            .map_err(|e| error(e.to_string()))?;
        let names: Vec<String> = rows
            .params()
            .iter()
            .enumerate()
            .map(|(i, row)| match row {
                Some(p) if !p.name().is_empty() => p.name().to_string(),
                _ => format!("param{}", i + 1),
            })
            .collect();
        let mut params = Vec::with_capacity(sig.types.len());
        for (i, wty) in sig.types.iter().enumerate() {
            let row = rows.params()[i];
            let mut ty = self.ty(wty);
            let mut dir = Direction::In;
            let mut retval = false;
            let mut attrs = Vec::new();
            if let Some(p) = row {
                dir = match (p.flags().0 & 1 != 0, p.flags().0 & 2 != 0) {
                    (_, false) => Direction::In,
                    (false, true) => Direction::Out,
                    (true, true) => Direction::InOut,
                };
                retval = p.is_retval_attribute();
                if let Some(element) = safearray_element(p.attributes()) {
                    ty = with_safearray_element(ty, element);
                }
                attrs.extend(buffer_attribute(p.buffer_relationship(), &names));
                // Only an interop assembly's Optional is automation's `[optional]`; the
                // Win32 metadata's is SAL's `_opt_` (see winmd/dispatch.rs).
                if dotnet.is_some() {
                    attrs.extend(dispatch::param_attrs(p));
                }
            }
            params.push(Param {
                name: names[i].as_str().into(),
                dir,
                retval,
                written: ty.to_string().into(),
                ty,
                attrs,
                span: None,
            });
        }
        if dotnet.is_some() {
            dispatch::insert_lcid(m, &mut params).map_err(error)?;
        }
        let mut ret = self.ty(&sig.return_type);
        // Without PreserveSig, .NET hides the HRESULT and shows the [retval] as the result.
        // A dispinterface's members have no vtable call to hide it from: `Invoke` returns
        // the result, as the IDL's `methods:` section declares it.
        let hresult = dotnet.is_some_and(|(_, kind)| kind != ComKind::Dispatch);
        if hresult && !m.impl_flags().contains(MethodImplAttributes::PreserveSig) {
            if ret != Type::Void {
                let ty = Type::pointer(ret);
                params.push(Param {
                    name: "retval".into(),
                    dir: Direction::Out,
                    retval: true,
                    written: ty.to_string().into(),
                    ty,
                    attrs: Vec::new(),
                    span: None,
                });
            }
            ret = Type::Named("HRESULT".into());
        }
        let special = is_special(m);
        let setter = dotnet
            .filter(|_| special)
            .and_then(|(lets, _)| dotnet::accessor_kind(m.name(), lets));
        let (name, kind, idl_name) = match setter {
            Some((kind, property)) => (Method::vtable_name(kind, property), kind, property.to_string()),
            None => {
                let (kind, idl_name) = property_kind(m.name(), special);
                (m.name().to_string(), kind, idl_name)
            }
        };
        Ok(Method {
            name,
            idl_name,
            kind,
            params,
            ret,
            call_as: None,
            local: false,
            dispid: dotnet.and_then(|(_, kind)| {
                let row = m.to_row();
                let property = self.accessors.get(row.file).and_then(|a| a.get(&row.pos)).copied();
                dispatch::dispid(m, property, kind)
            }),
            span: None,
        })
    }

    /// The literal fields of an `Apis` class: all of a user's namespace, and of the SDK's
    /// those `sdk` takes.
    fn constants(&self, apis: WTypeDef<'a>, sdk: &dyn Fn(&str) -> bool, out: &mut Vec<Constant>) {
        // The Win32 metadata's namespaces are the SDK: like an IDL file's imports, their
        // constants are not the user's own and are bound only when asked for.
        let root = !apis.namespace().starts_with(names::SDK_NAMESPACE_PREFIX);
        for field in apis.fields() {
            if !root && !sdk(field.name()) {
                continue;
            }
            let Some(constant) = field.constant() else { continue };
            let value = match constant.value() {
                Value::Bool(b) => ConstValue::Int(b as i128),
                Value::U8(v) => ConstValue::Int(v.into()),
                Value::I8(v) => ConstValue::Int(v.into()),
                Value::U16(v) => ConstValue::Int(v.into()),
                Value::I16(v) => ConstValue::Int(v.into()),
                Value::U32(v) => ConstValue::Int(v.into()),
                Value::I32(v) => ConstValue::Int(v.into()),
                Value::U64(v) | Value::USize(v) => ConstValue::Int(v.into()),
                Value::I64(v) | Value::ISize(v) => ConstValue::Int(v.into()),
                Value::F32(v) => ConstValue::Expr(v.to_string()),
                Value::F64(v) => ConstValue::Expr(v.to_string()),
                Value::Utf8(s) | Value::Utf16(s) => ConstValue::Str(s),
                other => ConstValue::Expr(format!("{other:?}")),
            };
            out.push(Constant {
                name: field.name().to_string(),
                ty: self.ty(&field.ty()),
                value,
                span: None,
                root,
            });
        }
    }

    /// The declarations of every name pending, following aliases and fields; names
    /// `is_interface` claims are left to the caller.
    fn types(&self, walk: &mut Walk, is_interface: &mut dyn FnMut(&str) -> bool, out: &mut Extract) {
        while let Some(name) = walk.pending.pop() {
            if walk.done.contains(&name) || is_interface(&name) {
                continue;
            }
            walk.done.insert(name.clone());
            let Some(t) = self.lookup.named(&name) else {
                out.missing.insert(name);
                continue;
            };
            let kind = self.type_kind(t);
            match &kind {
                TypeDefKind::Alias(ty) => ty.names(&mut walk.pending),
                TypeDefKind::Struct(fields) | TypeDefKind::Union(fields) => {
                    for f in fields {
                        f.ty.names(&mut walk.pending);
                    }
                }
                _ => {}
            }
            let pack = t.class_layout().map(|l| l.packing_size()).filter(|&p| p > 0);
            out.types.push(TypeDef {
                name,
                kind,
                span: None,
                pack,
                layout: None,
                uuid: None,
            });
        }
    }

    fn type_kind(&self, t: WTypeDef<'a>) -> TypeDefKind {
        match t.category() {
            TypeCategory::Enum => TypeDefKind::Enum(
                // The backing integer (`value__`): Win32's flag enums are `u32`, a few `u8`.
                match t.underlying_type() {
                    Some(WType::I8) => Scalar::I8,
                    Some(WType::U8) => Scalar::U8,
                    Some(WType::I16) => Scalar::I16,
                    Some(WType::U16) => Scalar::U16,
                    Some(WType::U32) => Scalar::U32,
                    Some(WType::I64) => Scalar::I64,
                    Some(WType::U64) => Scalar::U64,
                    _ => Scalar::I32,
                },
                t.fields()
                    .filter(|f| f.flags().contains(FieldAttributes::Literal))
                    .filter_map(|f| Some((f.name().to_string(), int_value(&f.constant()?.value())?)))
                    .collect(),
            ),
            TypeCategory::Struct => {
                let fields: Vec<Field> = t
                    .fields()
                    .filter(|f| !f.flags().contains(FieldAttributes::Static))
                    .map(|f| {
                        let mut ty = self.ty(&f.ty());
                        if let Some(element) = safearray_element(f.attributes()) {
                            ty = with_safearray_element(ty, element);
                        }
                        Field {
                            name: f.name().to_string(),
                            ty,
                        }
                    })
                    .collect();
                if t.has_attribute(names::NATIVE_TYPEDEF) && fields.len() == 1 && fields[0].name == "Value" {
                    TypeDefKind::Alias(fields.into_iter().next().map(|f| f.ty).unwrap_or(Type::Void))
                } else if fields.is_empty() {
                    TypeDefKind::Opaque
                } else if t.flags().contains(TypeAttributes::ExplicitLayout) {
                    TypeDefKind::Union(fields)
                } else {
                    TypeDefKind::Struct(fields)
                }
            }
            TypeCategory::Delegate => match t.methods().find(|m| m.name() == "Invoke") {
                Some(invoke) => {
                    let sig = invoke.signature(&[]);
                    let params = sig.types.iter().map(|p| self.ty(p)).collect();
                    TypeDefKind::Alias(Type::pointer(Type::Function(
                        Box::new(self.ty(&sig.return_type)),
                        params,
                    )))
                }
                None => TypeDefKind::Alias(Type::pointer(Type::Void)),
            },
            _ => TypeDefKind::Opaque,
        }
    }
}

/// Bases that are not among the interfaces read are for the loader to find elsewhere.
fn missing_bases(interfaces: &BTreeSet<String>, out: &mut Extract) {
    for iface in &out.interfaces {
        if let Some(base) = &iface.base
            && !interfaces.contains(base.as_str())
        {
            out.missing.insert(base.clone());
        }
    }
}

/// Every name the interfaces' signatures use.
fn signature_names(interfaces: &[Interface]) -> Vec<String> {
    let mut names = Vec::new();
    for iface in interfaces {
        for m in &iface.methods {
            m.ret.names(&mut names);
            for p in &m.params {
                p.ty.names(&mut names);
            }
        }
    }
    names
}

fn is_special(m: MethodDef) -> bool {
    m.flags().contains(windows_metadata::MethodAttributes::SpecialName)
}

/// `get_X` / `put_X` / `putref_X` with SpecialName: Win32 metadata's property accessors.
fn property_kind(name: &str, special: bool) -> (MethodKind, String) {
    if special {
        for (prefix, kind) in [
            ("get_", MethodKind::PropGet),
            ("putref_", MethodKind::PropPutRef),
            ("put_", MethodKind::PropPut),
        ] {
            if let Some(rest) = name.strip_prefix(prefix) {
                return (kind, rest.to_string());
            }
        }
    }
    (MethodKind::Plain, name.to_string())
}

fn int_value(v: &Value) -> Option<i64> {
    Some(match *v {
        Value::Bool(b) => b as i64,
        Value::U8(v) => v.into(),
        Value::I8(v) => v.into(),
        Value::U16(v) => v.into(),
        Value::I16(v) => v.into(),
        Value::U32(v) => v.into(),
        Value::I32(v) => v.into(),
        Value::I64(v) | Value::ISize(v) => v,
        Value::U64(v) | Value::USize(v) => v as i64,
        _ => return None,
    })
}

/// The interface's IID, in either attribute form.
fn guid(t: WTypeDef) -> Option<Guid> {
    let attribute = t.attributes().find(|a| {
        let full = (a.namespace(), a.name());
        full == names::GUID_ATTRIBUTE_WINRT || full == names::GUID_ATTRIBUTE_DOTNET
    })?;
    let args = attribute.value();
    match args.as_slice() {
        [(_, Value::Utf8(s))] | [(_, Value::Utf16(s))] => s.parse().ok(),
        [(_, Value::U32(d1)), (_, Value::U16(d2)), (_, Value::U16(d3)), rest @ ..] if rest.len() == 8 => {
            let mut d4 = [0u8; 8];
            for (slot, (_, v)) in d4.iter_mut().zip(rest) {
                *slot = match v {
                    Value::U8(b) => *b,
                    _ => return None,
                };
            }
            Some(Guid::from_fields(*d1, *d2, *d3, d4))
        }
        _ => None,
    }
}

fn safearray_element<'b>(mut attributes: impl Iterator<Item = Attribute<'b>>) -> Option<Type> {
    let attribute = attributes.find(|a| (a.namespace(), a.name()) == names::SAFEARRAY_ATTRIBUTE)?;
    match attribute.value().first() {
        Some((_, Value::Utf8(s))) => parse_c_type(s),
        _ => None,
    }
}

/// `size_is(n)` / `byte_count(n)` from the Win32 metadata's buffer attributes.
fn buffer_attribute(
    relationship: Option<windows_metadata::reader::BufferRelationship>,
    names: &[String],
) -> Option<ParamAttr> {
    use windows_metadata::reader::BufferRelationship as B;
    let param = |i: i16| {
        usize::try_from(i)
            .ok()
            .and_then(|i| names.get(i))
            .cloned()
            .unwrap_or_else(|| i.to_string())
    };
    Some(match relationship? {
        B::ElementsParam(i) => ParamAttr::SizeIs(vec![param(i).into()]),
        B::ElementsConst(n) => ParamAttr::SizeIs(vec![n.to_string().into()]),
        B::BytesParam(i) => ParamAttr::ByteCount(param(i).into()),
    })
}
