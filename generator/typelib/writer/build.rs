//! Assembling the library: which typeinfos it holds, in the order widl adds them (a
//! type is added where first referenced, a base before the interface deriving from it),
//! and the imports from stdole2.tlb.

use std::collections::HashMap;

use crate::model::Coclass;
use crate::model::Model;
use crate::model::guid::Guid;
use crate::model::interface::Interface;
use crate::model::types::{Scalar, Type, TypeDefKind};
use crate::model::vtable::Vtable;
use crate::typelib::format::{
    STDOLE_LIBID, Segment, guid_entry, impinfo, impltypeflag, tkind, typeflag, typeinfo, varflag,
};
use crate::typelib::writer::Error;
use crate::typelib::writer::encode::typeinfo_name;
use crate::typelib::writer::members::{Var, checked_name};
use crate::typelib::writer::tables::Tables;
use crate::typelib::writer::typeinfo::TypeInfo;

const STDOLE2_FILE: &str = "stdole2.tlb";
const IID_IUNKNOWN: u128 = 0x00000000_0000_0000_c000_000000000046;
const IID_IDISPATCH: u128 = 0x00020400_0000_0000_c000_000000000046;
const IID_IENUMVARIANT: u128 = 0x00020404_0000_0000_c000_000000000046;

pub struct Builder<'m> {
    pub model: &'m Model,
    pub t: Tables,
    pub infos: Vec<TypeInfo>,
    /// Model name to typeinfo index.
    index: HashMap<String, usize>,
    /// An aggregate's tag (`tagDOMNodeType` for `typedef enum tagDOMNodeType {...}
    /// DOMNodeType`): widl names the typeinfo by it, the model the type by the typedef.
    tags: HashMap<String, String>,
    /// Imported interface name to its `MSFT_ImpInfo` offset.
    imports: HashMap<&'static str, usize>,
    stdole_file: bool,
    pub ptr: i32,
    pub dispatchpos: i32,
}

/// How a type of stdole2.tlb is referenced: interfaces by IID, records (which have no
/// GUID there) by their index in it.
#[derive(Clone, Copy)]
enum StdoleRef {
    Iid(u128),
    Index(i32),
}

/// The types every library takes from stdole2.tlb rather than describing them, as widl
/// does once the IDL says `importlib("stdole2.tlb")`: their TYPEKIND and reference.
fn stdole_type(name: &str) -> Option<(&'static str, u32, StdoleRef)> {
    Some(match name {
        "GUID" => ("GUID", tkind::RECORD, StdoleRef::Index(0)),
        "DISPPARAMS" => ("DISPPARAMS", tkind::RECORD, StdoleRef::Index(1)),
        "EXCEPINFO" => ("EXCEPINFO", tkind::RECORD, StdoleRef::Index(2)),
        "IUnknown" => ("IUnknown", tkind::INTERFACE, StdoleRef::Iid(IID_IUNKNOWN)),
        "IDispatch" => ("IDispatch", tkind::INTERFACE, StdoleRef::Iid(IID_IDISPATCH)),
        "IEnumVARIANT" => ("IEnumVARIANT", tkind::INTERFACE, StdoleRef::Iid(IID_IENUMVARIANT)),
        _ => return None,
    })
}

impl<'m> Builder<'m> {
    pub fn new(model: &'m Model, ptr: i32) -> Builder<'m> {
        Builder {
            model,
            t: Tables::new(),
            infos: Vec::new(),
            index: HashMap::new(),
            tags: model
                .types()
                .filter_map(|t| match &t.kind {
                    TypeDefKind::Alias(Type::Named(target)) if typeinfo_name(&t.name) != t.name => {
                        Some((target.to_string(), typeinfo_name(&t.name).to_string()))
                    }
                    _ => None,
                })
                .collect(),
            imports: HashMap::new(),
            stdole_file: false,
            ptr,
            dispatchpos: -1,
        }
    }

    fn stdole_import_file(&mut self) -> usize {
        let guid = self.t.alloc_guid(Guid(STDOLE_LIBID), 2);
        self.t.import_file(guid, 2, 0, STDOLE2_FILE)
    }

    /// `alloc_importinfo`: a reference to a type of stdole2.tlb; its hreftype is the
    /// returned offset + 1.
    fn import(&mut self, (name, kind, reference): (&'static str, u32, StdoleRef)) -> usize {
        if !self.stdole_file {
            self.stdole_file = true;
            self.stdole_import_file();
        }
        if let Some(&at) = self.imports.get(name) {
            return at;
        }
        let at = match reference {
            StdoleRef::Iid(iid) => {
                let guid = self.t.alloc_guid(Guid(iid), 0);
                let flags = (kind << impinfo::TYPEKIND_SHIFT) | impinfo::OFFSET_IS_GUID;
                let at = self.t.import_info(flags as i32, 0, guid);
                // widl stores the hreftype in the GUID entry's first byte only.
                self.t.segments[Segment::Guid as usize][guid + guid_entry::HREFTYPE] = (at + 1) as u8;
                at
            }
            StdoleRef::Index(index) => {
                let flags = kind << impinfo::TYPEKIND_SHIFT;
                self.t.import_info(flags as i32, 0, index as usize)
            }
        };
        if name == "IDispatch" {
            self.dispatchpos = at as i32 + 1;
        }
        self.imports.insert(name, at);
        at
    }

    /// `add_dispatch`: the IDispatch reference every dispinterface's loader needs.
    fn add_dispatch(&mut self) {
        if self.dispatchpos != -1 {
            return;
        }
        let file = self.stdole_import_file();
        let guid = self.t.alloc_guid(Guid(IID_IDISPATCH), 1);
        let flags = (tkind::INTERFACE << impinfo::TYPEKIND_SHIFT) | impinfo::OFFSET_IS_GUID;
        let at = self.t.import_info(flags as i32, file, guid);
        self.dispatchpos = at as i32 | 1;
    }

    /// `create_msft_typeinfo`.
    fn create(&mut self, kind: u32, name: &str, guid: Option<Guid>) -> Result<usize, Error> {
        let shown = match self.tags.get(name) {
            Some(tag) if matches!(kind, tkind::ENUM | tkind::RECORD | tkind::UNION) => tag.as_str(),
            _ => typeinfo_name(name),
        };
        let name_offset = self.t.alloc_name(checked_name(shown)?);
        let index = self.infos.len();
        let hreftype = (index * typeinfo::SIZE) as i32;
        let mut ti = TypeInfo::new(index, name_offset);
        *self.t.name_flags(name_offset) = 0x38;
        self.t.set_name_owner(name_offset, hreftype);
        ti.kind = kind;
        ti.typekind |= kind as i32 | 0x20;
        if kind == tkind::COCLASS {
            ti.flags |= typeflag::CANCREATE;
        }
        if let Some(g) = guid {
            ti.posguid = self.t.alloc_guid(g, hreftype) as i32;
        }
        self.infos.push(ti);
        self.index.insert(name.to_string(), index);
        Ok(index)
    }

    pub fn hreftype(&self, name: &str) -> Option<i32> {
        self.index.get(name).map(|&i| (i * typeinfo::SIZE) as i32)
    }

    /// The hreftype of a named type a signature uses, adding its typeinfo if needed.
    pub fn user_type(&mut self, name: &str) -> Result<i32, Error> {
        if let Some(h) = self.hreftype(name) {
            return Ok(h);
        }
        if let Some(imported) = stdole_type(name) {
            return Ok(self.import(imported) as i32 | 1);
        }
        let model = self.model;
        let def = model.type_def(name).ok_or_else(|| Error::Type(name.to_string()))?;
        match &def.kind {
            TypeDefKind::Struct(_) | TypeDefKind::Union(_) | TypeDefKind::Enum(..) => self.add_type(name)?,
            TypeDefKind::Interface => {
                let iface = model.interface(name).ok_or_else(|| Error::Type(name.to_string()))?;
                self.add_interface(iface)?;
            }
            TypeDefKind::Opaque if self.coclass(name).is_some() => {
                let class = self.coclass(name).ok_or_else(|| Error::Type(name.to_string()))?;
                self.add_coclass(class)?;
            }
            _ => return Err(Error::Type(name.to_string())),
        }
        self.hreftype(name).ok_or_else(|| Error::Type(name.to_string()))
    }

    /// A coclass of any library the inputs declare, used as a type (`ApplicationObject2 **`).
    pub fn coclass(&self, name: &str) -> Option<&'m Coclass> {
        self.model
            .libraries
            .iter()
            .flat_map(|l| &l.coclasses)
            .find(|c| c.name == name)
    }

    /// An enum, record or union, with its members.
    pub fn add_type(&mut self, name: &str) -> Result<(), Error> {
        if self.index.contains_key(name) {
            return Ok(());
        }
        let model = self.model;
        let def = model.type_def(name).ok_or_else(|| Error::Type(name.to_string()))?;
        match &def.kind {
            TypeDefKind::Enum(_, values) => {
                let info = self.create(tkind::ENUM, name, def.uuid)?;
                let int = Type::Scalar(Scalar::I32);
                for (i, (n, v)) in values.iter().enumerate() {
                    let var = Var {
                        name: n,
                        ty: &int,
                        id: None,
                        flags: 0,
                        value: *v,
                    };
                    self.add_var(info, i as i32, &var)?;
                }
            }
            TypeDefKind::Struct(fields) | TypeDefKind::Union(fields) => {
                let kind = if matches!(def.kind, TypeDefKind::Struct(_)) {
                    tkind::RECORD
                } else {
                    tkind::UNION
                };
                let info = self.create(kind, name, def.uuid)?;
                for (i, f) in fields.iter().enumerate() {
                    let var = Var {
                        name: &f.name,
                        ty: &f.ty,
                        id: None,
                        flags: 0,
                        value: 0,
                    };
                    self.add_var(info, i as i32, &var)?;
                }
            }
            _ => return Err(Error::Type(name.to_string())),
        }
        Ok(())
    }

    /// The interface's ancestors, nearest first.
    fn chain(&self, iface: &'m Interface) -> Vec<&'m Interface> {
        Vtable::ancestors(self.model, iface)
    }

    /// `add_interface_typeinfo`: a vtable interface (TKIND_INTERFACE) or a dual one
    /// (stored as TKIND_DISPATCH with TYPEFLAG_FDUAL; the loader derives its vtable twin).
    pub fn add_interface(&mut self, iface: &'m Interface) -> Result<(), Error> {
        if self.index.contains_key(&iface.name) {
            return Ok(());
        }
        let dual = iface.dispatch.as_ref().is_some_and(|d| d.dual);
        if iface.dispatch.is_some() && !dual {
            return self.add_dispinterface(iface);
        }
        let base = iface.base.as_deref().and_then(|b| self.model.interface(b));
        let imported = iface.base.as_deref().and_then(stdole_type);
        if let Some(base) = base
            && imported.is_none()
            && base.base.is_some()
        {
            self.add_interface(base)?;
        }
        if self.index.contains_key(&iface.name) {
            return Ok(());
        }
        let info = self.create(tkind::INTERFACE, &iface.name, iface.iid)?;
        let chain = self.chain(iface);
        let ptr = self.ptr;
        {
            let ti = &mut self.infos[info];
            if dual {
                ti.typekind = (ti.typekind & !0xff) | 0x34;
                ti.flags |= typeflag::DUAL | typeflag::OLEAUTOMATION;
            } else if iface.oleautomation {
                ti.flags |= typeflag::OLEAUTOMATION;
            }
            ti.size = ptr;
            ti.typekind |= 0x0200 | (ptr << 11);
            if chain.iter().any(|a| a.name == "IDispatch") {
                ti.flags |= typeflag::DISPATCHABLE;
            }
        }
        if let Some(base_name) = iface.base.as_deref() {
            let datatype1 = match imported {
                Some(imported) => self.import(imported) as i32 + 1,
                None => {
                    let base = base.ok_or_else(|| Error::Type(base_name.to_string()))?;
                    self.add_interface(base)?;
                    self.hreftype(&base.name).unwrap_or(-1)
                }
            };
            let ti = &mut self.infos[info];
            ti.datatype1 = datatype1;
            ti.c_impl_types += 1;
        }
        let inherited = match iface.base.as_deref().and_then(|b| self.model.vtable(b)) {
            Some(vtable) => vtable.slots.len() as i32,
            None => 0,
        };
        let ti = &mut self.infos[info];
        ti.datatype2 = (inherited << 16) | chain.len() as i32;
        ti.cb_size_vft = inherited * ptr;
        let mut index = 0;
        for m in &iface.methods {
            if self.add_func(info, m, index)? {
                index += 1;
            }
        }
        Ok(())
    }

    /// `add_dispinterface_typeinfo`: properties as VAR_DISPATCH variables (numbered after
    /// the methods), methods as FUNC_DISPATCH functions.
    fn add_dispinterface(&mut self, iface: &'m Interface) -> Result<(), Error> {
        let Some(dispatch) = iface.dispatch.as_ref() else {
            return Ok(());
        };
        // `dispinterface D { interface I; }`: D is I's dispatch view, implementing I.
        let view = match &dispatch.interface {
            Some(of) => {
                let of = self
                    .model
                    .interface(of)
                    .ok_or_else(|| Error::DispatchView(iface.name.clone(), of.clone()))?;
                let imported = stdole_type(&of.name);
                if imported.is_none() && of.base.is_some() {
                    self.add_interface(of)?;
                }
                if self.index.contains_key(&iface.name) {
                    return Ok(());
                }
                Some((of, imported))
            }
            None => None,
        };
        let info = self.create(tkind::DISPATCH, &iface.name, iface.iid)?;
        let ptr = self.ptr;
        let ti = &mut self.infos[info];
        ti.size = ptr;
        ti.typekind |= (ptr << 11) | (ptr << 6);
        ti.flags |= typeflag::DISPATCHABLE;
        self.add_dispatch();
        if let Some((of, imported)) = view {
            let datatype1 = match imported {
                Some(imported) => self.import(imported) as i32 + 1,
                None => {
                    self.add_interface(of)?;
                    self.hreftype(&of.name).unwrap_or(-1)
                }
            };
            let slots = self.model.vtable(&of.name).map_or(0, |v| v.slots.len() as i32);
            let parents = Vtable::ancestors(self.model, of).len() as i32 + 1;
            let ti = &mut self.infos[info];
            ti.datatype1 = datatype1;
            ti.typekind |= 0x10;
            ti.datatype2 = (slots << 16) | parents;
            ti.cb_size_vft = slots * ptr;
        }
        self.infos[info].c_impl_types = 1;
        let first = dispatch.methods.len() as i32;
        for (index, p) in (first..).zip(&dispatch.properties) {
            let var = Var {
                name: &p.name,
                ty: &p.ty,
                id: p.dispid,
                flags: if p.readonly { varflag::READONLY } else { 0 },
                value: 0,
            };
            self.add_var(info, index, &var)?;
        }
        let mut index = 0;
        for m in &dispatch.methods {
            if self.add_func(info, m, index)? {
                index += 1;
            }
        }
        Ok(())
    }

    /// `add_coclass_typeinfo`: the interfaces as `MSFT_RefRecord`s; with no `[default]`,
    /// the first incoming and the first outgoing interface are the defaults.
    pub fn add_coclass(&mut self, class: &'m Coclass) -> Result<(), Error> {
        if self.index.contains_key(&class.name) {
            return Ok(());
        }
        let info = self.create(tkind::COCLASS, &class.name, class.clsid)?;
        let mut refs = Vec::new();
        for member in &class.interfaces {
            let href = match self.hreftype(&member.name) {
                Some(h) => h,
                None => {
                    let iface = self
                        .model
                        .interface(&member.name)
                        .ok_or_else(|| Error::Type(member.name.clone()))?;
                    self.add_interface(iface)?;
                    self.hreftype(&member.name).unwrap_or(-1)
                }
            };
            let mut flags = 0;
            if member.default {
                flags |= impltypeflag::DEFAULT;
            }
            if member.source {
                flags |= impltypeflag::SOURCE;
            }
            refs.push((href, flags));
        }
        for source in [0, impltypeflag::SOURCE] {
            let group = |f: u32| f & impltypeflag::SOURCE == source;
            if !refs.iter().any(|&(_, f)| group(f) && f & impltypeflag::DEFAULT != 0)
                && let Some(first) = refs.iter_mut().find(|(_, f)| group(*f))
            {
                first.1 |= impltypeflag::DEFAULT;
            }
        }
        let at = self.t.references(&refs);
        let ptr = self.ptr;
        let ti = &mut self.infos[info];
        ti.datatype1 = at as i32;
        ti.c_impl_types = refs.len() as i32;
        ti.size = ptr;
        ti.typekind |= 0x2200;
        Ok(())
    }
}
