//! The Outlook side: registry discovery, CoCreateInstance, and the call sequences of
//! osc-interfaces.md 3.2, driven by what the provider's capabilities declare.
use std::collections::BTreeSet;
use std::path::PathBuf;

use windows_core::{GUID, HRESULT, Interface};

use crate::com::{
    self, COINIT_APARTMENTTHREADED, E_FAIL, E_NOTIMPL, OSC_E_AUTH_ERROR, OSC_E_NO_CHANGES, OSC_E_NOT_FOUND, S_OK, code,
    hr_text,
};
use crate::hash;
use crate::provider::bindings::{ISocialPerson, ISocialProfile, ISocialProvider, ISocialSession, ISocialSession2};
use crate::provider::oleaut::{BSTR, SAFEARRAY, bstr_array, bstr_to_string, destroy, read_bstr_array, read_byte_array};
use crate::registry::{self, HklmCopy, SOCIAL_PROVIDERS};
use crate::xml::{self, Element, OSC_NAMESPACE};

/// What Outlook 2013 passes to Load.
const INTERFACE_VERSION: &str = "15.0.4420.1017";
const LANGUAGE: &str = "en-US";
const USER: &str = "melissa";
const PASSWORD: &str = "osc-host P@ssw0rd";

/// The people a People Pane refresh asks about: index and SMTP addresses (one person may have
/// several). The last one is unknown to any network.
const PEOPLE: &[(i32, &[&str])] = &[
    (0, &["melissa@contoso.com"]),
    (1, &["Kim.Akers@Contoso.com ", "kim@fabrikam.com"]),
    (2, &["nobody@example.invalid"]),
];
/// Who "Add" follows.
const FOLLOW: (&str, &str) = ("kim.akers@contoso.com", "Kim Akers");

const BOOLEANS: &[&str] = &[
    "getFriends",
    "cacheFriends",
    "followPerson",
    "doNotFollowPerson",
    "getActivities",
    "cacheActivities",
    "dynamicActivitiesLookup",
    "displayUrl",
    "useLogonWebAuth",
    "hideHyperlinks",
    "supportsAutoConfigure",
    "dynamicActivitiesLookupEx",
    "dynamicContactsLookup",
    "useLogonCached",
    "hideRememberMyPassword",
    "showOnDemandActivitiesWhenMinimized",
    "showOnDemandContactsWhenMinimized",
    "allowChangesToAutoConfigure",
];

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

struct Report {
    passed: usize,
    failed: usize,
    documents: usize,
    xml_dir: PathBuf,
}

impl Report {
    fn check(&mut self, ok: bool, text: impl AsRef<str>) -> bool {
        println!("{} {}", if ok { "PASS" } else { "FAIL" }, text.as_ref());
        if ok {
            self.passed += 1;
        } else {
            self.failed += 1;
        }
        ok
    }

    /// `PASS what -> S_OK (0x00000000): detail`.
    fn call(&mut self, ok: bool, what: &str, hr: HRESULT, detail: impl AsRef<str>) -> bool {
        let detail = detail.as_ref();
        let sep = if detail.is_empty() { "" } else { ": " };
        self.check(ok, format!("{what} -> {}{sep}{detail}", hr_text(hr)))
    }

    /// A failed call that the sequence needed.
    fn failed_call(&mut self, what: &str, error: &windows_core::Error) {
        self.call(false, what, error.code(), "");
    }

    fn info(&self, text: impl AsRef<str>) {
        println!("  {}", text.as_ref());
    }

    /// Writes a received document to the XML directory, in the encoding its declaration names.
    fn save(&mut self, what: &str, document: &str) {
        self.documents += 1;
        let path = self.xml_dir.join(format!("{:02}-{what}.xml", self.documents));
        let body = document.trim_start_matches('\u{FEFF}');
        let declaration = if body.starts_with("<?xml") {
            body.split("?>").next().unwrap_or("")
        } else {
            ""
        };
        let utf16 = declaration.to_ascii_lowercase().contains("utf-16");
        let bytes: Vec<u8> = if utf16 {
            let mut bytes = vec![0xFF, 0xFE];
            for unit in body.encode_utf16() {
                bytes.extend_from_slice(&unit.to_le_bytes());
            }
            bytes
        } else {
            document.as_bytes().to_vec()
        };
        if let Err(e) = std::fs::write(&path, bytes) {
            self.check(false, format!("writing {}: {e}", path.display()));
        }
    }
}

pub fn main() -> i32 {
    let args = match parse_args() {
        Ok(args) => args,
        Err(e) => {
            eprintln!("osc-host: {e}\nusage: osc-host.exe --xml-dir DIR [--prog-id PROGID]");
            return 2;
        }
    };
    let mut r = Report {
        passed: 0,
        failed: 0,
        documents: 0,
        xml_dir: args.xml_dir.clone(),
    };
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
    println!("osc-host: {} checks, {} failures", r.passed + r.failed, r.failed);
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

/// What the capabilities document declares.
struct Capabilities {
    flags: Vec<(String, bool)>,
    hash_function: Option<String>,
}

impl Capabilities {
    /// Omitted elements count as false (osc-interfaces.md 2.2).
    fn get(&self, name: &str) -> bool {
        self.flags.iter().any(|(n, v)| n == name && *v)
    }

    fn parse(document: &str) -> Result<Capabilities, String> {
        let root = osc_root(document, "capabilities")?;
        let mut caps = Capabilities {
            flags: Vec::new(),
            hash_function: None,
        };
        for child in &root.children {
            let text = child.text.trim();
            if BOOLEANS.contains(&child.name.as_str()) {
                let value = xml::boolean(text).ok_or_else(|| format!("<{}> is {text:?}, not a boolean", child.name))?;
                caps.flags.push((child.name.clone(), value));
            } else if child.name == "hashFunction" {
                if !matches!(text, "SHA1" | "MD5" | "CRC32MD5") {
                    return Err(format!("hashFunction {text:?} is not SHA1, MD5 or CRC32MD5"));
                }
                caps.hash_function = Some(text.to_string());
            }
        }
        if (caps.get("dynamicContactsLookup") || caps.get("dynamicActivitiesLookupEx")) && caps.hash_function.is_none()
        {
            return Err("dynamic lookups are declared without the hashFunction they need".into());
        }
        Ok(caps)
    }

    fn summary(&self) -> String {
        let on: Vec<&str> = self.flags.iter().filter(|(_, v)| *v).map(|(n, _)| n.as_str()).collect();
        format!(
            "{} true; hashFunction={}",
            on.join(", "),
            self.hash_function.as_deref().unwrap_or("(none)")
        )
    }
}

/// Parses an OSC document and checks its root element and namespace.
fn osc_root(document: &str, root: &str) -> Result<Element, String> {
    let element = xml::parse(document)?;
    if element.name != root || element.namespace.as_deref() != Some(OSC_NAMESPACE) {
        return Err(format!(
            "root is <{}> in namespace {:?}, expected <{root}> in {OSC_NAMESPACE}",
            element.name, element.namespace
        ));
    }
    Ok(element)
}

/// A `person` document's userID.
fn person_user_id(document: &str) -> Result<String, String> {
    let person = osc_root(document, "person")?;
    match person.child_text("userID") {
        Some(id) if !id.is_empty() => Ok(id.to_string()),
        _ => Err("the person has no userID".into()),
    }
}

fn image_kind(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("PNG")
    } else if bytes.starts_with(b"\xFF\xD8\xFF") {
        Some("JPEG")
    } else if bytes.starts_with(b"BM") {
        Some("BMP")
    } else {
        None
    }
}

/// Reads and frees a returned SAFEARRAY(unsigned char).
fn take_bytes(array: *mut SAFEARRAY) -> windows_core::Result<Vec<u8>> {
    // SAFETY: the callee handed the array over to us; it is freed once here.
    unsafe {
        let bytes = read_byte_array(array);
        destroy(array);
        bytes
    }
}

/// Builds a SAFEARRAY(BSTR) for an [in] argument, calls `f`, and frees it.
fn with_bstr_array<T>(items: &[&str], f: impl FnOnce(*mut SAFEARRAY) -> T) -> windows_core::Result<T> {
    let array = bstr_array(items)?;
    let result = f(array);
    // SAFETY: we created it; [in] arrays stay the caller's.
    unsafe { destroy(array) };
    Ok(result)
}

/// Now, as an OLE Automation DATE in UTC.
fn ole_now() -> f64 {
    let unix = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or_default();
    25_569.0 + unix / 86_400.0
}

fn sequences(r: &mut Report, clsid: &GUID) {
    let what = format!(
        "CoCreateInstance({}, CLSCTX_INPROC_SERVER, ISocialProvider)",
        com::braced(clsid)
    );
    let provider: ISocialProvider = match com::create_instance(clsid) {
        Ok(provider) => {
            r.call(true, &what, S_OK, "");
            provider
        }
        Err(e) => return r.failed_call(&what, &e),
    };
    // SAFETY (every call below): live interfaces, valid BSTRs and arrays; results are owned
    // wrappers or arrays freed with take_bytes / destroy.
    unsafe {
        // Start-up (osc-interfaces.md 3.2, steps 1-6).
        let what = format!("Load({INTERFACE_VERSION:?}, {LANGUAGE:?})");
        if let Err(e) = provider.Load(&BSTR::from(INTERFACE_VERSION), &BSTR::from(LANGUAGE)) {
            return r.failed_call(&what, &e);
        }
        r.call(true, &what, S_OK, "");

        match provider.get_Version() {
            Ok(v) => {
                let v = bstr_to_string(&v);
                let mut parts = v.split('.');
                let major_minor = parts.next().is_some_and(|p| p.parse::<u32>().is_ok())
                    && parts.next().is_some_and(|p| p.parse::<u32>().is_ok());
                r.call(
                    major_minor,
                    "get_Version",
                    S_OK,
                    format!("{v:?} (\"Major.Minor\" expected)"),
                );
            }
            Err(e) => r.failed_call("get_Version", &e),
        }
        match provider.get_SocialNetworkName() {
            Ok(name) => {
                let name = bstr_to_string(&name);
                r.call(
                    !name.trim().is_empty(),
                    "get_SocialNetworkName",
                    S_OK,
                    format!("{name:?}"),
                );
            }
            Err(e) => r.failed_call("get_SocialNetworkName", &e),
        }
        let network_guid = provider.get_SocialNetworkGuid();
        match &network_guid {
            Ok(guid) => {
                r.call(
                    *guid != GUID::zeroed(),
                    "get_SocialNetworkGuid",
                    S_OK,
                    com::braced(guid),
                );
            }
            Err(e) => r.failed_call("get_SocialNetworkGuid", e),
        }

        let caps = match provider.GetCapabilities() {
            Ok(document) => {
                let document = bstr_to_string(&document);
                r.save("GetCapabilities", &document);
                match Capabilities::parse(&document) {
                    Ok(caps) => {
                        r.call(true, "GetCapabilities", S_OK, caps.summary());
                        caps
                    }
                    Err(e) => {
                        r.call(false, "GetCapabilities", S_OK, e);
                        return;
                    }
                }
            }
            Err(e) => return r.failed_call("GetCapabilities", &e),
        };

        match provider.get_SocialNetworkIcon().and_then(take_bytes) {
            Ok(bytes) => {
                let kind = image_kind(&bytes);
                r.call(
                    kind.is_some(),
                    "get_SocialNetworkIcon",
                    S_OK,
                    format!(
                        "{} bytes of {}",
                        bytes.len(),
                        kind.unwrap_or("neither PNG, JPEG nor BMP")
                    ),
                );
            }
            Err(e) => r.failed_call("get_SocialNetworkIcon", &e),
        }
        // The account dialog shows element [0].
        match provider.get_DefaultSiteUrls() {
            Ok(array) => {
                let urls = read_bstr_array(array);
                destroy(array);
                let ok = urls.as_ref().is_ok_and(|u| u.first().is_some_and(|u| !u.is_empty()));
                let detail = match urls {
                    Ok(urls) => format!("{urls:?}"),
                    Err(e) => format!("unreadable SAFEARRAY(BSTR), {}", hr_text(e.code())),
                };
                r.call(ok, "get_DefaultSiteUrls", S_OK, detail);
            }
            Err(e) => {
                let ok = e.code() == E_NOTIMPL;
                r.call(ok, "get_DefaultSiteUrls", e.code(), "E_NOTIMPL is allowed");
            }
        }

        if caps.get("supportsAutoConfigure") {
            match provider.GetAutoConfiguredSession() {
                Ok(session) => {
                    let user = session.GetLoggedOnUser();
                    r.call(
                        user.is_ok(),
                        "GetAutoConfiguredSession + GetLoggedOnUser",
                        code(&user),
                        "already logged on",
                    );
                }
                Err(e) => r.failed_call("GetAutoConfiguredSession (supportsAutoConfigure=true)", &e),
            }
        }

        let Some(session) = logon(r, &provider, &caps) else {
            return;
        };
        logged_on(r, &session, &caps);

        // The network GUID keys Outlook's cached data: it must not change.
        let again = provider.get_SocialNetworkGuid();
        match (&network_guid, &again) {
            (Ok(first), Ok(second)) => {
                r.call(first == second, "get_SocialNetworkGuid (again)", S_OK, "unchanged");
            }
            (_, Err(e)) => r.failed_call("get_SocialNetworkGuid (again)", e),
            _ => {}
        }
    }
}

/// GetSession and the logon the capabilities ask for. Returns the logged-on session.
unsafe fn logon(r: &mut Report, provider: &ISocialProvider, caps: &Capabilities) -> Option<ISocialSession> {
    unsafe {
        let session = match provider.GetSession() {
            Ok(session) => {
                r.call(true, "GetSession", S_OK, "");
                session
            }
            Err(e) => {
                r.failed_call("GetSession", &e);
                return None;
            }
        };
        if caps.get("useLogonCached") {
            // Cached credentials: first logon with user name and password; Outlook stores
            // connectOut and passes it back as connectIn at its next start.
            let session2 = match session.cast::<ISocialSession2>() {
                Ok(s) => s,
                Err(e) => {
                    r.call(false, "QueryInterface(ISocialSession2) for LogonCached", e.code(), "");
                    return None;
                }
            };
            let what = format!("LogonCached(\"\", {USER:?}, <password>)");
            let token = match session2.LogonCached(&BSTR::new(), &BSTR::from(USER), &BSTR::from(PASSWORD)) {
                Ok(token) => bstr_to_string(&token),
                Err(e) => {
                    r.failed_call(&what, &e);
                    return None;
                }
            };
            let ok = !token.is_empty() && !token.contains(PASSWORD);
            r.call(
                ok,
                &what,
                S_OK,
                format!(
                    "connectOut of {} characters, not empty, without the password",
                    token.chars().count()
                ),
            );
            // Outlook's next start: a new session, logged on with the stored connectOut.
            let next = match provider
                .GetSession()
                .and_then(|s| s.cast::<ISocialSession2>().map(|s2| (s, s2)))
            {
                Ok(pair) => pair,
                Err(e) => {
                    r.failed_call("GetSession + QueryInterface(ISocialSession2) (next start)", &e);
                    return None;
                }
            };
            let what = format!("LogonCached(<first connectOut>, {USER:?}, \"\") on a new session");
            match next
                .1
                .LogonCached(&BSTR::from(token.as_str()), &BSTR::from(USER), &BSTR::new())
            {
                Ok(out) => {
                    let out = bstr_to_string(&out);
                    let same = if out == token { "the same" } else { "a renewed" };
                    r.call(!out.is_empty(), &what, S_OK, format!("{same} connectOut"));
                    Some(next.0)
                }
                Err(e) => {
                    r.failed_call(&what, &e);
                    None
                }
            }
        } else if caps.get("useLogonWebAuth") {
            // Forms-based: the first LogonWeb must refuse, then Outlook shows GetLogonUrl.
            let first = session.LogonWeb(&BSTR::new());
            let hr = code(&first);
            r.call(
                hr == OSC_E_AUTH_ERROR,
                "LogonWeb(null)",
                hr,
                "OSC_E_AUTH_ERROR expected",
            );
            let url = match session.GetLogonUrl() {
                Ok(url) if !url.is_empty() => bstr_to_string(&url),
                Ok(_) => {
                    r.call(false, "GetLogonUrl", S_OK, "empty URL");
                    return None;
                }
                Err(e) => {
                    r.failed_call("GetLogonUrl", &e);
                    return None;
                }
            };
            r.call(true, "GetLogonUrl", S_OK, format!("{url:?}"));
            match session.LogonWeb(&BSTR::from(url.as_str())) {
                Ok(out) => {
                    r.call(
                        true,
                        "LogonWeb(<logon URL>)",
                        S_OK,
                        format!("connectOut of {} characters", out.len()),
                    );
                    Some(session)
                }
                Err(e) => {
                    r.failed_call("LogonWeb(<logon URL>)", &e);
                    None
                }
            }
        } else {
            let what = format!("Logon({USER:?}, <password>)");
            match session.Logon(&BSTR::from(USER), &BSTR::from(PASSWORD)) {
                Ok(()) => {
                    r.call(true, &what, S_OK, "basic authentication");
                    Some(session)
                }
                Err(e) => {
                    r.failed_call(&what, &e);
                    None
                }
            }
        }
    }
}

/// Everything Outlook does with a logged-on session.
unsafe fn logged_on(r: &mut Report, session: &ISocialSession, caps: &Capabilities) {
    unsafe {
        // The logged-on user: GetLoggedOnUser, then GetDetails, an ISocialPerson method
        // (vtable slot 8) called on the ISocialProfile.
        let mut profile_id = None;
        match session.GetLoggedOnUser() {
            Ok(profile) => {
                r.call(true, "GetLoggedOnUser", S_OK, "");
                let profile: ISocialProfile = profile;
                match profile.GetDetails() {
                    Ok(document) => {
                        let document = bstr_to_string(&document);
                        r.save("GetDetails-LoggedOnUser", &document);
                        match person_user_id(&document) {
                            Ok(id) => {
                                r.call(
                                    true,
                                    "GetDetails (ISocialPerson slot 8 on the ISocialProfile)",
                                    S_OK,
                                    format!("userID {id:?}"),
                                );
                                profile_id = Some(id);
                            }
                            Err(e) => {
                                r.call(
                                    false,
                                    "GetDetails (ISocialPerson slot 8 on the ISocialProfile)",
                                    S_OK,
                                    e,
                                );
                            }
                        }
                    }
                    Err(e) => r.failed_call("GetDetails (ISocialPerson slot 8 on the ISocialProfile)", &e),
                }
            }
            Err(e) => r.failed_call("GetLoggedOnUser", &e),
        }
        let identifier = session.GetNetworkIdentifier();
        let hr = code(&identifier);
        r.call(
            hr == S_OK || hr == E_NOTIMPL,
            "GetNetworkIdentifier",
            hr,
            identifier
                .map(|i| format!("{:?}", bstr_to_string(&i)))
                .unwrap_or_else(|_| "E_NOTIMPL is allowed".into()),
        );
        let user_id = match session.get_LoggedOnUserID() {
            Ok(id) => {
                let id = bstr_to_string(&id);
                let matches = profile_id.as_deref().is_none_or(|p| p == id);
                r.call(
                    !id.is_empty() && matches,
                    "get_LoggedOnUserID",
                    S_OK,
                    format!("{id:?}, the logged-on profile's userID is {profile_id:?}"),
                );
                Some(id)
            }
            Err(e) => {
                r.failed_call("get_LoggedOnUserID", &e);
                None
            }
        };
        match session.get_LoggedOnUserName() {
            Ok(name) => {
                let name = bstr_to_string(&name);
                r.call(!name.is_empty(), "get_LoggedOnUserName", S_OK, format!("{name:?}"));
            }
            Err(e) => r.failed_call("get_LoggedOnUserName", &e),
        }

        let session2 = session.cast::<ISocialSession2>();
        let needs_session2 =
            caps.get("dynamicContactsLookup") || caps.get("dynamicActivitiesLookupEx") || caps.get("useLogonCached");
        let hr = code(&session2);
        r.call(
            session2.is_ok() || !needs_session2,
            "QueryInterface(ISocialSession2)",
            hr,
            if needs_session2 {
                "the capabilities need it"
            } else {
                "optional for these capabilities"
            },
        );
        let session2 = session2.ok();

        if caps.get("getFriends") && caps.get("cacheFriends") {
            cached_friends(r, session, user_id.as_deref());
        } else {
            r.info("cached friends: not declared (getFriends and cacheFriends), Outlook does not sync contacts");
        }

        let hash_function = caps.hash_function.clone().unwrap_or_default();
        let hashes: Vec<(i32, Vec<String>)> = PEOPLE
            .iter()
            .map(|(index, addresses)| {
                let hashes = addresses
                    .iter()
                    .filter_map(|a| hash::hash_address(&hash_function, a))
                    .collect();
                (*index, hashes)
            })
            .collect();
        if let (true, Some(session2)) = (caps.get("dynamicContactsLookup"), &session2) {
            on_demand_friends(r, session2, &hash_function, &hashes);
        } else {
            r.info("on-demand friends: dynamicContactsLookup not declared, Outlook does not call GetPeopleDetails");
        }
        if let (true, true, Some(session2)) = (
            caps.get("getActivities"),
            caps.get("dynamicActivitiesLookupEx"),
            &session2,
        ) {
            activities(r, session, session2, &hashes);
        } else {
            r.info("activities: getActivities + dynamicActivitiesLookupEx not declared, Outlook does not call GetActivitiesEx");
        }
        follow(r, session, session2.as_ref(), caps);
    }
}

/// Cached friends: GetPerson(LoggedOnUserID), GetFriendsAndColleagues, then each friend.
unsafe fn cached_friends(r: &mut Report, session: &ISocialSession, user_id: Option<&str>) {
    unsafe {
        let Some(user_id) = user_id else { return };
        let me = match session.GetPerson(&BSTR::from(user_id)) {
            Ok(me) => {
                r.call(true, &format!("GetPerson({user_id:?})"), S_OK, "");
                me
            }
            Err(e) => return r.failed_call(&format!("GetPerson({user_id:?})"), &e),
        };
        let document = match me.GetFriendsAndColleagues() {
            Ok(d) => bstr_to_string(&d),
            Err(e) => return r.failed_call("GetFriendsAndColleagues", &e),
        };
        r.save("GetFriendsAndColleagues", &document);
        let friends = match osc_root(&document, "friends") {
            Ok(f) => f,
            Err(e) => {
                r.call(false, "GetFriendsAndColleagues", S_OK, e);
                return;
            }
        };
        let ids: Vec<String> = friends
            .children_named("person")
            .filter_map(|p| p.child_text("userID").map(str::to_string))
            .collect();
        let all_have_ids = ids.len() == friends.children_named("person").count();
        r.call(
            all_have_ids,
            "GetFriendsAndColleagues",
            S_OK,
            format!("{} friends, each with a userID", ids.len()),
        );
        for id in ids.iter().take(5) {
            let what = format!("GetPerson({id:?}) + GetPicture");
            match session.GetPerson(&BSTR::from(id.as_str())) {
                Ok(person) => {
                    let person: ISocialPerson = person;
                    match person.GetPicture().and_then(take_bytes) {
                        Ok(bytes) => {
                            r.call(
                                image_kind(&bytes).is_some(),
                                &what,
                                S_OK,
                                format!("{} bytes", bytes.len()),
                            );
                        }
                        Err(e) => {
                            r.call(e.code() == E_NOTIMPL, &what, e.code(), "no picture");
                        }
                    }
                }
                Err(e) => r.failed_call(&what, &e),
            }
        }
    }
}

/// On-demand friends: GetPeopleDetails with a hashedAddresses document, without the
/// namespace, as Outlook sends it.
unsafe fn on_demand_friends(r: &mut Report, session2: &ISocialSession2, function: &str, hashes: &[(i32, Vec<String>)]) {
    let mut request = String::from("<hashedAddresses>");
    for (index, person) in hashes {
        request.push_str(&format!("<personAddresses index=\"{index}\">"));
        for hash in person {
            request.push_str(&format!("<hashedAddress>{}</hashedAddress>", xml::escape(hash)));
        }
        request.push_str("</personAddresses>");
    }
    request.push_str("</hashedAddresses>");
    r.info(format!("GetPeopleDetails request: {request}"));
    let what = format!(
        "GetPeopleDetails({} people, {function} hashes, no namespace)",
        hashes.len()
    );
    let document = match unsafe { session2.GetPeopleDetails(&BSTR::from(request.as_str())) } {
        Ok(d) => bstr_to_string(&d),
        Err(e) => return r.failed_call(&what, &e),
    };
    r.save("GetPeopleDetails", &document);
    let friends = match osc_root(&document, "friends") {
        Ok(f) => f,
        Err(e) => {
            r.call(false, &what, S_OK, e);
            return;
        }
    };
    let requested: BTreeSet<i32> = hashes.iter().map(|(i, _)| *i).collect();
    let mut indexes = Vec::new();
    let mut problems = Vec::new();
    for person in friends.children_named("person") {
        let id = person.child_text("userID").unwrap_or("");
        match person.child_text("index").map(str::parse::<i32>) {
            Some(Ok(index)) if requested.contains(&index) => indexes.push(index),
            Some(Ok(index)) => problems.push(format!("person {id:?} has index {index}, which was not requested")),
            _ => problems.push(format!("person {id:?} carries no index")),
        }
        if id.is_empty() {
            problems.push("a person without userID".into());
        }
    }
    let detail = if problems.is_empty() {
        format!("{} persons, indexes {indexes:?}, each a requested one", indexes.len())
    } else {
        problems.join("; ")
    };
    r.call(problems.is_empty(), &what, S_OK, detail);
}

/// Activities: GetActivitiesEx(hashes, startTime in UTC); OSC_E_NO_CHANGES is a success.
/// Then, as Outlook does for each activity's owner, GetPerson and GetDetails.
unsafe fn activities(
    r: &mut Report,
    session: &ISocialSession,
    session2: &ISocialSession2,
    hashes: &[(i32, Vec<String>)],
) {
    let primary: Vec<&str> = hashes
        .iter()
        .filter_map(|(_, h)| h.first().map(String::as_str))
        .collect();
    let start = ole_now() - 30.0 / 1440.0;
    let what = format!("GetActivitiesEx({} hashes, now - 30 min)", primary.len());
    let result = with_bstr_array(&primary, |array| unsafe { session2.GetActivitiesEx(array, start) });
    let document = match result {
        Ok(Ok(d)) => bstr_to_string(&d),
        Ok(Err(e)) if e.code() == OSC_E_NO_CHANGES => {
            r.call(true, &what, e.code(), "nothing new, accepted");
            return;
        }
        Ok(Err(e)) | Err(e) => return r.failed_call(&what, &e),
    };
    r.save("GetActivitiesEx", &document);
    let feed = match osc_root(&document, "activityFeed") {
        Ok(f) => f,
        Err(e) => {
            r.call(false, &what, S_OK, e);
            return;
        }
    };
    let now = ole_now() + 5.0 / 1440.0;
    let mut owners = BTreeSet::new();
    let mut problems = Vec::new();
    let items: Vec<&Element> = feed
        .child("activities")
        .map(|a| a.children_named("activityDetails").collect())
        .unwrap_or_default();
    for item in &items {
        let published = item.child_text("publishDate").and_then(xml::date_time_to_ole);
        match published {
            Some(p) if p > start && p <= now => {}
            _ => problems.push(format!(
                "activity {:?}: publishDate {:?} is not after startTime and not later than now",
                item.child_text("objectID").unwrap_or(""),
                item.child_text("publishDate")
            )),
        }
        if let Some(owner) = item.child_text("ownerID").filter(|o| !o.is_empty()) {
            owners.insert(owner.to_string());
        }
    }
    let detail = if problems.is_empty() {
        format!("{} activities", items.len())
    } else {
        problems.join("; ")
    };
    r.call(problems.is_empty(), &what, S_OK, detail);
    for owner in owners.iter().take(5) {
        let what = format!("GetPerson({owner:?}) + GetDetails (activity owner)");
        match unsafe {
            session
                .GetPerson(&BSTR::from(owner.as_str()))
                .and_then(|p| p.GetDetails())
        } {
            Ok(document) => {
                let document = bstr_to_string(&document);
                r.save("GetDetails-ActivityOwner", &document);
                let id = person_user_id(&document);
                r.call(id.is_ok(), &what, S_OK, format!("{id:?}"));
            }
            Err(e) => r.failed_call(&what, &e),
        }
    }
}

/// Follow: FollowPersonEx, and FollowPerson when it answers E_NOTIMPL (or when the session
/// has no ISocialSession2); UnFollowPerson likewise. With the capability off Outlook never
/// calls them; the host still calls each slot once and accepts a clean refusal.
unsafe fn follow(r: &mut Report, session: &ISocialSession, session2: Option<&ISocialSession2>, caps: &Capabilities) {
    let (address, name) = FOLLOW;
    let declared = caps.get("followPerson");
    let accepted =
        |hr: HRESULT| hr == S_OK || hr == OSC_E_NOT_FOUND || (!declared && (hr == E_NOTIMPL || hr == E_FAIL));
    let note = if declared {
        "followPerson=true".to_string()
    } else {
        "followPerson=false: Outlook would not call it; a refusal is right".to_string()
    };
    let mut fall_back = true;
    if let Some(session2) = session2 {
        let what = format!("FollowPersonEx([{address:?}], {name:?})");
        let result = with_bstr_array(&[address], |array| unsafe {
            session2.FollowPersonEx(array, &BSTR::from(name))
        });
        let hr = match &result {
            Ok(inner) => code(inner),
            Err(e) => e.code(),
        };
        fall_back = hr == E_NOTIMPL;
        let detail = if fall_back {
            format!("{note}; falls back to FollowPerson")
        } else {
            note.clone()
        };
        r.call(accepted(hr) || fall_back, &what, hr, detail);
    }
    if fall_back {
        let hr = code(&unsafe { session.FollowPerson(&BSTR::from(address)) });
        r.call(accepted(hr), &format!("FollowPerson({address:?})"), hr, &note);
    }
    let declared = caps.get("doNotFollowPerson");
    let hr = code(&unsafe { session.UnFollowPerson(&BSTR::from(address)) });
    let ok = hr == S_OK || hr == OSC_E_NOT_FOUND || (!declared && (hr == E_NOTIMPL || hr == E_FAIL));
    let note = if declared {
        "doNotFollowPerson=true"
    } else {
        "doNotFollowPerson=false: Outlook would not call it; a refusal is right"
    };
    r.call(ok, &format!("UnFollowPerson({address:?})"), hr, note);
}
