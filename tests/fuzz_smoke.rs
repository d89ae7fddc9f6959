//! The fuzz targets' stable-Rust stand-in (fuzz/README.md): a few thousand inputs per
//! target, mutated deterministically from the seeds in fuzz/seeds/ (byte flips,
//! truncations, splices, duplicated and deleted lines, inserted tokens), fed through the
//! same entry points as `cargo fuzz`. Each must return, Ok or Err, without panicking; an
//! Err must carry a message. A failing input is written to the temp directory and named in
//! the failure, ready to go under tests/fixtures/fuzz/<target>/.
//!
//! `OSCGEN_FUZZ_SMOKE_CASES` sets the inputs per target (default 3000), `OSCGEN_FUZZ_SMOKE_SEED`
//! the generator's seed (default fixed, so a failure reproduces).

use std::fs;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use oscgen::idl::{Input, LoadOptions};
use oscgen::source::SourceMap;

/// xorshift64*: small, deterministic, good enough to pick mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 { 0 } else { (self.next() % n as u64) as usize }
    }
}

/// Tokens worth inserting: the syntax the front ends branch on.
const TOKENS: &[&[u8]] = &[
    b"{",
    b"}",
    b"(",
    b")",
    b"[",
    b"]",
    b";",
    b",",
    b"*",
    b"\"",
    b"'",
    b"\\",
    b"/*",
    b"*/",
    b"//",
    b"#",
    b"##",
    b"\n#define A A\n",
    b"\n#define F(x) F(x) x\n",
    b"\n#if 1\n",
    b"\n#else\n",
    b"\n#endif\n",
    b"\n#include \"fuzz.idl\"\n",
    b"import \"unknwn.idl\";",
    b"import \"fuzz.idl\";",
    b"interface",
    b"coclass",
    b"library",
    b"typedef",
    b"struct",
    b"union",
    b"enum",
    b"uuid(",
    b"size_is(",
    b"iid_is(",
    b"switch_is(",
    b"[out, retval]",
    b"cpp_quote(\"",
    b"1 << 63",
    b"-1",
    b"0x7fffffffffffffff",
    b"18446744073709551616",
    b"/ 0",
    b"% 0",
    b"\0",
    b"\xff\xfe",
    b"\xef\xbb\xbf",
    b"=",
    b"[",
    b"[[",
    b"]]",
    b"\"\"\"",
    b"= {",
    b"[project]\nname = ",
    b"[provider]\n",
    b"[input]\nidl = [",
];

fn mutate(rng: &mut Rng, seeds: &[Vec<u8>], depth: usize) -> Vec<u8> {
    let mut data = seeds[rng.below(seeds.len())].clone();
    for _ in 0..=rng.below(depth) {
        match rng.below(9) {
            // Flip a few bits.
            0 => {
                for _ in 0..=rng.below(8) {
                    if !data.is_empty() {
                        let i = rng.below(data.len());
                        data[i] ^= 1 << rng.below(8);
                    }
                }
            }
            // Set a byte to an interesting value.
            1 => {
                if !data.is_empty() {
                    let i = rng.below(data.len());
                    data[i] = [0u8, 0xff, 0x7f, 0x80, b'\n', b'"', b'{', b'('][rng.below(8)];
                }
            }
            // Truncate.
            2 => {
                let n = rng.below(data.len() + 1);
                data.truncate(n);
            }
            // Splice: a prefix of this input, a suffix of another seed.
            3 => {
                let other = &seeds[rng.below(seeds.len())];
                let cut = rng.below(data.len() + 1);
                let from = rng.below(other.len() + 1);
                data.truncate(cut);
                data.extend_from_slice(&other[from..]);
            }
            // Duplicate a line (or a run of lines).
            4 => {
                let lines = line_starts(&data);
                let a = rng.below(lines.len());
                let b = (a + 1 + rng.below(4)).min(lines.len());
                let end = lines.get(b).copied().unwrap_or(data.len());
                let chunk = data[lines[a]..end].to_vec();
                let at = lines[rng.below(lines.len())];
                data.splice(at..at, chunk);
            }
            // Delete a run of lines.
            5 => {
                let lines = line_starts(&data);
                let a = rng.below(lines.len());
                let b = (a + 1 + rng.below(3)).min(lines.len());
                let end = lines.get(b).copied().unwrap_or(data.len());
                data.drain(lines[a]..end);
            }
            // Insert a token.
            6 => {
                let at = rng.below(data.len() + 1);
                let token = TOKENS[rng.below(TOKENS.len())];
                data.splice(at..at, token.iter().copied());
            }
            // Delete a byte range.
            7 => {
                if !data.is_empty() {
                    let a = rng.below(data.len());
                    let b = (a + 1 + rng.below(64)).min(data.len());
                    data.drain(a..b);
                }
            }
            // Overwrite a little-endian u32 (table sizes, offsets, counts in a PE).
            _ => {
                if data.len() >= 4 {
                    let i = rng.below(data.len() - 3);
                    let v: u32 = [0, 1, 0x7fff_ffff, 0xffff_ffff, 0x8000_0000, 0xffff, 0x1_0000][rng.below(7)];
                    data[i..i + 4].copy_from_slice(&v.to_le_bytes());
                }
            }
        }
    }
    data
}

fn line_starts(data: &[u8]) -> Vec<usize> {
    let mut starts = vec![0];
    starts.extend(
        data.iter()
            .enumerate()
            .filter(|(_, b)| **b == b'\n')
            .map(|(i, _)| i + 1),
    );
    starts.retain(|&s| s <= data.len());
    starts
}

fn read_seeds(target: &str) -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds").join(target);
    let mut paths: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    let seeds: Vec<Vec<u8>> = paths.iter().map(|p| fs::read(p).unwrap()).collect();
    assert!(!seeds.is_empty(), "no seeds in {}", dir.display());
    seeds
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn scratch(target: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("oscgen-fuzz-smoke-{target}-{}", std::process::id()));
    fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs `cases` mutated inputs through `run`; `run` returns the error's message, if any.
fn smoke(target: &str, salt: u64, depth: usize, run: impl Fn(&[u8]) -> Option<String>) {
    let seeds = read_seeds(target);
    let cases = env_number("OSCGEN_FUZZ_SMOKE_CASES", 3000);
    let mut rng = Rng(env_number("OSCGEN_FUZZ_SMOKE_SEED", 0x05c6_e4f2_2024) ^ salt | 1);
    // The seeds themselves first, unmutated.
    let mut inputs: Vec<Vec<u8>> = seeds.clone();
    inputs.extend((0..cases).map(|_| mutate(&mut rng, &seeds, depth)));
    for (n, input) in inputs.iter().enumerate() {
        match catch_unwind(AssertUnwindSafe(|| run(input))) {
            Ok(Some(message)) => assert!(
                !message.trim().is_empty(),
                "{target} input {n}: an error with no message"
            ),
            Ok(None) => {}
            Err(_) => {
                let saved = std::env::temp_dir().join(format!("oscgen-fuzz-smoke-{target}-{n}.bin"));
                fs::write(&saved, input).unwrap();
                panic!("{target}: input {n} panicked; saved to {}", saved.display());
            }
        }
    }
}

#[test]
fn idl_mutants_load_or_fail_cleanly() {
    let path = scratch("idl").join("fuzz.idl");
    smoke("idl", 1, 4, |data| {
        fs::write(&path, data).unwrap();
        let mut sources = SourceMap::new();
        oscgen::load::load_model(&mut sources, &[Input::File(path.clone())], &LoadOptions::default())
            .err()
            .map(|e| e.to_string())
    });
}

#[test]
fn winmd_mutants_load_or_fail_cleanly() {
    let path = scratch("winmd").join("fuzz.winmd");
    smoke("winmd", 2, 3, |data| {
        fs::write(&path, data).unwrap();
        let mut sources = SourceMap::new();
        oscgen::load::load_model(&mut sources, &[Input::File(path.clone())], &LoadOptions::default())
            .err()
            .map(|e| e.to_string())
    });
}

#[test]
fn typelib_mutants_load_or_fail_cleanly() {
    let path = scratch("typelib").join("fuzz.tlb");
    smoke("typelib", 4, 3, |data| {
        fs::write(&path, data).unwrap();
        let mut sources = SourceMap::new();
        oscgen::load::load_model(&mut sources, &[Input::File(path.clone())], &LoadOptions::default())
            .err()
            .map(|e| e.to_string())
    });
}

#[test]
fn config_mutants_parse_or_fail_cleanly() {
    smoke("config", 3, 4, |data| {
        let text = String::from_utf8_lossy(data);
        oscgen::project::config::Config::parse(&text, "oscgen.toml")
            .err()
            .map(|e| e.to_string())
    });
}
