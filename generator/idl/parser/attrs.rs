//! Attribute lists: `[object, uuid(...), size_is(, *pcb), switch_type(DWORD)]`.

use crate::idl::ast::{AttrArg, Attribute};
use crate::idl::parser::{PResult, Parser};
use crate::idl::token::{Punct, TokenKind};

/// Attributes whose arguments are types, not expressions.
const TYPE_ARG_ATTRS: &[&str] = &[
    "switch_type",
    "wire_marshal",
    "transmit_as",
    "user_marshal",
    "represent_as",
];

impl Parser<'_> {
    /// Zero or more bracketed attribute lists (MIDL allows `[a] [b]` as well as `[a, b]`).
    pub(crate) fn attributes(&mut self) -> PResult<Vec<Attribute>> {
        if !self.is_punct(Punct::LBracket) {
            return Ok(Vec::new());
        }
        self.gather(|p| &mut p.attr_buffer, Self::attribute_lists)
    }

    fn attribute_lists(&mut self, attrs: &mut Vec<Attribute>) -> PResult<()> {
        while self.is_punct(Punct::LBracket) {
            self.bump();
            if self.eat_punct(Punct::RBracket) {
                continue;
            }
            loop {
                // widl accepts empty entries (`[, object]`, `[uuid(...),, local]`).
                if self.eat_punct(Punct::Comma) {
                    continue;
                }
                attrs.push(self.attribute()?);
                if self.eat_punct(Punct::Comma) {
                    // `[a, b, ]` occurs in macro-built lists.
                    if self.is_punct(Punct::RBracket) {
                        self.bump();
                        break;
                    }
                    continue;
                }
                self.expect_punct(Punct::RBracket)?;
                break;
            }
        }
        Ok(())
    }

    fn attribute(&mut self) -> PResult<Attribute> {
        let name = match self.peek() {
            Some(t) if t.kind == TokenKind::Ident => {
                self.bump();
                self.ident_of(t)
            }
            _ => return Err(self.expected("an attribute name")),
        };
        let mut args = Vec::new();
        if self.eat_punct(Punct::LParen) {
            if !self.is_punct(Punct::RParen) {
                loop {
                    args.push(self.attr_arg(&name.name, args.is_empty())?);
                    if !self.eat_punct(Punct::Comma) {
                        break;
                    }
                }
            }
            self.expect_punct(Punct::RParen)?;
        }
        let span = name.span.to(self.prev_span());
        Ok(Attribute { name, args, span })
    }

    fn attr_arg(&mut self, attr: &str, first: bool) -> PResult<AttrArg> {
        if self.is_punct(Punct::Comma) || self.is_punct(Punct::RParen) {
            return Ok(AttrArg::Empty(self.here()));
        }
        if let Some(tok) = self.peek() {
            if tok.kind == TokenKind::Uuid {
                self.bump();
                return Ok(AttrArg::Uuid(self.text(tok).to_string(), tok.span));
            }
            if (attr == "uuid" || attr == "async_uuid" || (attr == "custom" && first)) && tok.kind == TokenKind::Str {
                let lit = self.string("a GUID")?;
                return Ok(AttrArg::Uuid(lit.value, lit.span));
            }
        }
        if attr == "implicit_handle" {
            // `implicit_handle(handle_t h)`: a declaration; the type is what matters.
            let spec = self.decl_spec()?;
            let (_, ty) = self.declarator(spec)?;
            return Ok(AttrArg::Type(ty));
        }
        if TYPE_ARG_ATTRS.contains(&attr) {
            return Ok(AttrArg::Type(self.type_name()?));
        }
        Ok(AttrArg::Expr(self.expr()?))
    }
}
