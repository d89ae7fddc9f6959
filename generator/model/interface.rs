//! Interfaces, their methods and parameters.

use std::sync::Arc;

use crate::model::guid::Guid;
use crate::model::param::ParamAttr;
use crate::model::types::{Name, Type};
use crate::source::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    In,
    Out,
    #[serde(rename = "in,out")]
    InOut,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::In => "in",
            Direction::Out => "out",
            Direction::InOut => "in,out",
        }
    }

    pub fn is_out(self) -> bool {
        matches!(self, Direction::Out | Direction::InOut)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    pub name: Name,
    pub dir: Direction,
    pub retval: bool,
    pub ty: Type,
    /// The type as the input spells it (`REFIID`, `SAFEARRAY(BSTR)*`, `unsigned long`).
    pub written: Name,
    /// The parameter's attributes that matter to bindings and metadata, in written order.
    pub attrs: Vec<ParamAttr>,
    pub span: Option<Span>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MethodKind {
    Plain,
    PropGet,
    PropPut,
    PropPutRef,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Method {
    /// The name the C vtable uses: `get_Version` for `[propget] Version`.
    pub name: String,
    /// The name as declared in the IDL.
    pub idl_name: String,
    pub kind: MethodKind,
    pub params: Vec<Param>,
    pub ret: Type,
    /// `[call_as(m)]`: the remotable twin of a `[local]` method. It has no vtable slot.
    pub call_as: Option<String>,
    pub local: bool,
    /// `[id(n)]`: the DISPID clients pass to `IDispatch::Invoke`.
    pub dispid: Option<i32>,
    pub span: Option<Span>,
}

impl Method {
    /// The vtable name MIDL and widl give a method: properties get a `get_`/`put_`/`putref_` prefix.
    pub fn vtable_name(kind: MethodKind, idl_name: &str) -> String {
        match kind {
            MethodKind::Plain => idl_name.to_string(),
            MethodKind::PropGet => format!("get_{idl_name}"),
            MethodKind::PropPut => format!("put_{idl_name}"),
            MethodKind::PropPutRef => format!("putref_{idl_name}"),
        }
    }

    /// Whether the method owns a slot in its interface's vtable.
    pub fn has_slot(&self) -> bool {
        self.call_as.is_none()
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Interface {
    pub name: String,
    pub iid: Option<Guid>,
    pub base: Option<String>,
    pub methods: Vec<Method>,
    /// `[local]` on the interface: never marshalled.
    pub local: bool,
    /// `[oleautomation]` (or `[dual]`): the universal marshaler can carry it.
    pub oleautomation: bool,
    /// A dual interface or a dispinterface: what `IDispatch::Invoke` reaches.
    pub dispatch: Option<Dispatch>,
    /// Where it was declared.
    pub origin: Origin,
    pub span: Option<Span>,
    /// The span of the base name, for errors about the base.
    pub base_span: Option<Span>,
}

/// Where a declaration came from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Origin {
    /// The file as shown to the user: the path as given, `<oscgen>/std/unknwn.idl` for
    /// one of oscgen's embedded files.
    pub file: Arc<str>,
    /// One of oscgen's embedded files (the built-in sets or the SDK stand-ins).
    pub builtin: bool,
    /// One of oscgen's stand-ins for an SDK file (metadata/std/): declarations the SDK
    /// owns, never the user's.
    pub stand_in: bool,
}

impl Origin {
    /// A file that is neither built in nor a stand-in: an input or one of its imports.
    pub fn file(name: impl Into<Arc<str>>) -> Origin {
        Origin {
            file: name.into(),
            builtin: false,
            stand_in: false,
        }
    }
}

/// What clients reach through `IDispatch::Invoke`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Dispatch {
    /// `[dual]`: the interface's own vtable methods, by their DISPIDs. Otherwise a
    /// dispinterface, whose members below own no vtable slot (its vtable is IDispatch's).
    pub dual: bool,
    /// A dispinterface's `properties:` section.
    pub properties: Vec<DispProperty>,
    /// A dispinterface's `methods:` section, with their DISPIDs.
    pub methods: Vec<Method>,
    /// `dispinterface D { interface I; }`: the dispatch view of the interface I.
    pub interface: Option<String>,
}

impl Dispatch {
    /// A dispinterface's members as a dual interface would declare them, which is how a
    /// server implements them: each returns HRESULT, a declared result becomes a trailing
    /// `[out, retval]` parameter, and a property becomes `[propget]` and (unless
    /// `[readonly]`) `[propput]` methods. Empty for a dual interface, whose vtable has them.
    pub fn as_methods(&self) -> Vec<Method> {
        if self.dual {
            return Vec::new();
        }
        let hresult = Type::Named("HRESULT".into());
        let param = |name: &str, dir: Direction, ty: Type| Param {
            name: name.into(),
            dir,
            retval: dir == Direction::Out,
            written: ty.to_string().into(),
            ty,
            attrs: Vec::new(),
            span: None,
        };
        let method = |kind: MethodKind, name: &str, params: Vec<Param>, dispid: Option<i32>| Method {
            name: Method::vtable_name(kind, name),
            idl_name: name.to_string(),
            kind,
            params,
            ret: hresult.clone(),
            call_as: None,
            local: false,
            dispid,
            span: None,
        };
        let mut out = Vec::new();
        for p in &self.properties {
            let out_ty = Type::Pointer(Box::new(p.ty.clone()));
            out.push(method(
                MethodKind::PropGet,
                &p.name,
                vec![param("value", Direction::Out, out_ty)],
                p.dispid,
            ));
            if !p.readonly {
                out.push(method(
                    MethodKind::PropPut,
                    &p.name,
                    vec![param("value", Direction::In, p.ty.clone())],
                    p.dispid,
                ));
            }
        }
        for m in &self.methods {
            let mut m = m.clone();
            let ret = std::mem::replace(&mut m.ret, hresult.clone());
            let returns = match ret.unqualified() {
                Type::Void => false,
                Type::Named(n) if &**n == "HRESULT" => false,
                _ => true,
            };
            if returns {
                m.params
                    .push(param("result", Direction::Out, Type::Pointer(Box::new(ret))));
            }
            out.push(m);
        }
        out
    }
}

/// A property of a dispinterface, reached by `DISPATCH_PROPERTYGET`/`PUT`.
#[derive(Clone, Debug, PartialEq)]
pub struct DispProperty {
    pub name: String,
    pub dispid: Option<i32>,
    pub ty: Type,
    /// `[readonly]`: no `DISPATCH_PROPERTYPUT`.
    pub readonly: bool,
}
