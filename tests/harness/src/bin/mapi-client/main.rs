//! mapi-client: a MAPI client of a generated fake IMAPISession, in a process of its own, to
//! test the session DLL under Wine (the Windows lane, tests/lane) or on Windows.
//!
//! ```text
//! mapi-client.exe --prog-id PROGID
//! ```
//!
//! After `regsvr32 session.dll` it resolves the ProgID to a CLSID through
//! HKCU\Software\Classes, creates the session with CoCreateInstance and calls every slot of
//! IMAPISession's vtable (0..=21) by index, each through a function pointer type with the
//! signature Microsoft's MAPIX.h gives the method (ULONG_PTR where the SDK has it: 8 bytes on
//! x64, 4 on x86, where every method is stdcall), and checks the fake's documented answers.
//! One line per check, `PASS`/`FAIL`, the slot, the method and its HRESULT; exit code 1 if
//! any check failed.
//!
//! The project's generated bindings supply only IIDs, MAPI_E_* codes and the advise sink's
//! interface (see build.rs); calling by index is the point, so a slot order that differs
//! from MAPIX.h shows up as a method answering for its neighbour.

#[cfg(windows)]
use harness::{com, registry};

#[cfg(windows)]
mod client;

#[cfg(windows)]
#[allow(clippy::all, unused)]
mod session {
    //! The session project's generated `bindings` and `oleaut` modules (paths written by build.rs).
    include!(concat!(env!("OUT_DIR"), "/session_modules.rs"));
}

fn main() {
    #[cfg(windows)]
    std::process::exit(client::main());
    #[cfg(not(windows))]
    {
        eprintln!(
            "mapi-client is a Windows program: build it with --target x86_64-pc-windows-gnu (or i686-pc-windows-gnu), run it on Windows or Wine"
        );
        std::process::exit(2);
    }
}
