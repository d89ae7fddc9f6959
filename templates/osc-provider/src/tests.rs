//! In-process tests through the vtables, in the order Outlook calls: the class factory,
//! the provider, a session, cached logon, on-demand contacts, the logged-on profile.
//!
//! Written once by `oscgen new`; this file is yours.
//! `OSCGEN_XML_DIR=dir cargo test` also writes every XML document the stubs return to
//! `dir`, so they can be checked against the OSC schema with xmllint.

// The crate under the name a client of the DLL would give it: the tests call the exports
// and vtables as Outlook does, not the Rust items behind them.
use crate as dll;

use core::ffi::c_void;

use windows_core::{GUID, HRESULT, IUnknown, Interface};

use dll::generated::bindings::{
    ISocialPerson, ISocialProfile, ISocialProvider, ISocialSession, ISocialSession2,
    OSC_E_NO_CHANGES,
};
use dll::generated::factory::IClassFactory;
use dll::generated::identity::{CLSID_PROVIDER, PROVIDER_VERSION, SOCIAL_NETWORK_GUID};
use dll::generated::oleaut::{
    BSTR, bstr_array, bstr_to_string, destroy, read_bool_array, read_byte_array,
};
use dll::generated::prelude::{Capabilities, Document, Friends};
use dll::generated::server::{live_objects, spawn_background};
use dll::{DllCanUnloadNow, DllGetClassObject, DllRegisterServer, DllUnregisterServer};

const S_OK: HRESULT = HRESULT(0);
const S_FALSE: HRESULT = HRESULT(1);
const CLASS_E_CLASSNOTAVAILABLE: HRESULT = HRESULT(0x80040111_u32 as i32);

/// Tests share the DLL's object count, so the ones that count run one at a time.
/// The host simulator (`generated::host`) holds the same lock.
fn serial() -> std::sync::MutexGuard<'static, ()> {
    dll::generated::server::test_lock()
}

/// The reference count, read by an AddRef/Release pair through the raw vtable.
fn refcount(object: &impl Interface) -> u32 {
    unsafe {
        let raw = object.as_raw();
        let vtable = *(raw as *const *const windows_core::IUnknown_Vtbl);
        ((*vtable).AddRef)(raw);
        ((*vtable).Release)(raw)
    }
}

fn save(name: &str, xml: &str) {
    if let Some(dir) = std::env::var_os("OSCGEN_XML_DIR") {
        std::fs::write(std::path::Path::new(&dir).join(name), xml).expect("write XML");
    }
}

fn factory() -> IClassFactory {
    let mut ppv: *mut c_void = core::ptr::null_mut();
    let hr = unsafe { DllGetClassObject(&CLSID_PROVIDER, &IClassFactory::IID, &mut ppv) };
    assert_eq!(hr, S_OK);
    unsafe { IClassFactory::from_raw(ppv) }
}

fn provider() -> ISocialProvider {
    let mut ppv: *mut c_void = core::ptr::null_mut();
    unsafe { factory().CreateInstance(None, &ISocialProvider::IID, &mut ppv) }
        .expect("CreateInstance");
    unsafe { ISocialProvider::from_raw(ppv) }
}

#[test]
fn the_outlook_call_sequence_works_through_the_vtables() {
    let _serial = serial();
    {
        let provider = provider();
        assert_eq!(refcount(&provider), 1);
        unsafe {
            provider
                .Load(&BSTR::from("15.0.4420"), &BSTR::from("en-US"))
                .expect("Load");
            let capabilities =
                bstr_to_string(&provider.GetCapabilities().expect("GetCapabilities"));
            // The capabilities announce the hash function lookups use.
            let declared = Capabilities::from_xml(&capabilities).expect("capabilities");
            assert_eq!(declared, dll::provider::capabilities());
            assert_eq!(declared.hash_function, Some(dll::provider::HASH_FUNCTION));
            save("capabilities.xml", &capabilities);
            assert_eq!(
                bstr_to_string(&provider.get_Version().expect("get_Version")),
                PROVIDER_VERSION
            );
            assert_eq!(
                provider
                    .get_SocialNetworkGuid()
                    .expect("get_SocialNetworkGuid"),
                SOCIAL_NETWORK_GUID
            );
            assert!(!bstr_to_string(&provider.get_SocialNetworkName().expect("name")).is_empty());
            let icon = provider.get_SocialNetworkIcon().expect("icon");
            assert!(
                read_byte_array(icon)
                    .expect("icon bytes")
                    .starts_with(b"\x89PNG")
            );
            destroy(icon);

            let session: ISocialSession = provider.GetSession().expect("GetSession");
            let session2: ISocialSession2 = session.cast().expect("QueryInterface ISocialSession2");
            let empty = BSTR::new();
            let first = session2
                .LogonCached(&empty, &BSTR::from("melissa"), &BSTR::from("secret"))
                .expect("first LogonCached");
            assert!(!first.is_empty());
            assert!(
                !bstr_to_string(&first).contains("secret"),
                "the token must not carry the password"
            );
            let again = session2
                .LogonCached(&first, &empty, &empty)
                .expect("LogonCached with connectIn");
            assert_eq!(bstr_to_string(&again), bstr_to_string(&first));

            let request = "<hashedAddresses><personAddresses index=\"3\"><hashedAddress>c8c39e61ca1662477b39b83d7b0a0615</hashedAddress></personAddresses></hashedAddresses>";
            let friends = bstr_to_string(
                &session2
                    .GetPeopleDetails(&BSTR::from(request))
                    .expect("GetPeopleDetails"),
            );
            // The generated stub knows nobody until it is written: an empty, valid document.
            let people = Friends::from_xml(&friends)
                .expect("a friends document")
                .people;
            assert!(people.is_empty(), "{friends}");
            save("friends.xml", &friends);
            let activities = session2.GetActivitiesEx(core::ptr::null_mut(), 0.0);
            assert!(
                activities.is_ok()
                    || activities.as_ref().err().map(|e| e.code()) == Some(OSC_E_NO_CHANGES)
            );

            let profile: ISocialProfile = session.GetLoggedOnUser().expect("GetLoggedOnUser");
            // Slot 8 is inherited from ISocialPerson: called through the derived interface.
            let details = bstr_to_string(&profile.GetDetails().expect("GetDetails"));
            assert!(details.contains("<userID>melissa</userID>"), "{details}");
            save("person.xml", &details);
            let person: ISocialPerson = profile.cast().expect("profile is a person");
            assert_eq!(
                person.as_raw(),
                profile.as_raw(),
                "one vtable serves both interfaces"
            );
            // Person and Profile answer ISocialPerson from the same code (Member).
            let melissa = session
                .GetPerson(&BSTR::from("melissa"))
                .expect("GetPerson");
            let same = bstr_to_string(&melissa.GetDetails().expect("GetDetails"));
            assert_eq!(
                same, details,
                "a person and the profile of the same user agree"
            );
            let ids = bstr_array(&["a", "b"]).expect("ids");
            let answers = profile
                .AreFriendsOrColleagues(ids)
                .expect("AreFriendsOrColleagues");
            assert_eq!(read_bool_array(answers).expect("answers").len(), 2);
            destroy(ids);
            destroy(answers);

            assert_eq!(refcount(&provider), 1);
            assert_eq!(
                refcount(&session),
                2,
                "session and session2 share one object"
            );
        }
    }
    assert_eq!(live_objects(), (0, 0), "every object was released");
    assert_eq!(DllCanUnloadNow(), S_OK);
}

#[test]
fn other_class_ids_are_not_served() {
    let mut ppv: *mut c_void = core::ptr::null_mut();
    let other = GUID::from_u128(0x0123_4567_89ab_cdef_0123_4567_89ab_cdef);
    let hr = unsafe { DllGetClassObject(&other, &IClassFactory::IID, &mut ppv) };
    assert_eq!(hr, CLASS_E_CLASSNOTAVAILABLE);
    assert!(ppv.is_null());
}

#[test]
fn objects_are_shared_across_threads() {
    // ThreadingModel=Both promises that any thread may call any object.
    fn send_sync<T: Send + Sync>() {}
    send_sync::<dll::provider::Provider>();
    send_sync::<dll::session::Session>();
    send_sync::<dll::person::Person>();
    send_sync::<dll::profile::Profile>();

    let _serial = serial();
    let session: ISocialSession = unsafe { provider().GetSession() }.expect("GetSession");
    let session2: ISocialSession2 = session.cast().expect("ISocialSession2");
    // windows-core interface wrappers are not Send: hand the raw pointer to each thread, as
    // a free-threaded host would.
    let raw = session2.as_raw() as usize;
    std::thread::scope(|scope| {
        for n in 0..8 {
            scope.spawn(move || {
                let raw = raw as *mut c_void;
                let session2 =
                    unsafe { ISocialSession2::from_raw_borrowed(&raw) }.expect("live session");
                let user = BSTR::from(format!("user{n}").as_str());
                let token = unsafe { session2.LogonCached(&BSTR::new(), &user, &BSTR::new()) }
                    .expect("LogonCached");
                assert!(!token.is_empty());
            });
        }
    });
    let unknown: IUnknown = session2.cast().expect("IUnknown");
    assert_eq!(refcount(&unknown), 3);
    drop((session, session2, unknown));
    assert_eq!(live_objects(), (0, 0));
}

#[test]
fn background_work_keeps_the_dll_loaded_until_it_returns() {
    let _serial = serial();
    let (finish, finished) = std::sync::mpsc::channel::<()>();
    let work = spawn_background("refresh", move || {
        let _ = finished.recv();
    })
    .expect("spawn");
    assert_eq!(
        DllCanUnloadNow(),
        S_FALSE,
        "COM must not unload the DLL under a running thread"
    );
    drop(finish);
    work.join().expect("the work ended");
    assert_eq!(DllCanUnloadNow(), S_OK);
}

/// On Linux the registry is an in-memory stand-in, so registration can be checked exactly.
#[cfg(not(windows))]
#[test]
fn registration_writes_the_provider_keys_and_unregistration_removes_them() {
    use dll::generated::identity::{PROG_ID, REGISTRY_VALUES, REGISTRY_VALUES_32};
    use dll::generated::registry::snapshot;

    let _serial = serial();
    assert_eq!(DllRegisterServer(), S_OK);
    let values = snapshot();
    let get = |key: &str, name: &str| {
        values
            .iter()
            .find(|((k, n), _)| k == &key.to_ascii_lowercase() && n == &name.to_ascii_lowercase())
            .map(|(_, v)| v.clone())
    };
    let clsid = ["{", &format!("{CLSID_PROVIDER:?}"), "}"]
        .concat()
        .to_ascii_lowercase();
    let inproc = format!("software\\classes\\clsid\\{clsid}\\inprocserver32");
    assert!(
        get(&inproc, "").is_some_and(|path| !path.is_empty()),
        "InprocServer32 holds the DLL path"
    );
    assert_eq!(get(&inproc, "ThreadingModel").as_deref(), Some("Both"));
    let provider_key = format!(
        "Software\\Microsoft\\Office\\Outlook\\SocialConnector\\SocialProviders\\{PROG_ID}"
    );
    assert!(get(&provider_key, "FriendlyName").is_some());
    assert!(get(&provider_key, "Url").is_some());
    // A 32-bit build also writes the key 32-bit Outlook on 64-bit Windows reads; a 64-bit one does not.
    let bits32 = cfg!(target_pointer_width = "32");
    let wow64_key = format!(
        "Software\\Wow6432Node\\Microsoft\\Office\\Outlook\\SocialConnector\\SocialProviders\\{PROG_ID}"
    );
    assert_eq!(get(&wow64_key, "FriendlyName").is_some(), bits32);
    let expected = REGISTRY_VALUES.len() + if bits32 { REGISTRY_VALUES_32.len() } else { 0 };
    assert_eq!(values.len(), expected);
    assert_eq!(DllUnregisterServer(), S_OK);
    assert!(
        snapshot().is_empty(),
        "unregistration removes exactly what registration wrote"
    );
}

/// A panic in a method must not unwind into Outlook: the vtable entry catches it and answers
/// E_UNEXPECTED. A null out-pointer gets E_POINTER before the method runs.
#[test]
fn panics_and_null_out_pointers_stay_inside_the_dll() {
    // The prelude, as in src/: a stub `oscgen generate` adds to `Panicking` builds too.
    use dll::generated::prelude::*;

    #[implement(ISocialPerson)]
    struct Panicking;

    impl ISocialPerson_Impl for Panicking_Impl {
        fn GetActivities(&self, _start_time: DATE) -> Result<BSTR> {
            panic!("a bug in a stub")
        }
        fn GetFriendsAndColleagues(&self) -> Result<BSTR> {
            panic!("a bug in a stub")
        }
        fn GetFriendsAndColleaguesIDs(&self) -> Result<*mut SAFEARRAY> {
            panic!("a bug in a stub")
        }
        fn GetPicture(&self) -> Result<*mut SAFEARRAY> {
            panic!("a bug in a stub")
        }
        fn GetStatus(&self) -> Result<BSTR> {
            panic!("a bug in a stub")
        }
        fn GetDetails(&self) -> Result<BSTR> {
            Ok(BSTR::from("never reached with a null out-pointer"))
        }
    }

    let person: ISocialPerson = Panicking.into();
    let raw = person.as_raw();
    unsafe {
        let vtable = windows_core::Interface::vtable(&person);
        let mut out: *mut c_void = core::ptr::null_mut();
        assert_eq!((vtable.GetStatus)(raw, &mut out), E_UNEXPECTED);
        assert!(
            out.is_null(),
            "the out-parameter is cleared, not left dangling"
        );
        assert_eq!((vtable.GetDetails)(raw, core::ptr::null_mut()), E_POINTER);
        // The object is still usable after a caught panic.
        assert_eq!((vtable.GetDetails)(raw, &mut out), S_OK);
        drop(BSTR::from_raw(out as *const u16));
    }
}

/// The typed documents, filled with made-up people: what the stubs will return once written.
/// Each reads back to the same value; text from the network can hold markup characters, and
/// the documents stay well-formed.
#[test]
fn documents_with_sample_people_read_back() {
    use dll::generated::prelude::*;

    let melissa = PersonDetails {
        first_name: Some("Melissa".into()),
        last_name: Some("MacBeth".into()),
        full_name: Some("Tom & \"Jerry\" <script>".into()),
        birthday: Date::new(1980, 2, 29),
        email_address: Some("melissa@contoso.com".into()),
        gender: Some(Gender::Female),
        index: Some(0),
        friend_status: Some(FriendStatus::Friend),
        ..PersonDetails::new("1001")
    };
    let friends = Friends {
        people: vec![melissa.clone(), PersonDetails::new("1002")],
    };
    let xml = friends.to_xml();
    assert!(!xml.contains("<script>"), "{xml}");
    assert_eq!(Friends::from_xml(&xml).expect("friends"), friends);
    save("sample-friends.xml", &xml);

    let publisher = TemplateVariable {
        id: Some("1001".into()),
        name_hint: melissa.full_name.clone(),
        email_address: melissa.email_address.clone(),
        ..TemplateVariable::new(VariableType::Publisher, "Publisher")
    };
    let status = TemplateVariable {
        value: Some("Hello from Contoso.".into()),
        ..TemplateVariable::new(VariableType::Text, "statusText")
    };
    let feed = ActivityFeed {
        network: "Contoso".into(),
        activities: vec![ActivityDetails {
            owner_id: "1001".into(),
            object_id: "status-1".into(),
            application_id: 1,
            template_id: 1,
            publish_date: DateTime::from_ole_date(45000.5).expect("a DATE"),
            kind: Some(ActivityType::StatusUpdate),
            template_variables: vec![publisher, status],
        }],
        templates: vec![ActivityTemplateContainer {
            application_id: 1,
            template_id: 1,
            activity_template: ActivityTemplate {
                kind: Some(ActivityType::StatusUpdate),
                title: "{publisher:Publisher} {text:statusText}".into(),
                data: None,
                icon: "https://www.contoso.com/icon.png".into(),
            },
        }],
    };
    let xml = feed.to_xml();
    assert!(
        xml.contains("<publishDate>2023-03-15T12:00:00Z</publishDate>"),
        "{xml}"
    );
    assert_eq!(ActivityFeed::from_xml(&xml).expect("activityFeed"), feed);
    save("sample-activityFeed.xml", &xml);
}
