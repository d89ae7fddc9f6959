//! The add-in's connect class: what Office creates, by the ProgID under its `Addins` key,
//! when it loads the add-in.
//!
//! Written once by `oscgen new`; this file is yours. `oscgen generate` never changes what
//! you wrote: when an interface gains a method, or oscgen.toml a ribbon callback, it only
//! adds that method's stub.

// Every name a stub may use (bindings, BSTR, Result, ...): a stub oscgen adds later
// compiles without new `use` lines.
use crate::generated::callbacks::RibbonCallbacks;
use crate::generated::prelude::*;

/// The ribbon Office shows for this add-in: GetCustomUI returns it. Its `onAction`
/// attributes name the callbacks of oscgen.toml's `ribbon.callbacks`.
const RIBBON_XML: &str = include_str!("ribbon.xml");

/// Created by the class factory when Office loads the add-in. Office calls it on its main
/// (UI) thread; the state you add still sits behind locks, as COM objects' state must.
#[implement(IDTExtensibility2, IRibbonExtensibility)]
#[derive(Default)]
pub struct Connect {
    _module: ModuleRef,
}

impl IDTExtensibility2_Impl for Connect_Impl {
    /// TODO: Office has loaded the add-in. `application` is the host's Application object
    /// (Outlook.Application, Word.Application, ...): keep it (`application.cloned()`) to call the
    /// object model later. `connect_mode` is ext_cm_Startup at start-up, ext_cm_AfterStartup when
    /// the user turned the add-in on from the COM Add-ins dialog. `add_in_inst` is Office's
    /// COMAddIn object for this add-in; `custom` is an empty array. Failing here makes Office
    /// disable the add-in.
    fn OnConnection(
        &self,
        application: Ref<'_, IDispatch>,
        connect_mode: ext_ConnectMode,
        add_in_inst: Ref<'_, IDispatch>,
        custom: *mut *mut SAFEARRAY,
    ) -> Result<()> {
        let _ = (application, connect_mode, add_in_inst, custom);
        Ok(())
    }

    /// TODO: Office unloads the add-in: ext_dm_HostShutdown when it closes, ext_dm_UserClosed
    /// when the user turned the add-in off. Release what OnConnection kept (the Application
    /// object first): Office waits for the last Release before it can exit.
    fn OnDisconnection(
        &self,
        remove_mode: ext_DisconnectMode,
        custom: *mut *mut SAFEARRAY,
    ) -> Result<()> {
        let _ = (remove_mode, custom);
        Ok(())
    }

    /// TODO: The set of loaded COM add-ins changed (another one was loaded or unloaded). Most
    /// add-ins do nothing here.
    fn OnAddInsUpdate(&self, custom: *mut *mut SAFEARRAY) -> Result<()> {
        let _ = custom;
        Ok(())
    }

    /// TODO: Office finished starting (it is not called for an add-in loaded after start-up):
    /// the place for work that needs the whole user interface, such as opening a window.
    fn OnStartupComplete(&self, custom: *mut *mut SAFEARRAY) -> Result<()> {
        let _ = custom;
        Ok(())
    }

    /// TODO: Office is about to close (OnDisconnection follows): save what must be saved while
    /// the object model is still there.
    fn OnBeginShutdown(&self, custom: *mut *mut SAFEARRAY) -> Result<()> {
        let _ = custom;
        Ok(())
    }
}

impl IRibbonExtensibility_Impl for Connect_Impl {
    /// TODO: The ribbon XML for the window kind `ribbon_id` names (Outlook asks once per kind:
    /// "Microsoft.Outlook.Explorer" for the main window, "Microsoft.Outlook.Mail.Read" for a
    /// message, ...; Word, Excel and PowerPoint ask once, with their own id). An empty string
    /// means no ribbon for that kind. The XML is src/ribbon.xml; each `onAction` in it names a
    /// callback of oscgen.toml's `ribbon.callbacks`.
    fn GetCustomUI(&self, ribbon_id: &BSTR) -> Result<BSTR> {
        // Outlook asks once per window kind; the button sits on the main window's Home tab.
        let id = String::try_from(ribbon_id).unwrap_or_default();
        if id.starts_with("Microsoft.Outlook.") && id != "Microsoft.Outlook.Explorer" {
            return Ok(BSTR::new());
        }
        Ok(BSTR::from(RIBBON_XML))
    }
}

impl RibbonCallbacks for Connect_Impl {
    /// TODO: what `onAction="OnGreet"` does. Office calls it on its UI thread when the
    /// control is clicked; `control` tells which (its Id and Tag, as the ribbon XML sets
    /// them). Return quickly: Office waits.
    fn OnGreet(&self, control: &IRibbonControl) -> Result<()> {
        let _ = control;
        Ok(())
    }
}
