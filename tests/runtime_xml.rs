//! The XML and hashing runtime that `oscgen new` copies into every OSC provider
//! (templates/runtime/xml.rs), tested once here rather than in each generated project.

#[path = "../templates/runtime/document.rs"]
mod document;
#[path = "../templates/runtime/xml.rs"]
mod xml;

use std::path::Path;
use std::process::Command;

use xml::{OSC_NAMESPACE, PersonAddresses, XmlWriter, escape, hash_address, parse_hashed_addresses};

#[test]
fn escape_special_control_and_non_ascii() {
    assert_eq!(escape(r#"a&b<c>d"e'f"#), "a&amp;b&lt;c&gt;d&quot;e&apos;f");
    assert_eq!(escape("x\u{1}y\u{0}z\u{1F}"), "x\u{FFFD}y\u{FFFD}z\u{FFFD}");
    assert_eq!(escape("\u{FFFE}\u{FFFF}"), "\u{FFFD}\u{FFFD}");
    assert_eq!(escape("tab\tlf\ncr\r"), "tab\tlf\ncr\r");
    assert_eq!(escape("café 😀 日本"), "café 😀 日本");
}

#[test]
fn writer_output_is_exact() {
    let mut w = XmlWriter::document("friends");
    w.open("person");
    w.element("userID", "42");
    w.element("fullName", "Ann & <Bob>");
    w.close();
    w.element_with_attr("x", "kind", "a\"b", "");
    w.close();
    w.close();
    let expected = concat!(
        r#"<?xml version="1.0" encoding="utf-8"?>"#,
        r#"<friends xmlns="http://schemas.microsoft.com/office/outlook/2010/06/socialprovider.xsd">"#,
        "<person><userID>42</userID><fullName>Ann &amp; &lt;Bob&gt;</fullName></person>",
        r#"<x kind="a&quot;b"></x></friends>"#,
    );
    assert_eq!(w.finish(), expected);
}

#[test]
fn finish_closes_everything() {
    let mut w = XmlWriter::document("activityFeed");
    w.open("activities");
    w.open("activityDetails");
    assert!(
        w.finish()
            .ends_with("<activities><activityDetails></activityDetails></activities></activityFeed>")
    );
}

fn person(index: i32, hashes: &[&str]) -> PersonAddresses {
    PersonAddresses {
        index,
        hashes: hashes.iter().map(|h| h.to_string()).collect(),
    }
}

#[test]
fn parses_without_namespace_as_outlook_sends_it() {
    let xml = "<hashedAddresses><personAddresses index=\"0\"><hashedAddress>aa</hashedAddress>\
               <hashedAddress>bb</hashedAddress></personAddresses>\
               <personAddresses index='7'/></hashedAddresses>";
    assert_eq!(
        parse_hashed_addresses(xml).unwrap(),
        [person(0, &["aa", "bb"]), person(7, &[])]
    );
}

#[test]
fn parses_with_namespace_declaration_comments_and_whitespace() {
    let xml = format!(
        "\u{FEFF}<?xml version=\"1.0\" encoding=\"utf-16\"?>\n<!-- from Outlook -->\n\
         <hashedAddresses xmlns=\"{OSC_NAMESPACE}\">\r\n  <personAddresses  index = \" -3 \" >\n\
         <!-- a < comment -->\n    <hashedAddress>\n  cc  \n</hashedAddress>\n\
         <unknown a='1'><hashedAddress>ignored</hashedAddress></unknown>\n  </personAddresses >\n</hashedAddresses>\n"
    );
    assert_eq!(parse_hashed_addresses(&xml).unwrap(), [person(-3, &["cc"])]);
}

#[test]
fn parses_prefixed_elements() {
    let xml = format!(
        "<osc:hashedAddresses xmlns:osc='{OSC_NAMESPACE}'><osc:personAddresses index='2'>\
         <osc:hashedAddress>dd</osc:hashedAddress></osc:personAddresses></osc:hashedAddresses>"
    );
    assert_eq!(parse_hashed_addresses(&xml).unwrap(), [person(2, &["dd"])]);
}

#[test]
fn decodes_entities_and_cdata() {
    let xml = "<hashedAddresses><personAddresses index='&#49;&#x30;'>\
               <hashedAddress>&amp;&lt;&gt;&quot;&apos;&#65;&#x42;&#x1F600;<br/>!</hashedAddress>\
               <hashedAddress><![CDATA[<raw & text>]]>!</hashedAddress></personAddresses></hashedAddresses>";
    assert_eq!(
        parse_hashed_addresses(xml).unwrap(),
        [person(10, &["&<>\"'AB😀!", "<raw & text>!"])]
    );
}

#[test]
fn reports_errors_with_offsets() {
    let missing = "<hashedAddresses><personAddresses><hashedAddress>a</hashedAddress>\
                   </personAddresses></hashedAddresses>";
    let err = parse_hashed_addresses(missing).unwrap_err();
    assert_eq!(err.offset(), 17);
    assert!(err.message().contains("index"), "{err}");
    assert!(err.to_string().ends_with("at byte 17"));

    let not_int = "<hashedAddresses><personAddresses index='x1'/></hashedAddresses>";
    assert!(
        parse_hashed_addresses(not_int)
            .unwrap_err()
            .message()
            .contains("not an integer")
    );
    let too_big = "<hashedAddresses><personAddresses index='2147483648'/></hashedAddresses>";
    assert!(parse_hashed_addresses(too_big).is_err());

    for bad in [
        "",
        "<friends/>",
        "<hashedAddresses>",
        "<hashedAddresses></personAddresses>",
        "<hashedAddresses/><hashedAddresses/>",
        "<hashedAddresses>&bogus;</hashedAddresses>",
        "<hashedAddresses>&#0;</hashedAddresses>",
        "<hashedAddresses>&#xD800;</hashedAddresses>",
        "<hashedAddresses>a & b</hashedAddresses>",
        "<!DOCTYPE x [<!ENTITY e 'boom'>]><hashedAddresses/>",
        "text<hashedAddresses/>",
    ] {
        assert!(parse_hashed_addresses(bad).is_err(), "{bad:?} should fail");
    }
}

#[test]
fn xml_error_maps_to_e_invalidarg() {
    let err: windows_core::Error = parse_hashed_addresses("").unwrap_err().into();
    assert_eq!(err.code().0 as u32, 0x8007_0057);
}

#[test]
fn writer_output_parses_back() {
    let mut w = XmlWriter::document("hashedAddresses");
    w.open("personAddresses");
    w.element("hashedAddress", "a<b");
    w.close();
    let doc = w.finish().replace("<personAddresses>", "<personAddresses index=\"5\">");
    assert_eq!(parse_hashed_addresses(&doc).unwrap(), [person(5, &["a<b"])]);
}

/// Tiny deterministic generator, so the garbage test needs no dependency.
fn xorshift(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

#[test]
fn never_panics_on_truncated_or_garbage_input() {
    let valid = format!(
        "<?xml version='1.0'?><!--c--><osc:hashedAddresses xmlns:osc=\"{OSC_NAMESPACE}\">\
         <osc:personAddresses index=\"1\"><osc:hashedAddress>&amp;x&#x41;<![CDATA[y]]>é</osc:hashedAddress>\
         </osc:personAddresses></osc:hashedAddresses>"
    );
    for (end, _) in valid.char_indices() {
        let _ = parse_hashed_addresses(&valid[..end]);
        let _ = parse_hashed_addresses(&valid[end..]);
    }
    let alphabet: Vec<char> = "<>/!?-[]&#;x'\"= :aAé\u{1}CDATA".chars().collect();
    let mut state = 0x9E37_79B9_7F4A_7C15;
    for _ in 0..20_000 {
        let len = (xorshift(&mut state) % 64) as usize;
        let bytes: Vec<u8> = (0..len).map(|_| xorshift(&mut state) as u8).collect();
        let _ = parse_hashed_addresses(&String::from_utf8_lossy(&bytes));
        let text: String = (0..len)
            .map(|_| alphabet[(xorshift(&mut state) % alphabet.len() as u64) as usize])
            .collect();
        let _ = parse_hashed_addresses(&text);
        let mut mutated = valid.clone().into_bytes();
        let at = (xorshift(&mut state) % mutated.len() as u64) as usize;
        mutated[at] = alphabet[(xorshift(&mut state) % 8) as usize] as u8;
        let _ = parse_hashed_addresses(&String::from_utf8_lossy(&mutated));
    }
}

#[test]
fn deep_nesting_does_not_overflow() {
    let depth = 200_000;
    let xml = format!(
        "<hashedAddresses>{}{}</hashedAddresses>",
        "<a>".repeat(depth),
        "</a>".repeat(depth)
    );
    assert_eq!(parse_hashed_addresses(&xml).unwrap(), []);
    let unclosed = format!("<hashedAddresses>{}", "<a>".repeat(depth));
    assert!(parse_hashed_addresses(&unclosed).is_err());
}

#[test]
fn osc_hash_vectors() {
    let address = "melissa@contoso.com";
    assert_eq!(
        hash_address("SHA1", address).unwrap(),
        "bb81577b567262a21a4df5f6e335c1250acd7b50"
    );
    assert_eq!(
        hash_address("MD5", address).unwrap(),
        "c8c39e61ca1662477b39b83d7b0a0615"
    );
    assert_eq!(
        hash_address("CRC32MD5", address).unwrap(),
        "2149665315_c8c39e61ca1662477b39b83d7b0a0615"
    );
    assert_eq!(
        hash_address("md5", "  Melissa@Contoso.COM\n"),
        hash_address("MD5", address)
    );
    assert_eq!(hash_address("SHA256", address), None);
    assert_eq!(hash_address("", address), None);
}

/// Escaped text, a forbidden control character and non-ASCII names, written by the runtime,
/// validate against the real OSC 2013 schema with the real xmllint (skipped without them,
/// except under CI).
#[test]
fn friends_document_validates_with_xmllint() {
    let schema = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/reference/xsd/OutlookSocialProvider_2013.xsd");
    let ci = std::env::var_os("CI").is_some();
    let xmllint = Command::new("xmllint").arg("--version").output().is_ok();
    if !schema.is_file() || !xmllint {
        assert!(!ci, "../shared/reference/xsd and xmllint are required in CI");
        println!("SKIPPED: needs ../shared/reference/xsd and xmllint (apt-get install libxml2-utils)");
        return;
    }
    let mut w = XmlWriter::document("friends");
    for (id, name, index) in [("u1", "Ann & Bob <ab>", "0"), ("u2", "Zoë 'Z' \u{1}😀", "1")] {
        w.open("person");
        w.element("userID", id);
        w.element("fullName", name);
        w.element("emailAddress", "ann@example.com");
        w.element("index", index);
        w.element("friendStatus", "friend");
        w.close();
    }
    let path = std::env::temp_dir().join(format!("oscgen-runtime-friends-{}.xml", std::process::id()));
    std::fs::write(&path, w.finish()).unwrap();
    let out = Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(&schema)
        .arg(&path)
        .output()
        .unwrap();
    std::fs::remove_file(&path).unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}
