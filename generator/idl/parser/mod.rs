//! Recursive-descent parser from tokens to the syntax tree of [`crate::idl::ast`].
//!
//! One file per part of the grammar: items (this file), attributes, types and
//! declarators, and expressions. Words are matched by text, never by a global keyword
//! table, so `in`, `string` or `default` stay usable as names where MIDL allows it.

mod attrs;
mod expr;
mod items;
mod types;

#[cfg(test)]
mod tests;

use crate::diagnostic::Diagnostic;
use crate::idl::ast::{Ident, Item, StrLit};
use crate::idl::token::{Punct, Token, TokenKind};
use crate::source::{SourceMap, Span};

pub type PResult<T> = Result<T, Diagnostic>;

/// Parses the tokens of one (preprocessed) file.
///
/// The parser runs on its own thread with a large stack, so that the nesting limit, not
/// the caller's stack size, decides how deep input may go.
pub fn parse(sources: &SourceMap, tokens: &[Token]) -> PResult<Vec<Item>> {
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("oscgen-parser".into())
            .stack_size(PARSER_STACK)
            .spawn_scoped(scope, || parse_here(sources, tokens))
            .map(|handle| handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
            .unwrap_or_else(|_| parse_here(sources, tokens))
    })
}

/// Stack for the parser thread; only the pages actually used are committed.
const PARSER_STACK: usize = 64 * 1024 * 1024;

fn parse_here(sources: &SourceMap, tokens: &[Token]) -> PResult<Vec<Item>> {
    let mut p = Parser::new(sources, tokens);
    let mut items = Vec::new();
    while !p.at_end() {
        p.item(&mut items)?;
    }
    Ok(items)
}

/// Nesting limit for recursive rules, so hostile input gets an error instead of a stack overflow.
const MAX_DEPTH: u32 = 128;

pub(crate) struct Parser<'a> {
    sources: &'a SourceMap,
    tokens: &'a [Token],
    pos: usize,
    depth: u32,
}

impl<'a> Parser<'a> {
    pub(crate) fn new(sources: &'a SourceMap, tokens: &'a [Token]) -> Parser<'a> {
        Parser {
            sources,
            tokens,
            pos: 0,
            depth: 0,
        }
    }

    fn at_end(&self) -> bool {
        self.pos >= self.tokens.len()
    }

    fn peek(&self) -> Option<&'a Token> {
        self.tokens.get(self.pos)
    }

    fn peek_at(&self, ahead: usize) -> Option<&'a Token> {
        self.tokens.get(self.pos + ahead)
    }

    fn text(&self, tok: &Token) -> &'a str {
        self.sources.text(tok.span)
    }

    fn bump(&mut self) -> &'a Token {
        let tok = &self.tokens[self.pos];
        self.pos += 1;
        tok
    }

    /// Span of the previous token, for the end of a construct.
    fn prev_span(&self) -> Span {
        self.tokens[self.pos.saturating_sub(1)].span
    }

    /// Span to point at when something is missing: the next token, or the end of the last one.
    fn here(&self) -> Span {
        match self.peek() {
            Some(t) => t.span,
            None => {
                let last = self.tokens.last().map(|t| t.span).unwrap_or(Span {
                    file: crate::source::FileId(0),
                    start: 0,
                    end: 0,
                });
                Span {
                    file: last.file,
                    start: last.end,
                    end: last.end,
                }
            }
        }
    }

    fn is_punct(&self, p: Punct) -> bool {
        self.peek().is_some_and(|t| t.is_punct(p))
    }

    fn is_punct_at(&self, ahead: usize, p: Punct) -> bool {
        self.peek_at(ahead).is_some_and(|t| t.is_punct(p))
    }

    fn is_word(&self, word: &str) -> bool {
        self.peek()
            .is_some_and(|t| t.kind == TokenKind::Ident && self.text(t) == word)
    }

    fn is_word_at(&self, ahead: usize, word: &str) -> bool {
        self.peek_at(ahead)
            .is_some_and(|t| t.kind == TokenKind::Ident && self.text(t) == word)
    }

    fn eat_punct(&mut self, p: Punct) -> bool {
        if self.is_punct(p) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn eat_word(&mut self, word: &str) -> bool {
        if self.is_word(word) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn describe_next(&self) -> String {
        match self.peek() {
            None => "end of file".to_string(),
            Some(t) => match t.kind {
                TokenKind::Str => "a string".to_string(),
                _ => format!("`{}`", self.text(t)),
            },
        }
    }

    fn expected(&self, what: &str) -> Diagnostic {
        let found = self.describe_next();
        Diagnostic::at(self.here(), format!("expected {what}, found {found}"))
            .with_label(self.here(), format!("expected {what}"))
    }

    fn expect_punct(&mut self, p: Punct) -> PResult<Span> {
        if self.is_punct(p) {
            Ok(self.bump().span)
        } else if p == Punct::Semi {
            // A missing `;` is best reported right after the construct it ends.
            let prev = self.prev_span();
            let at = Span {
                file: prev.file,
                start: prev.end,
                end: prev.end,
            };
            Err(
                Diagnostic::at(at, format!("expected `;`, found {}", self.describe_next()))
                    .with_label(at, "expected `;` here"),
            )
        } else {
            Err(self.expected(&format!("`{}`", p.as_str())))
        }
    }

    fn expect_word(&mut self, word: &str) -> PResult<Span> {
        if self.is_word(word) {
            Ok(self.bump().span)
        } else {
            Err(self.expected(&format!("`{word}`")))
        }
    }

    fn ident(&mut self, what: &str) -> PResult<Ident> {
        match self.peek() {
            Some(t) if t.kind == TokenKind::Ident => {
                self.pos += 1;
                Ok(Ident {
                    name: self.text(t).to_string(),
                    span: t.span,
                })
            }
            _ => Err(self.expected(what)),
        }
    }

    fn string(&mut self, what: &str) -> PResult<StrLit> {
        match self.peek() {
            Some(t) if t.kind == TokenKind::Str => {
                self.pos += 1;
                let mut value = unquote(self.text(t));
                // Adjacent literals concatenate, as in C.
                while let Some(next) = self.peek().filter(|n| n.kind == TokenKind::Str) {
                    self.pos += 1;
                    value.push_str(&unquote(self.text(next)));
                }
                Ok(StrLit {
                    value,
                    span: t.span.to(self.prev_span()),
                })
            }
            _ => Err(self.expected(what)),
        }
    }

    fn enter(&mut self) -> PResult<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(
                Diagnostic::at(self.here(), format!("nesting deeper than {MAX_DEPTH} levels"))
                    .with_note("oscgen limits nesting so that hostile input cannot exhaust the stack"),
            );
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    /// Skips a balanced `{ ... }`, `( ... )` or `< ... >` group starting at the current token.
    fn skip_balanced(&mut self) -> PResult<Span> {
        let start = self.here();
        let open = self.bump();
        let mut stack = vec![open.kind];
        while let Some(tok) = self.peek() {
            self.pos += 1;
            match tok.kind {
                TokenKind::Punct(Punct::LBrace | Punct::LParen | Punct::LBracket) => stack.push(tok.kind),
                TokenKind::Punct(Punct::RBrace | Punct::RParen | Punct::RBracket) => {
                    stack.pop();
                    if stack.is_empty() {
                        return Ok(start.to(tok.span));
                    }
                }
                _ => {}
            }
        }
        Err(Diagnostic::at(start, "unclosed group")
            .with_note("expected a matching closing bracket before the end of the file"))
    }
}

/// Removes the quotes (and an `L` prefix) of a literal and processes C escapes.
pub(crate) fn unquote(lit: &str) -> String {
    let lit = lit.trim_start_matches(['L', 'u']);
    let inner = &lit[1..lit.len().saturating_sub(1).max(1)];
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('0') => out.push('\0'),
            Some('\n') => {}
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}
