//! Specification test: the vtables of the five OSC interfaces and of MAPI's IMAPISession,
//! slot by slot, as the reference documents give them:
//! /work/shared/reference/osc-interfaces.md (sections 1.0-1.5, 3.3) and
//! /work/shared/reference/mapi-imapisession.md (IMAPISession table, IIDs, own methods).
//!
//! Every expected value below is copied from those documents, not from oscgen's output.
//! Types are the C spelling of the reference signature (`BSTR*`, `SAFEARRAY(BSTR)`),
//! with `*` against the type as oscgen's `Param::written` normalises it.

use oscgen::idl::{Input, LoadOptions};
use oscgen::load::load_model;
use oscgen::model::interface::Direction;
use oscgen::model::vtable::Vtable;
use oscgen::model::{ConstValue, Model};
use oscgen::source::SourceMap;

/// A parameter's direction as the reference writes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum D {
    In,
    Out,
    /// `[out, retval]`
    Ret,
    InOut,
}
use D::{In, Out, Ret};

type Param = (&'static str, D, &'static str);
/// (slot, method name as the C vtable names it, declaring interface, parameters)
type Row = (usize, &'static str, &'static str, &'static [Param]);

#[rustfmt::skip]
const IUNKNOWN: &[Row] = &[
    (0, "QueryInterface", "IUnknown", &[("riid", In, "REFIID"), ("ppvObject", Out, "void**")]),
    (1, "AddRef",         "IUnknown", &[]),
    (2, "Release",        "IUnknown", &[]),
];

// osc-interfaces.md 1.1
#[rustfmt::skip]
const ISOCIAL_PROVIDER: &[Row] = &[
    (3,  "GetCapabilities",          "ISocialProvider", &[("capabilities", Ret, "BSTR*")]),
    (4,  "get_Version",              "ISocialProvider", &[("version", Ret, "BSTR*")]),
    (5,  "GetSession",               "ISocialProvider", &[("session", Ret, "ISocialSession**")]),
    (6,  "GetAutoConfiguredSession", "ISocialProvider", &[("session", Ret, "ISocialSession**")]),
    (7,  "get_DefaultSiteUrls",      "ISocialProvider", &[("siteURLs", Ret, "SAFEARRAY(BSTR)*")]),
    (8,  "get_SocialNetworkIcon",    "ISocialProvider", &[("networkIcon", Ret, "SAFEARRAY(unsigned char)*")]),
    (9,  "get_SocialNetworkName",    "ISocialProvider", &[("networkName", Ret, "BSTR*")]),
    (10, "get_SocialNetworkGuid",    "ISocialProvider", &[("guid", Ret, "GUID*")]),
    (11, "GetStatusSettings",        "ISocialProvider", &[("statusDefault", Out, "BSTR*"), ("maxStatusLength", Out, "INT*")]),
    (12, "Load",                     "ISocialProvider", &[("socialProviderInterfaceVersion", In, "BSTR"), ("languageTag", In, "BSTR")]),
];

// osc-interfaces.md 1.2
#[rustfmt::skip]
const ISOCIAL_SESSION: &[Row] = &[
    (3,  "Logon",                "ISocialSession", &[("userName", In, "BSTR"), ("password", In, "BSTR")]),
    (4,  "put_SiteUrl",          "ISocialSession", &[("url", In, "BSTR")]),
    (5,  "LogonWeb",             "ISocialSession", &[("connectIn", In, "BSTR"), ("connectOut", Out, "BSTR*")]),
    (6,  "GetLogonUrl",          "ISocialSession", &[("url", Ret, "BSTR*")]),
    (7,  "GetNetworkIdentifier", "ISocialSession", &[("networkIdentifier", Ret, "BSTR*")]),
    (8,  "GetLoggedOnUser",      "ISocialSession", &[("user", Ret, "ISocialProfile**")]),
    (9,  "get_LoggedOnUserID",   "ISocialSession", &[("userID", Ret, "BSTR*")]),
    (10, "get_LoggedOnUserName", "ISocialSession", &[("userName", Ret, "BSTR*")]),
    (11, "GetPerson",            "ISocialSession", &[("userID", In, "BSTR"), ("person", Ret, "ISocialPerson**")]),
    (12, "FindPerson",           "ISocialSession", &[("userID", In, "BSTR"), ("result", Ret, "BSTR*")]),
    (13, "GetActivities",        "ISocialSession", &[("emailAddresses", In, "SAFEARRAY(BSTR)"), ("startTime", In, "DATE"), ("activities", Ret, "BSTR*")]),
    (14, "FollowPerson",         "ISocialSession", &[("emailAddress", In, "BSTR")]),
    (15, "UnFollowPerson",       "ISocialSession", &[("userID", In, "BSTR")]),
];

// osc-interfaces.md 1.3
#[rustfmt::skip]
const ISOCIAL_PERSON: &[Row] = &[
    (3, "GetActivities",              "ISocialPerson", &[("startTime", In, "DATE"), ("activities", Ret, "BSTR*")]),
    (4, "GetFriendsAndColleagues",    "ISocialPerson", &[("personsCollection", Ret, "BSTR*")]),
    (5, "GetFriendsAndColleaguesIDs", "ISocialPerson", &[("friendsIDs", Ret, "SAFEARRAY(BSTR)*")]),
    (6, "GetPicture",                 "ISocialPerson", &[("picture", Ret, "SAFEARRAY(unsigned char)*")]),
    (7, "GetStatus",                  "ISocialPerson", &[("status", Ret, "BSTR*")]),
    (8, "GetDetails",                 "ISocialPerson", &[("details", Ret, "BSTR*")]),
];

// osc-interfaces.md 1.4: slots 3-8 are ISocialPerson's, declared there.
#[rustfmt::skip]
const ISOCIAL_PROFILE_OWN: &[Row] = &[
    (9,  "AreFriendsOrColleagues",              "ISocialProfile", &[("userIDs", In, "SAFEARRAY(BSTR)"), ("results", Ret, "SAFEARRAY(VARIANT_BOOL)*")]),
    (10, "GetActivitiesOfFriendsAndColleagues", "ISocialProfile", &[("startTime", In, "DATE"), ("activitiesCollection", Ret, "BSTR*")]),
    (11, "SetStatus",                           "ISocialProfile", &[("status", In, "BSTR")]),
];

// osc-interfaces.md 1.5
#[rustfmt::skip]
const ISOCIAL_SESSION2: &[Row] = &[
    (3, "GetPeopleDetails", "ISocialSession2", &[("personsAddresses", In, "BSTR"), ("personsCollection", Ret, "BSTR*")]),
    (4, "GetActivitiesEx",  "ISocialSession2", &[("hashedAddresses", In, "SAFEARRAY(BSTR)"), ("startTime", In, "DATE"), ("activities", Ret, "BSTR*")]),
    (5, "FollowPersonEx",   "ISocialSession2", &[("emailAddresses", In, "SAFEARRAY(BSTR)"), ("displayName", In, "BSTR")]),
    (6, "LogonCached",      "ISocialSession2", &[("connectIn", In, "BSTR"), ("userName", In, "BSTR"), ("password", In, "BSTR"), ("connectOut", Out, "BSTR*")]),
];

// mapi-imapisession.md, "IMAPISession : IUnknown" (MS SDK MAPIX.h, the x64 ABI authority).
#[rustfmt::skip]
const IMAPI_SESSION: &[Row] = &[
    (3,  "GetLastError",           "IMAPISession", &[("hResult", In, "HRESULT"), ("ulFlags", In, "ULONG"), ("lppMAPIError", Out, "LPMAPIERROR*")]),
    (4,  "GetMsgStoresTable",      "IMAPISession", &[("ulFlags", In, "ULONG"), ("lppTable", Out, "LPMAPITABLE*")]),
    (5,  "OpenMsgStore",           "IMAPISession", &[("ulUIParam", In, "ULONG_PTR"), ("cbEntryID", In, "ULONG"), ("lpEntryID", In, "LPENTRYID"), ("lpInterface", In, "LPCIID"), ("ulFlags", In, "ULONG"), ("lppMDB", Out, "LPMDB*")]),
    (6,  "OpenAddressBook",        "IMAPISession", &[("ulUIParam", In, "ULONG_PTR"), ("lpInterface", In, "LPCIID"), ("ulFlags", In, "ULONG"), ("lppAdrBook", Out, "LPADRBOOK*")]),
    (7,  "OpenProfileSection",     "IMAPISession", &[("lpUID", In, "LPMAPIUID"), ("lpInterface", In, "LPCIID"), ("ulFlags", In, "ULONG"), ("lppProfSect", Out, "LPPROFSECT*")]),
    (8,  "GetStatusTable",         "IMAPISession", &[("ulFlags", In, "ULONG"), ("lppTable", Out, "LPMAPITABLE*")]),
    (9,  "OpenEntry",              "IMAPISession", &[("cbEntryID", In, "ULONG"), ("lpEntryID", In, "LPENTRYID"), ("lpInterface", In, "LPCIID"), ("ulFlags", In, "ULONG"), ("lpulObjType", Out, "ULONG*"), ("lppUnk", Out, "LPUNKNOWN*")]),
    (10, "CompareEntryIDs",        "IMAPISession", &[("cbEntryID1", In, "ULONG"), ("lpEntryID1", In, "LPENTRYID"), ("cbEntryID2", In, "ULONG"), ("lpEntryID2", In, "LPENTRYID"), ("ulFlags", In, "ULONG"), ("lpulResult", Out, "ULONG*")]),
    (11, "Advise",                 "IMAPISession", &[("cbEntryID", In, "ULONG"), ("lpEntryID", In, "LPENTRYID"), ("ulEventMask", In, "ULONG"), ("lpAdviseSink", In, "LPMAPIADVISESINK"), ("lpulConnection", Out, "ULONG_PTR*")]),
    (12, "Unadvise",               "IMAPISession", &[("ulConnection", In, "ULONG_PTR")]),
    (13, "MessageOptions",         "IMAPISession", &[("ulUIParam", In, "ULONG_PTR"), ("ulFlags", In, "ULONG"), ("lpszAdrType", In, "LPTSTR"), ("lpMessage", In, "LPMESSAGE")]),
    (14, "QueryDefaultMessageOpt", "IMAPISession", &[("lpszAdrType", In, "LPTSTR"), ("ulFlags", In, "ULONG"), ("lpcValues", Out, "ULONG*"), ("lppOptions", Out, "LPSPropValue*")]),
    (15, "EnumAdrTypes",           "IMAPISession", &[("ulFlags", In, "ULONG"), ("lpcAdrTypes", Out, "ULONG*"), ("lpppszAdrTypes", Out, "LPTSTR**")]),
    (16, "QueryIdentity",          "IMAPISession", &[("lpcbEntryID", Out, "ULONG*"), ("lppEntryID", Out, "LPENTRYID*")]),
    (17, "Logoff",                 "IMAPISession", &[("ulUIParam", In, "ULONG_PTR"), ("ulFlags", In, "ULONG"), ("ulReserved", In, "ULONG")]),
    (18, "SetDefaultStore",        "IMAPISession", &[("ulFlags", In, "ULONG"), ("cbEntryID", In, "ULONG"), ("lpEntryID", In, "LPENTRYID")]),
    (19, "AdminServices",          "IMAPISession", &[("ulFlags", In, "ULONG"), ("lppServiceAdmin", Out, "LPSERVICEADMIN*")]),
    (20, "ShowForm",               "IMAPISession", &[("ulUIParam", In, "ULONG_PTR"), ("lpMsgStore", In, "LPMDB"), ("lpParentFolder", In, "LPMAPIFOLDER"), ("lpInterface", In, "LPCIID"), ("ulMessageToken", In, "ULONG_PTR"), ("lpMessageSent", In, "LPMESSAGE"), ("ulFlags", In, "ULONG"), ("ulMessageStatus", In, "ULONG"), ("ulMessageFlags", In, "ULONG"), ("ulAccess", In, "ULONG"), ("lpszMessageClass", In, "LPSTR")]),
    (21, "PrepareForm",            "IMAPISession", &[("lpInterface", In, "LPCIID"), ("lpMessage", In, "LPMESSAGE"), ("lpulMessageToken", Out, "ULONG_PTR*")]),
];

/// mapi-imapisession.md, "Interfaces (own methods counted after their base's)" and "IIDs":
/// (name, base, IID, own methods in vtable order).
#[rustfmt::skip]
const MAPI_SET: &[(&str, &str, &str, &[&str])] = &[
    ("IMAPISession",     "IUnknown",       "00020300-0000-0000-C000-000000000046", &["GetLastError", "GetMsgStoresTable", "OpenMsgStore", "OpenAddressBook", "OpenProfileSection", "GetStatusTable", "OpenEntry", "CompareEntryIDs", "Advise", "Unadvise", "MessageOptions", "QueryDefaultMessageOpt", "EnumAdrTypes", "QueryIdentity", "Logoff", "SetDefaultStore", "AdminServices", "ShowForm", "PrepareForm"]),
    ("IMAPITable",       "IUnknown",       "00020301-0000-0000-C000-000000000046", &["GetLastError", "Advise", "Unadvise", "GetStatus", "SetColumns", "QueryColumns", "GetRowCount", "SeekRow", "SeekRowApprox", "QueryPosition", "FindRow", "Restrict", "CreateBookmark", "FreeBookmark", "SortTable", "QuerySortOrder", "QueryRows", "Abort", "ExpandRow", "CollapseRow", "WaitForCompletion", "GetCollapseState", "SetCollapseState"]),
    ("IMAPIAdviseSink",  "IUnknown",       "00020302-0000-0000-C000-000000000046", &["OnNotify"]),
    ("IMAPIProp",        "IUnknown",       "00020303-0000-0000-C000-000000000046", &["GetLastError", "SaveChanges", "GetProps", "GetPropList", "OpenProperty", "SetProps", "DeleteProps", "CopyTo", "CopyProps", "GetNamesFromIDs", "GetIDsFromNames"]),
    ("IProfSect",        "IMAPIProp",      "00020304-0000-0000-C000-000000000046", &[]),
    ("IMsgStore",        "IMAPIProp",      "00020306-0000-0000-C000-000000000046", &["Advise", "Unadvise", "CompareEntryIDs", "OpenEntry", "SetReceiveFolder", "GetReceiveFolder", "GetReceiveFolderTable", "StoreLogoff", "AbortSubmit", "GetOutgoingQueue", "SetLockState", "FinishedMsg", "NotifyNewMail"]),
    ("IMessage",         "IMAPIProp",      "00020307-0000-0000-C000-000000000046", &["GetAttachmentTable", "OpenAttach", "CreateAttach", "DeleteAttach", "GetRecipientTable", "ModifyRecipients", "SubmitMessage", "SetReadFlag"]),
    ("IAddrBook",        "IMAPIProp",      "00020309-0000-0000-C000-000000000046", &["OpenEntry", "CompareEntryIDs", "Advise", "Unadvise", "CreateOneOff", "NewEntry", "ResolveName", "Address", "Details", "RecipOptions", "QueryDefaultRecipOpt", "GetPAB", "SetPAB", "GetDefaultDir", "SetDefaultDir", "GetSearchPath", "SetSearchPath", "PrepareRecips"]),
    ("IMAPIContainer",   "IMAPIProp",      "0002030B-0000-0000-C000-000000000046", &["GetContentsTable", "GetHierarchyTable", "OpenEntry", "SetSearchCriteria", "GetSearchCriteria"]),
    ("IMAPIFolder",      "IMAPIContainer", "0002030C-0000-0000-C000-000000000046", &["CreateMessage", "CopyMessages", "DeleteMessages", "CreateFolder", "CopyFolder", "DeleteFolder", "SetReadFlags", "GetMessageStatus", "SetMessageStatus", "SaveContentsSort", "EmptyFolder"]),
    ("IMsgServiceAdmin", "IUnknown",       "0002031D-0000-0000-C000-000000000046", &["GetLastError", "GetMsgServiceTable", "CreateMsgService", "DeleteMsgService", "CopyMsgService", "RenameMsgService", "ConfigureMsgService", "OpenProfileSection", "MsgServiceTransportOrder", "AdminProviders", "SetPrimaryIdentity", "GetProviderTable"]),
];

/// mapi-imapisession.md: own-method counts, as the brief and the reference table state them.
#[rustfmt::skip]
const MAPI_OWN_COUNTS: &[(&str, usize)] = &[
    ("IMAPIProp", 11), ("IMAPITable", 23), ("IMsgStore", 13), ("IAddrBook", 18), ("IProfSect", 0),
    ("IMAPIAdviseSink", 1), ("IMsgServiceAdmin", 12), ("IMAPIContainer", 5), ("IMAPIFolder", 11),
    ("IMessage", 8), ("IMAPISession", 19),
];

/// osc-interfaces.md 3.3 (OSC_E_LOGON_FAILURE and OSC_E_NOTIMPL have no value anywhere).
#[rustfmt::skip]
const OSC_ERRORS: &[(&str, u32)] = &[
    ("OSC_E_OUT_OF_MEMORY",                0x8007_000E),
    ("OSC_E_INVALIDARG",                   0x8007_0057),
    ("OSC_E_NOT_IMPLEMENTED",              0x8000_4001),
    ("OSC_E_FAIL",                         0x8000_4005),
    ("OSC_E_INTERNAL_ERROR",               0x8004_1400),
    ("OSC_E_VERSION",                      0x8004_1401),
    ("OSC_E_COULDNOTCONNECT",              0x8004_1402),
    ("OSC_E_PERMISSION_DENIED",            0x8004_1403),
    ("OSC_E_AUTH_ERROR",                   0x8004_1404),
    ("OSC_E_NOT_FOUND",                    0x8004_1405),
    ("OSC_E_SERVER_VERSION_NOT_SUPPORTED", 0x8004_1406),
    ("OSC_E_NO_CHANGES",                   0x8004_1406),
];

fn load(name: &str) -> Model {
    let mut sources = SourceMap::new();
    load_model(&mut sources, &[Input::Builtin(name.into())], &LoadOptions::default())
        .unwrap_or_else(|e| panic!("cannot load built-in {name}: {e}"))
}

fn dir_of(p: &oscgen::model::interface::Param) -> D {
    match (p.dir, p.retval) {
        (Direction::In, false) => D::In,
        (Direction::Out, false) => D::Out,
        (Direction::Out, true) => D::Ret,
        (Direction::InOut, false) => D::InOut,
        (dir, true) => panic!("`{}`: retval on a {dir:?} parameter", p.name),
    }
}

/// One slot as a line of text, so a failure shows expected and actual side by side.
fn row_text(index: usize, name: &str, declared_in: &str, params: &[(String, D, String)]) -> String {
    let params: Vec<String> = params.iter().map(|(n, d, t)| format!("{d:?} {t} {n}")).collect();
    format!("{index:>2} {declared_in}::{name}({})", params.join(", "))
}

/// Checks the whole vtable of `interface` against `expected`, slot by slot.
fn check_vtable(model: &Model, interface: &str, expected: &[&[Row]]) {
    let vt = model
        .vtable(interface)
        .unwrap_or_else(|| panic!("{interface} is not in the model"));
    let expected: Vec<String> = expected
        .iter()
        .flat_map(|rows| rows.iter())
        .map(|&(i, name, decl, params)| {
            let params: Vec<(String, D, String)> = params
                .iter()
                .map(|&(n, d, t)| (n.to_string(), d, t.to_string()))
                .collect();
            row_text(i, name, decl, &params)
        })
        .collect();
    let actual: Vec<String> = vt
        .slots
        .iter()
        .map(|s| {
            let params: Vec<(String, D, String)> = s
                .method
                .params
                .iter()
                .map(|p| (p.name.to_string(), dir_of(p), p.written.to_string()))
                .collect();
            row_text(s.index, &s.method.name, &s.declared_in.name, &params)
        })
        .collect();
    for (i, slot) in vt.slots.iter().enumerate() {
        assert_eq!(slot.index, i, "{interface}: slot indices are not 0..n");
    }
    for (e, a) in expected.iter().zip(&actual) {
        assert_eq!(a, e, "{interface}: slot differs from the reference");
    }
    assert_eq!(
        actual.len(),
        expected.len(),
        "{interface}: slot count differs from the reference\nactual:\n{}",
        actual.join("\n")
    );
}

fn check_iid(model: &Model, interface: &str, iid: &str) {
    let got = model
        .interface(interface)
        .unwrap_or_else(|| panic!("{interface} is not in the model"))
        .iid
        .unwrap_or_else(|| panic!("{interface} has no IID"));
    assert_eq!(got.to_string(), iid.to_ascii_lowercase(), "IID of {interface}");
}

/// The base chain, nearest first, ending at the root (`IUnknown`).
fn chain(model: &Model, interface: &str) -> Vec<String> {
    let iface = model.interface(interface).unwrap();
    Vtable::ancestors(model, iface).iter().map(|i| i.name.clone()).collect()
}

fn check_returns(model: &Model, interface: &str, ret: &str) {
    for slot in model.vtable(interface).unwrap().slots {
        if slot.declared_in.name == interface {
            assert_eq!(
                slot.method.ret.to_string(),
                ret,
                "{interface}::{} return type",
                slot.method.name
            );
        }
    }
}

#[test]
fn osc_interfaces_match_reference() {
    let model = load("osc.idl");
    check_vtable(&model, "ISocialProvider", &[IUNKNOWN, ISOCIAL_PROVIDER]);
    check_vtable(&model, "ISocialSession", &[IUNKNOWN, ISOCIAL_SESSION]);
    check_vtable(&model, "ISocialPerson", &[IUNKNOWN, ISOCIAL_PERSON]);
    check_vtable(
        &model,
        "ISocialProfile",
        &[IUNKNOWN, ISOCIAL_PERSON, ISOCIAL_PROFILE_OWN],
    );
    check_vtable(&model, "ISocialSession2", &[IUNKNOWN, ISOCIAL_SESSION2]);
}

#[test]
fn osc_iids_bases_and_library_match_reference() {
    let model = load("osc.idl");
    #[rustfmt::skip]
    let expected: &[(&str, &str, &[&str])] = &[
        ("ISocialProvider", "90D17471-0E8E-415B-ADE0-8B414CB3B96E", &["IUnknown"]),
        ("ISocialSession",  "5AFE10C7-CAB3-4B77-89C9-2E4FD62E7A1F", &["IUnknown"]),
        ("ISocialPerson",   "B252A037-5455-429D-A380-B5E9ADA3D423", &["IUnknown"]),
        ("ISocialProfile",  "359702A5-52C8-4EDA-B9D0-47D95174057A", &["ISocialPerson", "IUnknown"]),
        ("ISocialSession2", "33A54789-8C4E-4B56-8452-EE3E0DBB0372", &["IUnknown"]),
    ];
    for &(name, iid, bases) in expected {
        check_iid(&model, name, iid);
        assert_eq!(chain(&model, name), bases, "base chain of {name}");
        check_returns(&model, name, "HRESULT");
    }
    // "No other OSC interface exists in any public source."
    let mut roots: Vec<&str> = model.root_interfaces().map(|i| i.name.as_str()).collect();
    roots.sort_unstable();
    let mut names: Vec<&str> = expected.iter().map(|e| e.0).collect();
    names.sort_unstable();
    assert_eq!(roots, names, "interfaces declared in osc.idl");

    // Section 1.0: library OutlookSocialProvider, version 1.1.
    let lib = model
        .libraries
        .iter()
        .find(|l| l.name == "OutlookSocialProvider")
        .expect("library OutlookSocialProvider");
    assert_eq!(
        lib.libid.map(|g| g.to_string()).as_deref(),
        Some("1f8e79ba-9268-4889-adf3-6d2aabb3c32c")
    );
    assert_eq!(lib.version.as_deref(), Some("1.1"));
}

#[test]
fn osc_error_constants_match_reference() {
    let model = load("osc.idl");
    for &(name, value) in OSC_ERRORS {
        let c = model
            .constant(name)
            .unwrap_or_else(|| panic!("constant {name} is missing"));
        match &c.value {
            // The HRESULT may be kept as the unsigned literal or as its signed 32-bit value.
            ConstValue::Int(v) => assert!(
                *v == i128::from(value) || *v == i128::from(value as i32),
                "{name} = {v:#x}, reference {value:#010x}"
            ),
            other => panic!("{name} is not folded to an integer: {other:?}"),
        }
    }
    let mut ours: Vec<&str> = model
        .constants
        .iter()
        .map(|c| c.name.as_str())
        .filter(|n| n.starts_with("OSC_E_"))
        .collect();
    ours.sort_unstable();
    let mut theirs: Vec<&str> = OSC_ERRORS.iter().map(|e| e.0).collect();
    theirs.sort_unstable();
    assert_eq!(ours, theirs, "the set of OSC_E_* constants");
}

#[test]
fn imapisession_matches_reference() {
    let model = load("mapi.idl");
    check_vtable(&model, "IMAPISession", &[IUNKNOWN, IMAPI_SESSION]);
    check_iid(&model, "IMAPISession", "00020300-0000-0000-C000-000000000046");
    assert_eq!(chain(&model, "IMAPISession"), ["IUnknown"]);
    check_returns(&model, "IMAPISession", "HRESULT");
}

#[test]
fn mapi_interface_set_matches_reference() {
    let model = load("mapi.idl");
    for &(name, base, iid, own) in MAPI_SET {
        let iface = model
            .interface(name)
            .unwrap_or_else(|| panic!("{name} is not in the model"));
        assert_eq!(iface.base.as_deref(), Some(base), "base of {name}");
        check_iid(&model, name, iid);
        let vt = model.vtable(name).unwrap();
        let own_names: Vec<&str> = vt.own_slots().map(|s| s.method.name.as_str()).collect();
        assert_eq!(own_names, own, "own methods of {name}, in vtable order");
        let base_slots = model.vtable(base).unwrap().slots.len();
        assert_eq!(vt.slots.len(), base_slots + own.len(), "slot count of {name}");
    }
    for &(name, count) in MAPI_OWN_COUNTS {
        let vt = model.vtable(name).unwrap();
        assert_eq!(vt.own_slots().count(), count, "own-method count of {name}");
    }
    #[rustfmt::skip]
    let chains: &[(&str, &[&str])] = &[
        ("IMAPIFolder", &["IMAPIContainer", "IMAPIProp", "IUnknown"]),
        ("IMsgStore",   &["IMAPIProp", "IUnknown"]),
        ("IProfSect",   &["IMAPIProp", "IUnknown"]),
    ];
    for &(name, bases) in chains {
        assert_eq!(chain(&model, name), bases, "base chain of {name}");
    }
    // The IIDs the reference lists for interfaces mapi.idl declares beyond the set above.
    #[rustfmt::skip]
    let more: &[(&str, &str)] = &[
        ("IAttach",        "00020308-0000-0000-C000-000000000046"),
        ("IMAPIProgress",  "0002031F-0000-0000-C000-000000000046"),
        ("IProviderAdmin", "00020325-0000-0000-C000-000000000046"),
    ];
    for &(name, iid) in more {
        check_iid(&model, name, iid);
    }
    // "IMAPIAdviseSink::OnNotify returns ULONG in the SDK (MAPIMETHOD_(ULONG, OnNotify))."
    check_returns(&model, "IMAPIAdviseSink", "ULONG");
    for &(name, ..) in MAPI_SET.iter().filter(|e| e.0 != "IMAPIAdviseSink") {
        check_returns(&model, name, "HRESULT");
    }
}

#[test]
fn abi_traps() {
    let mapi = load("mapi.idl");
    let session = mapi.vtable("IMAPISession").unwrap();
    let slot = |i: usize| &session.slots[i];
    let advise = slot(11);
    assert_eq!(advise.method.name, "Advise");
    assert_eq!(advise.method.params.len(), 5);
    assert_eq!(
        &*advise.method.params[4].written, "ULONG_PTR*",
        "Advise's 5th parameter"
    );
    assert_eq!(slot(12).method.name, "Unadvise");
    assert_eq!(&*slot(12).method.params[0].written, "ULONG_PTR");
    assert_eq!(slot(13).method.name, "MessageOptions");
    assert_eq!(slot(14).method.name, "QueryDefaultMessageOpt");
    assert_eq!(slot(15).method.name, "EnumAdrTypes");
    assert_eq!(slot(21).method.name, "PrepareForm");
    assert_eq!(session.slots.len(), 22, "IMAPISession: 3 + 19 slots");

    let osc = load("osc.idl");
    let provider = osc.vtable("ISocialProvider").unwrap();
    let guid = &provider.slots[10];
    assert_eq!(guid.method.name, "get_SocialNetworkGuid");
    assert_eq!(&*guid.method.params[0].written, "GUID*", "GUID*, not GUID**");
    let profile = osc.vtable("ISocialProfile").unwrap();
    let afc = &profile.slots[9];
    assert_eq!(afc.method.name, "AreFriendsOrColleagues");
    assert_eq!(afc.method.params[0].dir, Direction::In, "no direction attribute: [in]");
    assert_eq!(&*afc.method.params[0].written, "SAFEARRAY(BSTR)");
    assert_eq!(&*afc.method.params[1].written, "SAFEARRAY(VARIANT_BOOL)*");
    assert!(afc.method.params[1].retval);
    let cached = &osc.vtable("ISocialSession2").unwrap().slots[6];
    assert_eq!(cached.method.name, "LogonCached");
    assert_eq!(&*cached.method.params[3].written, "BSTR*", "the docs' `BSTR` is wrong");
}
