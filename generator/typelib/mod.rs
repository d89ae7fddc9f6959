//! Type libraries (MSFT format, what MIDL and widl write).

pub mod writer;
