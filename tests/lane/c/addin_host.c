/* What an Office application does with its COM add-ins at start-up and shutdown, as a
 * Windows program run under Wine. Every IID, DISPID and enum value is from
 * docs/reference/office-addin.md (Microsoft's documentation and Office's own type
 * libraries), declared here by hand: nothing comes from oscgen's bindings. Build with
 *   x86_64-w64-mingw32-gcc -o addin-host.exe addin_host.c -lole32 -loleaut32 -luuid -ladvapi32
 * and run after regsvr32 of the add-in's DLL:
 *   addin-host.exe APP XMLFILE       (APP: Outlook, Word, Excel or PowerPoint)
 * It reads HKCU\Software\Microsoft\Office\APP\Addins, and for each add-in with LoadBehavior 3:
 * CoCreateInstance by ProgID, IDTExtensibility2::OnConnection(Application, ext_cm_Startup,
 * AddInInst, custom), OnAddInsUpdate, OnStartupComplete, IRibbonExtensibility::GetCustomUI
 * (written to XMLFILE for the lane's xmllint), each onAction of the XML resolved with
 * GetIDsOfNames and called with Invoke and an IRibbonControl, then OnBeginShutdown,
 * OnDisconnection(ext_dm_HostShutdown) and the last Release. One PASS or FAIL line per
 * check, then "addin-host: N checks, N failures". */
#define COBJMACROS
#include <windows.h>
#include <objbase.h>
#include <oleauto.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

static int checks, failures;

static void check(int ok, const char *fmt, ...)
{
    va_list ap;
    checks++;
    if (!ok)
        failures++;
    printf(ok ? "PASS " : "FAIL ");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
}

/* IDTExtensibility2 {B65AD801-ABAF-11D0-BB8B-00A0C90F2744}: IDispatch, then DISPIDs 1-5. */
static const IID IID_IDTExtensibility2 = {0xb65ad801, 0xabaf, 0x11d0, {0xbb, 0x8b, 0x00, 0xa0, 0xc9, 0x0f, 0x27, 0x44}};
/* IRibbonExtensibility {000C0396-0000-0000-C000-000000000046}: IDispatch, then GetCustomUI. */
static const IID IID_IRibbonExtensibility = {0x000c0396, 0, 0, {0xc0, 0, 0, 0, 0, 0, 0, 0x46}};
/* IRibbonControl {000C0395-0000-0000-C000-000000000046}: IDispatch, then Id, Context, Tag. */
static const IID IID_IRibbonControl = {0x000c0395, 0, 0, {0xc0, 0, 0, 0, 0, 0, 0, 0x46}};
enum { ext_cm_Startup = 1, ext_dm_HostShutdown = 0 };

typedef struct Extensibility Extensibility;
typedef struct {
    HRESULT (STDMETHODCALLTYPE *QueryInterface)(Extensibility *, REFIID, void **);
    ULONG (STDMETHODCALLTYPE *AddRef)(Extensibility *);
    ULONG (STDMETHODCALLTYPE *Release)(Extensibility *);
    void *GetTypeInfoCount, *GetTypeInfo, *GetIDsOfNames, *Invoke;
    HRESULT (STDMETHODCALLTYPE *OnConnection)(Extensibility *, IDispatch *, int, IDispatch *, SAFEARRAY **);
    HRESULT (STDMETHODCALLTYPE *OnDisconnection)(Extensibility *, int, SAFEARRAY **);
    HRESULT (STDMETHODCALLTYPE *OnAddInsUpdate)(Extensibility *, SAFEARRAY **);
    HRESULT (STDMETHODCALLTYPE *OnStartupComplete)(Extensibility *, SAFEARRAY **);
    HRESULT (STDMETHODCALLTYPE *OnBeginShutdown)(Extensibility *, SAFEARRAY **);
} ExtensibilityVtbl;
struct Extensibility { const ExtensibilityVtbl *lpVtbl; };

typedef struct Ribbon Ribbon;
typedef struct {
    HRESULT (STDMETHODCALLTYPE *QueryInterface)(Ribbon *, REFIID, void **);
    ULONG (STDMETHODCALLTYPE *AddRef)(Ribbon *);
    ULONG (STDMETHODCALLTYPE *Release)(Ribbon *);
    void *GetTypeInfoCount, *GetTypeInfo, *GetIDsOfNames, *Invoke;
    HRESULT (STDMETHODCALLTYPE *GetCustomUI)(Ribbon *, BSTR, BSTR *);
} RibbonVtbl;
struct Ribbon { const RibbonVtbl *lpVtbl; };

/* The host's own objects: an Application, an AddInInst and the IRibbonControl a callback
 * gets, one small IDispatch each, counting their references and what was asked of them. */
typedef struct {
    const void *lpVtbl;
    LONG refs;
    const WCHAR *id;
    int id_reads;
} HostObject;

static HRESULT STDMETHODCALLTYPE obj_qi(HostObject *o, REFIID riid, void **out)
{
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IDispatch)
        || (o->id && IsEqualIID(riid, &IID_IRibbonControl))) {
        *out = o;
        InterlockedIncrement(&o->refs);
        return S_OK;
    }
    *out = NULL;
    return E_NOINTERFACE;
}
static ULONG STDMETHODCALLTYPE obj_addref(HostObject *o) { return InterlockedIncrement(&o->refs); }
static ULONG STDMETHODCALLTYPE obj_release(HostObject *o) { return InterlockedDecrement(&o->refs); }
static HRESULT STDMETHODCALLTYPE obj_count(HostObject *o, UINT *n) { (void)o; *n = 0; return S_OK; }
static HRESULT STDMETHODCALLTYPE obj_info(HostObject *o, UINT i, LCID l, ITypeInfo **t) { (void)o; (void)i; (void)l; *t = NULL; return E_NOTIMPL; }
static HRESULT STDMETHODCALLTYPE obj_ids(HostObject *o, REFIID r, LPOLESTR *n, UINT c, LCID l, DISPID *d) { (void)o; (void)r; (void)n; (void)c; (void)l; (void)d; return DISP_E_UNKNOWNNAME; }
static HRESULT STDMETHODCALLTYPE obj_invoke(HostObject *o, DISPID id, REFIID r, LCID l, WORD f, DISPPARAMS *p, VARIANT *v, EXCEPINFO *e, UINT *a) { (void)o; (void)id; (void)r; (void)l; (void)f; (void)p; (void)v; (void)e; (void)a; return DISP_E_MEMBERNOTFOUND; }
static HRESULT STDMETHODCALLTYPE control_id(HostObject *o, BSTR *id) { o->id_reads++; *id = SysAllocString(o->id); return S_OK; }
static HRESULT STDMETHODCALLTYPE control_context(HostObject *o, IDispatch **c) { (void)o; *c = NULL; return E_NOTIMPL; }
static HRESULT STDMETHODCALLTYPE control_tag(HostObject *o, BSTR *t) { (void)o; *t = SysAllocString(L""); return S_OK; }

static const void *host_vtbl[] = {
    obj_qi, obj_addref, obj_release, obj_count, obj_info, obj_ids, obj_invoke,
    control_id, control_context, control_tag,
};

/* The onAction names of the ribbon XML, in order. */
static int on_actions(const WCHAR *xml, WCHAR names[][64], int max)
{
    int n = 0;
    const WCHAR *p = xml;
    while (n < max && (p = wcsstr(p, L"onAction=\"")) != NULL) {
        const WCHAR *start = p + 10, *end = wcschr(start, L'"');
        if (!end || end - start >= 63)
            break;
        memcpy(names[n], start, (end - start) * sizeof(WCHAR));
        names[n][end - start] = 0;
        n++;
        p = end;
    }
    return n;
}

/* Under Wine only: Wine 8 reads COM's keys from HKLM\Software\Classes alone, where Windows
 * merges the per-user ones regsvr32 wrote: the ProgID and class are copied there for the
 * run and removed afterwards. */
static WCHAR copied[2][128];
static int ncopied;

static void copy_to_machine(const WCHAR *path)
{
    HKEY from, to;
    LONG rc = RegOpenKeyExW(HKEY_CURRENT_USER, path, 0, KEY_READ, &from);
    if (rc == ERROR_SUCCESS) {
        rc = RegCreateKeyExW(HKEY_LOCAL_MACHINE, path, 0, NULL, 0, KEY_ALL_ACCESS, NULL, &to, NULL);
        if (rc == ERROR_SUCCESS) {
            rc = RegCopyTreeW(from, NULL, to);
            RegCloseKey(to);
            wcscpy(copied[ncopied++], path);
        }
        RegCloseKey(from);
    }
    check(rc == ERROR_SUCCESS, "Wine workaround: HKCU\\%ls copied to HKLM (%ld)", path, (long)rc);
}

static void copy_class(const WCHAR *prog_id)
{
    WCHAR path[128], clsid[64];
    DWORD size = sizeof clsid;
    swprintf(path, 128, L"Software\\Classes\\%ls", prog_id);
    copy_to_machine(path);
    wcscat(path, L"\\CLSID");
    if (RegGetValueW(HKEY_CURRENT_USER, path, NULL, RRF_RT_REG_SZ, NULL, clsid, &size) == ERROR_SUCCESS) {
        swprintf(path, 128, L"Software\\Classes\\CLSID\\%ls", clsid);
        copy_to_machine(path);
    }
}

static void undo_copies(void)
{
    int i;
    for (i = 0; i < ncopied; i++) {
        LONG rc = RegDeleteTreeW(HKEY_LOCAL_MACHINE, copied[i]);
        check(rc == ERROR_SUCCESS, "Wine workaround undone: HKLM\\%ls removed (%ld)", copied[i], (long)rc);
    }
    ncopied = 0;
}

static void run_addin(const WCHAR *prog_id, const char *xml_file)
{
    HostObject application = {host_vtbl, 1, NULL, 0}, addin_inst = {host_vtbl, 1, NULL, 0};
    IUnknown *unknown = NULL;
    Extensibility *ext = NULL;
    Ribbon *ribbon = NULL;
    IDispatch *dispatch = NULL;
    SAFEARRAY *custom = SafeArrayCreateVector(VT_VARIANT, 0, 0);
    CLSID clsid;
    HRESULT hr;
    BSTR xml = NULL, ribbon_id;
    WCHAR names[8][64];
    int i, n;
    ULONG left;

    hr = CLSIDFromProgID(prog_id, &clsid);
    check(hr == S_OK, "%ls: CLSIDFromProgID -> 0x%08lx", prog_id, (unsigned long)hr);
    hr = CoCreateInstance(&clsid, NULL, CLSCTX_INPROC_SERVER, &IID_IUnknown, (void **)&unknown);
    check(hr == S_OK && unknown, "%ls: CoCreateInstance -> 0x%08lx", prog_id, (unsigned long)hr);
    if (!unknown)
        return;
    hr = IUnknown_QueryInterface(unknown, &IID_IDTExtensibility2, (void **)&ext);
    check(hr == S_OK && ext, "QueryInterface(IDTExtensibility2) -> 0x%08lx", (unsigned long)hr);
    if (ext) {
        hr = ext->lpVtbl->OnConnection(ext, (IDispatch *)&application, ext_cm_Startup,
                                       (IDispatch *)&addin_inst, &custom);
        check(hr == S_OK, "OnConnection(Application, ext_cm_Startup, AddInInst, custom) -> 0x%08lx", (unsigned long)hr);
        hr = ext->lpVtbl->OnAddInsUpdate(ext, &custom);
        check(hr == S_OK, "OnAddInsUpdate(custom) -> 0x%08lx", (unsigned long)hr);
        hr = ext->lpVtbl->OnStartupComplete(ext, &custom);
        check(hr == S_OK, "OnStartupComplete(custom) -> 0x%08lx", (unsigned long)hr);
    }

    hr = IUnknown_QueryInterface(unknown, &IID_IRibbonExtensibility, (void **)&ribbon);
    check(hr == S_OK && ribbon, "QueryInterface(IRibbonExtensibility) -> 0x%08lx", (unsigned long)hr);
    if (ribbon) {
        ribbon_id = SysAllocString(L"Microsoft.Outlook.Explorer");
        hr = ribbon->lpVtbl->GetCustomUI(ribbon, ribbon_id, &xml);
        check(hr == S_OK && xml && SysStringLen(xml) > 0,
              "GetCustomUI(\"Microsoft.Outlook.Explorer\") -> 0x%08lx, %u characters", (unsigned long)hr,
              xml ? SysStringLen(xml) : 0);
        SysFreeString(ribbon_id);
        ribbon->lpVtbl->Release(ribbon);
    }
    if (xml) {
        FILE *f = fopen(xml_file, "wb");
        int bytes = WideCharToMultiByte(CP_UTF8, 0, xml, -1, NULL, 0, NULL, NULL);
        char *utf8 = malloc(bytes);
        WideCharToMultiByte(CP_UTF8, 0, xml, -1, utf8, bytes, NULL, NULL);
        if (f) {
            fwrite(utf8, 1, bytes - 1, f);
            fclose(f);
        }
        free(utf8);
        check(wcsstr(xml, L"xmlns=\"http://schemas.microsoft.com/office/2009/07/customui\"") != NULL,
              "the ribbon XML is in the customUI namespace of Office 2010 and later");
    }

    /* Office calls each onAction through the IDispatch of the object that gave the XML. */
    hr = IUnknown_QueryInterface(unknown, &IID_IDispatch, (void **)&dispatch);
    check(hr == S_OK && dispatch, "QueryInterface(IDispatch) -> 0x%08lx", (unsigned long)hr);
    n = xml ? on_actions(xml, names, 8) : 0;
    check(n > 0, "the ribbon XML names %d onAction callback(s)", n);
    for (i = 0; dispatch && i < n; i++) {
        HostObject control = {host_vtbl, 1, L"greet_button", 0};
        LPOLESTR name = names[i];
        DISPID id = 0;
        VARIANT arg;
        DISPPARAMS params = {&arg, NULL, 1, 0};
        EXCEPINFO excep;
        UINT arg_err = 0;
        hr = IDispatch_GetIDsOfNames(dispatch, &IID_NULL, &name, 1, LOCALE_USER_DEFAULT, &id);
        check(hr == S_OK && id != DISPID_UNKNOWN, "GetIDsOfNames(\"%ls\") -> 0x%08lx, DISPID %ld", name,
              (unsigned long)hr, (long)id);
        VariantInit(&arg);
        V_VT(&arg) = VT_DISPATCH;
        V_DISPATCH(&arg) = (IDispatch *)&control;
        memset(&excep, 0, sizeof excep);
        hr = IDispatch_Invoke(dispatch, id, &IID_NULL, LOCALE_USER_DEFAULT, DISPATCH_METHOD, &params, NULL,
                              &excep, &arg_err);
        check(hr == S_OK, "Invoke(%ld, DISPATCH_METHOD, IRibbonControl \"greet_button\"): %ls -> 0x%08lx", (long)id,
              name, (unsigned long)hr);
        check(control.refs == 1, "%ls: the control's references are back to 1 (%ld)", name, (long)control.refs);
        if (control.id_reads)
            printf("    %ls read the control's Id %d time(s)\n", name, control.id_reads);
    }
    if (dispatch)
        IDispatch_Release(dispatch);

    if (ext) {
        hr = ext->lpVtbl->OnBeginShutdown(ext, &custom);
        check(hr == S_OK, "OnBeginShutdown(custom) -> 0x%08lx", (unsigned long)hr);
        hr = ext->lpVtbl->OnDisconnection(ext, ext_dm_HostShutdown, &custom);
        check(hr == S_OK, "OnDisconnection(ext_dm_HostShutdown, custom) -> 0x%08lx", (unsigned long)hr);
        ext->lpVtbl->Release(ext);
    }
    left = IUnknown_Release(unknown);
    check(left == 0, "the last Release -> %lu", (unsigned long)left);
    check(application.refs == 1 && addin_inst.refs == 1,
          "the add-in released the Application (%ld) and AddInInst (%ld) it was given",
          (long)application.refs, (long)addin_inst.refs);
    SysFreeString(xml);
    SafeArrayDestroy(custom);
}

int main(int argc, char **argv)
{
    WCHAR key[256], prog_id[256];
    HKEY addins;
    DWORD index, len;
    int found = 0;
    HRESULT hr;

    if (argc < 3) {
        fprintf(stderr, "usage: addin-host.exe APP XMLFILE\n");
        return 2;
    }
    swprintf(key, 256, L"Software\\Microsoft\\Office\\%hs\\Addins", argv[1]);
    hr = CoInitializeEx(NULL, COINIT_APARTMENTTHREADED);
    check(hr == S_OK, "CoInitializeEx(COINIT_APARTMENTTHREADED) -> 0x%08lx", (unsigned long)hr);
    if (RegOpenKeyExW(HKEY_CURRENT_USER, key, 0, KEY_READ, &addins) != ERROR_SUCCESS) {
        check(0, "HKCU\\%ls exists", key);
    } else {
        for (index = 0; len = 256, RegEnumKeyExW(addins, index, prog_id, &len, NULL, NULL, NULL, NULL) == ERROR_SUCCESS; index++) {
            DWORD behavior = 0, size = sizeof behavior, type = 0;
            WCHAR name[256];
            DWORD name_size = sizeof name;
            RegGetValueW(addins, prog_id, L"LoadBehavior", RRF_RT_ANY, &type, &behavior, &size);
            check(type == REG_DWORD, "%ls: LoadBehavior is a REG_DWORD (type %lu)", prog_id, (unsigned long)type);
            if (RegGetValueW(addins, prog_id, L"FriendlyName", RRF_RT_REG_SZ, NULL, name, &name_size) == ERROR_SUCCESS)
                printf("    %ls: FriendlyName \"%ls\", LoadBehavior %lu\n", prog_id, name, (unsigned long)behavior);
            if (behavior != 3)
                continue;
            found++;
            copy_class(prog_id);
            run_addin(prog_id, argv[2]);
            undo_copies();
        }
        RegCloseKey(addins);
    }
    check(found == 1, "one add-in to load at start-up under HKCU\\%ls (%d)", key, found);
    CoUninitialize();
    printf("addin-host: %d checks, %d failures\n", checks, failures);
    return failures ? 1 : 0;
}
