//! Macro definitions and their expansion: arguments, `#` stringizing, `##` pasting and
//! rescanning, with C's rule that a macro is not expanded inside its own expansion.

use std::rc::Rc;

use crate::diagnostic::Diagnostic;
use crate::idl::lexer;
use crate::idl::preprocess::{Context, MAX_EXPANSION_DEPTH, Run};
use crate::idl::token::{LINE_START, NO_EXPAND, Punct, SPACE_BEFORE, Token, TokenKind};
use crate::source::Span;

/// Marks a body token that is not a parameter.
const NOT_PARAM: u16 = u16::MAX;

#[derive(Debug)]
pub struct Macro {
    pub name: Box<str>,
    /// The name in the `#define`, for messages.
    pub span: Span,
    /// `None` for an object-like macro.
    pub params: Option<Vec<Box<str>>>,
    /// The last parameter takes the remaining arguments (`...` or `name...`).
    pub variadic: bool,
    pub body: Vec<Token>,
    /// For each body token, the index of the parameter it names, or `NOT_PARAM`.
    params_in_body: Vec<u16>,
}

impl Macro {
    fn is_function_like(&self) -> bool {
        self.params.is_some()
    }

    fn param_count(&self) -> usize {
        self.params.as_ref().map_or(0, Vec::len)
    }
}

impl Run<'_> {
    /// `#define` after the directive name: `tokens` is the rest of the line.
    pub(crate) fn define(&mut self, directive: Span, tokens: &[Token]) -> Result<(), Diagnostic> {
        let Some(name_tok) = tokens.first().filter(|t| t.kind == TokenKind::Ident) else {
            let at = tokens.first().map_or(directive, |t| t.span);
            return Err(Diagnostic::at(at, "expected a macro name after `#define`"));
        };
        let name: Box<str> = self.text(name_tok).into();
        if name.as_ref() == "defined" {
            return Err(Diagnostic::at(name_tok.span, "`defined` cannot be a macro name"));
        }
        let mut rest = &tokens[1..];
        let mut params = None;
        let mut variadic = false;
        // `F(x)` is function-like; `F (x)` is an object-like macro whose body starts with `(`.
        if let Some(open) = rest.first().filter(|t| t.is_punct(Punct::LParen) && !t.space_before()) {
            let mut list: Vec<Box<str>> = Vec::new();
            let mut i = 1;
            let mut expect_name = true;
            loop {
                let Some(tok) = rest.get(i) else {
                    return Err(Diagnostic::at(open.span, "unterminated macro parameter list")
                        .with_note("expected `)` before the end of the line"));
                };
                i += 1;
                match tok.kind {
                    TokenKind::Punct(Punct::RParen) if !expect_name || list.is_empty() => break,
                    TokenKind::Punct(Punct::Ellipsis) if expect_name && !variadic => {
                        list.push("__VA_ARGS__".into());
                        variadic = true;
                        expect_name = false;
                    }
                    TokenKind::Ident if expect_name && !variadic => {
                        let p: Box<str> = self.text(tok).into();
                        if list.contains(&p) {
                            return Err(Diagnostic::at(tok.span, format!("duplicate macro parameter `{p}`")));
                        }
                        // GNU's named variadic parameter: `args...`.
                        if rest.get(i).is_some_and(|t| t.is_punct(Punct::Ellipsis)) {
                            i += 1;
                            variadic = true;
                        }
                        list.push(p);
                        expect_name = false;
                    }
                    TokenKind::Punct(Punct::Comma) if !expect_name && !variadic => expect_name = true,
                    _ => {
                        return Err(Diagnostic::at(
                            tok.span,
                            format!("unexpected `{}` in the parameter list of `{name}`", self.text(tok)),
                        ));
                    }
                }
            }
            rest = &rest[i..];
            params = Some(list);
        }
        let body: Vec<Token> = rest.to_vec();
        let mut params_in_body = vec![NOT_PARAM; body.len()];
        if let Some(list) = &params {
            for (i, tok) in body.iter().enumerate() {
                if tok.kind == TokenKind::Ident {
                    let text = self.sources.text(tok.span);
                    if let Some(p) = list.iter().position(|p| p.as_ref() == text) {
                        params_in_body[i] = p as u16;
                    }
                }
            }
            for (i, tok) in body.iter().enumerate() {
                if tok.is_punct(Punct::Hash) && body.get(i + 1).is_none_or(|_| params_in_body[i + 1] == NOT_PARAM) {
                    return Err(Diagnostic::at(tok.span, "`#` is not followed by a macro parameter"));
                }
            }
        }
        if body.first().is_some_and(|t| t.is_punct(Punct::HashHash))
            || body.len() > 1 && body.last().is_some_and(|t| t.is_punct(Punct::HashHash))
        {
            let at = if body[0].is_punct(Punct::HashHash) {
                body[0].span
            } else {
                body[body.len() - 1].span
            };
            return Err(Diagnostic::at(at, "`##` cannot be at either end of a macro body"));
        }
        let m = Macro {
            name: name.clone(),
            span: name_tok.span,
            params,
            variadic,
            body,
            params_in_body,
        };
        self.macros.insert(name, Rc::new(m));
        Ok(())
    }

    /// Expands `tok` if it names a macro that applies here: pushes the substituted body
    /// for rescanning and returns true. Otherwise returns false and `tok` is to be kept,
    /// possibly changed: painted so it is never expanded, or replaced by `__LINE__`'s value.
    pub(crate) fn expand(&mut self, tok: &mut Token) -> Result<bool, Diagnostic> {
        if tok.flags & NO_EXPAND != 0 {
            return Ok(false);
        }
        let name = self.sources.text(tok.span);
        let Some(m) = self.macros.get(name).cloned() else {
            if name.starts_with("__")
                && let Some(value) = self.builtin(*tok)?
            {
                *tok = value;
            }
            return Ok(false);
        };
        if self
            .contexts
            .iter()
            .any(|c| c.active.as_ref().is_some_and(|a| Rc::ptr_eq(a, &m)))
        {
            // Painted: this name stays as it is, even when rescanned later elsewhere.
            tok.flags |= NO_EXPAND;
            return Ok(false);
        }
        if m.is_function_like() && !self.next_is_lparen() {
            return Ok(false);
        }
        if self.contexts.len() >= MAX_EXPANSION_DEPTH {
            return Err(Diagnostic::at(
                tok.span,
                format!("macro expansion nested more than {MAX_EXPANSION_DEPTH} deep"),
            ));
        }
        let args = if m.is_function_like() {
            self.next()?; // the `(`
            self.arguments(&m, *tok)?
        } else {
            Vec::new()
        };
        let expansion = self.sources.add_expansion(m.span, tok.span);
        let mut body = self.substitute(&m, &args, expansion)?;
        // The expansion takes the place of the name: `#pragma` ends and `F (x)`
        // spacing are decided by the first token's flags.
        if let Some(first) = body.first_mut() {
            first.flags = (first.flags & !(LINE_START | SPACE_BEFORE)) | (tok.flags & (LINE_START | SPACE_BEFORE));
        }
        self.contexts.push(Context {
            tokens: body,
            pos: 0,
            active: Some(m),
        });
        Ok(true)
    }

    /// `__LINE__` and `__FILE__`, which widl's preprocessor also provides.
    fn builtin(&mut self, tok: Token) -> Result<Option<Token>, Diagnostic> {
        let text = match self.sources.text(tok.span) {
            "__LINE__" => {
                let site = self.sources.use_site(tok.span);
                let file = self.sources.file(site.file);
                file.line_col(site.start as usize).0.to_string()
            }
            "__FILE__" => {
                let site = self.sources.use_site(tok.span);
                let name = self.sources.file(site.file).display_name(site.start as usize);
                format!("\"{}\"", name.replace('\\', "\\\\").replace('"', "\\\""))
            }
            _ => return Ok(None),
        };
        let made = self.synthetic_token(&text, tok)?;
        Ok(Some(Token {
            flags: tok.flags | NO_EXPAND,
            ..made
        }))
    }

    /// Reads the arguments of a function-like macro call, after its `(`.
    fn arguments(&mut self, m: &Macro, name: Token) -> Result<Vec<Vec<Token>>, Diagnostic> {
        let mut args: Vec<Vec<Token>> = vec![Vec::new()];
        let mut depth = 0usize;
        let count = m.param_count();
        loop {
            let Some(tok) = self.next()? else {
                return Err(Diagnostic::at(
                    name.span,
                    format!("unterminated argument list invoking macro `{}`", m.name),
                )
                .with_label(name.span, "this macro's `(` has no matching `)`"));
            };
            match tok.kind {
                TokenKind::Punct(Punct::LParen) => depth += 1,
                TokenKind::Punct(Punct::RParen) if depth == 0 => break,
                TokenKind::Punct(Punct::RParen) => depth -= 1,
                // The variadic parameter takes the remaining commas with it.
                TokenKind::Punct(Punct::Comma) if depth == 0 && !(m.variadic && args.len() == count) => {
                    args.push(Vec::new());
                    continue;
                }
                _ => {}
            }
            args.last_mut().expect("one argument at least").push(tok);
        }
        // `F()` passes one empty argument, which is no argument for `F(void)`-like macros.
        if count == 0 && args.len() == 1 && args[0].is_empty() {
            args.clear();
        }
        if m.variadic && args.len() == count - 1 {
            args.push(Vec::new());
        }
        if args.len() != count {
            return Err(Diagnostic::at(
                name.span,
                format!(
                    "macro `{}` takes {} argument{}, but {} {} given",
                    m.name,
                    count,
                    if count == 1 { "" } else { "s" },
                    args.len(),
                    if args.len() == 1 { "was" } else { "were" }
                ),
            )
            .with_secondary(m.span, "defined here"));
        }
        Ok(args)
    }

    /// The body with arguments substituted, `#` and `##` applied, ready to rescan.
    fn substitute(&mut self, m: &Macro, args: &[Vec<Token>], expansion: u32) -> Result<Vec<Token>, Diagnostic> {
        let body = &m.body;
        let mut out: Vec<Token> = Vec::with_capacity(body.len());
        let mut expanded: Vec<Option<Vec<Token>>> = vec![None; args.len()];
        // After a `##`: whether its left operand left a token at the end of `out` to paste onto.
        let mut pasting: Option<bool> = None;
        // Whether the last operand added tokens (an empty argument adds none).
        let mut produced = false;
        // The operand this step adds, in one buffer for the whole body: most steps add
        // a single body token.
        let mut operand: Vec<Token> = Vec::new();
        let mut i = 0;
        while i < body.len() {
            let tok = &body[i];
            let param = m.params_in_body[i];
            if tok.is_punct(Punct::HashHash) {
                pasting = Some(produced);
                i += 1;
                continue;
            }
            // A stringized parameter, a parameter's tokens (raw next to `##`, else fully
            // expanded), or the body token itself.
            operand.clear();
            if m.is_function_like() && tok.is_punct(Punct::Hash) {
                let p = m.params_in_body[i + 1] as usize;
                let mut made = self.stringize(&args[p], tok.span, expansion)?;
                made.flags = tok.flags & !LINE_START;
                operand.push(made);
                i += 2;
            } else if param != NOT_PARAM {
                let p = param as usize;
                let next_is_paste = body.get(i + 1).is_some_and(|t| t.is_punct(Punct::HashHash));
                if pasting.is_some()
                    && m.variadic
                    && p == args.len() - 1
                    && out.last().is_some_and(|t| t.is_punct(Punct::Comma))
                {
                    // GNU `, ## __VA_ARGS__`: the comma goes when there are no variadic arguments.
                    if args[p].is_empty() {
                        out.pop();
                    }
                    pasting = None;
                    operand.extend_from_slice(&args[p]);
                } else if pasting.is_some() || next_is_paste {
                    operand.extend_from_slice(&args[p]);
                } else {
                    if expanded[p].is_none() {
                        expanded[p] = Some(self.expand_list(args[p].clone())?);
                    }
                    operand.extend_from_slice(expanded[p].as_deref().expect("just expanded"));
                }
                if let Some(first) = operand.first_mut() {
                    first.flags = (first.flags & !(LINE_START | SPACE_BEFORE)) | (tok.flags & SPACE_BEFORE);
                }
                i += 1;
            } else {
                let mut t = *tok;
                t.span.expansion = expansion;
                t.flags &= !LINE_START;
                operand.push(t);
                i += 1;
            }
            match pasting.take() {
                Some(true) if !operand.is_empty() => {
                    let left = out.pop().expect("the left operand's token");
                    let right = operand[0];
                    out.push(self.paste(left, right, expansion)?);
                    out.extend_from_slice(&operand[1..]);
                    produced = true;
                }
                // `x ## <empty>` leaves `x`.
                Some(true) => produced = true,
                _ => {
                    produced = !operand.is_empty();
                    out.extend_from_slice(&operand);
                }
            }
        }
        Ok(out)
    }

    /// `#param`: the argument's spelling as a string literal.
    fn stringize(&mut self, arg: &[Token], at: Span, expansion: u32) -> Result<Token, Diagnostic> {
        let mut text = String::from("\"");
        for (i, tok) in arg.iter().enumerate() {
            if i > 0 && tok.space_before() {
                text.push(' ');
            }
            let spelled = self.sources.text(tok.span);
            if matches!(tok.kind, TokenKind::Str | TokenKind::Char) {
                for c in spelled.chars() {
                    if c == '"' || c == '\\' {
                        text.push('\\');
                    }
                    text.push(c);
                }
            } else {
                text.push_str(spelled);
            }
        }
        text.push('"');
        let site = Token {
            kind: TokenKind::Str,
            span: Span { expansion, ..at },
            flags: 0,
        };
        let mut tok = self.synthetic_token(&text, site)?;
        tok.span.expansion = expansion;
        Ok(tok)
    }

    /// `left ## right`: one new token spelled as both together.
    fn paste(&mut self, left: Token, right: Token, expansion: u32) -> Result<Token, Diagnostic> {
        let (l, r) = (self.sources.text(left.span), self.sources.text(right.span));
        let text = format!("{l}{r}");
        let site = Token {
            span: Span { expansion, ..left.span },
            ..left
        };
        match self.synthetic_token(&text, site) {
            Ok(mut tok) => {
                tok.flags = left.flags & !NO_EXPAND;
                tok.span.expansion = expansion;
                Ok(tok)
            }
            Err(_) => {
                let (l, r) = (self.sources.text(left.span), self.sources.text(right.span));
                Err(Diagnostic::at(
                    site.span,
                    format!("pasting `{l}` and `{r}` does not give a valid token"),
                ))
            }
        }
    }

    /// Lexes `text` (added to the synthetic file) as exactly one token, with `site`'s flags.
    pub(crate) fn synthetic_token(&mut self, text: &str, site: Token) -> Result<Token, Diagnostic> {
        let tokens = lexer::lex(site.span.file, text);
        match tokens.as_deref() {
            Ok([one]) if one.span.start == 0 && one.span.end as usize == text.len() => {
                let span = self.sources.add_synthetic(text);
                Ok(Token {
                    kind: one.kind,
                    span,
                    flags: site.flags,
                })
            }
            _ => Err(Diagnostic::at(site.span, format!("`{text}` is not one token"))),
        }
    }
}
