//! Lowering types: from type expressions as written to the model's types, struct, union
//! and enum bodies, typedefs, and the text a parameter's type is written as.

use crate::diagnostic::Diagnostic;
use crate::idl::ast::{BaseType, Field as AstField, Ident, Sign, TypeExpr, TypeKind};
use crate::idl::lower::{Lowerer, qualify};
use crate::model::types::{Field, Name, Scalar, Type, TypeDef, TypeDefKind};
use crate::model::{ConstValue, Constant};

impl Lowerer<'_> {
    /// `#pragma pack(N)`, `pack(push[, N])`, `pack(pop)`, `pack()`: the packing of the
    /// structs and unions declared after it, as MSVC reads it. Other pragmas mean nothing
    /// to the model.
    pub(super) fn pragma(&mut self, text: &str) {
        let text: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        let Some(args) = text.strip_prefix("pack(").and_then(|t| t.strip_suffix(')')) else {
            return;
        };
        let number = |s: &str| s.parse::<u16>().ok().filter(|n| n.is_power_of_two() && *n <= 16);
        let args: Vec<&str> = args.split(',').filter(|a| !a.is_empty()).collect();
        match args.as_slice() {
            [] => self.st.pack = None,
            ["push", rest @ ..] => {
                self.st.pack_stack.push(self.st.pack);
                if let Some(n) = rest.iter().find_map(|a| number(a)) {
                    self.st.pack = Some(n);
                }
            }
            ["pop", ..] => self.st.pack = self.st.pack_stack.pop().unwrap_or(None),
            [n] => {
                if let Some(n) = number(n) {
                    self.st.pack = Some(n);
                }
            }
            _ => {}
        }
    }

    pub(super) fn typedef(&mut self, t: &crate::idl::ast::Typedef) {
        // `typedef struct { ... } X, *PX;`: the body takes the first plain declarator's name.
        // Not a reference without a body (`typedef struct FOO FOO;` before `struct FOO {
        // ... };`, dwrite.idl; oaidl.idl's VARIANT): X is then an alias of the tag, whose
        // body may come later, and not a struct without fields.
        if let Some(key) = aggregate_key(&t.base)
            .filter(|k| !self.st.aggregates.contains_key(k))
            .filter(|_| has_body(&t.base))
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
                pack: None,
                layout: None,
                uuid: None,
            });
        }
        // `typedef [uuid(...)] enum X {...} X;`: the GUID a type library gives X.
        if let Some(uuid) = self.uuid(&t.attrs)
            && let Some((first, _)) = t.decls.first()
        {
            let name = qualify(&self.st.scope, &first.name);
            if let Some(def) = self.st.parts.types.iter_mut().rev().find(|d| d.name == name) {
                def.uuid = Some(uuid);
            }
        }
    }

    pub(super) fn lower_type(&mut self, ty: &TypeExpr) -> Type {
        match &ty.kind {
            TypeKind::Base(b, sign) => base_type(*b, *sign),
            // MIDL takes C++'s `bool` as a base type: one byte, unsigned, as `boolean`.
            // widl knows no `bool`; a file that declares one gets its own.
            TypeKind::Named(n) if &**n == "bool" && !self.st.parts.types.iter().any(|t| t.name == "bool") => {
                Type::Scalar(Scalar::U8)
            }
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
                        pack: None,
                        layout: None,
                        uuid: None,
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
                        pack: None,
                        layout: None,
                        uuid: None,
                    });
                }
                Type::Named(name.into())
            }
        }
    }

    /// An encapsulated union (`union U switch (long d) u { case 1: ... }`) is, in C and in a
    /// type library, a struct: the discriminant, then the union of the arms, named `u` (or
    /// `tagged_union`, widl's name when the declaration gives none). Its size and every
    /// field after it depend on that. The arms' union is named after the struct, not
    /// numbered: a file lowered item by item meets its aggregates in another order than a
    /// whole file, and must name them alike.
    fn encapsulated(
        &mut self,
        name: &str,
        discriminant: &TypeExpr,
        switch_name: &crate::idl::ast::Ident,
        arm_name: &Option<crate::idl::ast::Ident>,
        arms: Vec<Field>,
    ) -> TypeDefKind {
        let arm = arm_name.as_ref().map_or("tagged_union", |n| &*n.name);
        let union_name = format!("union {}_{arm}", name.rsplit(' ').next().unwrap_or(name));
        self.st.parts.types.push(TypeDef {
            name: union_name.clone(),
            kind: TypeDefKind::Union(arms),
            span: Some(switch_name.span),
            pack: None,
            layout: None,
            uuid: None,
        });
        TypeDefKind::Struct(vec![
            Field {
                name: switch_name.name.to_string(),
                ty: self.lower_type(discriminant),
            },
            Field {
                name: arm_name
                    .as_ref()
                    .map_or_else(|| "tagged_union".to_string(), |n| n.name.to_string()),
                ty: Type::Named(union_name.into()),
            },
        ])
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
                    // An arm may be an anonymous struct or union (axextend.idl's
                    // REGFILTER2): a member all the same, as in a struct.
                    .filter(|f| f.name.is_some() || matches!(f.ty.kind, TypeKind::Struct(_) | TypeKind::Union(_)))
                    .collect();
                let arms = self.fields(fields);
                match &u.switch {
                    Some((discriminant, switch_name, arm_name)) => {
                        self.encapsulated(&name, discriminant, switch_name, arm_name, arms)
                    }
                    None => TypeDefKind::Union(arms),
                }
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
                TypeDefKind::Enum(Scalar::I32, values)
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
                pack: None,
                layout: None,
                uuid: None,
            });
        }
        // Packing moves fields only in structs and unions; 8 or more changes nothing a COM
        // type holds (no field aligns to more than 8).
        let pack = match kind {
            TypeDefKind::Struct(_) | TypeDefKind::Union(_) => self.st.pack.filter(|&n| n < 8),
            _ => None,
        };
        self.st.parts.types.push(TypeDef {
            name,
            kind,
            span: Some(ty.span),
            pack,
            layout: None,
            uuid: None,
        });
    }

    /// The fields of a body. Consecutive bitfields share storage units as MSVC lays them out:
    /// a unit of the declared type holds bitfields while they fit and the type keeps its
    /// size; each unit becomes one field, `_bitfield` (then `_bitfield2`, ...), of that type.
    fn fields<'f>(&mut self, fields: impl IntoIterator<Item = &'f AstField>) -> Vec<Field> {
        let mut out = Vec::new();
        // The open storage unit: its size in bits and the bits used.
        let mut unit: Option<(u32, u32)> = None;
        let mut units = 0;
        for f in fields {
            let ty = self.lower_type(&f.ty);
            let bits = f.bits.as_ref().and_then(|e| self.st.env.eval(e));
            let Some(bits) = bits else {
                unit = None;
                out.push(Field {
                    name: f.name.as_ref().map_or_else(String::new, |n| n.name.to_string()),
                    ty,
                });
                continue;
            };
            let size = self.bit_size(&ty);
            let bits = u32::try_from(bits).unwrap_or(0);
            match unit {
                Some((s, used)) if s == size && bits != 0 && used + bits <= s => unit = Some((s, used + bits)),
                _ if bits == 0 => unit = None,
                _ => {
                    units += 1;
                    unit = Some((size, bits));
                    let name = if units == 1 {
                        "_bitfield".to_string()
                    } else {
                        format!("_bitfield{units}")
                    };
                    out.push(Field { name, ty });
                }
            }
        }
        out
    }

    /// The size in bits of a bitfield's declared type (an integer, an enum, an alias of one).
    fn bit_size(&self, ty: &Type) -> u32 {
        match ty.unqualified() {
            Type::Scalar(Scalar::I8 | Scalar::U8 | Scalar::Char) => 8,
            Type::Scalar(Scalar::I16 | Scalar::U16 | Scalar::WChar) => 16,
            Type::Scalar(Scalar::I64 | Scalar::U64) => 64,
            Type::Named(n) => match self
                .st
                .parts
                .types
                .iter()
                .rev()
                .find(|t| *t.name == **n)
                .map(|t| &t.kind)
            {
                Some(TypeDefKind::Alias(inner)) => self.bit_size(inner),
                _ => 32,
            },
            _ => 32,
        }
    }
}

impl Lowerer<'_> {
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
    pub(super) fn text(&mut self, ty: &TypeExpr) -> Name {
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

    /// The type as written, normalised to C spelling with `*` against the type, into one
    /// buffer: it runs for every parameter of every interface an input imports.
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
/// Whether a struct, union or enum is written with its body.
fn has_body(ty: &TypeExpr) -> bool {
    match &ty.kind {
        TypeKind::Struct(s) => s.fields.is_some(),
        TypeKind::Union(u) => u.arms.is_some(),
        TypeKind::Enum(e) => e.variants.is_some(),
        _ => false,
    }
}

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
