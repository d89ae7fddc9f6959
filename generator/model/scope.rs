//! How much of its inputs a model is built from.

/// What the model will be asked for. Front ends that cannot tell what a declaration
/// reaches without reading it all (IDL) read everything whatever the scope; a metadata
/// file is indexed, so it can be read only as far as the scope reaches.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Scope {
    /// Every interface, type and constant: what `inspect` lists.
    #[default]
    Everything,
    /// The interfaces named and everything they reach (bases, and the types and interfaces
    /// their signatures name, transitively); the constants named, and those of the user's
    /// own files. A back end that asks for nothing more gets the same output as from
    /// [`Scope::Everything`].
    Closure {
        interfaces: Vec<String>,
        constants: Vec<String>,
    },
}
