//! Folding of integer constant expressions: enum values, `const` declarations, array sizes.

use crate::hash::NameMap;
use crate::idl::ast::{BinaryOp, Expr, ExprKind, TypeKind, UnaryOp};

/// Names with known integer values: constants and enumerators seen so far.
#[derive(Debug, Default)]
pub struct Env {
    pub values: NameMap<String, i128>,
}

/// Parses a C integer literal: decimal, `0x` hex, leading-zero octal, with `u`/`l` suffixes.
pub fn parse_int(text: &str) -> Option<i128> {
    let t = text.trim_end_matches(['u', 'U', 'l', 'L']);
    if let Some(hex) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        return i128::from_str_radix(hex, 16).ok();
    }
    if t.len() > 1 && t.starts_with('0') && t.bytes().all(|b| b.is_ascii_digit()) {
        return i128::from_str_radix(&t[1..], 8).ok();
    }
    t.parse().ok()
}

impl Env {
    /// The value of an integer expression, or `None` if it is not a constant oscgen can fold.
    pub fn eval(&self, e: &Expr) -> Option<i128> {
        Some(match &e.kind {
            ExprKind::Number(n) => parse_int(n)?,
            ExprKind::Char(c) => c.chars().next()? as i128,
            ExprKind::Ident(name) => match &**name {
                "TRUE" => 1,
                "FALSE" | "NULL" => 0,
                _ => *self.values.get(&**name)?,
            },
            ExprKind::Unary(op, inner) => {
                let v = self.eval(inner)?;
                match op {
                    UnaryOp::Neg => v.checked_neg()?,
                    UnaryOp::Plus => v,
                    UnaryOp::Not => (v == 0) as i128,
                    UnaryOp::BitNot => !v,
                    UnaryOp::Deref | UnaryOp::AddrOf => return None,
                }
            }
            ExprKind::Binary(op, a, b) => {
                let (a, b) = (self.eval(a)?, self.eval(b)?);
                match op {
                    BinaryOp::Mul => a.checked_mul(b)?,
                    BinaryOp::Div => a.checked_div(b)?,
                    BinaryOp::Rem => a.checked_rem(b)?,
                    BinaryOp::Add => a.checked_add(b)?,
                    BinaryOp::Sub => a.checked_sub(b)?,
                    BinaryOp::Shl => a.checked_shl(u32::try_from(b).ok().filter(|&s| s < 127)?)?,
                    BinaryOp::Shr => a.checked_shr(u32::try_from(b).ok().filter(|&s| s < 127)?)?,
                    BinaryOp::Lt => (a < b) as i128,
                    BinaryOp::Gt => (a > b) as i128,
                    BinaryOp::Le => (a <= b) as i128,
                    BinaryOp::Ge => (a >= b) as i128,
                    BinaryOp::Eq => (a == b) as i128,
                    BinaryOp::Ne => (a != b) as i128,
                    BinaryOp::BitAnd => a & b,
                    BinaryOp::BitXor => a ^ b,
                    BinaryOp::BitOr => a | b,
                    BinaryOp::And => (a != 0 && b != 0) as i128,
                    BinaryOp::Or => (a != 0 || b != 0) as i128,
                }
            }
            ExprKind::Ternary(c, t, f) => {
                if self.eval(c)? != 0 {
                    self.eval(t)?
                } else {
                    self.eval(f)?
                }
            }
            // `(A) - 1` parses as a cast of `-1` to `A`; when `A` is a constant, it was a subtraction.
            ExprKind::Cast(ty, inner) => match (&ty.kind, &inner.kind) {
                (TypeKind::Named(name), ExprKind::Unary(op @ (UnaryOp::Neg | UnaryOp::Plus), operand))
                    if self.values.contains_key(&**name) =>
                {
                    let (a, b) = (self.values[&**name], self.eval(operand)?);
                    if *op == UnaryOp::Neg {
                        a.checked_sub(b)?
                    } else {
                        a.checked_add(b)?
                    }
                }
                _ => self.eval(inner)?,
            },
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::idl::lexer::lex;
    use crate::idl::parser::Parser;
    use crate::source::{Origin, SourceMap};

    fn eval(text: &str, env: &Env) -> Option<i128> {
        let mut sources = SourceMap::new();
        let id = sources.add("e".into(), Origin::Builtin, text.into());
        let tokens = lex(id, text).unwrap();
        let e = Parser::new(&sources, &tokens).expr().unwrap();
        env.eval(&e)
    }

    #[test]
    fn folds_c_expressions() {
        let mut env = Env::default();
        env.values.insert("A".into(), 4);
        assert_eq!(eval("1 << 3 | A", &env), Some(12));
        assert_eq!(eval("-(A + 2) * 3", &env), Some(-18));
        assert_eq!(eval("0x80004005", &env), Some(0x80004005));
        assert_eq!(eval("010 + 10UL", &env), Some(18));
        assert_eq!(eval("A > 3 ? 'a' : 0", &env), Some(97));
        assert_eq!(eval("(LONG)0x10", &env), Some(16));
        assert_eq!(eval("UNKNOWN + 1", &env), None);
        assert_eq!(eval("1 / 0", &env), None);
    }
}
