//! The address hashes of OSC's `hashFunction` capability (osc-interfaces.md 2.4), computed
//! with the md-5, sha1 and crc32fast crates, so the host hashes addresses as Outlook does
//! without sharing any code with the provider runtime it tests. [`self_test`] checks them
//! against the documented examples.

/// Hashes an SMTP address the way OSC's `hashFunction` capability names it: `SHA1` and `MD5` give
/// lower-case hex, `CRC32MD5` gives the CRC-32 as unsigned decimal, `_`, then the MD5 hex.
/// The function name is matched case-insensitively; unknown names give `None`.
///
/// The address is trimmed and lower-cased first for all three. The OSC documentation spells out
/// this normalization only for CRC32MD5, but addresses are case-insensitive in practice and
/// providers that normalize for MD5 too (as Gravatar does) match Outlook's hashes; the UTF-8
/// bytes of the normalized address are hashed.
pub fn hash_address(function: &str, address: &str) -> Option<String> {
    let normalized = address.trim().to_lowercase();
    let bytes = normalized.as_bytes();
    let function = function.trim();
    if function.eq_ignore_ascii_case("SHA1") {
        Some(hex(&sha1(bytes)))
    } else if function.eq_ignore_ascii_case("MD5") {
        Some(hex(&md5(bytes)))
    } else if function.eq_ignore_ascii_case("CRC32MD5") {
        Some(format!("{}_{}", crc32(bytes), hex(&md5(bytes))))
    } else {
        None
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn sha1(data: &[u8]) -> [u8; 20] {
    use sha1::Digest;
    sha1::Sha1::digest(data).into()
}

fn md5(data: &[u8]) -> [u8; 16] {
    use md5::Digest;
    md5::Md5::digest(data).into()
}

/// CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320).
fn crc32(data: &[u8]) -> u32 {
    crc32fast::hash(data)
}

/// The worked examples of the OSC documentation for `melissa@contoso.com`.
pub const DOCUMENTED: [(&str, &str); 3] = [
    ("SHA1", "bb81577b567262a21a4df5f6e335c1250acd7b50"),
    ("MD5", "c8c39e61ca1662477b39b83d7b0a0615"),
    ("CRC32MD5", "2149665315_c8c39e61ca1662477b39b83d7b0a0615"),
];

/// Every documented example that this code does not reproduce, as (function, got, expected).
pub fn self_test() -> Vec<(&'static str, String, &'static str)> {
    DOCUMENTED
        .iter()
        .filter_map(|&(function, expected)| {
            let got = hash_address(function, " Melissa@Contoso.com ").unwrap_or_default();
            (got != expected).then_some((function, got, expected))
        })
        .collect()
}
