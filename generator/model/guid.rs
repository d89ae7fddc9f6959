//! GUIDs (IIDs, CLSIDs, LIBIDs) as 128-bit values, printed lower-case without braces.

use std::fmt;
use std::str::FromStr;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Guid(pub u128);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("`{0}` is not a GUID: expected the form xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx")]
pub struct GuidError(pub String);

impl Guid {
    pub fn data1(self) -> u32 {
        (self.0 >> 96) as u32
    }

    pub fn data2(self) -> u16 {
        (self.0 >> 80) as u16
    }

    pub fn data3(self) -> u16 {
        (self.0 >> 64) as u16
    }

    pub fn data4(self) -> [u8; 8] {
        (self.0 as u64).to_be_bytes()
    }

    /// Builds a GUID from its four fields, as `DEFINE_GUID` and the WinMD attribute give it.
    pub fn from_fields(d1: u32, d2: u16, d3: u16, d4: [u8; 8]) -> Guid {
        Guid(((d1 as u128) << 96) | ((d2 as u128) << 80) | ((d3 as u128) << 64) | u64::from_be_bytes(d4) as u128)
    }

    /// Upper-case with braces, as the registry writes CLSIDs: `{90D17471-0E8E-...}`.
    pub fn braced_upper(self) -> String {
        format!("{{{}}}", self.to_string().to_ascii_uppercase())
    }
}

impl FromStr for Guid {
    type Err = GuidError;

    fn from_str(s: &str) -> Result<Guid, GuidError> {
        let err = || GuidError(s.to_string());
        let t = s.trim();
        let t = t.strip_prefix('{').and_then(|t| t.strip_suffix('}')).unwrap_or(t);
        let groups: Vec<&str> = t.split('-').collect();
        let lens = [8, 4, 4, 4, 12];
        if groups.len() != 5
            || groups
                .iter()
                .zip(lens)
                .any(|(g, l)| g.len() != l || !g.bytes().all(|b| b.is_ascii_hexdigit()))
        {
            return Err(err());
        }
        u128::from_str_radix(&groups.concat(), 16).map(Guid).map_err(|_| err())
    }
}

impl fmt::Display for Guid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hex = format!("{:032x}", self.0);
        write!(
            f,
            "{}-{}-{}-{}-{}",
            &hex[0..8],
            &hex[8..12],
            &hex[12..16],
            &hex[16..20],
            &hex[20..32]
        )
    }
}

/// In oscgen.toml a GUID is its registry string (`7d1c9a3e-0000-4000-8000-000000000001`).
impl serde::Serialize for Guid {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Guid {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Guid, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_lower_case() {
        let g: Guid = "{5AFE10C7-CAB3-4b77-89C9-2E4FD62E7A1F}".parse().unwrap();
        assert_eq!(g.to_string(), "5afe10c7-cab3-4b77-89c9-2e4fd62e7a1f");
        assert_eq!(g.braced_upper(), "{5AFE10C7-CAB3-4B77-89C9-2E4FD62E7A1F}");
        assert_eq!(g.data1(), 0x5afe10c7);
        assert_eq!(g.data2(), 0xcab3);
        assert_eq!(g.data3(), 0x4b77);
        assert_eq!(g.data4(), [0x89, 0xc9, 0x2e, 0x4f, 0xd6, 0x2e, 0x7a, 0x1f]);
        assert_eq!(Guid::from_fields(g.data1(), g.data2(), g.data3(), g.data4()), g);
    }

    #[test]
    fn rejects_malformed() {
        assert!("5afe10c7-cab3-4b77-89c9".parse::<Guid>().is_err());
        assert!("5afe10c7-cab3-4b77-89c9-2e4fd62e7a1g".parse::<Guid>().is_err());
        assert!("5afe10c7cab3-4b77-89c9-2e4fd62e7a1f0".parse::<Guid>().is_err());
    }
}
