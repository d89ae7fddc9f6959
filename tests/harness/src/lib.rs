//! What the lane's two COM clients share: the ole32 and kernel32 functions they call, HRESULT
//! names for their reports, and the registry (with Wine's per-user class workaround).
//! The binaries: `osc-host` (src/bin/osc-host) and `mapi-client` (src/bin/mapi-client).

#[cfg(windows)]
pub mod com;
#[cfg(windows)]
pub mod registry;
