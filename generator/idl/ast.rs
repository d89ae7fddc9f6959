//! The syntax tree of one MIDL file, as written: nothing is resolved here.

use std::sync::Arc;

use crate::source::Span;

/// A name as written. Names repeat (`HRESULT`, `DWORD`, `in`), so the parser interns
/// them: one allocation per distinct name in a file, not one per use.
pub type Name = Arc<str>;

#[derive(Clone, Debug, PartialEq)]
pub struct Ident {
    pub name: Name,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct StrLit {
    /// The value with escapes processed, without the quotes.
    pub value: String,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Attribute {
    pub name: Ident,
    pub args: Vec<AttrArg>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum AttrArg {
    Expr(Expr),
    /// An omitted argument, as in `size_is(, *pcb)`.
    Empty(Span),
    /// A GUID, bare or quoted, as in `uuid(...)`.
    Uuid(String, Span),
    Type(TypeExpr),
}

/// Attribute lists, searched by name (MIDL attribute names are case-sensitive).
pub trait Attrs {
    fn attrs(&self) -> &[Attribute];

    fn attr(&self, name: &str) -> Option<&Attribute> {
        self.attrs().iter().find(|a| &*a.name.name == name)
    }

    fn has(&self, name: &str) -> bool {
        self.attr(name).is_some()
    }
}

impl Attrs for [Attribute] {
    fn attrs(&self) -> &[Attribute] {
        self
    }
}

impl Attrs for Vec<Attribute> {
    fn attrs(&self) -> &[Attribute] {
        self
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// A number as written (`0x10`, `10UL`, `1.5`).
    Number(Name),
    Str(String),
    Char(String),
    Ident(Name),
    Unary(UnaryOp, Box<Expr>),
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    Ternary(Box<Expr>, Box<Expr>, Box<Expr>),
    Cast(Box<TypeExpr>, Box<Expr>),
    SizeOf(Box<TypeExpr>),
    SizeOfExpr(Box<Expr>),
    Member(Box<Expr>, String, bool),
    Index(Box<Expr>, Box<Expr>),
    Call(Box<Expr>, Vec<Expr>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    Neg,
    Plus,
    Not,
    BitNot,
    Deref,
    AddrOf,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinaryOp {
    Mul,
    Div,
    Rem,
    Add,
    Sub,
    Shl,
    Shr,
    Lt,
    Gt,
    Le,
    Ge,
    Eq,
    Ne,
    BitAnd,
    BitXor,
    BitOr,
    And,
    Or,
}

/// The built-in scalar types of MIDL.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BaseType {
    Void,
    Char,
    WChar,
    Small,
    Short,
    Int,
    Long,
    LongLong,
    Hyper,
    Int8,
    Int16,
    Int32,
    Int64,
    /// `__int3264`: 32 bits on x86, 64 on x64.
    Int3264,
    Float,
    Double,
    Byte,
    Boolean,
    HandleT,
    ErrorStatusT,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Sign {
    Signed,
    Unsigned,
}

#[derive(Clone, Debug, PartialEq)]
pub struct TypeExpr {
    pub kind: TypeKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum TypeKind {
    Base(BaseType, Option<Sign>),
    Named(Name),
    /// Bodies are shared: a declaration's type is copied into each of its declarators
    /// (`typedef struct {...} X, *PX;`), which must not copy the body.
    Struct(Arc<StructDef>),
    Union(Arc<UnionDef>),
    Enum(Arc<EnumDef>),
    SafeArray(Box<TypeExpr>),
    Const(Box<TypeExpr>),
    Pointer(Box<TypeExpr>),
    Array(Box<TypeExpr>, Option<Expr>),
    Function(Box<TypeExpr>, Vec<Param>),
    /// A WinRT parameterized type: `Windows.Foundation.IReference<INT32>`.
    Generic(String, Vec<TypeExpr>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    pub attrs: Vec<Attribute>,
    pub name: Option<Ident>,
    pub ty: TypeExpr,
    pub bits: Option<Expr>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct StructDef {
    pub tag: Option<Ident>,
    /// `None` for a reference to a tag (`struct tagX *p`), `Some` for a body.
    pub fields: Option<Vec<Field>>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct UnionArm {
    /// `case` labels; empty with `default`.
    pub cases: Vec<Expr>,
    pub is_default: bool,
    pub field: Option<Field>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct UnionDef {
    pub tag: Option<Ident>,
    /// The discriminant of an encapsulated union: `union U switch (T d) u { ... }`.
    pub switch: Option<(Box<TypeExpr>, Ident, Option<Ident>)>,
    pub arms: Option<Vec<UnionArm>>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Enumerator {
    pub name: Ident,
    pub value: Option<Expr>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct EnumDef {
    pub tag: Option<Ident>,
    pub variants: Option<Vec<Enumerator>>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    pub attrs: Vec<Attribute>,
    pub name: Option<Ident>,
    pub ty: TypeExpr,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Method {
    pub attrs: Vec<Attribute>,
    pub name: Ident,
    pub ret: TypeExpr,
    pub params: Vec<Param>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Typedef {
    pub attrs: Vec<Attribute>,
    pub decls: Vec<(Ident, TypeExpr)>,
    /// The type before the declarators, for struct/union/enum bodies declared in the typedef.
    pub base: TypeExpr,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Const {
    pub name: Ident,
    pub ty: TypeExpr,
    pub value: Expr,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Interface {
    pub attrs: Vec<Attribute>,
    pub name: Ident,
    pub base: Option<Ident>,
    pub members: Vec<Item>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Dispinterface {
    pub attrs: Vec<Attribute>,
    pub name: Ident,
    pub properties: Vec<Field>,
    pub methods: Vec<Method>,
    /// `dispinterface D { interface I; }`: the dispatch view of a dual interface.
    pub interface: Option<Ident>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CoclassMember {
    pub attrs: Vec<Attribute>,
    pub name: Ident,
    pub is_dispinterface: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Coclass {
    pub attrs: Vec<Attribute>,
    pub name: Ident,
    pub members: Vec<CoclassMember>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Library {
    pub attrs: Vec<Attribute>,
    pub name: Ident,
    pub items: Vec<Item>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ForwardKind {
    Interface,
    Dispinterface,
    Coclass,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    Import(Vec<StrLit>),
    ImportLib(StrLit),
    CppQuote(StrLit),
    /// A `#pragma` line kept for the header writer, text after `#pragma`.
    Pragma(String, Span),
    MidlPragma(Span),
    Forward(ForwardKind, Ident),
    Interface(Interface),
    Dispinterface(Dispinterface),
    Coclass(Coclass),
    Library(Library),
    /// `module M { ... }`: DLL entry points and constants.
    Module(Vec<Attribute>, Ident, Vec<Item>),
    Typedef(Typedef),
    /// A struct, union or enum declared on its own: `struct S { ... };`.
    TypeDecl(Vec<Attribute>, TypeExpr),
    Const(Const),
    /// A declaration outside an interface (a function in a module, or a variable).
    Declaration(Vec<Attribute>, Ident, TypeExpr),
    /// A WinRT `namespace a.b { ... }`.
    Namespace(Vec<Ident>, Vec<Item>),
    /// A WinRT `delegate`: an interface whose one method, `Invoke`, has this signature.
    Delegate(Delegate),
    /// WinRT declarations with no vtable of their own: `runtimeclass` (a class name),
    /// `apicontract`, parameterized interface and delegate templates (`interface
    /// IVector<T>`), `declare` blocks. The name is what other declarations may refer to.
    WinRt(WinRtKind, Option<Ident>, Span),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WinRtKind {
    RuntimeClass,
    ApiContract,
    /// A parameterized interface or delegate: `interface IVector<T>`.
    Template,
    Declare,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Delegate {
    pub attrs: Vec<Attribute>,
    pub name: Ident,
    pub ret: TypeExpr,
    pub params: Vec<Param>,
    pub span: Span,
}
