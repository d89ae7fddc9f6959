//! `#if` and `#elif` conditions: `defined`, macro expansion, then a C constant
//! expression in the preprocessor's 64-bit arithmetic, with unsigned values propagating
//! as C requires (`-1 < 0u` is false).

use crate::diagnostic::Diagnostic;
use crate::idl::parser::unquote;
use crate::idl::preprocess::Run;
use crate::idl::token::{Punct, Token, TokenKind};
use crate::source::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Value {
    bits: u64,
    unsigned: bool,
}

impl Value {
    fn signed(v: i64) -> Value {
        Value {
            bits: v as u64,
            unsigned: false,
        }
    }

    fn truth(b: bool) -> Value {
        Value::signed(b as i64)
    }

    fn is_true(self) -> bool {
        self.bits != 0
    }
}

impl Run<'_> {
    /// The value of an `#if`/`#elif` line.
    pub(crate) fn condition(&mut self, at: Span, line: Vec<Token>) -> Result<bool, Diagnostic> {
        let line = self.replace_defined(at, line)?;
        let tokens = self.expand_list(line)?;
        if tokens.is_empty() {
            return Err(Diagnostic::at(at, "expected an expression after the directive"));
        }
        let mut eval = Eval {
            run: self,
            tokens: &tokens,
            pos: 0,
            at,
            depth: 0,
        };
        let value = eval.conditional(true)?;
        if let Some(extra) = tokens.get(eval.pos) {
            let text = self.text(extra).to_string();
            return Err(
                Diagnostic::at(extra.span, format!("unexpected `{text}` in the condition"))
                    .with_label(extra.span, "expected an operator or the end of the line"),
            );
        }
        Ok(value.is_true())
    }

    /// `defined NAME` and `defined(NAME)` become `1` or `0` before macros are expanded.
    fn replace_defined(&mut self, at: Span, line: Vec<Token>) -> Result<Vec<Token>, Diagnostic> {
        if !line
            .iter()
            .any(|t| t.kind == TokenKind::Ident && self.text(t) == "defined")
        {
            return Ok(line);
        }
        let [zero, one] = self.bools()?;
        let mut out = Vec::with_capacity(line.len());
        let mut i = 0;
        while i < line.len() {
            let tok = line[i];
            if tok.kind != TokenKind::Ident || self.text(&tok) != "defined" {
                out.push(tok);
                i += 1;
                continue;
            }
            let paren = line.get(i + 1).is_some_and(|t| t.is_punct(Punct::LParen));
            let name_at = if paren { i + 2 } else { i + 1 };
            let Some(name) = line.get(name_at).filter(|t| t.kind == TokenKind::Ident) else {
                return Err(Diagnostic::at(tok.span, "expected a macro name after `defined`")
                    .with_secondary(at, "in this condition"));
            };
            if paren && !line.get(name_at + 1).is_some_and(|t| t.is_punct(Punct::RParen)) {
                return Err(Diagnostic::at(name.span, "expected `)` after the macro name"));
            }
            let mut value = if self.is_macro(name) { one } else { zero };
            value.flags = tok.flags;
            out.push(value);
            i = name_at + 1 + paren as usize;
        }
        Ok(out)
    }

    fn bools(&mut self) -> Result<[Token; 2], Diagnostic> {
        if let Some(b) = self.bools {
            return Ok(b);
        }
        let mut make = |text: &str| Token {
            kind: TokenKind::Number,
            span: self.sources.add_synthetic(text),
            flags: 0,
        };
        let b = [make("0"), make("1")];
        self.bools = Some(b);
        Ok(b)
    }
}

/// Precedence climbing over the expanded tokens. `live` is false in the operand C does
/// not evaluate (`0 && x/0`), where division by zero is not an error.
struct Eval<'r, 'a, 't> {
    run: &'r Run<'a>,
    tokens: &'t [Token],
    pos: usize,
    at: Span,
    /// Parentheses and unary operators nest the evaluation: bounded like the parser.
    depth: u32,
}

/// Nesting limit of a condition, as the parser's.
const MAX_CONDITION_DEPTH: u32 = 128;

fn binary_prec(p: Punct) -> Option<u8> {
    Some(match p {
        Punct::OrOr => 1,
        Punct::AndAnd => 2,
        Punct::Pipe => 3,
        Punct::Caret => 4,
        Punct::Amp => 5,
        Punct::EqEq | Punct::Ne => 6,
        Punct::Lt | Punct::Gt | Punct::Le | Punct::Ge => 7,
        Punct::Shl | Punct::Shr => 8,
        Punct::Plus | Punct::Minus => 9,
        Punct::Star | Punct::Slash | Punct::Percent => 10,
        _ => return None,
    })
}

impl Eval<'_, '_, '_> {
    fn peek_punct(&self) -> Option<Punct> {
        match self.tokens.get(self.pos)?.kind {
            TokenKind::Punct(p) => Some(p),
            _ => None,
        }
    }

    fn error_here(&self, what: &str) -> Diagnostic {
        match self.tokens.get(self.pos) {
            Some(t) => {
                let text = self.run.text(t);
                Diagnostic::at(t.span, format!("expected {what}, found `{text}`"))
                    .with_secondary(self.at, "in this condition")
            }
            None => Diagnostic::at(self.at, format!("expected {what} at the end of the condition")),
        }
    }

    fn conditional(&mut self, live: bool) -> Result<Value, Diagnostic> {
        let cond = self.binary(1, live)?;
        if self.peek_punct() != Some(Punct::Question) {
            return Ok(cond);
        }
        self.pos += 1;
        self.depth += 1;
        if self.depth > MAX_CONDITION_DEPTH {
            return Err(Diagnostic::at(
                self.at,
                format!("condition nested deeper than {MAX_CONDITION_DEPTH} levels"),
            ));
        }
        let a = self.conditional(live && cond.is_true());
        self.depth -= 1;
        let a = a?;
        if self.peek_punct() != Some(Punct::Colon) {
            return Err(self.error_here("`:`"));
        }
        self.pos += 1;
        let b = self.conditional(live && !cond.is_true())?;
        let unsigned = a.unsigned || b.unsigned;
        let v = if cond.is_true() { a } else { b };
        Ok(Value { bits: v.bits, unsigned })
    }

    fn binary(&mut self, min: u8, live: bool) -> Result<Value, Diagnostic> {
        let mut lhs = self.unary(live)?;
        while let Some((op, prec)) = self.peek_punct().and_then(|p| binary_prec(p).map(|q| (p, q))) {
            if prec < min {
                break;
            }
            let op_tok = self.tokens[self.pos];
            self.pos += 1;
            let rhs_live = match op {
                Punct::AndAnd => live && lhs.is_true(),
                Punct::OrOr => live && !lhs.is_true(),
                _ => live,
            };
            let rhs = self.binary(prec + 1, rhs_live)?;
            lhs = self.apply(op, lhs, rhs, live, op_tok.span)?;
        }
        Ok(lhs)
    }

    fn apply(&self, op: Punct, a: Value, b: Value, live: bool, at: Span) -> Result<Value, Diagnostic> {
        let unsigned = a.unsigned || b.unsigned;
        let (x, y) = (a.bits, b.bits);
        let (sx, sy) = (x as i64, y as i64);
        let arith = |bits: u64| Value { bits, unsigned };
        Ok(match op {
            Punct::AndAnd => Value::truth(a.is_true() && b.is_true()),
            Punct::OrOr => Value::truth(a.is_true() || b.is_true()),
            Punct::Pipe => arith(x | y),
            Punct::Caret => arith(x ^ y),
            Punct::Amp => arith(x & y),
            Punct::EqEq => Value::truth(x == y),
            Punct::Ne => Value::truth(x != y),
            Punct::Lt => Value::truth(if unsigned { x < y } else { sx < sy }),
            Punct::Gt => Value::truth(if unsigned { x > y } else { sx > sy }),
            Punct::Le => Value::truth(if unsigned { x <= y } else { sx <= sy }),
            Punct::Ge => Value::truth(if unsigned { x >= y } else { sx >= sy }),
            Punct::Shl => Value {
                bits: x.wrapping_shl(y as u32),
                unsigned: a.unsigned,
            },
            Punct::Shr => Value {
                bits: if a.unsigned {
                    x.wrapping_shr(y as u32)
                } else {
                    sx.wrapping_shr(y as u32) as u64
                },
                unsigned: a.unsigned,
            },
            Punct::Plus => arith(x.wrapping_add(y)),
            Punct::Minus => arith(x.wrapping_sub(y)),
            Punct::Star => arith(x.wrapping_mul(y)),
            Punct::Slash | Punct::Percent => {
                if y == 0 {
                    if live {
                        return Err(Diagnostic::at(at, "division by zero in a preprocessor condition")
                            .with_secondary(self.at, "in this condition"));
                    }
                    return Ok(arith(0));
                }
                let div = op == Punct::Slash;
                arith(match (unsigned, div) {
                    (true, true) => x / y,
                    (true, false) => x % y,
                    (false, true) => sx.wrapping_div(sy) as u64,
                    (false, false) => sx.wrapping_rem(sy) as u64,
                })
            }
            _ => unreachable!("not a binary operator"),
        })
    }

    fn unary(&mut self, live: bool) -> Result<Value, Diagnostic> {
        self.depth += 1;
        let result = self.unary_inner(live);
        self.depth -= 1;
        result
    }

    fn unary_inner(&mut self, live: bool) -> Result<Value, Diagnostic> {
        let Some(tok) = self.tokens.get(self.pos).copied() else {
            return Err(self.error_here("an expression"));
        };
        if self.depth > MAX_CONDITION_DEPTH {
            return Err(Diagnostic::at(
                tok.span,
                format!("condition nested deeper than {MAX_CONDITION_DEPTH} levels"),
            ));
        }
        self.pos += 1;
        match tok.kind {
            TokenKind::Punct(Punct::Minus) => {
                let v = self.unary(live)?;
                Ok(Value {
                    bits: v.bits.wrapping_neg(),
                    unsigned: v.unsigned,
                })
            }
            TokenKind::Punct(Punct::Plus) => self.unary(live),
            TokenKind::Punct(Punct::Tilde) => {
                let v = self.unary(live)?;
                Ok(Value {
                    bits: !v.bits,
                    unsigned: v.unsigned,
                })
            }
            TokenKind::Punct(Punct::Bang) => Ok(Value::truth(!self.unary(live)?.is_true())),
            TokenKind::Punct(Punct::LParen) => {
                let v = self.conditional(live)?;
                if self.peek_punct() != Some(Punct::RParen) {
                    return Err(self.error_here("`)`"));
                }
                self.pos += 1;
                Ok(v)
            }
            TokenKind::Number => {
                let text = self.run.text(&tok);
                number(text).ok_or_else(|| {
                    Diagnostic::at(tok.span, format!("`{text}` is not an integer constant"))
                        .with_secondary(self.at, "in this condition")
                })
            }
            TokenKind::Char => {
                let text = unquote(self.run.text(&tok));
                Ok(Value::signed(text.chars().next().map_or(0, |c| c as i64)))
            }
            // Names left after expansion are not macros: C gives them the value 0.
            TokenKind::Ident => Ok(Value::signed(0)),
            _ => {
                self.pos -= 1;
                Err(self.error_here("an expression"))
            }
        }
    }
}

/// A C integer literal with its suffixes (`u`, `l`, `ll`, MSVC's `i64`): decimal, hex,
/// octal or binary. Unsigned when suffixed so, or when it does not fit `i64`.
fn number(text: &str) -> Option<Value> {
    let lower = text.to_ascii_lowercase();
    let mut digits = lower.as_str();
    let mut unsigned = false;
    for suffix in ["ui64", "i64", "ull", "llu", "ul", "lu", "ll", "u", "l"] {
        if let Some(rest) = digits.strip_suffix(suffix)
            && !rest.is_empty()
        {
            unsigned = suffix.contains('u');
            digits = rest;
            break;
        }
    }
    let (radix, body) = if let Some(h) = digits.strip_prefix("0x") {
        (16, h)
    } else if let Some(b) = digits.strip_prefix("0b") {
        (2, b)
    } else if digits.len() > 1 && digits.starts_with('0') {
        (8, &digits[1..])
    } else {
        (10, digits)
    };
    let bits = u64::from_str_radix(body, radix).ok()?;
    Some(Value {
        bits,
        unsigned: unsigned || (bits > i64::MAX as u64),
    })
}
