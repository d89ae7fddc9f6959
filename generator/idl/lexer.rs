//! Splits one source file into tokens.
//!
//! The lexer knows no keywords: MIDL's attribute words (`in`, `out`, `string`, ...) are
//! keywords only inside `[...]`, and ordinary identifiers elsewhere, so the parser decides
//! by position what a word means. The one context-free special case is the bare GUID,
//! which would otherwise lex as numbers and minus signs (and `1e-5`-like groups as one
//! number), so it is recognised by its exact 8-4-4-4-12 hex shape.

use crate::diagnostic::Diagnostic;
use crate::idl::token::{LINE_START, Punct, SPACE_BEFORE, Token, TokenKind};
use crate::source::{FileId, Span};

pub fn lex(file: FileId, text: &str) -> Result<Vec<Token>, Diagnostic> {
    let mut lexer = Lexer {
        file,
        bytes: text.as_bytes(),
        pos: 0,
        tokens: Vec::with_capacity(text.len() / 4),
    };
    lexer.run()?;
    Ok(lexer.tokens)
}

struct Lexer<'a> {
    file: FileId,
    bytes: &'a [u8],
    pos: usize,
    tokens: Vec<Token>,
}

/// Byte classes, looked up once per byte: the lexer's inner loops are these tests.
const IDENT_START: u8 = 1;
const IDENT_CONTINUE: u8 = 2;
const HEX_DIGIT: u8 = 4;

const CLASSES: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        if c.is_ascii_alphabetic() || c == b'_' || c == b'$' || c >= 0x80 {
            table[b] |= IDENT_START | IDENT_CONTINUE;
        }
        if c.is_ascii_digit() {
            table[b] |= IDENT_CONTINUE;
        }
        if c.is_ascii_hexdigit() {
            table[b] |= HEX_DIGIT;
        }
        b += 1;
    }
    table
};

fn is_ident_start(b: u8) -> bool {
    CLASSES[b as usize] & IDENT_START != 0
}

fn is_ident_continue(b: u8) -> bool {
    CLASSES[b as usize] & IDENT_CONTINUE != 0
}

fn is_hex_digit(b: u8) -> bool {
    CLASSES[b as usize] & HEX_DIGIT != 0
}

/// `memchr` without the memchr crate's CPU-feature probe, which runs CPUID: a virtual
/// machine traps that instruction, at a cost that shows on a run reading a small file.
/// SSE2, which every x86-64 has, does the search there; elsewhere, a word at a time.
fn find_byte(byte: u8, haystack: &[u8]) -> Option<usize> {
    #[cfg(target_arch = "x86_64")]
    if let Some(finder) = memchr::arch::x86_64::sse2::memchr::One::new(byte) {
        return finder.find(haystack);
    }
    memchr::arch::all::memchr::One::new(byte).find(haystack)
}

/// Where `*/` starts in `text`.
fn find_comment_end(text: &[u8]) -> Option<usize> {
    let mut from = 0;
    while let Some(n) = find_byte(b'*', &text[from..]) {
        let star = from + n;
        if text.get(star + 1) == Some(&b'/') {
            return Some(star);
        }
        from = star + 1;
    }
    None
}

impl Lexer<'_> {
    fn peek(&self, ahead: usize) -> u8 {
        self.bytes.get(self.pos + ahead).copied().unwrap_or(0)
    }

    fn span(&self, start: usize) -> Span {
        Span::new(self.file, start..self.pos)
    }

    fn run(&mut self) -> Result<(), Diagnostic> {
        let mut flags = LINE_START;
        while self.pos < self.bytes.len() {
            let b = self.bytes[self.pos];
            match b {
                b'\n' => {
                    self.pos += 1;
                    flags = LINE_START | SPACE_BEFORE;
                }
                b' ' | b'\t' | b'\r' | 0x0b | 0x0c => {
                    // Indentation comes in runs: skipped in one pass.
                    let rest = &self.bytes[self.pos + 1..];
                    self.pos += 1 + rest
                        .iter()
                        .position(|&c| !matches!(c, b' ' | b'\t' | b'\r' | 0x0b | 0x0c))
                        .unwrap_or(rest.len());
                    flags |= SPACE_BEFORE;
                }
                // A line continuation joins lines: the next token is not at a line start.
                b'\\' if self.peek(1) == b'\n' => {
                    self.pos += 2;
                    flags |= SPACE_BEFORE;
                }
                b'\\' if self.peek(1) == b'\r' && self.peek(2) == b'\n' => {
                    self.pos += 3;
                    flags |= SPACE_BEFORE;
                }
                b'/' if self.peek(1) == b'/' => {
                    self.pos = find_byte(b'\n', &self.bytes[self.pos..]).map_or(self.bytes.len(), |n| self.pos + n);
                    flags |= SPACE_BEFORE;
                }
                b'/' if self.peek(1) == b'*' => {
                    let start = self.pos;
                    // Licence headers make comments a good share of SDK files: searched, not walked.
                    match find_comment_end(&self.bytes[start + 2..]) {
                        Some(n) => self.pos = start + 2 + n + 2,
                        None => {
                            return Err(
                                Diagnostic::at(Span::new(self.file, start..start + 2), "unterminated comment")
                                    .with_label(Span::new(self.file, start..start + 2), "this `/*` is never closed")
                                    .with_note("expected `*/` before the end of the file"),
                            );
                        }
                    }
                    flags |= SPACE_BEFORE;
                }
                _ => {
                    let start = self.pos;
                    let kind = self.token(b)?;
                    self.tokens.push(Token {
                        kind,
                        span: self.span(start),
                        flags,
                    });
                    flags = 0;
                }
            }
        }
        Ok(())
    }

    fn token(&mut self, b: u8) -> Result<TokenKind, Diagnostic> {
        if is_hex_digit(b) && self.uuid_len() {
            self.pos += 36;
            return Ok(TokenKind::Uuid);
        }
        if (b == b'L' || b == b'u') && matches!(self.peek(1), b'"' | b'\'') {
            self.pos += 1;
            let quote = self.bytes[self.pos];
            return self.quoted(quote);
        }
        if is_ident_start(b) {
            let rest = &self.bytes[self.pos + 1..];
            self.pos += 1 + rest.iter().position(|&c| !is_ident_continue(c)).unwrap_or(rest.len());
            return Ok(TokenKind::Ident);
        }
        if b.is_ascii_digit() || (b == b'.' && self.peek(1).is_ascii_digit()) {
            self.pos += 1;
            while self.pos < self.bytes.len() {
                let c = self.bytes[self.pos];
                let exponent_sign = matches!(c, b'+' | b'-')
                    && matches!(self.bytes[self.pos - 1], b'e' | b'E' | b'p' | b'P')
                    && !self.hex_prefixed_number();
                if exponent_sign || c.is_ascii_alphanumeric() || c == b'_' || c == b'.' {
                    self.pos += 1;
                } else {
                    break;
                }
            }
            return Ok(TokenKind::Number);
        }
        if b == b'"' || b == b'\'' {
            return self.quoted(b);
        }
        let (punct, len) = match (b, self.peek(1), self.peek(2)) {
            (b'.', b'.', b'.') => (Punct::Ellipsis, 3),
            (b'<', b'<', _) => (Punct::Shl, 2),
            (b'>', b'>', _) => (Punct::Shr, 2),
            (b'<', b'=', _) => (Punct::Le, 2),
            (b'>', b'=', _) => (Punct::Ge, 2),
            (b'=', b'=', _) => (Punct::EqEq, 2),
            (b'!', b'=', _) => (Punct::Ne, 2),
            (b'&', b'&', _) => (Punct::AndAnd, 2),
            (b'|', b'|', _) => (Punct::OrOr, 2),
            (b'-', b'>', _) => (Punct::Arrow, 2),
            (b'#', b'#', _) => (Punct::HashHash, 2),
            (b'(', _, _) => (Punct::LParen, 1),
            (b')', _, _) => (Punct::RParen, 1),
            (b'[', _, _) => (Punct::LBracket, 1),
            (b']', _, _) => (Punct::RBracket, 1),
            (b'{', _, _) => (Punct::LBrace, 1),
            (b'}', _, _) => (Punct::RBrace, 1),
            (b';', _, _) => (Punct::Semi, 1),
            (b',', _, _) => (Punct::Comma, 1),
            (b':', _, _) => (Punct::Colon, 1),
            (b'.', _, _) => (Punct::Dot, 1),
            (b'?', _, _) => (Punct::Question, 1),
            (b'=', _, _) => (Punct::Eq, 1),
            (b'*', _, _) => (Punct::Star, 1),
            (b'&', _, _) => (Punct::Amp, 1),
            (b'|', _, _) => (Punct::Pipe, 1),
            (b'^', _, _) => (Punct::Caret, 1),
            (b'~', _, _) => (Punct::Tilde, 1),
            (b'!', _, _) => (Punct::Bang, 1),
            (b'+', _, _) => (Punct::Plus, 1),
            (b'-', _, _) => (Punct::Minus, 1),
            (b'/', _, _) => (Punct::Slash, 1),
            (b'%', _, _) => (Punct::Percent, 1),
            (b'<', _, _) => (Punct::Lt, 1),
            (b'>', _, _) => (Punct::Gt, 1),
            (b'#', _, _) => (Punct::Hash, 1),
            _ => {
                self.pos = (self.pos + utf8_len(b)).min(self.bytes.len());
                return Ok(TokenKind::Invalid);
            }
        };
        self.pos += len;
        Ok(TokenKind::Punct(punct))
    }

    /// `0x1e+5` is `0x1e` `+` `5`: exponent signs belong to decimal numbers only.
    fn hex_prefixed_number(&self) -> bool {
        let mut start = self.pos;
        while start > 0 && (self.bytes[start - 1].is_ascii_alphanumeric() || self.bytes[start - 1] == b'.') {
            start -= 1;
        }
        self.bytes[start..].starts_with(b"0x") || self.bytes[start..].starts_with(b"0X")
    }

    fn uuid_len(&self) -> bool {
        const GROUPS: [usize; 5] = [8, 4, 4, 4, 12];
        let mut at = self.pos;
        for (i, &len) in GROUPS.iter().enumerate() {
            for _ in 0..len {
                if !self.bytes.get(at).is_some_and(|&b| is_hex_digit(b)) {
                    return false;
                }
                at += 1;
            }
            if i < 4 {
                if self.bytes.get(at) != Some(&b'-') {
                    return false;
                }
                at += 1;
            }
        }
        !self.bytes.get(at).is_some_and(|&b| is_ident_continue(b) || b == b'-')
    }

    fn quoted(&mut self, quote: u8) -> Result<TokenKind, Diagnostic> {
        let start = self.pos;
        self.pos += 1;
        loop {
            match self.bytes.get(self.pos) {
                None if quote == b'\'' => return Ok(TokenKind::Invalid),
                // A string may span lines, so one never closed runs to the end of the file.
                None => {
                    return Err(
                        Diagnostic::at(Span::new(self.file, start..start + 1), "unterminated string literal")
                            .with_note("expected a closing `\"`"),
                    );
                }
                Some(b'\\') => self.pos += 2,
                // MIDL allows string literals over several lines; character constants stay on one.
                Some(b'\n') if quote == b'\'' => return Ok(TokenKind::Invalid),
                Some(&c) if c == quote => {
                    self.pos += 1;
                    break;
                }
                Some(_) => self.pos += 1,
            }
        }
        self.pos = self.pos.min(self.bytes.len());
        Ok(if quote == b'"' { TokenKind::Str } else { TokenKind::Char })
    }
}

/// The error for an [`TokenKind::Invalid`] token that reached code that is read.
pub fn invalid_token(span: Span, text: &str) -> Diagnostic {
    let b = text.bytes().next().unwrap_or(0);
    if b == b'\'' {
        return Diagnostic::at(span, "unterminated character constant")
            .with_note("expected a closing `'` on the same line");
    }
    let shown = match b {
        0 => "a NUL byte".to_string(),
        b if b < 0x20 || b == 0x7f => format!("control byte 0x{b:02x}"),
        _ => format!("character `{text}`"),
    };
    Diagnostic::at(span, format!("unexpected {shown}"))
}

fn utf8_len(b: u8) -> usize {
    match b {
        0xc0..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf7 => 4,
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(TokenKind, String)> {
        lex(FileId(0), text)
            .unwrap()
            .into_iter()
            .map(|t| (t.kind, text[t.span.range()].to_string()))
            .collect()
    }

    #[test]
    fn bare_uuid_is_one_token() {
        let toks = kinds("uuid(5afe10c7-cab3-4b77-89c9-2e4fd62e7a1f)");
        assert_eq!(
            toks[2],
            (TokenKind::Uuid, "5afe10c7-cab3-4b77-89c9-2e4fd62e7a1f".into())
        );
        assert_eq!(toks.len(), 4);
        // Digits first, with an `e-` that a pp-number would swallow.
        let toks = kinds("00000001-0000-0000-c000-000000000046");
        assert_eq!(toks.len(), 1);
        assert_eq!(toks[0].0, TokenKind::Uuid);
    }

    #[test]
    fn numbers_identifiers_and_operators() {
        let toks = kinds("x = 0x1e+5 << 2; version(1.0) -> ...");
        let texts: Vec<&str> = toks.iter().map(|t| t.1.as_str()).collect();
        assert_eq!(
            texts,
            [
                "x", "=", "0x1e", "+", "5", "<<", "2", ";", "version", "(", "1.0", ")", "->", "..."
            ]
        );
        assert_eq!(kinds("1e-5")[0].1, "1e-5");
    }

    #[test]
    fn strings_comments_and_flags() {
        let src = "a /* c */ \"s\\\"t\"\n  L\"w\" // end\n#x";
        let toks = lex(FileId(0), src).unwrap();
        assert_eq!(toks.len(), 5);
        assert_eq!(toks[1].kind, TokenKind::Str);
        assert!(toks[1].space_before());
        assert!(!toks[1].at_line_start());
        assert!(toks[2].at_line_start());
        assert_eq!(&src[toks[2].span.range()], "L\"w\"");
        assert!(toks[3].at_line_start() && toks[3].is_punct(Punct::Hash));
    }

    #[test]
    fn continuation_is_not_a_new_line() {
        let toks = lex(FileId(0), "#define A \\\n  B\nC").unwrap();
        assert!(!toks[3].at_line_start());
        assert!(toks[4].at_line_start());
    }

    #[test]
    fn unterminated_comment_points_at_opening() {
        let err = lex(FileId(0), "interface X {\n /* never closed").unwrap_err();
        assert_eq!(err.message, "unterminated comment");
        assert_eq!(err.span().unwrap().range(), 15..17);
    }

    #[test]
    fn stray_bytes_are_invalid_tokens() {
        let text = "a \u{1} @ 'x\nb";
        let toks = lex(FileId(0), text).unwrap();
        let kinds: Vec<TokenKind> = toks.iter().map(|t| t.kind).collect();
        assert_eq!(
            kinds,
            [
                TokenKind::Ident,
                TokenKind::Invalid,
                TokenKind::Invalid,
                TokenKind::Invalid,
                TokenKind::Ident
            ]
        );
        let err = invalid_token(toks[1].span, &text[toks[1].span.range()]);
        assert!(err.message.contains("0x01"), "{}", err.message);
        let err = invalid_token(toks[3].span, &text[toks[3].span.range()]);
        assert_eq!(err.message, "unterminated character constant");
    }
}
