//! Arbitrary text as oscgen.toml (bytes that are not UTF-8 are replaced, as a lossy read would).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = oscgen::project::config::Config::parse(&text, "oscgen.toml");
});
