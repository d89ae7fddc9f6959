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
use crate::hash::NameMap;
use crate::idl::ast::{Attribute, Field, Ident, Item, Name, Param, StrLit};
use crate::idl::token::{Punct, Token, TokenKind};
use crate::source::{SourceMap, Span};

pub type PResult<T> = Result<T, Diagnostic>;

/// Parses the tokens of one (preprocessed) file.
///
/// Deep nesting needs a deep stack, and the limit on nesting, not the caller's stack
/// size, must decide how deep input may go. Real IDL nests a few levels, so the parse
/// runs in place with a limit any thread's stack can take; input that nests deeper is
/// parsed again on a thread with a large stack, up to the full limit. (Threads from
/// [`with_parser_stack`] go straight to the full limit.)
pub fn parse(sources: &SourceMap, tokens: &[Token]) -> PResult<Vec<Item>> {
    if ON_PARSER_STACK.get() {
        return parse_here(sources, tokens, MAX_DEPTH).0;
    }
    match parse_here(sources, tokens, IN_PLACE_DEPTH) {
        (_, true) => with_parser_stack(|| parse_here(sources, tokens, MAX_DEPTH).0),
        (result, false) => result,
    }
}

/// Runs `f` on a thread whose stack is big enough for the parser's full nesting limit,
/// so every parse inside it runs in place.
pub fn with_parser_stack<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    if ON_PARSER_STACK.get() {
        return f();
    }
    std::thread::scope(|scope| {
        let handle = std::thread::Builder::new()
            .name("oscgen-parser".into())
            .stack_size(PARSER_STACK)
            .spawn_scoped(scope, || {
                ON_PARSER_STACK.set(true);
                f()
            })
            .expect("cannot start the parser thread");
        handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

thread_local! {
    /// Set on threads started by [`with_parser_stack`].
    static ON_PARSER_STACK: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Stack for the parser thread; only the pages actually used are committed.
const PARSER_STACK: usize = 64 * 1024 * 1024;

/// Nesting parsed in place, on the caller's stack: a level takes at most ~4 KB in a
/// release build and ~32 KB in a debug build (measured), so this stays under 1 MB,
/// the smallest main-thread stack (Windows). The corpus nests under 10 levels.
const IN_PLACE_DEPTH: u32 = 32;

/// The result, and whether the nesting limit was what stopped it.
fn parse_here(sources: &SourceMap, tokens: &[Token], limit: u32) -> (PResult<Vec<Item>>, bool) {
    let mut p = Parser::new(sources, tokens);
    p.limit = limit;
    // The top level's buffer outlives the parser: one per thread, reused by every file.
    let mut items = FILE_ITEMS.take();
    let result = p.file_items(&mut items);
    let file = exact(&mut items);
    FILE_ITEMS.set(items);
    (result.map(|()| file), p.too_deep)
}

thread_local! {
    static FILE_ITEMS: std::cell::Cell<Vec<Item>> = const { std::cell::Cell::new(Vec::new()) };
}

impl Parser<'_> {
    fn file_items(&mut self, items: &mut Vec<Item>) -> PResult<()> {
        while !self.at_end() {
            let start = self.pos;
            if let Err(e) = self.item(items) {
                if self.too_deep || !self.in_c_header(start) {
                    return Err(e);
                }
                // widl reads imported and included C headers as IDL, and mingw-w64 writes
                // them so that mostly works; what is plain C (inline functions,
                // `__declspec`, prototypes IDL cannot spell) is skipped, one declaration at
                // a time, instead of failing the import.
                self.pos = start;
                self.depth = 0;
                self.half_shr = false;
                self.skip_c_declaration();
            }
        }
        Ok(())
    }
}

/// Reads a file's top-level items one at a time, for a caller that lowers each item as it
/// comes and frees it: a large file's whole tree is then never in memory at once. Reads
/// what [`parse`] reads, item for item.
pub struct ItemReader<'a> {
    parser: Parser<'a>,
}

impl<'a> ItemReader<'a> {
    /// A reader from token `pos` on.
    pub fn new(sources: &'a SourceMap, tokens: &'a [Token], pos: usize) -> ItemReader<'a> {
        let mut parser = Parser::starting_at(sources, tokens, pos);
        parser.limit = if ON_PARSER_STACK.get() {
            MAX_DEPTH
        } else {
            IN_PLACE_DEPTH
        };
        ItemReader { parser }
    }

    /// The token the next item starts at.
    pub fn pos(&self) -> usize {
        self.parser.pos
    }

    /// Appends the next top-level item (a statement may make several) to `out`; false at
    /// the end of the tokens.
    pub fn next(&mut self, out: &mut Vec<Item>) -> PResult<bool> {
        let p = &mut self.parser;
        loop {
            if p.at_end() {
                return Ok(false);
            }
            let (start, before) = (p.pos, out.len());
            match p.item(out) {
                Ok(()) if out.len() > before => return Ok(true),
                Ok(()) => continue, // a lone `;`
                Err(_) if p.too_deep && p.limit < MAX_DEPTH => {
                    // This item nests deeper than the caller's stack takes: read it again
                    // with the full limit on a thread with a large stack.
                    out.truncate(before);
                    let (sources, tokens) = (p.sources, p.tokens);
                    let (result, end, too_deep) = with_parser_stack(|| {
                        let mut deep = Parser::new(sources, tokens);
                        deep.pos = start;
                        let mut items = Vec::new();
                        let result = deep.item(&mut items).map(|()| items);
                        (result, deep.pos, deep.too_deep)
                    });
                    match result {
                        Ok(items) => {
                            out.extend(items);
                            p.pos = end;
                            return Ok(true);
                        }
                        Err(e) if too_deep || !p.in_c_header(start) => return Err(e),
                        Err(_) => {
                            p.pos = start;
                            p.skip_c_declaration();
                        }
                    }
                }
                Err(e) if p.too_deep || !p.in_c_header(start) => return Err(e),
                Err(_) => {
                    // As in a whole-file parse: plain C in a header is skipped.
                    p.pos = start;
                    p.depth = 0;
                    p.half_shr = false;
                    p.skip_c_declaration();
                }
            }
        }
    }
}

/// The most names a parser reserves room for before it has read any.
const MAX_RESERVED_NAMES: usize = 1 << 14;

/// Nesting limit for recursive rules, so hostile input gets an error instead of a stack overflow.
const MAX_DEPTH: u32 = 128;

pub(crate) struct Parser<'a> {
    sources: &'a SourceMap,
    tokens: &'a [Token],
    pos: usize,
    depth: u32,
    /// The first half of the current `>>` closed a type argument list.
    half_shr: bool,
    /// The nesting limit of this parse, and whether it was reached.
    limit: u32,
    too_deep: bool,
    /// Every name read so far, shared by its uses.
    names: NameMap<&'a str, Name>,
    /// Lists being read, reused: see [`exact`].
    attr_buffer: Vec<Attribute>,
    param_buffer: Vec<Param>,
    field_buffer: Vec<Field>,
    item_buffer: Vec<Item>,
}

/// Moves a list out of a reused buffer at its exact size.
///
/// A list kept in the tree (a file's items, an interface's methods, a parameter's
/// attributes) is then allocated once, at its final size, instead of growing through
/// every size on the way and keeping a growth reserve. Besides the copying, each of
/// those sizes would take fresh memory from its own size class: for a typical SDK
/// import chain, megabytes of pages touched once.
fn exact<T>(buffer: &mut Vec<T>) -> Vec<T> {
    let mut list = Vec::with_capacity(buffer.len());
    list.append(buffer); // the buffer keeps its capacity for the next list
    list
}

impl<'a> Parser<'a> {
    pub(crate) fn new(sources: &'a SourceMap, tokens: &'a [Token]) -> Parser<'a> {
        Parser::starting_at(sources, tokens, 0)
    }

    /// A parser starting at token `pos`.
    fn starting_at(sources: &'a SourceMap, tokens: &'a [Token], pos: usize) -> Parser<'a> {
        // About one distinct name per eight tokens in SDK files: sized once for a typical
        // file, not regrown. A huge file's table grows as it must instead of being
        // reserved whole up front.
        let names = (tokens.len() - pos.min(tokens.len())) / 8;
        Parser {
            sources,
            tokens,
            pos,
            depth: 0,
            half_shr: false,
            limit: MAX_DEPTH,
            too_deep: false,
            names: NameMap::with_capacity_and_hasher(names.min(MAX_RESERVED_NAMES), Default::default()),
            attr_buffer: Vec::new(),
            param_buffer: Vec::new(),
            field_buffer: Vec::new(),
            item_buffer: Vec::new(),
        }
    }

    /// Reads a list with `read`, gathering it in the parser's reused `buffer`, and
    /// returns it at its exact size ([`exact`]).
    fn gather<T>(
        &mut self,
        buffer: fn(&mut Self) -> &mut Vec<T>,
        read: impl FnOnce(&mut Self, &mut Vec<T>) -> PResult<()>,
    ) -> PResult<Vec<T>> {
        // Taken out while `read` runs: a list nested in it gathers in a buffer of its own.
        let mut list = std::mem::take(buffer(self));
        let result = read(self, &mut list);
        let gathered = exact(&mut list);
        *buffer(self) = list;
        result.map(|()| gathered)
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
            None => self
                .tokens
                .last()
                .map(|t| t.span)
                .unwrap_or(Span::new(crate::source::FileId(0), 0..0))
                .end_point(),
        }
    }

    fn is_punct(&self, p: Punct) -> bool {
        self.peek().is_some_and(|t| t.is_punct(p))
    }

    fn is_punct_at(&self, ahead: usize, p: Punct) -> bool {
        self.peek_at(ahead).is_some_and(|t| t.is_punct(p))
    }

    fn is_word(&self, word: &str) -> bool {
        self.peek().is_some_and(|t| self.spells(t, word))
    }

    fn is_word_at(&self, ahead: usize, word: &str) -> bool {
        self.peek_at(ahead).is_some_and(|t| self.spells(t, word))
    }

    /// Whether `tok` is the identifier `word`. The parser asks this many times a token
    /// (matching words by text): the length, in the token, settles most answers without
    /// looking the text up.
    fn spells(&self, tok: &Token, word: &str) -> bool {
        tok.kind == TokenKind::Ident && (tok.span.end - tok.span.start) as usize == word.len() && self.text(tok) == word
    }

    fn eat_punct(&mut self, p: Punct) -> bool {
        if self.is_punct(p) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// Closes a type argument list: `>`, or half of `>>` in `IVector<IVector<T>>`. The
    /// `>>` token stays current until its second half is used, so the inner list's
    /// declarator sees no `*` or name after the first.
    fn eat_closing_angle(&mut self) -> bool {
        if self.half_shr {
            self.half_shr = false;
            self.bump();
            return true;
        }
        if self.eat_punct(Punct::Gt) {
            return true;
        }
        if self.is_punct(Punct::Shr) {
            self.half_shr = true;
            return true;
        }
        false
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
            let at = self.prev_span().end_point();
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
                Ok(self.ident_of(t))
            }
            _ => Err(self.expected(what)),
        }
    }

    /// The interned name of a text.
    fn name(&mut self, text: &'a str) -> Name {
        self.names.entry(text).or_insert_with(|| Name::from(text)).clone()
    }

    fn ident_of(&mut self, tok: &'a Token) -> Ident {
        Ident {
            name: self.name(self.sources.text(tok.span)),
            span: tok.span,
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
        if self.depth > self.limit {
            self.too_deep = true;
            return Err(
                Diagnostic::at(self.here(), format!("nesting deeper than {MAX_DEPTH} levels"))
                    .with_note("oscgen limits nesting so that hostile input cannot exhaust the stack"),
            );
        }
        Ok(())
    }

    /// Fails as [`Parser::enter`] would if `extra` more levels were entered.
    fn check_nesting(&mut self, extra: u32) -> PResult<()> {
        if self.depth + extra > self.limit {
            self.depth += extra;
            let result = self.enter();
            self.depth -= extra;
            return result;
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    /// Whether the token at `pos` comes from a C header (`.h`), where declarations IDL
    /// cannot read are skipped rather than reported.
    fn in_c_header(&self, pos: usize) -> bool {
        self.tokens.get(pos).is_some_and(|t| {
            let file = self.sources.file(self.sources.use_site(t.span).file);
            let name = file.name.as_bytes();
            name.len() > 2 && name[name.len() - 2..].eq_ignore_ascii_case(b".h")
        })
    }

    /// Skips one C declaration: to its `;`, or past a function body `(...) { ... }`.
    fn skip_c_declaration(&mut self) {
        let mut depth = 0usize;
        let mut block_after_paren = false;
        while let Some(tok) = self.peek() {
            let prev_is_rparen = self.pos > 0 && self.tokens[self.pos - 1].is_punct(Punct::RParen);
            self.pos += 1;
            match tok.kind {
                TokenKind::Punct(Punct::Semi) if depth == 0 => return,
                TokenKind::Punct(Punct::LBrace) => {
                    if depth == 0 {
                        block_after_paren = prev_is_rparen;
                    }
                    depth += 1;
                }
                TokenKind::Punct(Punct::LParen | Punct::LBracket) => depth += 1,
                TokenKind::Punct(Punct::RBrace) if depth <= 1 => {
                    depth = 0;
                    if self.eat_punct(Punct::Semi) || block_after_paren {
                        return;
                    }
                }
                TokenKind::Punct(Punct::RParen | Punct::RBracket | Punct::RBrace) => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
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
