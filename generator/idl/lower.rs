//! Lowering: from the syntax trees of a file and its imports to the parts of the model.
//!
//! Names are resolved globally after every file is read, so declaration order across
//! imports does not matter; the model then checks that each name exists.

use std::collections::HashMap;

use crate::diagnostic::Diagnostic;
use crate::idl::ast::{
    AttrArg, Attribute, Attrs, BaseType, ExprKind, Field as AstField, Item, Sign, TypeExpr, TypeKind,
};
use crate::idl::eval::Env;
use crate::model::guid::Guid;
use crate::model::interface::{Direction, Interface, Method, MethodKind, Param};
use crate::model::types::{Field, Scalar, Type, TypeDef, TypeDefKind};
use crate::model::{Coclass, ConstValue, Constant, Library, ModelParts};
use crate::source::{SourceMap, Span};

/// One parsed file, in the order the loader read it (imports before importers).
pub struct ParsedFile {
    pub items: Vec<Item>,
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

pub fn lower(sources: &SourceMap, files: &[ParsedFile]) -> Result<ModelParts, Vec<Diagnostic>> {
    let mut l = Lowerer {
        sources,
        parts: ModelParts::default(),
        env: Env::default(),
        aggregates: HashMap::new(),
        anon: 0,
        errors: Vec::new(),
    };
    for file in files {
        l.items(&file.items, file.is_root, None);
    }
    if l.errors.is_empty() {
        Ok(l.parts)
    } else {
        Err(l.errors)
    }
}

struct Lowerer<'a> {
    sources: &'a SourceMap,
    parts: ModelParts,
    env: Env,
    /// Names given to struct/union/enum bodies, by the span of the body, so a body copied
    /// into several declarators (`typedef struct {...} X, *PX;`) is declared once.
    aggregates: HashMap<(u32, u32), String>,
    anon: usize,
    errors: Vec<Diagnostic>,
}

impl Lowerer<'_> {
    fn items(&mut self, items: &[Item], is_root: bool, mut library: Option<&mut Library>) {
        for item in items {
            match item {
                Item::Interface(iface) => {
                    if let Some(lib) = library.as_deref_mut() {
                        lib.interfaces.push(iface.name.name.clone());
                    }
                    self.interface(iface, is_root);
                }
                Item::Forward(_, name) => {
                    if let Some(lib) = library.as_deref_mut() {
                        lib.interfaces.push(name.name.clone());
                    }
                    self.parts.types.push(TypeDef {
                        name: name.name.clone(),
                        kind: TypeDefKind::Interface,
                        span: Some(name.span),
                    });
                }
                Item::Dispinterface(d) => self.parts.types.push(TypeDef {
                    name: d.name.name.clone(),
                    kind: TypeDefKind::Interface,
                    span: Some(d.name.span),
                }),
                Item::Coclass(c) => {
                    self.parts.types.push(TypeDef {
                        name: c.name.name.clone(),
                        kind: TypeDefKind::Opaque,
                        span: Some(c.name.span),
                    });
                    let coclass = Coclass {
                        name: c.name.name.clone(),
                        clsid: self.uuid(&c.attrs),
                        interfaces: c.members.iter().map(|m| m.name.name.clone()).collect(),
                    };
                    if let Some(lib) = library.as_deref_mut() {
                        lib.coclasses.push(coclass);
                    }
                }
                Item::Library(lib) => {
                    let mut model_lib = Library {
                        name: lib.name.name.clone(),
                        libid: self.uuid(&lib.attrs),
                        version: lib.attrs.attr("version").map(|a| self.args_text(a)),
                        interfaces: Vec::new(),
                        coclasses: Vec::new(),
                    };
                    self.items(&lib.items, is_root, Some(&mut model_lib));
                    self.parts.libraries.push(model_lib);
                }
                Item::Module(_, _, body) | Item::Namespace(_, body) => self.items(body, is_root, None),
                Item::Typedef(t) => self.typedef(t),
                Item::TypeDecl(_, ty) => {
                    self.lower_type(ty);
                }
                Item::Const(c) => {
                    let ty = self.lower_type(&c.ty);
                    let value = match &c.value.kind {
                        ExprKind::Str(s) => ConstValue::Str(s.clone()),
                        _ => match self.env.eval(&c.value) {
                            Some(v) => {
                                self.env.values.insert(c.name.name.clone(), v);
                                ConstValue::Int(v)
                            }
                            None => ConstValue::Expr(self.sources.text(c.value.span).to_string()),
                        },
                    };
                    self.parts.constants.push(Constant {
                        name: c.name.name.clone(),
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
        let attr = attrs.attr("uuid")?;
        match attr.args.first() {
            Some(AttrArg::Uuid(text, span)) => match text.parse() {
                Ok(g) => Some(g),
                Err(e) => {
                    self.errors.push(Diagnostic::at(*span, e.to_string()));
                    None
                }
            },
            _ => {
                self.errors.push(
                    Diagnostic::at(attr.span, "`uuid` needs a GUID")
                        .with_note("write it as uuid(xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)"),
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
        let iid = self.uuid(&iface.attrs);
        let mut methods = Vec::new();
        for member in &iface.members {
            match member {
                Item::Declaration(attrs, name, ty) => match &ty.kind {
                    TypeKind::Function(ret, params) => methods.push(self.method(attrs, name, ret, params, ty.span)),
                    _ => self.errors.push(
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
        let name = iface.name.name.clone();
        if is_root {
            self.parts.roots.push(name.clone());
        }
        let file = self.sources.file(iface.name.span.file).name.clone();
        self.parts.interfaces.push(Interface {
            name,
            iid,
            base: iface.base.as_ref().map(|b| b.name.clone()),
            methods,
            local: iface.attrs.has("local"),
            file,
            span: Some(iface.name.span),
            base_span: iface.base.as_ref().map(|b| b.span),
        });
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
        let call_as = attrs.attr("call_as").map(|a| self.args_text(a));
        let params = params
            .iter()
            .enumerate()
            .filter(|(_, p)| p.name.as_ref().is_none_or(|n| n.name != "..."))
            .map(|(i, p)| {
                let dir = match (p.attrs.has("in"), p.attrs.has("out")) {
                    (_, false) => Direction::In,
                    (false, true) => Direction::Out,
                    (true, true) => Direction::InOut,
                };
                Param {
                    name: p.name.as_ref().map_or_else(|| format!("param{i}"), |n| n.name.clone()),
                    dir,
                    retval: p.attrs.has("retval"),
                    ty: self.lower_type(&p.ty),
                    written: self.type_text(&p.ty),
                    attrs: p
                        .attrs
                        .iter()
                        .filter(|a| KEPT_PARAM_ATTRS.contains(&a.name.name.as_str()))
                        .map(|a| self.sources.text(a.span).to_string())
                        .collect(),
                    span: Some(p.span),
                }
            })
            .collect();
        Method {
            name: Method::vtable_name(kind, &name.name),
            idl_name: name.name.clone(),
            kind,
            params,
            ret: self.lower_type(ret),
            call_as,
            local: attrs.has("local"),
            span: Some(name.span.to(span)),
        }
    }

    fn typedef(&mut self, t: &crate::idl::ast::Typedef) {
        // `typedef struct { ... } X, *PX;`: the body takes the first plain declarator's name.
        if let Some(key) = aggregate_key(&t.base).filter(|k| !self.aggregates.contains_key(k))
            && let Some((name, _)) = t.decls.iter().find(|(_, ty)| ty == &t.base)
        {
            self.aggregates.insert(key, name.name.clone());
            self.define_aggregate(&t.base, name.name.clone());
        }
        for (name, ty) in &t.decls {
            let lowered = self.lower_type(ty);
            if lowered == Type::Named(name.name.clone()) {
                continue; // the aggregate itself, already defined under this name
            }
            self.parts.types.push(TypeDef {
                name: name.name.clone(),
                kind: TypeDefKind::Alias(lowered),
                span: Some(name.span),
            });
        }
    }

    fn lower_type(&mut self, ty: &TypeExpr) -> Type {
        match &ty.kind {
            TypeKind::Base(b, sign) => base_type(*b, *sign),
            TypeKind::Named(n) => Type::Named(n.clone()),
            TypeKind::SafeArray(inner) => Type::SafeArray(Box::new(self.lower_type(inner))),
            TypeKind::Const(inner) => Type::Const(Box::new(self.lower_type(inner))),
            TypeKind::Pointer(inner) => Type::Pointer(Box::new(self.lower_type(inner))),
            TypeKind::Array(inner, len) => {
                let len = len
                    .as_ref()
                    .and_then(|e| self.env.eval(e))
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
                if let Some(name) = self.aggregates.get(&key) {
                    return Type::Named(name.clone());
                }
                let (keyword, tag, has_body) = match &ty.kind {
                    TypeKind::Struct(s) => ("struct", &s.tag, s.fields.is_some()),
                    TypeKind::Union(u) => ("union", &u.tag, u.arms.is_some()),
                    TypeKind::Enum(e) => ("enum", &e.tag, e.variants.is_some()),
                    _ => unreachable!(),
                };
                let name = match tag {
                    Some(tag) => format!("{keyword} {}", tag.name),
                    None => {
                        self.anon += 1;
                        format!("{keyword} __anonymous{}", self.anon)
                    }
                };
                self.aggregates.insert(key, name.clone());
                if has_body {
                    self.define_aggregate(ty, name.clone());
                } else {
                    // A reference to a tag: declared here in case no body ever comes.
                    self.parts.types.push(TypeDef {
                        name: name.clone(),
                        kind: TypeDefKind::Opaque,
                        span: Some(ty.span),
                    });
                }
                Type::Named(name)
            }
        }
    }

    /// Declares a struct, union or enum body under `name` (and under its tag, if any).
    fn define_aggregate(&mut self, ty: &TypeExpr, name: String) {
        let kind = match &ty.kind {
            TypeKind::Struct(s) => TypeDefKind::Struct(self.fields(s.fields.as_deref().unwrap_or(&[]))),
            TypeKind::Union(u) => {
                let fields: Vec<AstField> = u
                    .arms
                    .iter()
                    .flatten()
                    .filter_map(|a| a.field.clone())
                    .filter(|f| f.name.is_some())
                    .collect();
                TypeDefKind::Union(self.fields(&fields))
            }
            TypeKind::Enum(e) => {
                let mut next = 0i128;
                let mut values = Vec::new();
                for v in e.variants.iter().flatten() {
                    let value = match &v.value {
                        Some(expr) => match self.env.eval(expr) {
                            Some(x) => x,
                            None => {
                                self.errors.push(
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
                    self.env.values.insert(v.name.name.clone(), value);
                    values.push((v.name.name.clone(), value as i64));
                    self.parts.constants.push(Constant {
                        name: v.name.name.clone(),
                        ty: Type::Named(name.clone()),
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
            TypeKind::Struct(s) => s.tag.as_ref().map(|t| format!("struct {}", t.name)),
            TypeKind::Union(u) => u.tag.as_ref().map(|t| format!("union {}", t.name)),
            TypeKind::Enum(e) => e.tag.as_ref().map(|t| format!("enum {}", t.name)),
            _ => None,
        };
        if let Some(tag) = tag.filter(|t| *t != name) {
            self.parts.types.push(TypeDef {
                name: tag,
                kind: TypeDefKind::Alias(Type::Named(name.clone())),
                span: Some(ty.span),
            });
        }
        self.parts.types.push(TypeDef {
            name,
            kind,
            span: Some(ty.span),
        });
    }

    fn fields(&mut self, fields: &[AstField]) -> Vec<Field> {
        fields
            .iter()
            .map(|f| Field {
                name: f.name.as_ref().map_or_else(String::new, |n| n.name.clone()),
                ty: self.lower_type(&f.ty),
            })
            .collect()
    }
}

impl Lowerer<'_> {
    /// The type as written, normalised to C spelling with `*` against the type.
    fn type_text(&self, ty: &TypeExpr) -> String {
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
                    Some(Sign::Unsigned) => format!("unsigned {word}"),
                    Some(Sign::Signed) => format!("signed {word}"),
                    None => word.to_string(),
                }
            }
            TypeKind::Named(n) => n.clone(),
            TypeKind::Struct(s) => s
                .tag
                .as_ref()
                .map_or_else(|| "struct {...}".into(), |t| format!("struct {}", t.name)),
            TypeKind::Union(u) => u
                .tag
                .as_ref()
                .map_or_else(|| "union {...}".into(), |t| format!("union {}", t.name)),
            TypeKind::Enum(e) => e
                .tag
                .as_ref()
                .map_or_else(|| "enum {...}".into(), |t| format!("enum {}", t.name)),
            TypeKind::SafeArray(t) => format!("SAFEARRAY({})", self.type_text(t)),
            TypeKind::Const(t) if matches!(t.kind, TypeKind::Pointer(_)) => {
                format!("{} const", self.type_text(t))
            }
            TypeKind::Const(t) => format!("const {}", self.type_text(t)),
            TypeKind::Pointer(t) => format!("{}*", self.type_text(t)),
            TypeKind::Array(t, len) => {
                let len = len.as_ref().map_or("", |e| self.sources.text(e.span));
                format!("{}[{len}]", self.type_text(t))
            }
            TypeKind::Function(r, ps) => {
                let ps: Vec<String> = ps.iter().map(|p| self.type_text(&p.ty)).collect();
                format!("{}({})", self.type_text(r), ps.join(", "))
            }
        }
    }
}

fn aggregate_key(ty: &TypeExpr) -> Option<(u32, u32)> {
    match &ty.kind {
        TypeKind::Struct(_) | TypeKind::Union(_) | TypeKind::Enum(_) => Some((ty.span.file.0, ty.span.start)),
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
