//! The provider error type OSC providers carry (templates/runtime/error.rs), tested once
//! here: each kind's HRESULT against metadata/osc.idl, the kinds `?` picks, the message
//! chain, and the message logged when the error becomes an HRESULT.

#[path = "../templates/runtime/error.rs"]
mod error;

use std::sync::Mutex;

use error::{ErrorKind, ProviderError, ProviderResult};

const KINDS: [ErrorKind; 11] = [
    ErrorKind::Fail,
    ErrorKind::InvalidArg,
    ErrorKind::OutOfMemory,
    ErrorKind::NotImplemented,
    ErrorKind::InternalError,
    ErrorKind::Version,
    ErrorKind::CouldNotConnect,
    ErrorKind::PermissionDenied,
    ErrorKind::AuthError,
    ErrorKind::NotFound,
    ErrorKind::NoChanges,
];

/// `const HRESULT OSC_E_X = 0x...;` lines of the built-in IDL.
fn idl_constants() -> Vec<(String, u32)> {
    let idl = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/metadata/osc.idl")).unwrap();
    idl.lines()
        .filter_map(|l| l.trim().strip_prefix("const HRESULT "))
        .filter_map(|l| {
            let (name, value) = l.trim_end_matches(';').split_once(" = ")?;
            let value = u32::from_str_radix(value.trim().trim_start_matches("0x"), 16).ok()?;
            Some((name.trim().to_string(), value))
        })
        .collect()
}

#[test]
fn every_kind_is_the_osc_idl_hresult_of_its_name() {
    let constants = idl_constants();
    assert!(constants.len() >= KINDS.len(), "{constants:?}");
    for kind in KINDS {
        let (_, value) = constants
            .iter()
            .find(|(name, _)| name == kind.name())
            .unwrap_or_else(|| panic!("{} is not in metadata/osc.idl", kind.name()));
        assert_eq!(kind.hresult().0 as u32, *value, "{kind}");
    }
}

fn connect() -> ProviderResult<()> {
    Err(std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused"))?;
    Ok(())
}

/// An HTTP client's error: its own type, the socket's error as its source.
#[derive(Debug)]
struct HttpError(std::io::Error);

impl std::fmt::Display for HttpError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("GET https://example.invalid/people failed")
    }
}

impl std::error::Error for HttpError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.0)
    }
}

fn fetch() -> ProviderResult<String> {
    Err(HttpError(std::io::Error::new(
        std::io::ErrorKind::TimedOut,
        "timed out",
    )))?
}

fn parse() -> ProviderResult<i32> {
    Ok("x".parse::<i32>()?)
}

#[test]
fn question_mark_picks_the_kind_from_the_source_chain() {
    assert_eq!(connect().unwrap_err().kind(), ErrorKind::CouldNotConnect);
    let err = fetch().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::CouldNotConnect);
    assert_eq!(
        err.to_string(),
        "OSC_E_COULDNOTCONNECT: GET https://example.invalid/people failed: timed out"
    );
    assert!(err.source().is_some());
    assert_eq!(parse().unwrap_err().kind(), ErrorKind::Fail);
    let denied: ProviderError = std::io::Error::from(std::io::ErrorKind::PermissionDenied).into();
    assert_eq!(denied.kind(), ErrorKind::PermissionDenied);
    let auth = fetch().unwrap_err().kind_as(ErrorKind::AuthError);
    assert_eq!(auth.kind().hresult().0 as u32, 0x8004_1404);
    let own =
        ProviderError::new(ErrorKind::NotFound, "no such person").with_source(HttpError(std::io::Error::other("404")));
    assert_eq!(
        own.to_string(),
        "OSC_E_NOT_FOUND: no such person: GET https://example.invalid/people failed: 404"
    );
}

static LOGGED: Mutex<Vec<String>> = Mutex::new(Vec::new());

struct Recorder;

impl log::Log for Recorder {
    fn enabled(&self, _: &log::Metadata) -> bool {
        true
    }
    fn log(&self, record: &log::Record) {
        LOGGED
            .lock()
            .unwrap()
            .push(format!("{} {}: {}", record.level(), record.target(), record.args()));
    }
    fn flush(&self) {}
}

fn method() -> windows_core::Result<String> {
    Ok(fetch()?)
}

#[test]
fn becoming_an_hresult_logs_the_message() {
    log::set_boxed_logger(Box::new(Recorder)).unwrap();
    log::set_max_level(log::LevelFilter::Trace);
    let err = method().unwrap_err();
    assert_eq!(err.code(), ErrorKind::CouldNotConnect.hresult());
    let logged = LOGGED.lock().unwrap();
    assert_eq!(
        logged.as_slice(),
        ["WARN provider: OSC_E_COULDNOTCONNECT: GET https://example.invalid/people failed: timed out"]
    );
}
