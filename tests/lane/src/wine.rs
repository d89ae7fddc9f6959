//! Windows programs under Wine: the 64-bit or 32-bit loader, registry queries in batches, and
//! the clients whose `PASS`/`FAIL` lines become the lane's checks.
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::report::Report;

pub struct Wine {
    /// The 64-bit loader: `wine cmd` and `wine reg` run with it.
    pub wine64: PathBuf,
    /// The loader of the programs of the target at hand.
    pub loader: PathBuf,
    /// `/reg:32` for a 32-bit DLL: the registry view a process of its bitness sees.
    pub regview: Option<&'static str>,
}

/// `Z:\path\to\file`: a Linux path as Wine's Windows programs see it.
pub fn winpath(p: &Path) -> String {
    format!("Z:{}", p.display().to_string().replace('/', "\\"))
}

/// Runs `program args..` with its output (both streams) to `log`, no input; the exit code.
pub fn run_logged(program: &Path, args: &[&str], log: &Path) -> i32 {
    run_logged_env(program, args, &[], log)
}

/// [`run_logged`] with variables added to the environment.
pub fn run_logged_env(program: &Path, args: &[&str], env: &[(&str, &str)], log: &Path) -> i32 {
    let out = match File::create(log) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("creating {}: {e}", log.display());
            return -1;
        }
    };
    let err = out.try_clone().expect("duplicating a file handle");
    match Command::new(program)
        .args(args)
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .status()
    {
        Ok(s) => s.code().unwrap_or(-1),
        Err(e) => {
            let _ = std::fs::write(log, format!("starting {}: {e}\n", program.display()));
            -1
        }
    }
}

pub enum RegOp {
    Query,
    Delete,
}

impl Wine {
    /// Runs a Windows program with the target's loader; its output to `log`.
    pub fn run(&self, args: &[&str], log: &Path) -> i32 {
        run_logged(&self.loader, args, log)
    }

    /// Runs a batch script through Wine's `cmd /c`, once more if Wine's cmd could not start
    /// one of its programs. Under load Wine 8 now and then fails a `CreateProcess` of
    /// `reg.exe`, which its cmd reports as "Can't recognize 'reg add ...'"; the scripts are
    /// idempotent (`reg add /f`, `reg delete`), and a second failure still fails the check.
    pub fn run_cmd(&self, script: &[&str], log: &Path) -> i32 {
        let args: Vec<&str> = ["cmd", "/c"].iter().chain(script).copied().collect();
        let rc = self.run(&args, log);
        let text = std::fs::read(log).unwrap_or_default();
        if !String::from_utf8_lossy(&text).contains("Can't recognize '") {
            return rc;
        }
        let first = log.with_extension("first.log");
        let _ = std::fs::rename(log, &first);
        println!(
            "    Wine's cmd could not start a program (log: {}); running the script again",
            first.display()
        );
        self.run(&args, log)
    }

    /// Runs it again with Wine's error channels on (`WINEDEBUG=err+all`), for a program
    /// that failed: Wine's own `err:` lines, say a DLL that does not load and why.
    pub fn errors_of(&self, args: &[&str], log: &Path) -> String {
        let out = File::create(log).and_then(|f| Ok((f.try_clone()?, f)));
        let Ok((o, e)) = out else {
            return String::new();
        };
        let _ = Command::new(&self.loader)
            .args(args)
            .env("WINEDEBUG", "err+all")
            .stdin(Stdio::null())
            .stdout(o)
            .stderr(e)
            .status();
        let text = String::from_utf8_lossy(&std::fs::read(log).unwrap_or_default()).into_owned();
        let errs: Vec<&str> = text
            .lines()
            .map(|l| l.trim_end_matches('\r'))
            .filter(|l| l.contains("err:"))
            .take(4)
            .collect();
        if errs.is_empty() {
            String::new()
        } else {
            format!("; Wine says: {}", errs.join(" | "))
        }
    }

    /// Queries or deletes many registry keys in one Wine process (a batch file): each Wine
    /// process costs 50-300 ms. A query gives, per key, whether it exists. `wine cmd` and
    /// `reg` of the 64-bit loader, in the DLL's registry view ([`Wine::regview`]).
    pub fn reg_batch(&self, file: &Path, op: RegOp, keys: &[String]) -> Vec<(bool, String)> {
        self.reg_batch_as(file, op, keys, &self.wine64, self.regview)
    }

    /// [`Wine::reg_batch`] run by `loader`'s `cmd` and `reg`, with `view` (`/reg:32`,
    /// `/reg:64` or none) on each `reg` command.
    pub fn reg_batch_as(
        &self,
        file: &Path,
        op: RegOp,
        keys: &[String],
        loader: &Path,
        view: Option<&str>,
    ) -> Vec<(bool, String)> {
        let view = view.unwrap_or("");
        let mut script = String::from("@echo off\r\n");
        for k in keys {
            match op {
                // `reg` exits 1 for a missing key; 9009 is cmd failing to start it at all.
                RegOp::Query => script.push_str(&format!(
                    "reg query \"{k}\" {view} >nul 2>&1\r\nif errorlevel 2 (echo ? {k}) else if errorlevel 1 (echo 0 {k}) else (echo 1 {k})\r\n"
                )),
                RegOp::Delete => script.push_str(&format!("reg delete \"{k}\" /f {view} >nul 2>&1\r\n")),
            }
        }
        if let Err(e) = std::fs::write(file, script) {
            eprintln!("writing {}: {e}", file.display());
            return Vec::new();
        }
        let out_file = file.with_extension("out");
        let batch = winpath(file);
        // A key whose `reg query` did not start is asked again (see [`Wine::run_cmd`]).
        let mut answers = Vec::new();
        for _ in 0..3 {
            run_logged(loader, &["cmd", "/c", &batch], &out_file);
            let out = std::fs::read(&out_file).unwrap_or_default();
            answers = String::from_utf8_lossy(&out)
                .lines()
                .filter_map(|l| {
                    let l = l.trim_end_matches('\r');
                    let (state, key) = l.split_once(' ')?;
                    let state = match state {
                        "1" => Some(true),
                        "0" => Some(false),
                        "?" => None,
                        _ => return None,
                    };
                    Some((state, key.to_string()))
                })
                .collect::<Vec<(Option<bool>, String)>>();
            // Every key answered: a batch Wine could not start at all answers none.
            if answers.len() == keys.len() && answers.iter().all(|(state, _)| state.is_some()) {
                break;
            }
        }
        // A key still unanswered counts as absent, which fails a check that expects it.
        answers
            .into_iter()
            .map(|(state, key)| (state.unwrap_or(false), key))
            .collect()
    }

    pub fn delete(&self, file: &Path, keys: &[String]) {
        self.reg_batch(file, RegOp::Delete, keys);
    }

    /// The keys of `keys` that exist.
    pub fn present(&self, file: &Path, keys: &[String]) -> Vec<String> {
        existing(self.reg_batch(file, RegOp::Query, keys))
    }

    /// The keys of `keys` that exist, as a process of the DLL's bitness (the target's
    /// loader: Outlook's bitness) sees them, in its own registry view. Under Wine 8 that is
    /// not always what the 64-bit `reg /reg:32` sees: for a 64-bit process
    /// KEY_WOW64_32KEY sends all of HKLM\Software\Classes to Classes\Wow6432Node, while
    /// a 32-bit process, as on Windows 7 and later, has only CLSID (and Interface, TypeLib,
    /// ...) redirected there and shares the ProgIDs with 64-bit processes.
    pub fn present_as_dll(&self, file: &Path, keys: &[String]) -> Vec<String> {
        existing(self.reg_batch_as(file, RegOp::Query, keys, &self.loader, self.regview))
    }

    /// The keys of `keys` that exist in the 64-bit view (`/reg:64`), whatever the DLL's
    /// bitness: Click-to-Run's `HKLM\SOFTWARE\Microsoft\Office\ClickToRun\REGISTRY`
    /// lives there for a 32-bit Office too (its own Wow6432Node keys are inside it).
    pub fn present_64(&self, file: &Path, keys: &[String]) -> Vec<String> {
        existing(self.reg_batch_as(file, RegOp::Query, keys, &self.wine64, Some("/reg:64")))
    }

    /// Deletes the keys as [`Wine::present_as_dll`] sees them.
    pub fn delete_as_dll(&self, file: &Path, keys: &[String]) {
        self.reg_batch_as(file, RegOp::Delete, keys, &self.loader, self.regview);
    }

    /// Deletes the keys as [`Wine::present_64`] sees them.
    pub fn delete_64(&self, file: &Path, keys: &[String]) {
        self.reg_batch_as(file, RegOp::Delete, keys, &self.wine64, Some("/reg:64"));
    }

    /// Sets a DWORD value under HKEY_CURRENT_USER, as `reg add` does, from a process of the
    /// DLL's bitness; whether it worked. On Windows HKCU\Software is not redirected, so a
    /// 32-bit and a 64-bit process write the same key; Wine 8 sends a 32-bit process's
    /// HKCU\Software into HKCU\Software\Wow6432Node (which the lane creates, see
    /// scripts/windows-lane.sh), so a value the 64-bit `reg` wrote there is not what a
    /// 32-bit DLL reads. Written by the target's loader, it is, under Wine as on Windows.
    pub fn set_dword(&self, key: &str, name: &str, value: u32, log: &Path) -> bool {
        let value = value.to_string();
        let args = ["reg", "add", key, "/v", name, "/t", "REG_DWORD", "/d", &value, "/f"];
        run_logged(&self.loader, &args, log) == 0
    }

    /// Deletes a value [`Wine::set_dword`] set, from the same process bitness.
    pub fn delete_value(&self, key: &str, name: &str, log: &Path) {
        run_logged(&self.loader, &["reg", "delete", key, "/v", name, "/f"], log);
    }

    /// The default value (REG_SZ) of a key, by `wine reg query KEY /ve`.
    ///
    /// `reg.exe` right after msiexec has once printed nothing for a key the next reader
    /// found in place (Wine 8, i686, under load): an empty answer is asked again, twice,
    /// a second apart, before it counts.
    pub fn default_value(&self, key: &str, log: &Path) -> Option<String> {
        let mut args = vec!["reg", "query", key, "/ve"];
        args.extend(self.regview);
        for attempt in 0..3 {
            if attempt > 0 {
                std::thread::sleep(std::time::Duration::from_secs(1));
            }
            run_logged(&self.wine64, &args, log);
            let text = std::fs::read(log).unwrap_or_default();
            let value = String::from_utf8_lossy(&text).lines().find_map(|l| {
                let i = l.find("REG_SZ")?;
                Some(l[i + 6..].trim().to_string())
            });
            if value.is_some() {
                return value;
            }
        }
        None
    }

    /// Runs a client (osc-host.exe, mapi-client.exe, probe-client.exe) and turns its
    /// PASS/FAIL lines into checks. Its closing line `<name>: N checks, M failures` must be
    /// there: a client that dies early, or a loader that starts nothing and exits 0, fails.
    pub fn run_client(&self, r: &mut Report, label: &str, log: &Path, exe: &Path, args: &[&str]) {
        self.run_client_env(r, label, log, exe, args, &[]);
    }

    /// [`Wine::run_client`] with variables added to the environment. Wine's debug channel
    /// lines (`WINEDEBUG`) stay in the log, unprinted.
    pub fn run_client_env(
        &self,
        r: &mut Report,
        label: &str,
        log: &Path,
        exe: &Path,
        args: &[&str],
        env: &[(&str, &str)],
    ) {
        let exe_arg = exe.to_string_lossy().into_owned();
        let mut all = vec![exe_arg.as_str()];
        all.extend_from_slice(args);
        let rc = run_logged_env(&self.loader, &all, env, log);
        let text = String::from_utf8_lossy(&std::fs::read(log).unwrap_or_default()).into_owned();
        let exe_name = exe
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut fails = 0;
        let mut summary = false;
        for line in text.lines().map(|l| l.trim_end_matches('\r')) {
            if let Some(rest) = line.strip_prefix("PASS ") {
                r.pass(format!("{label}: {rest}"));
            } else if let Some(rest) = line.strip_prefix("FAIL ") {
                r.fail(format!("{label}: {rest}"));
                fails += 1;
            } else if !line.is_empty() && !is_wine_debug(line) {
                println!("    {line}");
            }
            summary |= is_summary(line, &exe_name);
        }
        if !summary {
            r.fail(format!(
                "{label}: {exe_name}.exe ended (exit code {rc}) without its summary line (log: {})",
                log.display()
            ));
        } else if rc != 0 && fails == 0 {
            r.fail(format!(
                "{label}: {exe_name}.exe exited with code {rc} (log: {})",
                log.display()
            ));
        } else if rc == 0 && fails != 0 {
            r.fail(format!("{label}: {exe_name}.exe reported failures but exited with 0"));
        }
    }
}

/// The keys a query found.
fn existing(batch: Vec<(bool, String)>) -> Vec<String> {
    batch.into_iter().filter_map(|(there, k)| there.then_some(k)).collect()
}

/// `0024:warn:debugstr:OutputDebugStringA "..."`: a line of Wine's debug channels.
pub fn is_wine_debug(line: &str) -> bool {
    let mut parts = line.splitn(4, ':');
    let thread = parts.next().unwrap_or_default();
    let class = parts.next().unwrap_or_default();
    !thread.is_empty()
        && thread.bytes().all(|b| b.is_ascii_hexdigit())
        && matches!(class, "trace" | "warn" | "fixme" | "err")
}

/// `<name>: N checks, M failures`.
fn is_summary(line: &str, exe_name: &str) -> bool {
    let Some(rest) = line.strip_prefix(exe_name).and_then(|l| l.strip_prefix(": ")) else {
        return false;
    };
    let Some((checks, failures)) = rest.split_once(" checks, ") else {
        return false;
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    digits(checks) && failures.strip_suffix(" failures").is_some_and(digits)
}
