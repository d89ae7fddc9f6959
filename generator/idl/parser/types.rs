//! Types and C declarators: `const unsigned long *p`, `SAFEARRAY(BSTR) *psa`,
//! `HRESULT (STDMETHODCALLTYPE *pfn)(void)`, `BYTE ab[16]`, struct/union/enum bodies.
//!
//! Type names from imports are not known while parsing, so a declaration is read with
//! the C rule that one identifier names the type and the next one the declarator.

use std::sync::Arc;

use crate::idl::ast::{
    BaseType, EnumDef, Enumerator, Expr, Field, Ident, Name, Param, Sign, StructDef, TypeExpr, TypeKind, UnionArm,
    UnionDef,
};
use crate::idl::parser::{PResult, Parser};
use crate::idl::token::{Punct, TokenKind};
use crate::source::Span;

pub(crate) fn is_base_type_word(word: &str) -> bool {
    base_type(word).is_some()
}

fn base_type(word: &str) -> Option<BaseType> {
    Some(match word {
        "void" => BaseType::Void,
        "char" => BaseType::Char,
        "wchar_t" => BaseType::WChar,
        "small" => BaseType::Small,
        "short" => BaseType::Short,
        "int" => BaseType::Int,
        "long" => BaseType::Long,
        "hyper" => BaseType::Hyper,
        "__int8" => BaseType::Int8,
        "__int16" => BaseType::Int16,
        "__int32" => BaseType::Int32,
        "__int64" => BaseType::Int64,
        "__int3264" => BaseType::Int3264,
        "float" => BaseType::Float,
        "double" => BaseType::Double,
        "byte" => BaseType::Byte,
        "boolean" => BaseType::Boolean,
        "handle_t" => BaseType::HandleT,
        "error_status_t" => BaseType::ErrorStatusT,
        _ => return None,
    })
}

/// Calling conventions and pointer decorations that do not change a declaration's shape.
pub(crate) fn is_decoration(word: &str) -> bool {
    matches!(
        word,
        "__stdcall"
            | "_stdcall"
            | "stdcall"
            | "__cdecl"
            | "_cdecl"
            | "cdecl"
            | "__fastcall"
            | "_fastcall"
            | "__pascal"
            | "_pascal"
            | "pascal"
            | "STDMETHODCALLTYPE"
            | "STDAPICALLTYPE"
            | "WINAPI"
            | "WINAPIV"
            | "APIENTRY"
            | "CALLBACK"
            | "__RPC_FAR"
            | "__RPC_API"
            | "__RPC_USER"
            | "__RPC_STUB"
            | "RPC_ENTRY"
            | "__inline"
            | "volatile"
            | "__ptr64"
            | "__ptr32"
            | "__unaligned"
            | "extern"
            | "static"
    )
}

/// One declarator before it is applied to the base type.
struct Declarator {
    name: Option<Ident>,
    /// Levels of `*`, outermost last, and which are `* const` (bit n for level n): no
    /// allocation for the commonest declarators.
    pointers: u32,
    const_pointers: u64,
    inner: Option<Box<Declarator>>,
    suffixes: Vec<Suffix>,
    end: Span,
}

enum Suffix {
    Array(Option<Expr>),
    Function(Vec<Param>),
}

impl<'a> Parser<'a> {
    /// Whether the next tokens start a declaration specifier.
    pub(crate) fn starts_type(&self) -> bool {
        self.peek().is_some_and(|t| t.kind == TokenKind::Ident)
    }

    /// The type part of a declaration, before any declarator.
    pub(crate) fn decl_spec(&mut self) -> PResult<TypeExpr> {
        let start = self.here();
        let mut is_const = false;
        let mut sign = None;
        let mut base: Option<BaseType> = None;
        let mut named: Option<TypeKind> = None;
        while let Some(tok) = self.peek() {
            if tok.kind != TokenKind::Ident {
                break;
            }
            let word = self.text(tok);
            match word {
                "const" => {
                    self.bump();
                    is_const = true;
                }
                "signed" | "unsigned" if named.is_none() => {
                    self.bump();
                    sign = Some(if word == "signed" { Sign::Signed } else { Sign::Unsigned });
                }
                "struct" | "union" | "enum" if named.is_none() && base.is_none() => {
                    named = Some(self.tagged_type()?);
                }
                "SAFEARRAY" if named.is_none() && base.is_none() && self.is_punct_at(1, Punct::LParen) => {
                    self.bump();
                    self.bump();
                    let inner = self.type_name()?;
                    self.expect_punct(Punct::RParen)?;
                    named = Some(TypeKind::SafeArray(Box::new(inner)));
                }
                w if is_decoration(w) => {
                    self.bump();
                }
                w if named.is_none() => {
                    if let Some(b) = base_type(w) {
                        self.bump();
                        base = Some(match (base, b) {
                            (Some(BaseType::Long), BaseType::Long) => BaseType::LongLong,
                            // `short int`, `long int`, `long double`: the first word decides.
                            (Some(BaseType::Short | BaseType::Long | BaseType::Hyper), BaseType::Int) => base.unwrap(),
                            (Some(BaseType::Long), BaseType::Double) => BaseType::Double,
                            (Some(BaseType::Int), b) => b,
                            (_, b) => b,
                        });
                    } else if base.is_none() && sign.is_none() {
                        self.bump();
                        named = Some(self.named_type(w)?);
                    } else {
                        break;
                    }
                }
                _ => break,
            }
        }
        let kind = match (named, base, sign) {
            (Some(kind), _, _) => kind,
            (None, Some(b), s) => TypeKind::Base(b, s),
            // `unsigned` alone is `unsigned int`.
            (None, None, Some(s)) => TypeKind::Base(BaseType::Int, Some(s)),
            (None, None, None) => return Err(self.expected("a type")),
        };
        let span = start.to(self.prev_span());
        let ty = TypeExpr { kind, span };
        Ok(if is_const {
            TypeExpr {
                kind: TypeKind::Const(Box::new(ty)),
                span,
            }
        } else {
            ty
        })
    }

    /// A type name after its first word: WinRT qualifies names (`Windows.Foundation.Uri`)
    /// and instantiates parameterized types (`IVector<HSTRING>`). Neither `.` nor `<`
    /// can follow a type name in classic MIDL, so reading them here changes nothing there.
    fn named_type(&mut self, first: &'a str) -> PResult<TypeKind> {
        if !self.is_punct(Punct::Dot) && !self.is_punct(Punct::Lt) {
            return Ok(TypeKind::Named(self.name(first)));
        }
        let mut name = first.to_string();
        while self.is_punct(Punct::Dot) && self.peek_at(1).is_some_and(|t| t.kind == TokenKind::Ident) {
            self.bump();
            name.push('.');
            let part = self.bump();
            name.push_str(self.text(part));
        }
        if !self.is_punct(Punct::Lt) {
            return Ok(TypeKind::Named(Name::from(name)));
        }
        self.bump();
        let mut args = Vec::new();
        loop {
            args.push(self.type_name()?);
            if !self.eat_punct(Punct::Comma) {
                break;
            }
        }
        if !self.eat_closing_angle() {
            return Err(self.expected("`>`"));
        }
        Ok(TypeKind::Generic(name, args))
    }

    /// A type with an abstract declarator, as in casts and `SAFEARRAY(T)`.
    pub(crate) fn type_name(&mut self) -> PResult<TypeExpr> {
        let spec = self.decl_spec()?;
        let (name, ty) = self.declarator(spec)?;
        if let Some(name) = name {
            return Err(crate::diagnostic::Diagnostic::at(
                name.span,
                "expected a type without a name here",
            ));
        }
        Ok(ty)
    }

    /// Parses a declarator and applies it to `base`.
    pub(crate) fn declarator(&mut self, base: TypeExpr) -> PResult<(Option<Ident>, TypeExpr)> {
        self.enter()?;
        let d = self.raw_declarator();
        self.leave();
        let d = d?;
        let name = find_name(&d);
        Ok((name, apply(base, d)))
    }

    fn raw_declarator(&mut self) -> PResult<Declarator> {
        let (mut pointers, mut const_pointers) = (0u32, 0u64);
        loop {
            if self.eat_punct(Punct::Star) || self.eat_punct(Punct::Amp) {
                // Each level nests the type once more: counted against the nesting limit,
                // as everything that lowering and dropping will walk recursively.
                pointers += 1;
                self.check_nesting(pointers)?;
            } else if self.is_word("const") && pointers > 0 {
                self.bump();
                const_pointers |= 1u64 << ((pointers - 1) % 64);
            } else if self
                .peek()
                .is_some_and(|t| t.kind == TokenKind::Ident && is_decoration(self.text(t)))
            {
                self.bump();
            } else {
                break;
            }
        }
        let mut name = None;
        let mut inner = None;
        if self.is_punct(Punct::LParen) && self.is_nested_declarator() {
            self.bump();
            self.enter()?;
            let d = self.raw_declarator();
            self.leave();
            inner = Some(Box::new(d?));
            self.expect_punct(Punct::RParen)?;
        } else if let Some(tok) = self.peek().filter(|t| t.kind == TokenKind::Ident) {
            self.bump();
            name = Some(self.ident_of(tok));
        }
        let mut suffixes = Vec::new();
        loop {
            if self.eat_punct(Punct::LBracket) {
                let len = if self.is_punct(Punct::RBracket) || self.is_punct(Punct::Star) {
                    self.eat_punct(Punct::Star);
                    None
                } else {
                    Some(self.expr()?)
                };
                self.expect_punct(Punct::RBracket)?;
                suffixes.push(Suffix::Array(len));
                self.check_nesting(pointers + suffixes.len() as u32)?;
            } else if self.is_punct(Punct::LParen) {
                suffixes.push(Suffix::Function(self.params()?));
                self.check_nesting(pointers + suffixes.len() as u32)?;
            } else {
                break;
            }
        }
        Ok(Declarator {
            name,
            pointers,
            const_pointers,
            inner,
            suffixes,
            end: self.prev_span(),
        })
    }

    /// `(` opens a nested declarator (`(*pfn)`, `(__stdcall *pfn)`) rather than a parameter list.
    fn is_nested_declarator(&self) -> bool {
        match self.peek_at(1) {
            Some(t) if t.is_punct(Punct::Star) || t.is_punct(Punct::LParen) => true,
            Some(t) if t.kind == TokenKind::Ident => {
                let w = self.text(t);
                is_decoration(w) && !matches!(w, "volatile")
            }
            _ => false,
        }
    }

    /// `( [attrs] type declarator, ... )`, `(void)` and `(...)` included.
    pub(crate) fn params(&mut self) -> PResult<Vec<Param>> {
        self.expect_punct(Punct::LParen)?;
        let params = Vec::new();
        if self.eat_punct(Punct::RParen) {
            return Ok(params);
        }
        if self.is_word("void") && self.is_punct_at(1, Punct::RParen) {
            self.bump();
            self.bump();
            return Ok(params);
        }
        self.gather(|p| &mut p.param_buffer, Self::param_list)
    }

    fn param_list(&mut self, params: &mut Vec<Param>) -> PResult<()> {
        loop {
            let start = self.here();
            if self.is_punct(Punct::Ellipsis) {
                let span = self.bump().span;
                params.push(Param {
                    attrs: Vec::new(),
                    name: Some(Ident {
                        name: "...".into(),
                        span,
                    }),
                    ty: TypeExpr {
                        kind: TypeKind::Named("...".into()),
                        span,
                    },
                    span,
                });
            } else {
                let attrs = self.attributes()?;
                let spec = self.decl_spec()?;
                let (name, ty) = self.declarator(spec)?;
                params.push(Param {
                    attrs,
                    name,
                    ty,
                    span: start.to(self.prev_span()),
                });
            }
            if !self.eat_punct(Punct::Comma) {
                break;
            }
        }
        self.expect_punct(Punct::RParen)?;
        Ok(())
    }

    /// `struct [tag] [{ fields }]`, `union ...`, `enum ...` after the keyword.
    fn tagged_type(&mut self) -> PResult<TypeKind> {
        let tok = self.bump();
        let keyword = self.text(tok);
        let tag = match self.peek() {
            Some(t) if t.kind == TokenKind::Ident && self.text(t) != "switch" => Some(self.ident("a tag")?),
            _ => None,
        };
        match keyword {
            "struct" => {
                let fields = if self.is_punct(Punct::LBrace) {
                    Some(self.fields()?)
                } else {
                    None
                };
                if tag.is_none() && fields.is_none() {
                    return Err(self.expected("a struct tag or `{`"));
                }
                Ok(TypeKind::Struct(Arc::new(StructDef { tag, fields })))
            }
            "union" => self.union_body(tag),
            _ => {
                let variants = if self.is_punct(Punct::LBrace) {
                    Some(self.enumerators()?)
                } else {
                    None
                };
                if tag.is_none() && variants.is_none() {
                    return Err(self.expected("an enum tag or `{`"));
                }
                Ok(TypeKind::Enum(Arc::new(EnumDef { tag, variants })))
            }
        }
    }

    /// `{ [attrs] type declarator, declarator; ... }`.
    fn fields(&mut self) -> PResult<Vec<Field>> {
        self.expect_punct(Punct::LBrace)?;
        self.enter()?;
        let fields = self.gather(|p| &mut p.field_buffer, Self::field_list);
        self.leave();
        fields
    }

    fn field_list(&mut self, fields: &mut Vec<Field>) -> PResult<()> {
        while !self.eat_punct(Punct::RBrace) {
            if self.at_end() {
                return Err(self.expected("`}`"));
            }
            self.field_declaration(fields)?;
        }
        Ok(())
    }

    pub(crate) fn field_declaration(&mut self, fields: &mut Vec<Field>) -> PResult<()> {
        let start = self.here();
        let attrs = self.attributes()?;
        if self.eat_punct(Punct::Semi) {
            // An empty arm (`[default] ;`) in a non-encapsulated union.
            fields.push(Field {
                attrs,
                name: None,
                ty: TypeExpr {
                    kind: TypeKind::Base(BaseType::Void, None),
                    span: start,
                },
                bits: None,
                span: start,
            });
            return Ok(());
        }
        let spec = self.decl_spec()?;
        let first = fields.len();
        loop {
            let (name, ty) = if self.is_punct(Punct::Colon) {
                (None, spec.clone())
            } else {
                self.declarator(spec.clone())?
            };
            let bits = if self.eat_punct(Punct::Colon) {
                Some(self.expr()?)
            } else {
                None
            };
            fields.push(Field {
                attrs: Vec::new(),
                name,
                ty,
                bits,
                span: start.to(self.prev_span()),
            });
            if !self.eat_punct(Punct::Comma) {
                break;
            }
        }
        self.expect_punct(Punct::Semi)?;
        // Every declarator has the attributes; the last takes them, the others a copy.
        let last = fields.len() - 1;
        for f in &mut fields[first..last] {
            f.attrs = attrs.clone();
        }
        fields[last].attrs = attrs;
        Ok(())
    }

    fn union_body(&mut self, tag: Option<Ident>) -> PResult<TypeKind> {
        // Encapsulated: `union U switch (long d) u { case 1: ...; default: ; }`.
        if self.eat_word("switch") {
            self.expect_punct(Punct::LParen)?;
            let spec = self.decl_spec()?;
            let (name, ty) = self.declarator(spec)?;
            let name = name.ok_or_else(|| self.expected("the discriminant's name"))?;
            self.expect_punct(Punct::RParen)?;
            let arm_name = match self.peek() {
                Some(t) if t.kind == TokenKind::Ident => Some(self.ident("the union member's name")?),
                _ => None,
            };
            self.expect_punct(Punct::LBrace)?;
            let mut arms = Vec::new();
            while !self.eat_punct(Punct::RBrace) {
                let mut cases = Vec::new();
                let mut is_default = false;
                loop {
                    if self.eat_word("case") {
                        cases.push(self.expr()?);
                        self.expect_punct(Punct::Colon)?;
                    } else if self.eat_word("default") {
                        is_default = true;
                        self.expect_punct(Punct::Colon)?;
                    } else {
                        break;
                    }
                }
                if cases.is_empty() && !is_default {
                    return Err(self.expected("`case`, `default` or `}`"));
                }
                let mut fields = Vec::new();
                self.field_declaration(&mut fields)?;
                let field = fields.into_iter().next().filter(|f| f.name.is_some());
                arms.push(UnionArm {
                    cases,
                    is_default,
                    field,
                });
            }
            return Ok(TypeKind::Union(Arc::new(UnionDef {
                tag,
                switch: Some((Box::new(ty), name, arm_name)),
                arms: Some(arms),
            })));
        }
        if !self.is_punct(Punct::LBrace) {
            if tag.is_none() {
                return Err(self.expected("a union tag or `{`"));
            }
            return Ok(TypeKind::Union(Arc::new(UnionDef {
                tag,
                switch: None,
                arms: None,
            })));
        }
        let fields = self.fields()?;
        let arms = fields
            .into_iter()
            .map(|f| UnionArm {
                cases: Vec::new(),
                is_default: false,
                field: Some(f),
            })
            .collect();
        Ok(TypeKind::Union(Arc::new(UnionDef {
            tag,
            switch: None,
            arms: Some(arms),
        })))
    }

    fn enumerators(&mut self) -> PResult<Vec<Enumerator>> {
        self.expect_punct(Punct::LBrace)?;
        let mut variants = Vec::new();
        while !self.eat_punct(Punct::RBrace) {
            // Enumerators may carry attributes (`[helpstring("...")] A = 1`).
            self.attributes()?;
            let name = self.ident("an enumerator name")?;
            let value = if self.eat_punct(Punct::Eq) {
                Some(self.expr()?)
            } else {
                None
            };
            variants.push(Enumerator { name, value });
            if !self.eat_punct(Punct::Comma) {
                self.expect_punct(Punct::RBrace)?;
                break;
            }
        }
        Ok(variants)
    }
}

fn find_name(d: &Declarator) -> Option<Ident> {
    d.name.clone().or_else(|| d.inner.as_deref().and_then(find_name))
}

/// Builds the full type: pointers bind to the base first, then array and function
/// suffixes from right to left, then the nested declarator wraps the result.
fn apply(base: TypeExpr, d: Declarator) -> TypeExpr {
    let span = base.span.to(d.end);
    let mut ty = base;
    for level in 0..d.pointers {
        let is_const = d.const_pointers & (1u64 << (level % 64)) != 0;
        ty = TypeExpr {
            kind: TypeKind::Pointer(Box::new(ty)),
            span,
        };
        if is_const {
            ty = TypeExpr {
                kind: TypeKind::Const(Box::new(ty)),
                span,
            };
        }
    }
    for suffix in d.suffixes.into_iter().rev() {
        ty = TypeExpr {
            kind: match suffix {
                Suffix::Array(len) => TypeKind::Array(Box::new(ty), len),
                Suffix::Function(params) => TypeKind::Function(Box::new(ty), params),
            },
            span,
        };
    }
    match d.inner {
        Some(inner) => apply(ty, *inner),
        None => ty,
    }
}
