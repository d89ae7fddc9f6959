//! Lowering: from the syntax trees of a file and its imports to the parts of the model.
//!
//! Names are resolved globally after every file is read, so declaration order across
//! imports does not matter; the model then checks that each name exists.

use std::collections::HashMap;

use crate::hash::{NameMap, NameSet};

use crate::diagnostic::Diagnostic;
use crate::idl::ast::{
    AttrArg, Attribute, Attrs, BaseType, ExprKind, Field as AstField, Ident, Item, Sign, TypeExpr, TypeKind, WinRtKind,
};
use crate::idl::eval::Env;
use crate::model::guid::Guid;
use crate::model::interface::{Direction, Interface, Method, MethodKind, Param};
use crate::model::types::{Field, Name, Scalar, Type, TypeDef, TypeDefKind};
use crate::model::{Coclass, ConstValue, Constant, Library, ModelParts};
use crate::source::{SourceMap, Span};

/// One parsed file, in the order the loader read it (imports before importers).
pub struct ParsedFile {
    /// Shared with the loader's session, which may hand the same file to several loads.
    pub items: std::rc::Rc<Vec<Item>>,
    /// Given on the command line (or a built-in set), not reached through an import.
    pub is_root: bool,
}

/// Parameter attributes worth keeping in the model, for bindings and for `inspect`.
const KEPT_PARAM_ATTRS: &[&str] = &[
    "size_is",
    "length_is",
    "max_is",
    "first_is",
    "last_is",
    "iid_is",
    "string",
    "unique",
    "ref",
    "ptr",
    "optional",
    "defaultvalue",
    "lcid",
    "switch_is",
    "annotation",
];

/// Lowers every file at once (imports first, as the loader orders them).
pub fn lower(sources: &SourceMap, files: &[ParsedFile]) -> Result<ModelParts, Vec<Diagnostic>> {
    let mut lowering = Lowering::default();
    for file in files {
        lowering.file(sources, &file.items, file.is_root);
    }
    lowering.finish()
}

/// Lowering carried from file to file. The loader lowers each top-level item as soon as
/// the files it imports are lowered and then drops it ([`Lowering::item`]), so a load
/// holds one item's tree at a time beside the model; loads that keep their trees lower
/// whole files ([`Lowering::file`]).
///
/// A name is resolved against what was declared before it: earlier in its own file and
/// in the files lowered earlier, which include everything imported before it. MIDL asks
/// for declaration before use, so that is every name valid input uses. WinRT namespaces
/// are the exception: their names are collected from the whole file (or the rest of it)
/// first.
#[derive(Default)]
pub struct Lowering {
    state: State,
}

impl Lowering {
    /// Lowers one file's items into the model parts.
    pub fn file(&mut self, sources: &SourceMap, items: &[Item], is_root: bool) {
        self.lowerer(sources, items).items(items, is_root, None);
    }

    /// [`Lowering::file`] for a tree nobody else holds: each top-level item is freed once
    /// lowered, and the model's allocations reuse its memory.
    pub fn file_owned(&mut self, sources: &SourceMap, items: Vec<Item>, is_root: bool) {
        let mut l = self.lowerer(sources, &items);
        for item in items {
            l.items(std::slice::from_ref(&item), is_root, None);
        }
    }

    /// Lowers one top-level item of a file read item by item, and frees it. The names
    /// that namespaces declare are not collected first, so the caller hands a file's
    /// items from its first namespace on to [`Lowering::file_owned`] instead (items
    /// outside namespaces never look those names up).
    pub fn item(&mut self, sources: &SourceMap, item: Item, is_root: bool) {
        let mut l = Lowerer {
            sources,
            st: &mut self.state,
        };
        l.items(std::slice::from_ref(&item), is_root, None);
    }

    /// A lowerer for a file, once the names its namespaces declare are known.
    fn lowerer<'a>(&'a mut self, sources: &'a SourceMap, items: &[Item]) -> Lowerer<'a> {
        self.state.scoped.collect(items, &mut Vec::new());
        Lowerer {
            sources,
            st: &mut self.state,
        }
    }

    /// The model parts, or every error found in every file.
    pub fn finish(self) -> Result<ModelParts, Vec<Diagnostic>> {
        let mut st = self.state;
        if st.errors.is_empty() {
            name_overloads(&mut st.parts.interfaces);
            Ok(st.parts)
        } else {
            Err(st.errors)
        }
    }
}

struct Lowerer<'a> {
    sources: &'a SourceMap,
    st: &'a mut State,
}

#[derive(Default)]
struct State {
    parts: ModelParts,
    env: Env,
    /// Names given to struct/union/enum bodies, by the span of the body, so a body copied
    /// into several declarators (`typedef struct {...} X, *PX;`) is declared once.
    aggregates: HashMap<(u32, u32, u32), String>,
    anon: usize,
    errors: Vec<Diagnostic>,
    /// The WinRT namespace being lowered (`["Windows", "Foundation"]`); empty outside one.
    scope: Vec<String>,
    scoped: ScopedNames,
    /// Parameterized type instances already declared (`IVector<HSTRING>`).
    instances: NameSet<String>,
    /// `[async_uuid]` interfaces and their asynchronous twins (`IFoo` -> `AsyncIFoo`).
    async_names: NameMap<String, String>,
    /// Types as parameters write them, each kept once ([`Lowerer::text`]).
    texts: NameSet<Name>,
    text_buffer: String,
}

/// Names declared inside WinRT namespaces, qualified (`Windows.Foundation.Uri`), so a
/// name used inside a namespace can be resolved the way C++ would: innermost namespace
/// first. Classic IDL has no namespaces and never pays for this.
#[derive(Default)]
struct ScopedNames {
    names: NameSet<String>,
    /// Parameterized interfaces and delegates (`Windows.Foundation.Collections.IVector`).
    templates: NameSet<String>,
}

impl ScopedNames {
    fn collect(&mut self, items: &[Item], scope: &mut Vec<String>) {
        for item in items {
            let name = match item {
                Item::Namespace(path, body) => {
                    let depth = scope.len();
                    scope.extend(path.iter().map(|p| p.name.to_string()));
                    self.collect(body, scope);
                    scope.truncate(depth);
                    continue;
                }
                _ if scope.is_empty() => continue,
                Item::Interface(i) => &i.name,
                Item::Forward(_, name) => name,
                Item::Dispinterface(d) => &d.name,
                Item::Delegate(d) => &d.name,
                Item::Typedef(t) => {
                    for (name, _) in &t.decls {
                        self.names.insert(qualify(scope, &name.name));
                    }
                    continue;
                }
                Item::WinRt(WinRtKind::Template, Some(name), _) => {
                    self.templates.insert(qualify(scope, &name.name));
                    continue;
                }
                Item::WinRt(_, Some(name), _) => name,
                _ => continue,
            };
            self.names.insert(qualify(scope, &name.name));
        }
    }
}

fn qualify(scope: &[String], name: &str) -> String {
    if scope.is_empty() {
        return name.to_string();
    }
    let mut q = scope.join(".");
    q.push('.');
    q.push_str(name);
    q
}

/// A method named like one of an ancestor's (a C++ overload, as `GetFontCollection` in
/// both IDWriteTextFormat and IDWriteTextLayout) cannot share the name in a C vtable
/// struct: MIDL and widl call it `Interface_Method` there, and so does oscgen
/// for IDL (WinMD names overloads in the metadata itself).
fn name_overloads(interfaces: &mut [Interface]) {
    let index: HashMap<&str, usize> = interfaces
        .iter()
        .enumerate()
        .map(|(i, f)| (f.name.as_str(), i))
        .collect();
    let mut renames = Vec::new();
    for (i, iface) in interfaces.iter().enumerate() {
        if iface.base.is_none() || iface.methods.is_empty() {
            continue;
        }
        // Chains are short and interfaces have few methods: compare in place.
        let mut seen = vec![i];
        let mut current = iface;
        while let Some(&b) = current.base.as_deref().and_then(|b| index.get(b)) {
            if seen.contains(&b) {
                break; // a cycle, reported by the model
            }
            seen.push(b);
            current = &interfaces[b];
            for (j, m) in iface.methods.iter().enumerate() {
                if m.has_slot() && current.methods.iter().any(|a| a.name == m.name) {
                    let short = iface.name.rsplit('.').next().unwrap_or(&iface.name);
                    renames.push((i, j, format!("{short}_{}", m.idl_name)));
                }
            }
        }
    }
    drop(index);
    renames.sort();
    renames.dedup();
    for (i, j, name) in renames {
        interfaces[i].methods[j].name = name;
    }
}

/// The asynchronous twin MIDL and widl make for an `[async_uuid]` interface: each method
/// `M` becomes `Begin_M`, taking the `[in]` parameters, and `Finish_M`, taking the
/// `[out]` ones (`[in, out]` go to both). It derives from the twin of the base, or from
/// IUnknown.
fn async_interface(iface: &Interface, iid: Option<Guid>, twins: &NameMap<String, String>) -> Interface {
    let name = match iface.name.rsplit_once('.') {
        Some((ns, short)) => format!("{ns}.Async{short}"),
        None => format!("Async{}", iface.name),
    };
    let base = iface
        .base
        .as_ref()
        .map(|b| twins.get(b).cloned().unwrap_or_else(|| b.clone()));
    let mut methods = Vec::new();
    for m in iface.methods.iter().filter(|m| m.has_slot()) {
        for (prefix, keep) in [("Begin_", Direction::In), ("Finish_", Direction::Out)] {
            let idl_name = format!("{prefix}{}", m.name);
            methods.push(Method {
                name: idl_name.clone(),
                idl_name,
                kind: MethodKind::Plain,
                params: m
                    .params
                    .iter()
                    .filter(|p| p.dir == keep || p.dir == Direction::InOut)
                    .cloned()
                    .collect(),
                ret: m.ret.clone(),
                call_as: None,
                local: m.local,
                span: m.span,
            });
        }
    }
    Interface {
        name,
        iid,
        base,
        methods,
        local: iface.local,
        file: iface.file.clone(),
        span: iface.span,
        base_span: iface.base_span,
    }
}

/// widl's rule: an interface has a vtable (is a COM interface) when it says `[object]`
/// or `[odl]`, or has a base. Others are RPC interfaces: procedures, no vtable.
fn is_com(iface: &crate::idl::ast::Interface) -> bool {
    iface.base.is_some() || iface.attrs.has("object") || iface.attrs.has("odl")
}

impl Lowerer<'_> {
    fn items(&mut self, items: &[Item], is_root: bool, mut library: Option<&mut Library>) {
        for item in items {
            match item {
                Item::Interface(iface) => {
                    if let Some(lib) = library.as_deref_mut() {
                        lib.interfaces.push(iface.name.name.to_string());
                    }
                    self.interface(iface, is_root);
                }
                Item::Forward(_, name) => {
                    if let Some(lib) = library.as_deref_mut() {
                        lib.interfaces.push(name.name.to_string());
                    }
                    self.st.parts.types.push(TypeDef {
                        name: qualify(&self.st.scope, &name.name),
                        kind: TypeDefKind::Interface,
                        span: Some(name.span),
                    });
                }
                Item::Dispinterface(d) => {
                    if let Some(lib) = library.as_deref_mut() {
                        lib.interfaces.push(d.name.name.to_string());
                    }
                    // Called through IDispatch::Invoke: its vtable is IDispatch's, as in
                    // the header widl writes; the dispatch members own no slot.
                    let iface = Interface {
                        name: qualify(&self.st.scope, &d.name.name),
                        iid: self.uuid(&d.attrs),
                        base: Some("IDispatch".into()),
                        methods: Vec::new(),
                        local: false,
                        file: self.sources.file(self.sources.use_site(d.name.span).file).name.clone(),
                        span: Some(d.name.span),
                        base_span: None,
                    };
                    if is_root {
                        self.st.parts.roots.push(iface.name.clone());
                    }
                    self.st.parts.interfaces.push(iface);
                }
                Item::Delegate(d) => {
                    // widl's model of a delegate: an IUnknown-derived interface whose
                    // one method, Invoke, has the delegate's signature.
                    let name = Ident {
                        name: "Invoke".into(),
                        span: d.name.span,
                    };
                    let method = self.method(&d.attrs, &name, &d.ret, &d.params, d.span);
                    let iface = Interface {
                        name: qualify(&self.st.scope, &d.name.name),
                        iid: self.uuid(&d.attrs),
                        base: Some("IUnknown".into()),
                        methods: vec![method],
                        local: false,
                        file: self.sources.file(self.sources.use_site(d.name.span).file).name.clone(),
                        span: Some(d.name.span),
                        base_span: None,
                    };
                    if is_root {
                        self.st.parts.roots.push(iface.name.clone());
                    }
                    self.st.parts.interfaces.push(iface);
                }
                Item::WinRt(WinRtKind::RuntimeClass, Some(name), _) => self.st.parts.types.push(TypeDef {
                    name: qualify(&self.st.scope, &name.name),
                    kind: TypeDefKind::Opaque,
                    span: Some(name.span),
                }),
                Item::Coclass(c) => {
                    self.st.parts.types.push(TypeDef {
                        name: c.name.name.to_string(),
                        kind: TypeDefKind::Opaque,
                        span: Some(c.name.span),
                    });
                    let coclass = Coclass {
                        name: c.name.name.to_string(),
                        clsid: self.uuid(&c.attrs),
                        interfaces: c.members.iter().map(|m| m.name.name.to_string()).collect(),
                    };
                    if let Some(lib) = library.as_deref_mut() {
                        lib.coclasses.push(coclass);
                    }
                }
                Item::Library(lib) => {
                    let mut model_lib = Library {
                        name: lib.name.name.to_string(),
                        libid: self.uuid(&lib.attrs),
                        version: lib.attrs.attr("version").map(|a| self.args_text(a)),
                        interfaces: Vec::new(),
                        coclasses: Vec::new(),
                    };
                    self.items(&lib.items, is_root, Some(&mut model_lib));
                    self.st.parts.libraries.push(model_lib);
                }
                Item::Module(_, _, body) => self.items(body, is_root, None),
                Item::Namespace(path, body) => {
                    let depth = self.st.scope.len();
                    self.st.scope.extend(path.iter().map(|p| p.name.to_string()));
                    self.items(body, is_root, None);
                    self.st.scope.truncate(depth);
                }
                Item::Typedef(t) => self.typedef(t),
                Item::TypeDecl(_, ty) => {
                    self.lower_type(ty);
                }
                Item::Const(c) => {
                    let ty = self.lower_type(&c.ty);
                    let value = match &c.value.kind {
                        ExprKind::Str(s) => ConstValue::Str(s.clone()),
                        _ => match self.st.env.eval(&c.value) {
                            Some(v) => {
                                self.st.env.values.insert(c.name.name.to_string(), v);
                                ConstValue::Int(v)
                            }
                            None => ConstValue::Expr(self.sources.text(c.value.span).to_string()),
                        },
                    };
                    self.st.parts.constants.push(Constant {
                        name: c.name.name.to_string(),
                        ty,
                        value,
                        span: Some(c.name.span),
                        root: is_root,
                    });
                }
                Item::Declaration(_, _, ty) => {
                    self.lower_type(ty);
                }
                Item::Import(_)
                | Item::ImportLib(_)
                | Item::CppQuote(_)
                | Item::Pragma(..)
                | Item::MidlPragma(_)
                | Item::WinRt(..) => {}
            }
        }
    }

    fn uuid(&mut self, attrs: &[Attribute]) -> Option<Guid> {
        self.uuid_of(attrs, "uuid")
    }

    fn uuid_of(&mut self, attrs: &[Attribute], which: &str) -> Option<Guid> {
        let attr = attrs.attr(which)?;
        match attr.args.first() {
            Some(AttrArg::Uuid(text, span)) => match text.parse() {
                Ok(g) => Some(g),
                Err(e) => {
                    self.st.errors.push(Diagnostic::at(*span, e.to_string()));
                    None
                }
            },
            _ => {
                self.st.errors.push(
                    Diagnostic::at(attr.span, format!("`{which}` needs a GUID"))
                        .with_note(format!("write it as {which}(xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)")),
                );
                None
            }
        }
    }

    fn args_text(&self, attr: &Attribute) -> String {
        let text = self.sources.text(attr.span);
        text.split_once('(')
            .map(|(_, rest)| rest.trim_end_matches(')').trim().to_string())
            .unwrap_or_default()
    }

    fn interface(&mut self, iface: &crate::idl::ast::Interface, is_root: bool) {
        let name = qualify(&self.st.scope, &iface.name.name);
        if !is_com(iface) {
            // Its typedefs and constants are still declarations of the file.
            for member in &iface.members {
                if !matches!(member, Item::Declaration(..)) {
                    self.items(std::slice::from_ref(member), is_root, None);
                }
            }
            self.st.parts.types.push(TypeDef {
                name,
                kind: TypeDefKind::Opaque,
                span: Some(iface.name.span),
            });
            return;
        }
        let iid = self.uuid(&iface.attrs);
        let mut methods = Vec::new();
        for member in &iface.members {
            match member {
                Item::Declaration(attrs, name, ty) => match &ty.kind {
                    TypeKind::Function(ret, params) => methods.push(self.method(attrs, name, ret, params, ty.span)),
                    _ => self.st.errors.push(
                        Diagnostic::at(
                            name.span,
                            format!("expected a method, found the variable `{}`", name.name),
                        )
                        .with_note("interface members are methods: `HRESULT Name([in] T arg);`"),
                    ),
                },
                other => self.items(std::slice::from_ref(other), is_root, None),
            }
        }
        methods.shrink_to_fit(); // the model keeps every imported interface
        if is_root {
            self.st.parts.roots.push(name.clone());
        }
        let file = self
            .sources
            .file(self.sources.use_site(iface.name.span).file)
            .name
            .clone();
        let base = iface.base.as_ref().map(|b| self.resolve(&b.name));
        let interface = Interface {
            name,
            iid,
            base,
            methods,
            local: iface.attrs.has("local"),
            file,
            span: Some(iface.name.span),
            base_span: iface.base.as_ref().map(|b| b.span),
        };
        if iface.attrs.has("async_uuid") {
            let async_iid = self.uuid_of(&iface.attrs, "async_uuid");
            let twin = async_interface(&interface, async_iid, &self.st.async_names);
            if is_root {
                self.st.parts.roots.push(twin.name.clone());
            }
            self.st.async_names.insert(interface.name.clone(), twin.name.clone());
            self.st.parts.interfaces.push(twin);
        }
        self.st.parts.interfaces.push(interface);
    }

    /// The model name a name written in the current namespace refers to.
    fn resolve(&self, name: &str) -> String {
        self.resolve_in(name, &self.st.scoped.names)
    }

    fn resolve_in(&self, name: &str, declared: &NameSet<String>) -> String {
        if !self.st.scope.is_empty() && !name.contains('.') {
            for depth in (1..=self.st.scope.len()).rev() {
                let q = qualify(&self.st.scope[..depth], name);
                if declared.contains(&q) {
                    return q;
                }
            }
        }
        name.to_string()
    }

    fn method(
        &mut self,
        attrs: &[Attribute],
        name: &crate::idl::ast::Ident,
        ret: &TypeExpr,
        params: &[crate::idl::ast::Param],
        span: Span,
    ) -> Method {
        let kind = if attrs.has("propget") {
            MethodKind::PropGet
        } else if attrs.has("propput") {
            MethodKind::PropPut
        } else if attrs.has("propputref") {
            MethodKind::PropPutRef
        } else {
            MethodKind::Plain
        };
        // WinRT events: widl's vtable names are `add_X` and `remove_X`.
        let vtable_name = if attrs.has("eventadd") {
            format!("add_{}", name.name)
        } else if attrs.has("eventremove") {
            format!("remove_{}", name.name)
        } else {
            Method::vtable_name(kind, &name.name)
        };
        let call_as = attrs.attr("call_as").map(|a| self.args_text(a));
        // Sized up front: collected through the `...` filter, the list would grow to
        // twice its length, and the model keeps every parameter of every import.
        let mut lowered = Vec::with_capacity(params.len());
        lowered.extend(
            params
                .iter()
                .enumerate()
                .filter(|(_, p)| p.name.as_ref().is_none_or(|n| &*n.name != "..."))
                .map(|(i, p)| {
                    let dir = match (p.attrs.has("in"), p.attrs.has("out")) {
                        (_, false) => Direction::In,
                        (false, true) => Direction::Out,
                        (true, true) => Direction::InOut,
                    };
                    Param {
                        name: p
                            .name
                            .as_ref()
                            .map_or_else(|| format!("param{i}").into(), |n| n.name.clone()),
                        dir,
                        retval: p.attrs.has("retval"),
                        ty: self.lower_type(&p.ty),
                        written: self.text(&p.ty),
                        attrs: p
                            .attrs
                            .iter()
                            .filter(|a| KEPT_PARAM_ATTRS.contains(&&*a.name.name))
                            .map(|a| self.sources.text(a.span).to_string())
                            .collect(),
                        span: Some(p.span),
                    }
                }),
        );
        Method {
            name: vtable_name,
            idl_name: name.name.to_string(),
            kind,
            params: lowered,
            ret: self.lower_type(ret),
            call_as,
            local: attrs.has("local"),
            span: Some(name.span.to(span)),
        }
    }

    fn typedef(&mut self, t: &crate::idl::ast::Typedef) {
        // `typedef struct { ... } X, *PX;`: the body takes the first plain declarator's name.
        if let Some(key) = aggregate_key(&t.base).filter(|k| !self.st.aggregates.contains_key(k))
            && let Some((name, _)) = t.decls.iter().find(|(_, ty)| aggregate_key(ty) == Some(key))
        {
            let name = qualify(&self.st.scope, &name.name);
            self.st.aggregates.insert(key, name.clone());
            self.define_aggregate(&t.base, name);
        }
        for (name, ty) in &t.decls {
            let lowered = self.lower_type(ty);
            let name_q = qualify(&self.st.scope, &name.name);
            if matches!(&lowered, Type::Named(n) if **n == *name_q) {
                continue; // the aggregate itself, already defined under this name
            }
            self.st.parts.types.push(TypeDef {
                name: name_q,
                kind: TypeDefKind::Alias(lowered),
                span: Some(name.span),
            });
        }
    }

    fn lower_type(&mut self, ty: &TypeExpr) -> Type {
        match &ty.kind {
            TypeKind::Base(b, sign) => base_type(*b, *sign),
            TypeKind::Named(n) => Type::Named(self.resolve_name(n)),
            TypeKind::Generic(template, args) => {
                // An instance is an interface named after its template and arguments,
                // declared where first used (as widl does for `declare` blocks).
                let template = self.resolve_in(template, &self.st.scoped.templates);
                let args: Vec<String> = args.iter().map(|a| self.lower_type(a).to_string()).collect();
                let name = format!("{template}<{}>", args.join(", "));
                if self.st.scoped.templates.contains(&template) && self.st.instances.insert(name.clone()) {
                    self.st.parts.types.push(TypeDef {
                        name: name.clone(),
                        kind: TypeDefKind::Interface,
                        span: Some(ty.span),
                    });
                }
                Type::Named(name.into())
            }
            TypeKind::SafeArray(inner) => Type::SafeArray(Box::new(self.lower_type(inner))),
            TypeKind::Const(inner) => Type::Const(Box::new(self.lower_type(inner))),
            TypeKind::Pointer(inner) => Type::Pointer(Box::new(self.lower_type(inner))),
            TypeKind::Array(inner, len) => {
                let len = len
                    .as_ref()
                    .and_then(|e| self.st.env.eval(e))
                    .and_then(|v| u64::try_from(v).ok());
                Type::Array(Box::new(self.lower_type(inner)), len)
            }
            TypeKind::Function(ret, params) => {
                let ret = self.lower_type(ret);
                let params = params.iter().map(|p| self.lower_type(&p.ty)).collect();
                Type::Function(Box::new(ret), params)
            }
            TypeKind::Struct(_) | TypeKind::Union(_) | TypeKind::Enum(_) => {
                let key = aggregate_key(ty).expect("aggregate");
                if let Some(name) = self.st.aggregates.get(&key) {
                    return Type::Named(name.as_str().into());
                }
                let (keyword, tag, has_body) = match &ty.kind {
                    TypeKind::Struct(s) => ("struct", &s.tag, s.fields.is_some()),
                    TypeKind::Union(u) => ("union", &u.tag, u.arms.is_some()),
                    TypeKind::Enum(e) => ("enum", &e.tag, e.variants.is_some()),
                    _ => unreachable!(),
                };
                let name = match tag {
                    Some(tag) => format!("{keyword} {}", qualify(&self.st.scope, &tag.name)),
                    None => {
                        self.st.anon += 1;
                        format!("{keyword} __anonymous{}", self.st.anon)
                    }
                };
                self.st.aggregates.insert(key, name.clone());
                if has_body {
                    self.define_aggregate(ty, name.clone());
                } else {
                    // A reference to a tag: declared here in case no body ever comes.
                    self.st.parts.types.push(TypeDef {
                        name: name.clone(),
                        kind: TypeDefKind::Opaque,
                        span: Some(ty.span),
                    });
                }
                Type::Named(name.into())
            }
        }
    }

    /// Declares a struct, union or enum body under `name` (and under its tag, if any).
    fn define_aggregate(&mut self, ty: &TypeExpr, name: String) {
        let kind = match &ty.kind {
            TypeKind::Struct(s) => TypeDefKind::Struct(self.fields(s.fields.iter().flatten())),
            TypeKind::Union(u) => {
                let fields: Vec<&AstField> = u
                    .arms
                    .iter()
                    .flatten()
                    .filter_map(|a| a.field.as_ref())
                    .filter(|f| f.name.is_some())
                    .collect();
                TypeDefKind::Union(self.fields(fields))
            }
            TypeKind::Enum(e) => {
                let mut next = 0i128;
                let mut values = Vec::new();
                for v in e.variants.iter().flatten() {
                    let value = match &v.value {
                        Some(expr) => match self.st.env.eval(expr) {
                            Some(x) => x,
                            None => {
                                self.st.errors.push(
                                    Diagnostic::at(
                                        expr.span,
                                        format!("cannot compute the value of enumerator `{}`", v.name.name),
                                    )
                                    .with_note("enum values must be integer constant expressions"),
                                );
                                next
                            }
                        },
                        None => next,
                    };
                    next = value + 1;
                    self.st.env.values.insert(v.name.name.to_string(), value);
                    values.push((v.name.name.to_string(), value as i64));
                    self.st.parts.constants.push(Constant {
                        name: v.name.name.to_string(),
                        ty: Type::Named(name.as_str().into()),
                        value: ConstValue::Int(value),
                        span: Some(v.name.span),
                        root: false,
                    });
                }
                TypeDefKind::Enum(values)
            }
            _ => return,
        };
        let tag = match &ty.kind {
            TypeKind::Struct(s) => s
                .tag
                .as_ref()
                .map(|t| format!("struct {}", qualify(&self.st.scope, &t.name))),
            TypeKind::Union(u) => u
                .tag
                .as_ref()
                .map(|t| format!("union {}", qualify(&self.st.scope, &t.name))),
            TypeKind::Enum(e) => e
                .tag
                .as_ref()
                .map(|t| format!("enum {}", qualify(&self.st.scope, &t.name))),
            _ => None,
        };
        if let Some(tag) = tag.filter(|t| *t != name) {
            self.st.parts.types.push(TypeDef {
                name: tag,
                kind: TypeDefKind::Alias(Type::Named(name.as_str().into())),
                span: Some(ty.span),
            });
        }
        self.st.parts.types.push(TypeDef {
            name,
            kind,
            span: Some(ty.span),
        });
    }

    fn fields<'f>(&mut self, fields: impl IntoIterator<Item = &'f AstField>) -> Vec<Field> {
        fields
            .into_iter()
            .map(|f| Field {
                name: f.name.as_ref().map_or_else(String::new, |n| n.name.to_string()),
                ty: self.lower_type(&f.ty),
            })
            .collect()
    }
}

impl Lowerer<'_> {
    /// The type as written, normalised to C spelling with `*` against the type.
    /// [`Lowerer::resolve`] for a name from the tree, which is itself the answer (shared,
    /// not copied) unless a namespace qualifies it.
    fn resolve_name(&self, name: &Name) -> Name {
        if self.st.scope.is_empty() || name.contains('.') {
            return name.clone();
        }
        let resolved = self.resolve(name);
        if *resolved == **name {
            name.clone()
        } else {
            resolved.into()
        }
    }

    /// A type as written, shared by every parameter that writes it the same way: a large
    /// input has millions of parameters and a few hundred ways of writing their types.
    fn text(&mut self, ty: &TypeExpr) -> Name {
        let mut buffer = std::mem::take(&mut self.st.text_buffer);
        buffer.clear();
        self.write_type(ty, &mut buffer);
        let text = match self.st.texts.get(buffer.as_str()) {
            Some(text) => text.clone(),
            None => {
                let text: Name = buffer.as_str().into();
                self.st.texts.insert(text.clone());
                text
            }
        };
        self.st.text_buffer = buffer;
        text
    }

    /// A type as written, into one buffer: it runs for every parameter of every
    /// interface an input imports.
    fn write_type(&self, ty: &TypeExpr, out: &mut String) {
        match &ty.kind {
            TypeKind::Base(b, sign) => {
                let word = match b {
                    BaseType::Void => "void",
                    BaseType::Char => "char",
                    BaseType::WChar => "wchar_t",
                    BaseType::Small => "small",
                    BaseType::Short => "short",
                    BaseType::Int => "int",
                    BaseType::Long => "long",
                    BaseType::LongLong => "long long",
                    BaseType::Hyper => "hyper",
                    BaseType::Int8 => "__int8",
                    BaseType::Int16 => "__int16",
                    BaseType::Int32 => "__int32",
                    BaseType::Int64 => "__int64",
                    BaseType::Int3264 => "__int3264",
                    BaseType::Float => "float",
                    BaseType::Double => "double",
                    BaseType::Byte => "byte",
                    BaseType::Boolean => "boolean",
                    BaseType::HandleT => "handle_t",
                    BaseType::ErrorStatusT => "error_status_t",
                };
                match sign {
                    Some(Sign::Unsigned) => out.push_str("unsigned "),
                    Some(Sign::Signed) => out.push_str("signed "),
                    None => {}
                }
                out.push_str(word);
            }
            TypeKind::Named(n) => out.push_str(n),
            TypeKind::Generic(n, args) => {
                out.push_str(n);
                out.push('<');
                for (i, a) in args.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    self.write_type(a, out);
                }
                out.push('>');
            }
            TypeKind::Struct(s) => write_tag(out, "struct", s.tag.as_ref()),
            TypeKind::Union(u) => write_tag(out, "union", u.tag.as_ref()),
            TypeKind::Enum(e) => write_tag(out, "enum", e.tag.as_ref()),
            TypeKind::SafeArray(t) => {
                out.push_str("SAFEARRAY(");
                self.write_type(t, out);
                out.push(')');
            }
            TypeKind::Const(t) if matches!(t.kind, TypeKind::Pointer(_)) => {
                self.write_type(t, out);
                out.push_str(" const");
            }
            TypeKind::Const(t) => {
                out.push_str("const ");
                self.write_type(t, out);
            }
            TypeKind::Pointer(t) => {
                self.write_type(t, out);
                out.push('*');
            }
            TypeKind::Array(t, len) => {
                self.write_type(t, out);
                out.push('[');
                out.push_str(len.as_ref().map_or("", |e| self.sources.text(e.span)));
                out.push(']');
            }
            TypeKind::Function(r, ps) => {
                self.write_type(r, out);
                out.push('(');
                for (i, p) in ps.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    self.write_type(&p.ty, out);
                }
                out.push(')');
            }
        }
    }
}

fn write_tag(out: &mut String, keyword: &str, tag: Option<&Ident>) {
    out.push_str(keyword);
    match tag {
        Some(t) => {
            out.push(' ');
            out.push_str(&t.name);
        }
        None => out.push_str(" {...}"),
    }
}

/// A struct/union/enum body by where it is written; a macro that declares one expands
/// to the same text each time, so the expansion is part of the key.
fn aggregate_key(ty: &TypeExpr) -> Option<(u32, u32, u32)> {
    match &ty.kind {
        TypeKind::Struct(_) | TypeKind::Union(_) | TypeKind::Enum(_) => {
            Some((ty.span.file.0, ty.span.start, ty.span.expansion))
        }
        _ => None,
    }
}

/// MIDL's scalar sizes: `long` is 32 bits, `hyper` 64, `small` 8, `char` is unsigned.
fn base_type(b: BaseType, sign: Option<Sign>) -> Type {
    let unsigned = sign == Some(Sign::Unsigned);
    let pick = |s: Scalar, u: Scalar| Type::Scalar(if unsigned { u } else { s });
    match b {
        BaseType::Void => Type::Void,
        BaseType::Char => match sign {
            None => Type::Scalar(Scalar::Char),
            Some(Sign::Unsigned) => Type::Scalar(Scalar::U8),
            Some(Sign::Signed) => Type::Scalar(Scalar::I8),
        },
        BaseType::WChar => Type::Scalar(Scalar::WChar),
        BaseType::Small | BaseType::Int8 => pick(Scalar::I8, Scalar::U8),
        BaseType::Short | BaseType::Int16 => pick(Scalar::I16, Scalar::U16),
        BaseType::Int | BaseType::Long | BaseType::Int32 => pick(Scalar::I32, Scalar::U32),
        BaseType::LongLong | BaseType::Hyper | BaseType::Int64 => pick(Scalar::I64, Scalar::U64),
        BaseType::Int3264 => pick(Scalar::ISize, Scalar::USize),
        BaseType::Float => Type::Scalar(Scalar::F32),
        BaseType::Double => Type::Scalar(Scalar::F64),
        BaseType::Byte | BaseType::Boolean => Type::Scalar(Scalar::U8),
        BaseType::HandleT => Type::pointer(Type::Void),
        BaseType::ErrorStatusT => Type::Scalar(Scalar::U32),
    }
}

#[cfg(test)]
#[path = "lower_tests.rs"]
mod tests;
