//! Statements: imports, interfaces, typedefs, constants, libraries, coclasses, and the
//! WinRT forms that oscgen reads past.

use crate::diagnostic::Diagnostic;
use crate::idl::ast::{
    Attribute, Coclass, CoclassMember, Const, Delegate, Dispinterface, ForwardKind, Ident, Interface, Item, Library,
    Method, TypeExpr, TypeKind, Typedef, WinRtKind,
};
use crate::idl::parser::{PResult, Parser};
use crate::idl::token::{Punct, TokenKind};

impl Parser<'_> {
    /// One statement at file, library, namespace or module level; pushes zero or more items.
    pub(crate) fn item(&mut self, items: &mut Vec<Item>) -> PResult<()> {
        if self.eat_punct(Punct::Semi) {
            return Ok(());
        }
        let start = self.here();
        if let Some(item) = self.simple_statement()? {
            items.push(item);
            return Ok(());
        }
        let attrs = self.attributes()?;
        let Some(tok) = self.peek() else {
            return Err(self.expected("a declaration after the attributes"));
        };
        let word = if tok.kind == TokenKind::Ident {
            self.text(tok)
        } else {
            ""
        };
        match word {
            "interface" => {
                self.bump();
                items.push(self.interface(attrs, start)?);
            }
            "dispinterface" => {
                self.bump();
                items.push(self.dispinterface(attrs)?);
            }
            "coclass" => {
                self.bump();
                items.push(self.coclass(attrs)?);
            }
            "library" => {
                self.bump();
                let name = self.ident("the library name")?;
                let body = self.block()?;
                self.eat_punct(Punct::Semi);
                items.push(Item::Library(Library {
                    attrs,
                    name,
                    items: body,
                }));
            }
            "module" => {
                self.bump();
                let name = self.ident("the module name")?;
                let body = self.block()?;
                self.eat_punct(Punct::Semi);
                items.push(Item::Module(attrs, name, body));
            }
            "namespace" => {
                self.bump();
                let mut path = vec![self.ident("a namespace name")?];
                while self.eat_punct(Punct::Dot) {
                    path.push(self.ident("a namespace name")?);
                }
                let body = self.block()?;
                items.push(Item::Namespace(path, body));
            }
            "delegate" => {
                self.bump();
                items.push(self.delegate(attrs, start)?);
            }
            "runtimeclass" | "apicontract" | "declare" => {
                items.push(self.winrt_declaration(word)?);
            }
            "typedef" => {
                self.bump();
                items.push(self.typedef(attrs, start)?);
            }
            _ => self.declaration(attrs, items)?,
        }
        Ok(())
    }

    /// Statements that take no attribute list.
    fn simple_statement(&mut self) -> PResult<Option<Item>> {
        if self.is_word("import") && !self.is_punct_at(1, Punct::LParen) {
            self.bump();
            let mut files = vec![self.string("a file name in quotes")?];
            while self.eat_punct(Punct::Comma) {
                files.push(self.string("a file name in quotes")?);
            }
            self.expect_punct(Punct::Semi)?;
            return Ok(Some(Item::Import(files)));
        }
        if self.is_word("importlib") {
            self.bump();
            self.expect_punct(Punct::LParen)?;
            let file = self.string("a type library name in quotes")?;
            self.expect_punct(Punct::RParen)?;
            self.expect_punct(Punct::Semi)?;
            return Ok(Some(Item::ImportLib(file)));
        }
        if self.is_word("cpp_quote") {
            self.bump();
            self.expect_punct(Punct::LParen)?;
            let text = self.string("a string")?;
            self.expect_punct(Punct::RParen)?;
            self.eat_punct(Punct::Semi);
            return Ok(Some(Item::CppQuote(text)));
        }
        if self.is_word("midl_pragma") {
            let start = self.bump().span;
            self.expect_word("warning")?;
            if !self.is_punct(Punct::LParen) {
                return Err(self.expected("`(`"));
            }
            let group = self.skip_balanced()?;
            self.eat_punct(Punct::Semi);
            return Ok(Some(Item::MidlPragma(start.to(group))));
        }
        if self.is_punct(Punct::Hash) && self.is_word_at(1, "pragma") && self.is_word_at(2, "midl_echo") {
            // `#pragma midl_echo("text")` is MIDL's spelling of cpp_quote, as widl reads it.
            self.pos += 3;
            self.expect_punct(Punct::LParen)?;
            let text = self.string("a string")?;
            self.expect_punct(Punct::RParen)?;
            return Ok(Some(Item::CppQuote(text)));
        }
        if self.is_punct(Punct::Hash) && self.is_word_at(1, "pragma") {
            // A `#pragma` the preprocessor kept: the rest of its line.
            let start = self.bump().span;
            self.bump();
            let mut end = self.prev_span();
            let mut words = Vec::new();
            while let Some(t) = self.peek().filter(|t| !t.at_line_start()) {
                words.push(self.text(t));
                end = t.span;
                self.bump();
            }
            return Ok(Some(Item::Pragma(words.join(" "), start.to(end))));
        }
        Ok(None)
    }

    fn interface_members(&mut self, name: &Ident, members: &mut Vec<Item>) -> PResult<()> {
        while !self.eat_punct(Punct::RBrace) {
            if self.at_end() {
                return Err(
                    Diagnostic::at(name.span, format!("interface `{}` is not closed", name.name))
                        .with_label(name.span, "this interface's `{` has no matching `}`"),
                );
            }
            self.item(members)?;
        }
        Ok(())
    }

    fn block(&mut self) -> PResult<Vec<Item>> {
        self.expect_punct(Punct::LBrace)?;
        self.enter()?;
        let block = self.gather(|p| &mut p.item_buffer, Self::block_items);
        self.leave();
        block
    }

    fn block_items(&mut self, items: &mut Vec<Item>) -> PResult<()> {
        while !self.eat_punct(Punct::RBrace) {
            if self.at_end() {
                return Err(self.expected("`}`"));
            }
            self.item(items)?;
        }
        Ok(())
    }

    fn interface(&mut self, attrs: Vec<Attribute>, start: crate::source::Span) -> PResult<Item> {
        let name = self.ident("the interface name")?;
        if self.is_punct(Punct::Lt) {
            // A WinRT parameterized interface (`interface IVector<T>`): only its instances,
            // named where they are used, have vtables.
            self.skip_angle_brackets()?;
            if !self.eat_punct(Punct::Semi) {
                self.skip_to_body_end()?;
            }
            return Ok(Item::WinRt(WinRtKind::Template, Some(name), start.to(self.prev_span())));
        }
        if self.eat_punct(Punct::Semi) {
            return Ok(Item::Forward(ForwardKind::Interface, name));
        }
        let base = if self.eat_punct(Punct::Colon) {
            Some(self.ident("the base interface name")?)
        } else {
            None
        };
        if self.is_word("requires") {
            // WinRT: `interface I requires IBase, IOther { ... }`.
            while !self.is_punct(Punct::LBrace) && !self.at_end() {
                self.bump();
            }
        }
        self.expect_punct(Punct::LBrace)?;
        let members = self.gather(|p| &mut p.item_buffer, |p, members| p.interface_members(&name, members))?;
        self.eat_punct(Punct::Semi);
        Ok(Item::Interface(Interface {
            attrs,
            name,
            base,
            members,
            span: start.to(self.prev_span()),
        }))
    }

    fn dispinterface(&mut self, attrs: Vec<Attribute>) -> PResult<Item> {
        let name = self.ident("the dispinterface name")?;
        if self.eat_punct(Punct::Semi) {
            return Ok(Item::Forward(ForwardKind::Dispinterface, name));
        }
        self.expect_punct(Punct::LBrace)?;
        let mut d = Dispinterface {
            attrs,
            name,
            properties: Vec::new(),
            methods: Vec::new(),
            interface: None,
        };
        if self.is_word("interface") {
            self.bump();
            d.interface = Some(self.ident("an interface name")?);
            self.expect_punct(Punct::Semi)?;
            self.expect_punct(Punct::RBrace)?;
            self.eat_punct(Punct::Semi);
            return Ok(Item::Dispinterface(d));
        }
        if self.eat_word("properties") {
            self.expect_punct(Punct::Colon)?;
            while !self.is_word("methods") && !self.is_punct(Punct::RBrace) {
                if self.at_end() {
                    return Err(self.expected("`methods:` or `}`"));
                }
                let mut fields = Vec::new();
                self.field_declaration(&mut fields)?;
                d.properties.extend(fields);
            }
        }
        if self.eat_word("methods") {
            self.expect_punct(Punct::Colon)?;
        }
        while !self.eat_punct(Punct::RBrace) {
            if self.at_end() {
                return Err(self.expected("`}`"));
            }
            let mut items = Vec::new();
            self.item(&mut items)?;
            for item in items {
                if let Item::Declaration(attrs, name, ty) = item
                    && let Some(m) = method_from_declaration(attrs, name, ty)
                {
                    d.methods.push(m);
                }
            }
        }
        self.eat_punct(Punct::Semi);
        Ok(Item::Dispinterface(d))
    }

    fn coclass(&mut self, attrs: Vec<Attribute>) -> PResult<Item> {
        let name = self.ident("the coclass name")?;
        if self.eat_punct(Punct::Semi) {
            return Ok(Item::Forward(ForwardKind::Coclass, name));
        }
        self.expect_punct(Punct::LBrace)?;
        let mut members = Vec::new();
        while !self.eat_punct(Punct::RBrace) {
            let attrs = self.attributes()?;
            let is_dispinterface = if self.eat_word("dispinterface") {
                true
            } else {
                self.expect_word("interface")?;
                false
            };
            let name = self.ident("an interface name")?;
            self.expect_punct(Punct::Semi)?;
            members.push(CoclassMember {
                attrs,
                name,
                is_dispinterface,
            });
        }
        self.eat_punct(Punct::Semi);
        Ok(Item::Coclass(Coclass { attrs, name, members }))
    }

    fn typedef(&mut self, mut attrs: Vec<Attribute>, start: crate::source::Span) -> PResult<Item> {
        // Attributes may come before or after `typedef`.
        attrs.extend(self.attributes()?);
        let base = self.decl_spec()?;
        let mut decls = Vec::new();
        loop {
            let (name, ty) = self.declarator(base.clone())?;
            let name = name.ok_or_else(|| self.expected("a name for the typedef"))?;
            decls.push((name, ty));
            if !self.eat_punct(Punct::Comma) {
                break;
            }
        }
        self.expect_punct(Punct::Semi)?;
        Ok(Item::Typedef(Typedef {
            attrs,
            decls,
            base,
            span: start.to(self.prev_span()),
        }))
    }

    /// A declaration: a method (in an interface), a function (in a module), a lone
    /// struct/union/enum, or a variable.
    fn declaration(&mut self, attrs: Vec<Attribute>, items: &mut Vec<Item>) -> PResult<()> {
        if !self.starts_type() {
            return Err(self.expected("a declaration"));
        }
        let spec = self.decl_spec()?;
        if self.eat_punct(Punct::Semi) {
            items.push(Item::TypeDecl(attrs, spec));
            return Ok(());
        }
        let first = items.len();
        loop {
            let (name, ty) = self.declarator(spec.clone())?;
            let name = name.ok_or_else(|| self.expected("a name"))?;
            let is_function = matches!(ty.kind, TypeKind::Function(..));
            if is_function && self.is_punct(Punct::Eq) {
                // `HRESULT M() = 0;`: C++'s pure-virtual marker, which widl accepts.
                self.bump();
                self.expr()?;
                items.push(Item::Declaration(Vec::new(), name, ty));
            } else if self.eat_punct(Punct::Eq) {
                // `const T NAME = expr;`: `const` qualifies the type, the item is the constant.
                let ty = match ty.kind {
                    TypeKind::Const(inner) => *inner,
                    _ => ty,
                };
                let value = self.expr()?;
                items.push(Item::Const(Const { name, ty, value }));
            } else {
                items.push(Item::Declaration(Vec::new(), name, ty));
            }
            if !self.eat_punct(Punct::Comma) {
                break;
            }
        }
        self.expect_punct(Punct::Semi)?;
        // The attributes apply to every declarator: the last one takes them, others a copy
        // (nearly every declaration has one declarator, so nothing is copied).
        let mut declared = items[first..].iter_mut().filter_map(|item| match item {
            Item::Declaration(a, ..) => Some(a),
            _ => None,
        });
        if let Some(mut last) = declared.next() {
            for next in declared {
                *last = attrs.clone();
                last = next;
            }
            *last = attrs;
        }
        Ok(())
    }

    /// `runtimeclass C { ... }`, `apicontract A {}`, `declare { ... }`: the name is kept,
    /// the body (interfaces a class implements, instances to declare) is read past.
    fn winrt_declaration(&mut self, word: &str) -> PResult<Item> {
        let start = self.bump().span;
        let kind = match word {
            "runtimeclass" => WinRtKind::RuntimeClass,
            "apicontract" => WinRtKind::ApiContract,
            _ => WinRtKind::Declare,
        };
        let name = if kind == WinRtKind::Declare {
            None
        } else {
            Some(self.ident("a name")?)
        };
        self.skip_to_body_end()?;
        Ok(Item::WinRt(kind, name, start.to(self.prev_span())))
    }

    /// `delegate HRESULT Name([in] T arg);`, or a parameterized `delegate ... Name<T>(...)`.
    fn delegate(&mut self, attrs: Vec<Attribute>, start: crate::source::Span) -> PResult<Item> {
        let ret = self.decl_spec()?;
        let name = self.ident("the delegate's name")?;
        if self.is_punct(Punct::Lt) {
            self.skip_angle_brackets()?;
            self.skip_to_body_end()?;
            return Ok(Item::WinRt(WinRtKind::Template, Some(name), start.to(self.prev_span())));
        }
        let params = self.params()?;
        self.expect_punct(Punct::Semi)?;
        Ok(Item::Delegate(Delegate {
            attrs,
            name,
            ret,
            params,
            span: start.to(self.prev_span()),
        }))
    }

    /// Skips to the end of a declaration: a `;` or a balanced `{ ... }` body.
    fn skip_to_body_end(&mut self) -> PResult<()> {
        while let Some(tok) = self.peek() {
            if tok.is_punct(Punct::Semi) {
                self.bump();
                return Ok(());
            }
            if tok.is_punct(Punct::LBrace) {
                self.skip_balanced()?;
                self.eat_punct(Punct::Semi);
                return Ok(());
            }
            self.bump();
        }
        Err(self.expected("`;` or `{`"))
    }

    fn skip_angle_brackets(&mut self) -> PResult<()> {
        let mut depth = 0usize;
        while let Some(tok) = self.peek() {
            self.bump();
            match tok.kind {
                TokenKind::Punct(Punct::Lt) => depth += 1,
                TokenKind::Punct(Punct::Gt) => depth -= 1,
                TokenKind::Punct(Punct::Shr) => depth = depth.saturating_sub(2),
                _ => {}
            }
            if depth == 0 {
                return Ok(());
            }
        }
        Err(self.expected("`>`"))
    }
}

/// A method is a declaration whose type is a function.
pub(crate) fn method_from_declaration(attrs: Vec<Attribute>, name: Ident, ty: TypeExpr) -> Option<Method> {
    let span = name.span.to(ty.span);
    match ty.kind {
        TypeKind::Function(ret, params) => Some(Method {
            attrs,
            name,
            ret: *ret,
            params,
            span,
        }),
        _ => None,
    }
}
