//! C expressions, as MIDL uses them in enum values, constants, array sizes and attributes.

use crate::idl::ast::{BinaryOp, Expr, ExprKind, UnaryOp};
use crate::idl::parser::types::is_base_type_word;
use crate::idl::parser::{PResult, Parser, unquote};
use crate::idl::token::{Punct, TokenKind};

fn binary_op(p: Punct) -> Option<(BinaryOp, u8)> {
    Some(match p {
        Punct::OrOr => (BinaryOp::Or, 1),
        Punct::AndAnd => (BinaryOp::And, 2),
        Punct::Pipe => (BinaryOp::BitOr, 3),
        Punct::Caret => (BinaryOp::BitXor, 4),
        Punct::Amp => (BinaryOp::BitAnd, 5),
        Punct::EqEq => (BinaryOp::Eq, 6),
        Punct::Ne => (BinaryOp::Ne, 6),
        Punct::Lt => (BinaryOp::Lt, 7),
        Punct::Gt => (BinaryOp::Gt, 7),
        Punct::Le => (BinaryOp::Le, 7),
        Punct::Ge => (BinaryOp::Ge, 7),
        Punct::Shl => (BinaryOp::Shl, 8),
        Punct::Shr => (BinaryOp::Shr, 8),
        Punct::Plus => (BinaryOp::Add, 9),
        Punct::Minus => (BinaryOp::Sub, 9),
        Punct::Star => (BinaryOp::Mul, 10),
        Punct::Slash => (BinaryOp::Div, 10),
        Punct::Percent => (BinaryOp::Rem, 10),
        _ => return None,
    })
}

impl Parser<'_> {
    pub(crate) fn expr(&mut self) -> PResult<Expr> {
        self.enter()?;
        let result = self.conditional();
        self.leave();
        result
    }

    fn conditional(&mut self) -> PResult<Expr> {
        let cond = self.binary(1)?;
        if !self.eat_punct(Punct::Question) {
            return Ok(cond);
        }
        let then = self.expr()?;
        self.expect_punct(Punct::Colon)?;
        let other = self.expr()?;
        let span = cond.span.to(other.span);
        Ok(Expr {
            kind: ExprKind::Ternary(Box::new(cond), Box::new(then), Box::new(other)),
            span,
        })
    }

    fn binary(&mut self, min_prec: u8) -> PResult<Expr> {
        let mut lhs = self.unary()?;
        // `a + b + c ...` builds a tree as deep as the chain is long, which evaluating
        // and dropping walk recursively: a chain counts against the nesting limit.
        let mut chain = 0;
        while let Some((op, prec)) = self.peek().and_then(|t| match t.kind {
            TokenKind::Punct(p) => binary_op(p).filter(|&(_, prec)| prec >= min_prec),
            _ => None,
        }) {
            chain += 1;
            self.check_nesting(chain)?;
            self.bump();
            self.enter()?;
            let rhs = self.binary(prec + 1);
            self.leave();
            let rhs = rhs?;
            let span = lhs.span.to(rhs.span);
            lhs = Expr {
                kind: ExprKind::Binary(op, Box::new(lhs), Box::new(rhs)),
                span,
            };
        }
        Ok(lhs)
    }

    fn unary(&mut self) -> PResult<Expr> {
        let op = match self.peek().map(|t| t.kind) {
            Some(TokenKind::Punct(Punct::Minus)) => Some(UnaryOp::Neg),
            Some(TokenKind::Punct(Punct::Plus)) => Some(UnaryOp::Plus),
            Some(TokenKind::Punct(Punct::Bang)) => Some(UnaryOp::Not),
            Some(TokenKind::Punct(Punct::Tilde)) => Some(UnaryOp::BitNot),
            Some(TokenKind::Punct(Punct::Star)) => Some(UnaryOp::Deref),
            Some(TokenKind::Punct(Punct::Amp)) => Some(UnaryOp::AddrOf),
            _ => None,
        };
        if let Some(op) = op {
            let start = self.bump().span;
            self.enter()?;
            let inner = self.unary();
            self.leave();
            let inner = inner?;
            let span = start.to(inner.span);
            return Ok(Expr {
                kind: ExprKind::Unary(op, Box::new(inner)),
                span,
            });
        }
        if self.is_word("sizeof") {
            let start = self.bump().span;
            if self.is_punct(Punct::LParen) && self.looks_like_type_at(1) {
                self.bump();
                let ty = self.type_name()?;
                let end = self.expect_punct(Punct::RParen)?;
                return Ok(Expr {
                    kind: ExprKind::SizeOf(Box::new(ty)),
                    span: start.to(end),
                });
            }
            self.enter()?;
            let inner = self.unary();
            self.leave();
            let inner = inner?;
            let span = start.to(inner.span);
            return Ok(Expr {
                kind: ExprKind::SizeOfExpr(Box::new(inner)),
                span,
            });
        }
        if self.is_punct(Punct::LParen) && self.is_cast() {
            let start = self.bump().span;
            let ty = self.type_name()?;
            self.expect_punct(Punct::RParen)?;
            self.enter()?;
            let inner = self.unary();
            self.leave();
            let inner = inner?;
            let span = start.to(inner.span);
            return Ok(Expr {
                kind: ExprKind::Cast(Box::new(ty), Box::new(inner)),
                span,
            });
        }
        self.postfix()
    }

    /// Whether the tokens after the current one start a type name (for casts and sizeof).
    fn looks_like_type_at(&self, ahead: usize) -> bool {
        let Some(tok) = self.peek_at(ahead) else {
            return false;
        };
        if tok.kind != TokenKind::Ident {
            return false;
        }
        let word = self.text(tok);
        if is_base_type_word(word) || matches!(word, "struct" | "union" | "enum" | "const" | "signed" | "unsigned") {
            return true;
        }
        // `(NAME *)` or `(NAME)` followed by something that starts an operand.
        let mut i = ahead + 1;
        while self.is_punct_at(i, Punct::Star) {
            i += 1;
        }
        if !self.is_punct_at(i, Punct::RParen) {
            return false;
        }
        i > ahead + 1 || ahead == 1 && self.is_word_at(0, "sizeof")
    }

    fn is_cast(&self) -> bool {
        if self.looks_like_type_at(1) {
            return true;
        }
        // `(NAME) operand`: a cast to a typedef name.
        let (Some(name), true) = (self.peek_at(1), self.is_punct_at(2, Punct::RParen)) else {
            return false;
        };
        // `(DWORD)-1` is a cast too; `(A) - 1` with `A` a constant is told apart when
        // the value is computed (see `eval`).
        name.kind == TokenKind::Ident
            && self.peek_at(3).is_some_and(|t| {
                matches!(t.kind, TokenKind::Ident | TokenKind::Number)
                    || t.is_punct(Punct::LParen)
                    || t.is_punct(Punct::Minus)
                    || t.is_punct(Punct::Tilde)
                    || t.is_punct(Punct::Bang)
            })
    }

    fn postfix(&mut self) -> PResult<Expr> {
        let mut e = self.primary()?;
        let mut chain = 0;
        loop {
            // Each suffix nests the expression once more, as a binary chain does.
            chain += 1;
            self.check_nesting(chain)?;
            if self.eat_punct(Punct::LBracket) {
                let index = self.expr()?;
                let end = self.expect_punct(Punct::RBracket)?;
                let span = e.span.to(end);
                e = Expr {
                    kind: ExprKind::Index(Box::new(e), Box::new(index)),
                    span,
                };
            } else if self.is_punct(Punct::Dot) || self.is_punct(Punct::Arrow) {
                let arrow = self.bump().is_punct(Punct::Arrow);
                let field = self.ident("a field name")?;
                let span = e.span.to(field.span);
                e = Expr {
                    kind: ExprKind::Member(Box::new(e), field.name.to_string(), arrow),
                    span,
                };
            } else if self.is_punct(Punct::LParen) && matches!(e.kind, ExprKind::Ident(_)) {
                self.bump();
                let mut args = Vec::new();
                if !self.is_punct(Punct::RParen) {
                    loop {
                        args.push(self.expr()?);
                        if !self.eat_punct(Punct::Comma) {
                            break;
                        }
                    }
                }
                let end = self.expect_punct(Punct::RParen)?;
                let span = e.span.to(end);
                e = Expr {
                    kind: ExprKind::Call(Box::new(e), args),
                    span,
                };
            } else {
                return Ok(e);
            }
        }
    }

    fn primary(&mut self) -> PResult<Expr> {
        let Some(tok) = self.peek() else {
            return Err(self.expected("an expression"));
        };
        let kind = match tok.kind {
            TokenKind::Number => ExprKind::Number(self.name(self.sources.text(tok.span))),
            TokenKind::Ident => ExprKind::Ident(self.name(self.sources.text(tok.span))),
            TokenKind::Char => ExprKind::Char(unquote(self.text(tok))),
            TokenKind::Str => {
                let lit = self.string("a string")?;
                return Ok(Expr {
                    kind: ExprKind::Str(lit.value),
                    span: lit.span,
                });
            }
            TokenKind::Punct(Punct::LParen) => {
                let start = self.bump().span;
                let mut inner = self.expr()?;
                let end = self.expect_punct(Punct::RParen)?;
                inner.span = start.to(end);
                return Ok(inner);
            }
            _ => return Err(self.expected("an expression")),
        };
        self.bump();
        Ok(Expr { kind, span: tok.span })
    }
}
