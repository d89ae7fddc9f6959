//! Lowering: from the syntax trees of a file and its imports to the parts of the model.
//!
//! Names are resolved as they are met, against what was declared before (see
//! [`Lowering`]); the model then checks that each name exists. Types are lowered in
//! `types`.

use std::collections::HashMap;

use crate::hash::{NameMap, NameSet};

use crate::diagnostic::Diagnostic;
use crate::idl::ast::{AttrArg, Attribute, Attrs, ExprKind, Ident, Item, TypeExpr, TypeKind, WinRtKind};
use crate::idl::eval::Env;
use crate::idl::importlib::ImportedLibrary;
use crate::model::guid::Guid;
use crate::model::interface::{Direction, DispProperty, Dispatch, Interface, Method, MethodKind, Origin, Param};
use crate::model::param::ParamAttr;
use crate::model::types::{Name, TypeDef, TypeDefKind};
use crate::model::{Coclass, CoclassInterface, ConstValue, Constant, Library, ModelParts};
use crate::source::{SourceMap, Span};

/// One parsed file, in the order the loader read it (imports before importers).
pub struct ParsedFile {
    /// Shared with the loader's session, which may hand the same file to several loads.
    pub items: std::rc::Rc<Vec<Item>>,
    /// Given on the command line (or a built-in set), not reached through an import.
    pub is_root: bool,
    /// A type library `importlib` read, in place of a file (`items` is then empty).
    pub library: Option<std::rc::Rc<ImportedLibrary>>,
}

/// Lowers every file at once (imports first, as the loader orders them).
pub fn lower(sources: &SourceMap, files: &[ParsedFile]) -> Result<ModelParts, Vec<Diagnostic>> {
    lower_with_warnings(sources, files).map(|(parts, _)| parts)
}

/// [`lower`], with the warnings (see [`Lowering::finish_with_warnings`]).
pub fn lower_with_warnings(
    sources: &SourceMap,
    files: &[ParsedFile],
) -> Result<(ModelParts, Vec<Diagnostic>), Vec<Diagnostic>> {
    let mut lowering = Lowering::default();
    for file in files {
        if let Some(lib) = &file.library {
            lowering.library(lib);
        }
        lowering.file(sources, &file.items, file.is_root);
    }
    lowering.finish_with_warnings()
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

    /// The model parts, or every error found in every file. Warnings are dropped.
    pub fn finish(self) -> Result<ModelParts, Vec<Diagnostic>> {
        self.finish_with_warnings().map(|(parts, _)| parts)
    }

    /// [`Lowering::finish`] with the warnings: the parts and the warnings, or the errors
    /// with the warnings among them (in source order is not promised).
    pub fn finish_with_warnings(self) -> Result<(ModelParts, Vec<Diagnostic>), Vec<Diagnostic>> {
        let mut st = self.state;
        let mut warnings = Vec::new();
        drop_shadowed_stand_ins(&mut st.parts);
        library::drop_shadowed_interfaces(&mut st.parts, &st.library_files);
        case::resolve(&mut st.parts, &mut warnings);
        library::warn_missing(&st.parts, &st.missing_libraries, &mut warnings);
        if st.errors.is_empty() {
            Ok((st.parts, warnings))
        } else {
            warnings.extend(st.errors);
            Err(warnings)
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
    /// `#pragma pack`: the packing of the structs and unions that follow, and the packings
    /// `pack(push)` saved.
    pack: Option<u16>,
    pack_stack: Vec<Option<u16>>,
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
    /// The files of the type libraries `importlib` read ([`Lowering::library`]).
    library_files: NameSet<String>,
    /// The `importlib`s that found nothing ([`Lowering::library_not_found`]).
    missing_libraries: Vec<(String, Span)>,
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

/// An interface of oscgen's stand-ins that a real file declares too gives way to it: a
/// type library's stand-in (`importlib("stdole2.tlb")`) brings IFont and IPicture, which
/// a library importing it may declare itself, as Wine's olepro32 does, and which the
/// SDK's ocidl.idl declares, when it is `#include`d where the stand-in cannot know.
fn drop_shadowed_stand_ins(parts: &mut ModelParts) {
    let is_stand_in = |i: &Interface| i.origin.stand_in;
    if !parts.interfaces.iter().any(is_stand_in) {
        return;
    }
    let real: crate::hash::NameSet<String> = parts
        .interfaces
        .iter()
        .filter(|i| !is_stand_in(i))
        .map(|i| i.name.clone())
        .collect();
    parts.interfaces.retain(|i| !is_stand_in(i) || !real.contains(&i.name));
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
                dispid: None,
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
        oleautomation: false,
        dispatch: None,
        origin: iface.origin.clone(),
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
                        pack: None,
                        layout: None,
                        uuid: None,
                    });
                }
                Item::Dispinterface(d) => {
                    if let Some(lib) = library.as_deref_mut() {
                        lib.interfaces.push(d.name.name.to_string());
                    }
                    // Called through IDispatch::Invoke: its vtable is IDispatch's, as in
                    // the header widl writes; the dispatch members own no slot.
                    let dispatch = self.dispatch(d);
                    let iface = Interface {
                        name: qualify(&self.st.scope, &d.name.name),
                        iid: self.uuid(&d.attrs),
                        base: Some("IDispatch".into()),
                        methods: Vec::new(),
                        local: false,
                        oleautomation: true,
                        dispatch: Some(dispatch),
                        origin: self.origin(d.name.span),
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
                        oleautomation: false,
                        dispatch: None,
                        origin: self.origin(d.name.span),
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
                    pack: None,
                    layout: None,
                    uuid: None,
                }),
                Item::Coclass(c) => {
                    self.st.parts.types.push(TypeDef {
                        name: c.name.name.to_string(),
                        kind: TypeDefKind::Opaque,
                        span: Some(c.name.span),
                        pack: None,
                        layout: None,
                        uuid: None,
                    });
                    let coclass = Coclass {
                        name: c.name.name.to_string(),
                        clsid: self.uuid(&c.attrs),
                        interfaces: c
                            .members
                            .iter()
                            .map(|m| CoclassInterface {
                                name: m.name.name.to_string(),
                                default: m.attrs.has("default"),
                                source: m.attrs.has("source"),
                            })
                            .collect(),
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
                        root: is_root,
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
                Item::Pragma(text, _) => self.pragma(text),
                Item::Import(_) | Item::ImportLib(_) | Item::CppQuote(_) | Item::MidlPragma(_) | Item::WinRt(..) => {}
            }
        }
    }

    /// Where the declaration at `span` was written: the file the user sees it in.
    fn origin(&self, span: Span) -> Origin {
        let file = self.sources.file(self.sources.use_site(span).file);
        match crate::builtin::by_shown_name(&file.name) {
            Some(b) if file.origin == crate::source::Origin::Builtin => Origin {
                file: file.name.as_str().into(),
                builtin: true,
                stand_in: b.is_stand_in(),
            },
            _ => Origin::file(file.name.as_str()),
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

    /// An attribute's arguments as the user wrote them, one per position (empty where
    /// omitted): from the attribute's own text, so an argument that a macro expands
    /// (`size_is(BG_ENUM_SIZEIS(celt))`) keeps its written form.
    fn arg_texts(&self, attr: &Attribute) -> Vec<Name> {
        if attr.args.is_empty() {
            return Vec::new();
        }
        let text = self.args_text(attr);
        let mut out = Vec::with_capacity(attr.args.len());
        let (mut depth, mut start) = (0usize, 0);
        for (i, c) in text.char_indices() {
            match c {
                '(' | '[' => depth += 1,
                ')' | ']' => depth = depth.saturating_sub(1),
                ',' if depth == 0 => {
                    out.push(text[start..i].trim().into());
                    start = i + 1;
                }
                _ => {}
            }
        }
        out.push(text[start..].trim().into());
        out
    }

    fn args_text(&self, attr: &Attribute) -> String {
        let text = self.sources.text(attr.span);
        text.split_once('(')
            .map(|(_, rest)| {
                let rest = rest.trim_end();
                rest.strip_suffix(')').unwrap_or(rest).trim().to_string()
            })
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
                pack: None,
                layout: None,
                uuid: None,
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
        let origin = self.origin(iface.name.span);
        let base = iface.base.as_ref().map(|b| self.resolve(&b.name));
        let interface = Interface {
            name,
            iid,
            base,
            methods,
            local: iface.attrs.has("local"),
            oleautomation: iface.attrs.has("oleautomation") || iface.attrs.has("dual"),
            dispatch: iface.attrs.has("dual").then(|| Dispatch {
                dual: true,
                ..Dispatch::default()
            }),
            origin,
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
                        attrs: self.param_attrs(&p.attrs),
                        span: Some(p.span),
                    }
                }),
        );
        if attrs.has("vararg")
            && let Some(last) = lowered.iter_mut().rev().find(|p| !p.retval)
        {
            last.attrs.push(ParamAttr::Vararg);
        }
        Method {
            name: vtable_name,
            idl_name: name.name.to_string(),
            kind,
            params: lowered,
            ret: self.lower_type(ret),
            call_as,
            local: attrs.has("local"),
            dispid: self.dispid(attrs),
            span: Some(name.span.to(span)),
        }
    }

    /// The attributes the model keeps, a `[defaultvalue]` folded when it is an integer.
    fn param_attrs(&self, attrs: &[Attribute]) -> Vec<ParamAttr> {
        let folded = |a: &Attribute| match a.args.first() {
            Some(AttrArg::Expr(e)) => self.st.env.eval(e).and_then(|v| i64::try_from(v).ok()),
            _ => None,
        };
        attrs
            .iter()
            .filter_map(|a| {
                let mut attr = ParamAttr::new(&a.name.name, self.arg_texts(a))?;
                if let ParamAttr::DefaultValue(d) = &mut attr {
                    d.int = folded(a);
                }
                Some(attr)
            })
            .collect()
    }

    /// `[id(n)]`, folded; DISPIDs above `i32::MAX` (`0x80010000`) are negative, as in C.
    fn dispid(&self, attrs: &[Attribute]) -> Option<i32> {
        let attr = attrs.attr("id")?;
        let Some(AttrArg::Expr(e)) = attr.args.first() else {
            return None;
        };
        let v = self.st.env.eval(e)?;
        i32::try_from(v)
            .ok()
            .or_else(|| u32::try_from(v).ok().map(|u| u as i32))
    }

    /// A dispinterface's members: its properties and methods, by DISPID.
    fn dispatch(&mut self, d: &crate::idl::ast::Dispinterface) -> Dispatch {
        let properties = d
            .properties
            .iter()
            .filter_map(|f| {
                let name = f.name.as_ref()?;
                Some(DispProperty {
                    name: name.name.to_string(),
                    dispid: self.dispid(&f.attrs),
                    ty: self.lower_type(&f.ty),
                    readonly: f.attrs.has("readonly"),
                })
            })
            .collect();
        let methods = d
            .methods
            .iter()
            .map(|m| self.method(&m.attrs, &m.name, &m.ret, &m.params, m.span))
            .collect();
        Dispatch {
            dual: false,
            properties,
            methods,
            interface: d.interface.as_ref().map(|i| self.resolve(&i.name)),
        }
    }
}

mod case;
mod library;
mod types;

#[cfg(test)]
#[path = "lower_tests.rs"]
mod tests;
