//! osc-host: does with a provider DLL what Outlook's Social Connector does, to test a
//! generated provider under Wine (the Windows lane, tests/lane) or on Windows.
//!
//! ```text
//! osc-host.exe --xml-dir DIR [--prog-id PROGID]
//! ```
//!
//! After `regsvr32 provider.dll` it finds the provider under
//! HKCU\Software\Microsoft\Office\Outlook\SocialConnector\SocialProviders, resolves its
//! ProgID to a CLSID, creates it with CoCreateInstance and runs the call sequences of
//! osc-interfaces.md 3.2, following what GetCapabilities declares. One line per step,
//! `PASS`/`FAIL`, the method and its HRESULT; exit code 1 if any step failed. Every XML
//! document received is written to DIR for schema validation.
//!
//! The interfaces are the provider's own generated bindings (see build.rs); the DLL is
//! reached through COM only, never linked. The call sequences, the report and the XML reader
//! are the generated project's host simulator (templates/osc-provider/host), so the
//! lane runs against the registered DLL what `oscgen host` runs in-process; the address
//! hashes are this crate's own (hash.rs), not the provider runtime's.

#[cfg(windows)]
mod hash;
#[cfg(windows)]
mod host;
#[cfg(windows)]
#[rustfmt::skip]
#[path = "../../../../../templates/osc-provider/host/report.rs"]
mod report;
#[cfg(windows)]
#[rustfmt::skip]
#[path = "../../../../../templates/osc-provider/host/sequence.rs"]
mod sequence;
#[cfg(windows)]
#[rustfmt::skip]
#[path = "../../../../../templates/osc-provider/host/session.rs"]
mod session;
#[cfg(windows)]
#[rustfmt::skip]
#[path = "../../../../../templates/osc-provider/host/xml.rs"]
mod xml;
#[cfg(windows)]
use harness::{com, registry};
#[cfg(windows)]
use hash::hash_address;
#[cfg(windows)]
use provider::{bindings, oleaut};

#[cfg(windows)]
#[allow(clippy::all, unused)]
mod provider {
    //! The provider's generated `bindings` and `oleaut` modules (paths written by build.rs).
    include!(concat!(env!("OUT_DIR"), "/provider_modules.rs"));
}

/// The lane checks every saved document against the OSC schema with xmllint after the run,
/// which says more than a read-back here would.
#[cfg(windows)]
fn check_document(_document: &str) -> Result<(), String> {
    Ok(())
}

fn main() {
    #[cfg(windows)]
    std::process::exit(host::main());
    #[cfg(not(windows))]
    {
        eprintln!(
            "osc-host is a Windows program: build it with --target x86_64-pc-windows-gnu, run it on Windows or Wine"
        );
        std::process::exit(2);
    }
}
