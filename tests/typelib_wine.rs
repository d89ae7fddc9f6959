//! Oracle: Wine's own type libraries (Debian's wine64 package, Wine 8.0, built by Wine's
//! widl) read by oscgen give the model of the IDL they were built from (the corpus,
//! Wine 9.7): same interfaces with the same IIDs, slots, parameter directions and
//! DISPIDs, same dispatch members, same coclasses. Where Wine's sources changed
//! between 8.0 and 9.7 the difference is listed below with the change that explains it.

mod common;

use std::collections::BTreeMap;

use common::Corpus;
use common::tlb::{
    differences, enum_facts, facts, library_enumerators, library_members, library_records, model, record_facts,
    wine_dir,
};

/// Each library, the corpus IDL it is built from, and the differences expected.
const LIBRARIES: &[(&str, &str)] = &[
    ("stdole2.tlb", "wine-dlls/dlls__stdole2.tlb__stdole2.idl"),
    ("stdole32.tlb", "wine-dlls/dlls__stdole32.tlb__std_ole_v1.idl"),
    ("mshtml.tlb", "wine-dlls/dlls__mshtml.tlb__mshtml_tlb.idl"),
    ("activeds.tlb", "wine-dlls/dlls__activeds.tlb__activeds_tlb.idl"),
    ("scrrun.dll", "wine-dlls/dlls__scrrun__scrrun.idl"),
    ("wshom.ocx", "wine-dlls/dlls__wshom.ocx__wshom.idl"),
    ("msxml3.dll", "wine-dlls/dlls__msxml3__msxml3_v1.idl"),
];

/// Differences between Wine 8.0's binaries and Wine 9.7's IDL, by library: each a fact
/// only the binary has (`-`) or only the IDL has (`+`).
fn expected() -> BTreeMap<&'static str, Vec<&'static str>> {
    BTreeMap::from([
        (
            "mshtml.tlb",
            vec![
                // DISPIDs: the IDL takes them from mshtmdid.h, a C header the corpus does not hold, so
                // the IDL side reads mingw-w64's copy; the binary was built with Wine 8.0's. Where
                // the two headers give other values (IHTMLFormElement::dir, IHTMLImgElement::
                // readyState, IHTMLDocumentCompatibleInfo) the DISPIDs differ. DispCEventObj's
                // members are only in the 9.7 IDL: Wine added those properties after 8.0.
                "+ dispceventobj: method get_actionurl id=1058 params 0",
                "+ dispceventobj: method get_buttonid id=1057 params 0",
                "+ dispceventobj: method get_constructor id=-2147417603 params 0",
                "+ dispceventobj: method get_data id=1054 params 0",
                "+ dispceventobj: method get_issession id=1056 params 0",
                "+ dispceventobj: method get_origin id=1053 params 0",
                "+ dispceventobj: method get_source id=1055 params 0",
                "+ dispceventobj: method get_url id=1052 params 0",
                "+ dispceventobj: method put_data id=1054 params 1",
                "+ dispceventobj: method put_issession id=1056 params 1",
                "+ dispceventobj: method put_origin id=1053 params 1",
                "+ dispceventobj: method put_url id=1052 params 1",
                "- ihtmldocumentcompatibleinfo: dispid get_useragent id=1000",
                "+ ihtmldocumentcompatibleinfo: dispid get_useragent id=1001",
                "- ihtmldocumentcompatibleinfo: dispid get_version id=1001",
                "+ ihtmldocumentcompatibleinfo: dispid get_version id=1002",
                "+ ihtmldocumentcompatibleinfocollection: dispid item id=0",
                "- ihtmldocumentcompatibleinfocollection: dispid item id=1000",
                "+ ihtmlformelement: dispid get_dir id=-2147412995",
                "- ihtmlformelement: dispid get_dir id=1002",
                "+ ihtmlformelement: dispid put_dir id=-2147412995",
                "- ihtmlformelement: dispid put_dir id=1002",
                "+ ihtmlimgelement: dispid get_readystate id=-2147412996",
                "- ihtmlimgelement: dispid get_readystate id=1012",
            ],
        ),
        (
            "msxml3.dll",
            vec![
                // DISPIDs: the IDL takes them from msxml2did.h, a C header the corpus does not hold,
                // so the IDL side reads mingw-w64's copy (DISPID_XMLDOM_SELECTION = NODELIST__TOP + 1,
                // ...), where the Wine 8.0 build used Wine's own header with other values.
                // XMLSchemaCache60: Wine 8.0's msxml3 library lists that coclass; the 9.7
                // msxml3_v1.idl does not declare it.
                "- coclass xmlschemacache60: clsid 88d96a07-f192-11d4-a65f-0040963251e5",
                "- coclass xmlschemacache60: ixmldomschemacollection2 default=true source=false",
                "+ coclass xmlschemacache60: missing",
                "- ixmldomdocument2: dispid get_namespaces id=200",
                "+ ixmldomdocument2: dispid get_namespaces id=201",
                "- ixmldomdocument2: dispid get_schemas id=201",
                "+ ixmldomdocument2: dispid get_schemas id=202",
                "- ixmldomdocument2: dispid getproperty id=204",
                "+ ixmldomdocument2: dispid getproperty id=205",
                "- ixmldomdocument2: dispid putref_schemas id=201",
                "+ ixmldomdocument2: dispid putref_schemas id=202",
                "- ixmldomdocument2: dispid setproperty id=203",
                "+ ixmldomdocument2: dispid setproperty id=204",
                "- ixmldomdocument2: dispid validate id=202",
                "+ ixmldomdocument2: dispid validate id=203",
                "- ixmldomparseerror: dispid get_filepos id=183",
                "+ ixmldomparseerror: dispid get_filepos id=184",
                "- ixmldomparseerror: dispid get_line id=181",
                "+ ixmldomparseerror: dispid get_line id=182",
                "- ixmldomparseerror: dispid get_linepos id=182",
                "+ ixmldomparseerror: dispid get_linepos id=183",
                "- ixmldomparseerror: dispid get_reason id=179",
                "+ ixmldomparseerror: dispid get_reason id=180",
                "- ixmldomparseerror: dispid get_srctext id=180",
                "+ ixmldomparseerror: dispid get_srctext id=181",
                "- ixmldomparseerror: dispid get_url id=178",
                "+ ixmldomparseerror: dispid get_url id=179",
                "- ixmldomselection: dispid clone id=17",
                "+ ixmldomselection: dispid clone id=87",
                "- ixmldomselection: dispid get_context id=12",
                "+ ixmldomselection: dispid get_context id=82",
                "- ixmldomselection: dispid get_expr id=11",
                "+ ixmldomselection: dispid get_expr id=81",
                "- ixmldomselection: dispid getproperty id=18",
                "+ ixmldomselection: dispid getproperty id=88",
                "- ixmldomselection: dispid matches id=14",
                "+ ixmldomselection: dispid matches id=84",
                "- ixmldomselection: dispid peeknode id=13",
                "+ ixmldomselection: dispid peeknode id=83",
                "- ixmldomselection: dispid put_expr id=11",
                "+ ixmldomselection: dispid put_expr id=81",
                "- ixmldomselection: dispid putref_context id=12",
                "+ ixmldomselection: dispid putref_context id=82",
                "- ixmldomselection: dispid removeall id=16",
                "+ ixmldomselection: dispid removeall id=86",
                "- ixmldomselection: dispid removenext id=15",
                "+ ixmldomselection: dispid removenext id=85",
                "- ixmldomselection: dispid setproperty id=19",
                "+ ixmldomselection: dispid setproperty id=89",
                "- ixtlruntime: dispid absolutechildnumber id=190",
                "+ ixtlruntime: dispid absolutechildnumber id=191",
                "- ixtlruntime: dispid ancestorchildnumber id=189",
                "+ ixtlruntime: dispid ancestorchildnumber id=190",
                "- ixtlruntime: dispid childnumber id=188",
                "+ ixtlruntime: dispid childnumber id=189",
                "- ixtlruntime: dispid depth id=187",
                "+ ixtlruntime: dispid depth id=188",
                "- ixtlruntime: dispid formatdate id=193",
                "+ ixtlruntime: dispid formatdate id=194",
                "- ixtlruntime: dispid formatindex id=191",
                "+ ixtlruntime: dispid formatindex id=192",
                "- ixtlruntime: dispid formatnumber id=192",
                "+ ixtlruntime: dispid formatnumber id=193",
                "- ixtlruntime: dispid formattime id=194",
                "+ ixtlruntime: dispid formattime id=195",
                "- ixtlruntime: dispid uniqueid id=186",
                "+ ixtlruntime: dispid uniqueid id=187",
                "- xmldomdocumentevents: method ondataavailable id=197 params 0",
                "+ xmldomdocumentevents: method ondataavailable id=198 params 0",
            ],
        ),
    ])
}

#[test]
fn wine_type_libraries_equal_their_idl() {
    let dir = wine_dir();
    if !dir.join("stdole2.tlb").is_file() {
        common::skip(&format!("{} not found (apt-get install wine64)", dir.display()));
        return;
    }
    let Some(corpus) = Corpus::open() else { return };
    let expected = expected();
    let mut report = Vec::new();
    let mut compared = 0;
    for (binary, label) in LIBRARIES {
        let file = corpus
            .files
            .iter()
            .find(|f| f.label == *label)
            .unwrap_or_else(|| panic!("{label} is not in the corpus"));
        let tlb = model(&dir.join(binary), std::slice::from_ref(&dir), &[]).unwrap_or_else(|e| panic!("{binary}: {e}"));
        let mut include_dirs = file.include_dirs.clone();
        include_dirs.push(dir.clone());
        let idl = model(&file.path, &include_dirs, &file.defines).unwrap_or_else(|e| panic!("{label}: {e}"));
        let (interfaces, coclasses) = library_members(&tlb);
        compared += interfaces.len() + coclasses.len();
        let lib = oscgen::typelib::read_file(&dir.join(binary)).unwrap();
        compared += lib
            .typeinfos
            .iter()
            .filter(|t| t.kind == oscgen::typelib::format::tkind::ENUM)
            .count();
        let enums = library_enumerators(&dir.join(binary));
        let records = library_records(&dir.join(binary));
        let mut tlb_facts = facts(&tlb, &interfaces, &coclasses);
        tlb_facts.extend(enum_facts(&tlb, &enums));
        tlb_facts.extend(records.iter().cloned());
        let mut idl_facts = facts(&idl, &interfaces, &coclasses);
        idl_facts.extend(enum_facts(&idl, &enums));
        idl_facts.extend(record_facts(&idl, &records));
        let found = differences(&tlb_facts, &idl_facts);
        let wanted: Vec<String> = expected
            .get(binary)
            .map(|v| v.iter().map(|s| s.to_string()).collect())
            .unwrap_or_default();
        if found != wanted {
            report.push(format!("{binary} vs {label}:\n  {}", found.join("\n  ")));
        }
    }
    assert!(report.is_empty(), "{}", report.join("\n"));
    println!("{} libraries, {compared} typeinfos compared", LIBRARIES.len());
}
