//! The call log every generated project carries (templates/runtime/trace.rs), tested once
//! here: which switch turns it on and where it then writes, and the lines a file receives
//! for each kind of call (an HRESULT, a failure, a panic with its message and location, a
//! raw return), with the provider's own warnings beside them.

#[path = "../templates/runtime/error.rs"]
mod error;
#[path = "../templates/runtime/trace.rs"]
mod trace;

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use trace::{Sinks, Switches};
use windows_core::HRESULT;

const S_OK: HRESULT = HRESULT(0);
const E_NOTIMPL: HRESULT = HRESULT(0x8000_4001_u32 as i32);
const E_UNEXPECTED: HRESULT = HRESULT(0x8000_FFFF_u32 as i32);

const DEBUG_PROVIDERS: (&str, &str) = (
    "Software\\Microsoft\\Office\\Outlook\\SocialConnector",
    "DebugProviders",
);

/// The switches of a project named `osc-provider`, with its own environment variable.
const fn switches(env: &'static str) -> Switches {
    Switches {
        name: "osc-provider",
        env,
        registry: &[("Software\\OscProvider.Provider", "Logging"), DEBUG_PROVIDERS],
        file: "OscProvider.Provider\\osc_provider.log",
    }
}

fn registry_empty(_: &str, _: &str) -> Option<u32> {
    None
}

fn debug_providers_on(key: &str, name: &str) -> Option<u32> {
    ((key, name) == DEBUG_PROVIDERS).then_some(1)
}

fn logging_zero(key: &str, _: &str) -> Option<u32> {
    (key == "Software\\OscProvider.Provider").then_some(0)
}

fn set_env(name: &str, value: impl AsRef<std::ffi::OsStr>) {
    // SAFETY: each test sets only variables of its own, and LOCALAPPDATA is set once, by the
    // one test that reads it; nothing in these tests reads the environment through libc.
    unsafe { std::env::set_var(name, value) };
}

#[test]
fn the_switches_decide_whether_and_where() {
    let local = Path::new(env!("CARGO_TARGET_TMPDIR")).join("trace-local");
    set_env("LOCALAPPDATA", &local);
    let default_file = Some(local.join("OscProvider.Provider").join("osc_provider.log"));
    let on_registry = Some(Sinks {
        debugger: true,
        file: default_file.clone(),
    });

    // Off by default: no variable, no registry value.
    let unset = switches("OSCGEN_TRACE_TEST_UNSET");
    assert_eq!(trace::sinks(&unset, registry_empty), None);
    assert_eq!(trace::sinks(&unset, logging_zero), None);
    // DebugProviders (or the project's own value) turns it on: OutputDebugString and the file.
    assert_eq!(trace::sinks(&unset, debug_providers_on), on_registry);

    // An empty variable is no variable.
    let empty = switches("OSCGEN_TRACE_TEST_EMPTY");
    set_env(empty.env, "");
    assert_eq!(trace::sinks(&empty, debug_providers_on), on_registry);

    // `0` wins over the registry: a test can keep the log off on a machine that has it on.
    let zero = switches("OSCGEN_TRACE_TEST_ZERO");
    set_env(zero.env, "0");
    assert_eq!(trace::sinks(&zero, debug_providers_on), None);

    let one = switches("OSCGEN_TRACE_TEST_ONE");
    set_env(one.env, "1");
    assert_eq!(trace::sinks(&one, registry_empty), on_registry);

    let path = switches("OSCGEN_TRACE_TEST_PATH");
    set_env(path.env, "some/where.log");
    assert_eq!(
        trace::sinks(&path, registry_empty),
        Some(Sinks {
            debugger: cfg!(windows),
            file: Some(PathBuf::from("some/where.log")),
        })
    );
}

#[test]
fn timestamps_are_utc_calendar_dates() {
    let at = |secs: u64, millis: u64| {
        let mut s = String::new();
        trace::timestamp(
            &mut s,
            SystemTime::UNIX_EPOCH + Duration::from_millis(secs * 1000 + millis),
        );
        s
    };
    assert_eq!(at(0, 0), "1970-01-01T00:00:00.000Z");
    assert_eq!(at(951_782_400, 5), "2000-02-29T00:00:00.005Z");
    assert_eq!(at(951_868_799, 999), "2000-02-29T23:59:59.999Z");
    assert_eq!(at(1_709_251_199, 0), "2024-02-29T23:59:59.000Z");
    assert_eq!(at(4_102_444_800, 120), "2100-01-01T00:00:00.120Z");
}

fn fetch() -> error::ProviderResult<()> {
    Err(std::io::Error::new(std::io::ErrorKind::TimedOut, "timed out"))?;
    Ok(())
}

/// The only test that installs the logger: a process has one.
#[test]
fn a_file_receives_every_call_with_its_hresult_duration_and_panic() {
    // Off: the calls behave the same, and nothing is written.
    assert_eq!(trace::call("IProbe", "Off", || S_OK), S_OK);
    assert_eq!(trace::call("IProbe", "OffPanic", || panic!("unseen")), E_UNEXPECTED);
    assert_eq!(
        trace::call_raw("IProbe", "OffRaw", || -> u32 { panic!("unseen") }, || 0),
        0
    );

    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("trace-{}", std::process::id()));
    let file = dir.join("logs").join("provider.log");
    let on = switches("OSCGEN_TRACE_TEST_FILE");
    set_env(on.env, &file);
    trace::install(&on, registry_empty);
    // Once per process: a second object does not open the file again.
    trace::install(&on, registry_empty);

    assert_eq!(trace::call("ISocialProvider", "GetCapabilities", || S_OK), S_OK);
    assert_eq!(trace::call("ISocialSession", "GetActivities", || E_NOTIMPL), E_NOTIMPL);
    assert_eq!(
        trace::call("ISocialPerson", "GetDetails", || panic!("no details for {}", "ann")),
        E_UNEXPECTED
    );
    assert_eq!(
        trace::call("ISocialPerson", "GetPicture", || panic!("static text")),
        E_UNEXPECTED
    );
    assert_eq!(trace::call_raw("ICounter", "Count", || 7u32, || 0), 7);
    assert_eq!(
        trace::call_raw("ICounter", "Broken", || -> u32 { panic!("overflow") }, || 0),
        0
    );
    let err: windows_core::Error = fetch().unwrap_err().into();
    assert_eq!(err.code(), error::ErrorKind::CouldNotConnect.hresult());
    log::debug!(target: "provider", "a debug line");
    log::trace!(target: "provider", "too fine to keep");

    let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let lines: Vec<&str> = text.lines().collect();
    let line = |needle: &str| {
        lines
            .iter()
            .find(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("no line with {needle:?} in:\n{text}"))
    };
    for l in &lines {
        // `2026-01-31T23:59:59.123Z osc-provider ThreadId(2) INFO  com: ...`
        let (time, rest) = l.split_at(24);
        assert!(
            time.starts_with("20") && time.ends_with('Z') && time.as_bytes()[10] == b'T',
            "{l}"
        );
        assert!(rest.starts_with(" osc-provider ThreadId("), "{l}");
    }
    assert!(
        lines[0].contains(&format!(" INFO  com: log on, pid {}, file ", std::process::id())),
        "{text}"
    );
    assert!(lines[0].contains(&file.display().to_string()), "{text}");

    let duration = |l: &str| {
        let d = l.rsplit(" in ").next().unwrap();
        assert!(d.ends_with('s') && d.starts_with(|c: char| c.is_ascii_digit()), "{l}");
    };
    let ok = line("ISocialProvider::GetCapabilities");
    assert!(
        ok.contains(" INFO  com: ISocialProvider::GetCapabilities -> 0x00000000 in "),
        "{ok}"
    );
    duration(ok);
    let failed = line("ISocialSession::GetActivities");
    assert!(failed.contains("-> 0x80004001 in "), "{failed}");
    duration(failed);
    let panicked = line("ISocialPerson::GetDetails");
    assert!(
        panicked.contains(" ERROR com: ISocialPerson::GetDetails panicked at "),
        "{panicked}"
    );
    assert!(panicked.contains("runtime_trace.rs:"), "{panicked}");
    assert!(
        panicked.contains(": no details for ann -> 0x8000FFFF in "),
        "{panicked}"
    );
    duration(panicked);
    assert!(
        line("ISocialPerson::GetPicture").contains(": static text -> 0x8000FFFF in "),
        "{text}"
    );
    let raw = line("ICounter::Count");
    assert!(raw.contains("ICounter::Count returned in "), "{raw}");
    let raw_panic = line("ICounter::Broken");
    assert!(
        raw_panic.contains("panicked at ") && raw_panic.contains(": overflow in "),
        "{raw_panic}"
    );
    assert!(
        line("OSC_E_COULDNOTCONNECT").contains(" WARN  provider: OSC_E_COULDNOTCONNECT: timed out"),
        "{text}"
    );
    assert!(line("a debug line").contains(" DEBUG provider: "), "{text}");
    assert!(
        !text.contains("too fine") && !text.contains("unseen") && !text.contains("IProbe"),
        "{text}"
    );
    assert_eq!(lines.iter().filter(|l| l.contains("log on")).count(), 1, "{text}");
}
