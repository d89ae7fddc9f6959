//! `installer/`: what puts the DLL on a real machine. The MSI sources for wixl (one per
//! bitness), the install and uninstall scripts, and for an OSC provider EnableDebugging.reg.
//! The MSI's registry table and the scripts' HKLM keys come from the same
//! [`Registration`] as DllRegisterServer's table and the .reg file, so none can disagree.

use askama::Template;

use crate::emit::project::{Error, render};
use crate::emit::registry::{RegData, RegKey, Registration, SOCIAL_PROVIDERS};
use crate::model::guid::Guid;

/// Where Click-to-Run Office reads its own view of HKLM.
const C2R_MACHINE: &str = r"HKLM\SOFTWARE\Microsoft\Office\ClickToRun\REGISTRY\MACHINE";

#[derive(Template)]
#[template(path = "common/installer/install.cmd", escape = "none")]
struct InstallCmd<'a> {
    dll_name: &'a str,
    what: &'a str,
    keys: &'a [String],
    keys_c2r_x64: &'a [String],
    keys_c2r_x86: &'a [String],
}

#[derive(Template)]
#[template(path = "common/installer/uninstall.cmd", escape = "none")]
struct UninstallCmd<'a> {
    dll_name: &'a str,
    what: &'a str,
    trees: &'a [String],
    trees_c2r_x64: &'a [String],
    trees_c2r_x86: &'a [String],
}

#[derive(Template)]
#[template(path = "common/installer/build-msi.sh", escape = "none")]
struct BuildMsi<'a> {
    dll_name: &'a str,
    crate_name: &'a str,
}

#[derive(Template)]
#[template(path = "common/installer/EnableDebugging.reg", escape = "none")]
struct EnableDebugging;

/// What the installer needs to know of the project.
pub struct Installer<'a> {
    pub crate_name: &'a str,
    pub dll_name: &'a str,
    /// The product's name in Windows' list of installed programs.
    pub product: &'a str,
    /// `the Social Connector provider Contoso`: what the scripts say they registered.
    pub what: &'a str,
    pub clsid: Guid,
    pub registration: &'a Registration,
}

/// The files of `installer/`, as (path, contents).
pub fn files(i: &Installer, osc: bool) -> Result<Vec<(String, Vec<u8>)>, Error> {
    let r = i.registration;
    let keys: Vec<String> = r
        .keys
        .iter()
        .flat_map(|k| reg_add("%ROOT%", &k.path, k, "%VIEW%"))
        .collect();
    let c2r = |x86: bool| -> Vec<String> {
        r.keys
            .iter()
            .flat_map(|k| {
                let path = k.path.replace("{win}", if x86 { "win32" } else { "win64" });
                reg_add(C2R_MACHINE, &c2r_path(&path, x86), k, "64")
            })
            .collect()
    };
    let c2r_trees = |x86: bool| -> Vec<String> {
        r.trees
            .iter()
            .map(|t| reg_delete(C2R_MACHINE, &c2r_path(t, x86), "64"))
            .collect()
    };
    let trees: Vec<String> = r.trees.iter().map(|t| reg_delete("%ROOT%", t, "%VIEW%")).collect();
    let install = render(
        "installer/install.cmd",
        &InstallCmd {
            dll_name: i.dll_name,
            what: i.what,
            keys: &keys,
            keys_c2r_x64: &c2r(false),
            keys_c2r_x86: &c2r(true),
        },
    )?;
    let uninstall = render(
        "installer/uninstall.cmd",
        &UninstallCmd {
            dll_name: i.dll_name,
            what: i.what,
            trees: &trees,
            trees_c2r_x64: &c2r_trees(false),
            trees_c2r_x86: &c2r_trees(true),
        },
    )?;
    let build = render(
        "installer/build-msi.sh",
        &BuildMsi {
            dll_name: i.dll_name,
            crate_name: i.crate_name,
        },
    )?;
    let mut files = vec![
        ("installer/install.cmd".to_string(), crlf(&install)),
        ("installer/uninstall.cmd".to_string(), crlf(&uninstall)),
        ("installer/build-msi.sh".to_string(), build.into_bytes()),
        ("installer/x64.wxs".to_string(), wxs(i, false).into_bytes()),
        ("installer/x86.wxs".to_string(), wxs(i, true).into_bytes()),
    ];
    if osc {
        let reg = render("installer/EnableDebugging.reg", &EnableDebugging)?;
        files.push(("installer/EnableDebugging.reg".to_string(), crlf(&reg)));
    }
    Ok(files)
}

/// cmd reads a script with LF line ends in 512-byte blocks and can then miss a label.
fn crlf(text: &str) -> Vec<u8> {
    text.replace('\n', "\r\n").into_bytes()
}

/// A key of DllRegisterServer's as Click-to-Run Office sees it in its HKLM: a 32-bit
/// Office's classes and its Software keys are where the registry redirector would put them.
fn c2r_path(path: &str, x86: bool) -> String {
    if !x86 {
        return path.to_string();
    }
    if let Some(rest) = path.strip_prefix(r"Software\Classes\CLSID\") {
        format!(r"Software\Classes\Wow6432Node\CLSID\{rest}")
    } else if path.starts_with(r"Software\Classes\") {
        // ProgIDs are shared between the views.
        path.to_string()
    } else if let Some(rest) = path.strip_prefix(r"Software\") {
        format!(r"Software\Wow6432Node\{rest}")
    } else {
        path.to_string()
    }
}

/// `reg add` lines for one key, in a script where `%DLL%` is the DLL's path.
fn reg_add(root: &str, path: &str, key: &RegKey, view: &str) -> Vec<String> {
    key.entries
        .iter()
        .map(|(name, data)| {
            let data = match data {
                RegData::String(value) => {
                    let value = cmd_quoted(value).replace("{dll}", "%DLL%").replace("{dir}", "%DLLDIR%");
                    format!("/t REG_SZ /d \"{value}\"")
                }
                RegData::Dword(value) => format!("/t REG_DWORD /d {value}"),
            };
            let name = if name.is_empty() {
                "/ve".to_string()
            } else {
                format!("/v \"{}\"", cmd_quoted(name))
            };
            // Not `|| exit /b 1`: Wine's cmd runs that after a redirected command that succeeded.
            format!(
                "reg add \"{root}\\{}\" {name} {data} /f /reg:{view} >nul\nif errorlevel 1 exit /b 1",
                // After quoting: `%WIN%` is the script's variable, not literal text.
                cmd_quoted(path).replace("{win}", "%WIN%")
            )
        })
        .collect()
}

fn reg_delete(root: &str, path: &str, view: &str) -> String {
    // A tree that is not there (never written, or removed already) is no error.
    format!("reg delete \"{root}\\{}\" /f /reg:{view} >nul 2>&1", cmd_quoted(path))
}

/// Text inside double quotes on a cmd line, as reg.exe reads it back: `%` doubled so cmd
/// keeps it, `"` escaped for reg.exe.
fn cmd_quoted(s: &str) -> String {
    s.replace('%', "%%").replace('"', "\\\"")
}

/// A GUID of the installer's own, derived from the CLSID so that regenerating the project
/// keeps it: an MSI's UpgradeCode and its component GUIDs must stay the same from one
/// version of the product to the next. The version and variant bits stay those of a
/// random (version 4) GUID.
fn derived_guid(clsid: Guid, purpose: u128) -> Guid {
    const KEEP: u128 = !((0xf_u128 << 76) | (0x3_u128 << 62));
    Guid((clsid.0 ^ (purpose & KEEP)) | (4_u128 << 76) | (2_u128 << 62))
}

/// The MSI source for one bitness: a per-user install (no elevation, as regsvr32 for the
/// current user) into `%LOCALAPPDATA%\Programs\<crate>` (wixl has no way to remove the
/// shared `Programs` folder when it is left empty), whose registry table is
/// DllRegisterServer's keys under HKCU, the DLL's path filled in by Windows Installer.
fn wxs(i: &Installer, x86: bool) -> String {
    let (arch, win64, purpose) = if x86 {
        ("x86", "no", 0x5a1e_77c3_09d2_4b6e_8f31_c0de_2b9a_6d14_u128)
    } else {
        ("x64", "yes", 0x3c9b_41e8_d6a0_4f72_9e15_7b3d_a8c2_51f0_u128)
    };
    let upgrade = derived_guid(i.clsid, 0x91d4_2f6a_b3c8_4e07_a5d9_16e2_7c4b_0f38).braced_upper();
    let component = derived_guid(i.clsid, purpose).braced_upper();
    let upgrade = upgrade.trim_matches(['{', '}']);
    let component = component.trim_matches(['{', '}']);
    let r = i.registration;
    let mut keys: Vec<&RegKey> = r.keys.iter().collect();
    if x86 {
        keys.extend(r.keys_32.iter());
    }
    let mut registry = String::new();
    for key in keys {
        for (name, data) in &key.entries {
            let name_attr = if name.is_empty() {
                String::new()
            } else {
                format!(" Name=\"{}\"", xml(&msi_formatted(name)))
            };
            // The InprocServer32 default value names the DLL: the component's key path. The
            // type library's key names it too, and its directory (`[INSTALLDIR]`).
            let (kind, value, key_path) = match data {
                RegData::Dword(value) => ("integer", value.to_string(), ""),
                RegData::String(value) => match value.as_str() {
                    "{dll}" if key.path.ends_with(r"\InprocServer32") => {
                        ("string", "[#Dll]".to_string(), " KeyPath=\"yes\"")
                    }
                    "{dll}" => ("string", "[#Dll]".to_string(), ""),
                    "{dir}" => ("string", "[INSTALLDIR]".to_string(), ""),
                    _ => ("string", msi_formatted(value), ""),
                },
            };
            let path = key.path.replace("{win}", if x86 { "win32" } else { "win64" });
            registry.push_str(&format!(
                "              <RegistryValue Root=\"HKCU\" Key=\"{}\"{name_attr} Type=\"{kind}\" Value=\"{}\"{key_path}/>\n",
                xml(&msi_formatted(&path)),
                xml(&value),
            ));
        }
    }
    let social = if r.keys.iter().any(|k| k.path.starts_with(SOCIAL_PROVIDERS)) {
        "\n  The Social Connector finds the provider by its key under SocialProviders."
    } else {
        ""
    };
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<!--
  Generated by oscgen from oscgen.toml; `oscgen generate` rewrites this file.
  The {arch} MSI of {dll}: built by installer/build-msi.sh with wixl (msitools), or with
  WiX 3 (candle -arch {arch} -dDll=... -dVersion=...). It installs for the current user,
  into %LOCALAPPDATA%\Programs\{krate}, and writes under HKCU the keys DllRegisterServer
  writes (provider.reg or server.reg lists them), with the installed DLL's path.{social}
  Uninstalling removes the DLL, its folder and every key.
-->
<Wix xmlns="http://schemas.microsoft.com/wix/2006/wi">
  <Product Id="*" Name="{product} ({arch})" Language="1033" Version="$(var.Version)"
           Manufacturer="{product}" UpgradeCode="{upgrade}">
    <Package InstallerVersion="200" Compressed="yes" InstallScope="perUser" Description="{product}"/>
    <MajorUpgrade DowngradeErrorMessage="A newer version of {product} is installed."/>
    <Media Id="1" Cabinet="product.cab" EmbedCab="yes"/>
    <Directory Id="TARGETDIR" Name="SourceDir">
      <Directory Id="LocalAppDataFolder">
        <Directory Id="ProgramsFolder" Name="Programs">
          <Directory Id="INSTALLDIR" Name="{krate}">
            <Component Id="Dll" Guid="{component}" Win64="{win64}">
              <File Id="Dll" Name="{dll}" Source="$(var.Dll)"/>
              <RemoveFolder Id="RemoveInstallDir" On="uninstall"/>
{registry}            </Component>
          </Directory>
        </Directory>
      </Directory>
    </Directory>
    <Feature Id="Main" Level="1">
      <ComponentRef Id="Dll"/>
    </Feature>
  </Product>
</Wix>
"#,
        dll = xml(i.dll_name),
        krate = xml(i.crate_name),
        product = xml(i.product),
    )
}

/// A literal in a column of MSI's Formatted type: `[` and `]` would start a property
/// reference, a leading `#` would make a registry value a number.
fn msi_formatted(s: &str) -> String {
    let escaped: String = s
        .chars()
        .map(|c| match c {
            '[' => r"[\[]".to_string(),
            ']' => r"[\]]".to_string(),
            c => c.to_string(),
        })
        .collect();
    if escaped.starts_with('#') {
        format!("#{escaped}")
    } else {
        escaped
    }
}

fn xml(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_guids_are_version_4_and_differ_by_purpose() {
        let clsid = Guid(0x3f18_666f_cbe6_4ff4_a1f4_58c1_0748_7dc6);
        let (a, b) = (derived_guid(clsid, 1 << 100), derived_guid(clsid, 1 << 20));
        assert_ne!(a, b);
        assert_eq!(a, derived_guid(clsid, 1 << 100));
        assert_eq!((a.0 >> 76) & 0xf, 4);
        assert_eq!((a.0 >> 62) & 0x3, 2);
    }

    #[test]
    fn click_to_run_paths_of_a_32_bit_office_are_redirected() {
        assert_eq!(
            c2r_path(r"Software\Classes\CLSID\{X}\InprocServer32", true),
            r"Software\Classes\Wow6432Node\CLSID\{X}\InprocServer32"
        );
        assert_eq!(
            c2r_path(r"Software\Classes\A.B\CLSID", true),
            r"Software\Classes\A.B\CLSID"
        );
        assert_eq!(
            c2r_path(r"Software\Microsoft\Office\Outlook", true),
            r"Software\Wow6432Node\Microsoft\Office\Outlook"
        );
        assert_eq!(
            c2r_path(r"Software\Microsoft\Office\Outlook", false),
            r"Software\Microsoft\Office\Outlook"
        );
    }

    #[test]
    fn a_dword_value_is_added_as_reg_dword() {
        let mut r = Registration::new("contoso.dll");
        r.office_addin("Excel", "Contoso.AddIn", "Contoso", "100% \"mail\"", 3);
        let lines = reg_add("%ROOT%", &r.keys[0].path, &r.keys[0], "%VIEW%");
        let key = r"%ROOT%\Software\Microsoft\Office\Excel\Addins\Contoso.AddIn";
        let end = "/f /reg:%VIEW% >nul\nif errorlevel 1 exit /b 1";
        assert_eq!(
            lines,
            [
                format!(r#"reg add "{key}" /v "FriendlyName" /t REG_SZ /d "Contoso" {end}"#),
                format!(r#"reg add "{key}" /v "Description" /t REG_SZ /d "100%% \"mail\"" {end}"#),
                format!(r#"reg add "{key}" /v "LoadBehavior" /t REG_DWORD /d 3 {end}"#),
            ]
        );
    }

    #[test]
    fn msi_literals_escape_brackets_and_a_leading_hash() {
        assert_eq!(msi_formatted("a[b]"), r"a[\[]b[\]]");
        assert_eq!(msi_formatted("#1"), "##1");
    }
}
