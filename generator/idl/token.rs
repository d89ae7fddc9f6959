//! Tokens of MIDL source, as the lexer makes them and the preprocessor and parser read them.

use crate::source::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenKind {
    Ident,
    /// A C preprocessing number: `42`, `0x10`, `1.0`, `10UL`.
    Number,
    /// A string literal, quotes included (`"a"` or `L"a"`).
    Str,
    /// A character constant, quotes included.
    Char,
    /// A bare GUID `01234567-89ab-cdef-0123-456789abcdef`, which MIDL takes inside `uuid(...)`.
    Uuid,
    Punct(Punct),
    /// Text that is no token (a stray `@`, a control byte, a `'` never closed on its
    /// line). Reported only if it reaches the parser: in a group `#if 0` leaves out,
    /// C allows it, and real headers have apostrophes there.
    Invalid,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Punct {
    LParen,
    RParen,
    LBracket,
    RBracket,
    LBrace,
    RBrace,
    Semi,
    Comma,
    Colon,
    Dot,
    Ellipsis,
    Question,
    Eq,
    Star,
    Amp,
    Pipe,
    Caret,
    Tilde,
    Bang,
    Plus,
    Minus,
    Slash,
    Percent,
    Lt,
    Gt,
    Shl,
    Shr,
    Le,
    Ge,
    EqEq,
    Ne,
    AndAnd,
    OrOr,
    Arrow,
    Hash,
    HashHash,
}

impl Punct {
    pub fn as_str(self) -> &'static str {
        match self {
            Punct::LParen => "(",
            Punct::RParen => ")",
            Punct::LBracket => "[",
            Punct::RBracket => "]",
            Punct::LBrace => "{",
            Punct::RBrace => "}",
            Punct::Semi => ";",
            Punct::Comma => ",",
            Punct::Colon => ":",
            Punct::Dot => ".",
            Punct::Ellipsis => "...",
            Punct::Question => "?",
            Punct::Eq => "=",
            Punct::Star => "*",
            Punct::Amp => "&",
            Punct::Pipe => "|",
            Punct::Caret => "^",
            Punct::Tilde => "~",
            Punct::Bang => "!",
            Punct::Plus => "+",
            Punct::Minus => "-",
            Punct::Slash => "/",
            Punct::Percent => "%",
            Punct::Lt => "<",
            Punct::Gt => ">",
            Punct::Shl => "<<",
            Punct::Shr => ">>",
            Punct::Le => "<=",
            Punct::Ge => ">=",
            Punct::EqEq => "==",
            Punct::Ne => "!=",
            Punct::AndAnd => "&&",
            Punct::OrOr => "||",
            Punct::Arrow => "->",
            Punct::Hash => "#",
            Punct::HashHash => "##",
        }
    }
}

/// The token is the first on its line (directives start with such a `#`).
pub const LINE_START: u8 = 1;
/// Whitespace or a comment comes right before the token (matters for `#define F(x)` vs `F (x)`).
pub const SPACE_BEFORE: u8 = 2;
/// The preprocessor met this name while its macro was being expanded: C says it is never
/// expanded again, which is what makes `#define X X` and mutually recursive macros end.
pub const NO_EXPAND: u8 = 4;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    pub span: Span,
    pub flags: u8,
}

impl Token {
    pub fn is_punct(&self, p: Punct) -> bool {
        self.kind == TokenKind::Punct(p)
    }

    pub fn at_line_start(&self) -> bool {
        self.flags & LINE_START != 0
    }

    pub fn space_before(&self) -> bool {
        self.flags & SPACE_BEFORE != 0
    }
}
