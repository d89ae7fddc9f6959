//! The WinMD front and back end: ECMA-335 metadata (Windows Metadata files, .NET interop
//! assemblies) into the model, and the model out as a .winmd file.
//!
//! Reading goes through windows-metadata's reader after [`container`] has checked every
//! offset it will follow; writing goes through its writer. Both follow the conventions
//! of the Win32 metadata that windows-bindgen reads, so a written file works with
//! windows-bindgen as it is.

pub mod apis;
pub mod container;
pub mod dispatch;
pub mod dotnet;
pub mod input;
pub mod lookup;
pub mod names;
pub mod reader;
pub mod types;
pub mod win32;
pub mod writer;

pub use input::{LoadError, is_metadata_file, read};
pub use writer::{WriteError, Written, write};
