//! The two Windows targets of the lane.
use object::Architecture;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    X64,
    X86,
}

impl Target {
    pub const ALL: [Target; 2] = [Target::X64, Target::X86];

    pub fn parse(triple: &str) -> Option<Target> {
        Target::ALL.into_iter().find(|t| t.triple() == triple)
    }

    pub fn triple(self) -> &'static str {
        match self {
            Target::X64 => "x86_64-pc-windows-gnu",
            Target::X86 => "i686-pc-windows-gnu",
        }
    }

    pub fn arch(self) -> &'static str {
        match self {
            Target::X64 => "x86_64",
            Target::X86 => "i686",
        }
    }

    /// The mingw-w64 tool prefix (`x86_64-w64-mingw32-gcc`, ...).
    pub fn mingw(self) -> &'static str {
        match self {
            Target::X64 => "x86_64-w64-mingw32",
            Target::X86 => "i686-w64-mingw32",
        }
    }

    /// The machine a DLL of this target is for, as `object` names it, and as the PE header does.
    pub fn machine(self) -> (Architecture, &'static str) {
        match self {
            Target::X64 => (Architecture::X86_64, "IMAGE_FILE_MACHINE_AMD64"),
            Target::X86 => (Architecture::I386, "IMAGE_FILE_MACHINE_I386"),
        }
    }
}
