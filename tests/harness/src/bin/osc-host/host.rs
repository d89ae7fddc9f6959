//! The Outlook side that only a DLL loaded through COM has: registry discovery and
//! CoCreateInstance. The call sequences are the generated project's host simulator
//! (templates/osc-provider/host), the same code `oscgen host` runs in-process.
use std::path::PathBuf;

use windows_core::GUID;

use crate::bindings::ISocialProvider;
use crate::com::{self, COINIT_APARTMENTTHREADED, S_OK, hr_text};
use crate::hash;
use crate::registry::{self, HklmCopy, SOCIAL_PROVIDERS};
use crate::report::Report;
use crate::sequence::{self, Settings};

struct Args {
    xml_dir: PathBuf,
    prog_id: Option<String>,
}

fn parse_args() -> Result<Args, String> {
    let mut xml_dir = None;
    let mut prog_id = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--xml-dir" => xml_dir = args.next().map(PathBuf::from),
            "--prog-id" => prog_id = args.next(),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(Args {
        xml_dir: xml_dir.ok_or("--xml-dir DIR is required")?,
        prog_id,
    })
}

pub fn main() -> i32 {
    let args = match parse_args() {
        Ok(args) => args,
        Err(e) => {
            eprintln!("osc-host: {e}\nusage: osc-host.exe --xml-dir DIR [--prog-id PROGID]");
            return 2;
        }
    };
    let mut r = Report::new(Some(args.xml_dir.clone()));
    if let Err(e) = std::fs::create_dir_all(&args.xml_dir) {
        r.check(false, format!("creating {}: {e}", args.xml_dir.display()));
    }
    let wrong = hash::self_test();
    let detail = if wrong.is_empty() {
        String::new()
    } else {
        format!(", except {wrong:?}")
    };
    r.check(
        wrong.is_empty(),
        format!("hash functions SHA1, MD5 and CRC32MD5 give the documented values for melissa@contoso.com{detail}"),
    );
    run(&mut r, &args);
    println!("osc-host: {}", r.summary());
    if r.failed == 0 { 0 } else { 1 }
}

fn run(r: &mut Report, args: &Args) {
    // Registry discovery, as Outlook does at start-up.
    let prog_ids = match registry::social_providers() {
        Ok(ids) => ids,
        Err(e) => {
            r.check(
                false,
                format!(
                    r"registry: HKCU\{SOCIAL_PROVIDERS} cannot be read: {}",
                    hr_text(e.code())
                ),
            );
            return;
        }
    };
    let wanted: Vec<String> = match &args.prog_id {
        Some(id) => prog_ids
            .iter()
            .filter(|p| p.eq_ignore_ascii_case(id))
            .cloned()
            .collect(),
        None => prog_ids.clone(),
    };
    if !r.check(
        !wanted.is_empty(),
        format!(r"registry: HKCU\{SOCIAL_PROVIDERS} lists {wanted:?} (all: {prog_ids:?})"),
    ) {
        return;
    }
    for prog_id in wanted {
        provider_by_prog_id(r, &prog_id);
    }
}

fn provider_by_prog_id(r: &mut Report, prog_id: &str) {
    let key = format!(r"{SOCIAL_PROVIDERS}\{prog_id}");
    let friendly = registry::read_string(&key, "FriendlyName");
    let url = registry::read_string(&key, "Url");
    let ok = matches!((&friendly, &url), (Ok(f), Ok(u)) if !f.is_empty() && !u.is_empty());
    let show = |value: windows_core::Result<String>| match value {
        Ok(text) => format!("{text:?}"),
        Err(e) => format!("unreadable, {}", hr_text(e.code())),
    };
    r.check(
        ok,
        format!(
            r"registry: SocialProviders\{prog_id} FriendlyName={} Url={}",
            show(friendly),
            show(url)
        ),
    );

    // ProgID -> CLSID, as CLSIDFromProgID does through HKCU\Software\Classes.
    let clsid_text = registry::read_string(&format!(r"Software\Classes\{prog_id}\CLSID"), "");
    let clsid = match clsid_text.as_ref().ok().and_then(|t| com::parse_guid(t)) {
        Some(clsid) => {
            r.check(
                true,
                format!(
                    r"registry: HKCU\Software\Classes\{prog_id}\CLSID -> {}",
                    com::braced(&clsid)
                ),
            );
            clsid
        }
        None => {
            r.check(
                false,
                format!(r"registry: HKCU\Software\Classes\{prog_id}\CLSID is {clsid_text:?}"),
            );
            return;
        }
    };
    let inproc = format!(r"Software\Classes\CLSID\{}\InprocServer32", com::braced(&clsid));
    let path = registry::read_string(&inproc, "").unwrap_or_default();
    let model = registry::read_string(&inproc, "ThreadingModel").unwrap_or_default();
    r.check(
        !path.is_empty() && model == "Both",
        format!(r"registry: HKCU\{inproc} = {path:?}, ThreadingModel={model:?} (OSC asks for Both)"),
    );

    // WINE WORKAROUND (see registry::HklmCopy): not needed, and not done, on Windows.
    let mut hklm_copy = None;
    if let Some(wine) = com::wine_version() {
        match HklmCopy::create(&com::braced(&clsid)) {
            Ok(Some(copy)) => {
                r.check(
                    true,
                    format!(
                        "Wine workaround ({wine}): per-user class copied to {} for CoCreateInstance",
                        copy.path()
                    ),
                );
                hklm_copy = Some(copy);
            }
            Ok(None) => r.info("Wine workaround: HKLM already has the class; nothing copied"),
            Err(e) => {
                r.check(
                    false,
                    format!("Wine workaround: copying the class to HKLM: {}", hr_text(e.code())),
                );
            }
        }
    }

    // SAFETY: balanced by CoUninitialize below, on this thread.
    let hr = unsafe { com::CoInitializeEx(core::ptr::null(), COINIT_APARTMENTTHREADED) };
    if r.call(hr.is_ok(), "CoInitializeEx(COINIT_APARTMENTTHREADED)", hr, "") {
        // Every interface is released when this returns, before CoUninitialize.
        sequences(r, &clsid);
        // SAFETY: matches the successful CoInitializeEx.
        unsafe { com::CoUninitialize() };
        r.check(true, "CoUninitialize, after every interface was released");
    }

    if let Some(mut copy) = hklm_copy {
        let path = copy.path();
        let removed = copy.remove();
        match removed {
            Ok(()) => r.check(true, format!("Wine workaround undone: {path} removed")),
            Err(e) => r.check(
                false,
                format!("Wine workaround not undone: removing {path}: {}", hr_text(e.code())),
            ),
        };
    }
}

/// CoCreateInstance, as Outlook creates the provider, then the sequences.
fn sequences(r: &mut Report, clsid: &GUID) {
    let what = format!(
        "CoCreateInstance({}, CLSCTX_INPROC_SERVER, ISocialProvider)",
        com::braced(clsid)
    );
    match com::create_instance::<ISocialProvider>(clsid) {
        Ok(provider) => {
            r.call(true, &what, S_OK, "");
            sequence::run(r, &provider, &Settings::default());
        }
        Err(e) => r.failed_call(&what, &e),
    }
}
