//! `src/generated/identity.rs`: the CLSIDs, ProgID and registry entries of oscgen.toml.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::emit::bindings::types::guid_literal;
use crate::emit::format;
use crate::emit::project::{Class, OWNED_HEADER};
use crate::emit::registry::{RegData, RegKey, Registration};
use crate::model::guid::Guid;
use crate::project::config::Config;
use crate::project::template::Template;

pub fn guid_tokens(g: Guid) -> TokenStream {
    let lit = guid_literal(g.0);
    quote!(windows_core::GUID::from_u128(#lit))
}

pub fn identity_rs(config: &Config, classes: &[Class], registration: &Registration, extra: TokenStream) -> String {
    let prog_id = &config.provider.prog_id;
    let logging = logging(config);
    let class_consts = classes.iter().map(|c| {
        let name = format_ident!("{}", c.const_name);
        let guid = guid_tokens(c.clsid);
        quote! {
            /// A COM class ID this DLL serves (oscgen.toml `provider.clsid`).
            pub const #name: windows_core::GUID = #guid;
        }
    });
    let creators: Vec<_> = classes
        .iter()
        .enumerate()
        .map(|(i, _)| format_ident!("create{}", i))
        .collect();
    let class_entries = classes.iter().zip(&creators).map(|(c, f)| {
        let name = format_ident!("{}", c.const_name);
        quote!(Class { clsid: #name, create: #f })
    });
    let creator_fns = classes.iter().zip(&creators).map(|(c, f)| {
        let path: syn::Path = syn::parse_str(&c.create_path).expect("type path");
        quote! {
            fn #f() -> windows_core::IUnknown {
                #path::default().into()
            }
        }
    });
    let values = reg_values(&registration.keys);
    let trees = &registration.trees;
    // REG_DWORD values have a table of their own, there only when the server has any, so
    // that a server of string values alone keeps the table it always had.
    let dwords = reg_dwords(&registration.keys);
    let (use_dword, dword_table, register_dwords) = if dwords.is_empty() {
        (quote!(), quote!(), quote!())
    } else {
        (
            quote!(RegDword,),
            quote! {
                /// Every REG_DWORD value DllRegisterServer writes under HKEY_CURRENT_USER.
                pub const REGISTRY_DWORDS: &[RegDword] = &[#(#dwords),*];
            },
            quote!(registry::register_dwords(REGISTRY_DWORDS)?;),
        )
    };
    // A 32-bit DLL also writes the keys 32-bit Outlook on 64-bit Windows reads (Wow6432Node);
    // the tables exist on every target, so tests can read them, and are used on 32-bit only.
    let (tables_32, register_32, unregister_32) = if registration.keys_32.is_empty() {
        (quote!(), quote!(), quote!())
    } else {
        let values_32 = reg_values(&registration.keys_32);
        let trees_32 = &registration.trees_32;
        (
            quote! {
                /// What a 32-bit DLL also writes: the keys 32-bit Outlook on 64-bit Windows reads
                /// (Wow6432Node). Used by [`register`] on 32-bit targets only.
                pub const REGISTRY_VALUES_32: &[RegValue] = &[#(#values_32),*];
                /// What [`unregister`] also removes on 32-bit targets.
                pub const REGISTRY_TREES_32: &[&str] = &[#(#trees_32),*];
            },
            quote! {
                if cfg!(target_pointer_width = "32") {
                    registry::register(REGISTRY_VALUES_32, &dll)?;
                }
            },
            quote! {
                if cfg!(target_pointer_width = "32") {
                    registry::unregister(REGISTRY_TREES_32)?;
                }
            },
        )
    };
    let tokens = quote! {
        use super::registry::{self, #use_dword RegValue};
        use super::server::Class;

        #(#class_consts)*
        pub const PROG_ID: &str = #prog_id;
        #extra

        #logging

        /// The classes DllGetClassObject serves.
        pub const CLASSES: &[Class] = &[#(#class_entries),*];

        #(#creator_fns)*

        /// Every value DllRegisterServer writes under HKEY_CURRENT_USER.
        pub const REGISTRY_VALUES: &[RegValue] = &[#(#values),*];
        #dword_table
        /// The keys DllUnregisterServer removes: exactly the ones registration created.
        pub const REGISTRY_TREES: &[&str] = &[#(#trees),*];
        #tables_32

        /// Registers the server for the current user, as this DLL's bitness needs.
        pub fn register() -> windows_core::Result<()> {
            let dll = registry::dll_path()?;
            registry::register(REGISTRY_VALUES, &dll)?;
            #register_dwords
            #register_32
            Ok(())
        }

        /// Removes what [`register`] wrote.
        pub fn unregister() -> windows_core::Result<()> {
            #unregister_32
            registry::unregister(REGISTRY_TREES)
        }
    };
    format::rust_file(&[OWNED_HEADER, "", "This server's identity, from oscgen.toml."], tokens)
        .expect("identity tokens parse")
}

/// The environment variable that turns the call log on: `<CRATE>_LOG`.
pub fn log_env(config: &Config) -> String {
    format!("{}_LOG", config.project.name.replace('-', "_").to_ascii_uppercase())
}

/// The call log's file under `%LOCALAPPDATA%`: `<ProgID>\<crate>.log`.
pub fn log_file(config: &Config) -> String {
    format!(
        "{}\\{}.log",
        config.provider.prog_id,
        config.project.name.replace('-', "_")
    )
}

/// What turns the call log (`trace`) on, and where it goes: named after the crate and the
/// ProgID, which are the author's and unique to the project.
fn logging(config: &Config) -> TokenStream {
    let name = &config.project.name;
    let env = log_env(config);
    let own_key = format!("Software\\{}", config.provider.prog_id);
    let file = log_file(config);
    let mut switches = vec![quote!((#own_key, "Logging"))];
    if config.project.template == Template::OscProvider {
        // Outlook's own debugging switch: an author who turns it on wants the provider's side too.
        switches.push(quote!((
            "Software\\Microsoft\\Office\\Outlook\\SocialConnector",
            "DebugProviders"
        )));
    }
    quote! {
        /// What turns the call log on (`trace`): the environment variable, or a nonzero DWORD
        /// among these registry values under HKEY_CURRENT_USER; the file is under %LOCALAPPDATA%.
        pub const LOGGING: super::trace::Switches = super::trace::Switches {
            name: #name,
            env: #env,
            registry: &[#(#switches),*],
            file: #file,
        };
    }
}

/// `RegValue { key, name, value }` for every REG_SZ value of the keys.
fn reg_values(keys: &[RegKey]) -> Vec<TokenStream> {
    keys.iter()
        .flat_map(|k| {
            k.entries.iter().filter_map(move |(name, data)| {
                let key = &k.path;
                let value = data.as_str()?;
                Some(quote!(RegValue { key: #key, name: #name, value: #value }))
            })
        })
        .collect()
}

/// `RegDword { key, name, value }` for every REG_DWORD value of the keys.
fn reg_dwords(keys: &[RegKey]) -> Vec<TokenStream> {
    keys.iter()
        .flat_map(|k| {
            k.entries.iter().filter_map(move |(name, data)| {
                let key = &k.path;
                let RegData::Dword(value) = data else { return None };
                let value = proc_macro2::Literal::u32_unsuffixed(*value);
                Some(quote!(RegDword { key: #key, name: #name, value: #value }))
            })
        })
        .collect()
}
