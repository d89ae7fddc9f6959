//! The client's fixed part: the checks' output, the probe codes' names, scratch memory,
//! the registry, the COM identity rules, and `main`. Written once for C and C++: the few
//! calls through a vtable here go through `PROBE_QI`, `PROBE_ADDREF` and `PROBE_RELEASE`.

/// Between the includes and the generated tables: the dialect's macros.
pub const DIALECT: &str = r#"
/* The same vtable slot, called as the headers declare it: in C through the vtable struct
 * (obj->lpVtbl->M(obj, ...)), in C++ through the class's virtual methods. */
#ifdef __cplusplus
#define PROBE_QI(obj, iid, out) ((obj)->QueryInterface(*(iid), (void **)(out)))
#define PROBE_ADDREF(obj) ((obj)->AddRef())
#define PROBE_RELEASE(obj) ((obj)->Release())
#define PROBE_GUID(p) (*(p))
#else
#define PROBE_QI(obj, iid, out) ((obj)->lpVtbl->QueryInterface((obj), (iid), (void **)(out)))
#define PROBE_ADDREF(obj) ((obj)->lpVtbl->AddRef(obj))
#define PROBE_RELEASE(obj) ((obj)->lpVtbl->Release(obj))
#define PROBE_GUID(p) (p)
#endif
"#;

/// After the probe table (`probe_bases`): everything but the generated calls and `main`.
pub const HELPERS: &str = r#"
/* Which interface and slot a probe code names, or NULL. */
static const char *probe_name(HRESULT hr, unsigned *slot)
{
    const struct probe_base *p;
    unsigned long v = HR(hr);
    if ((v & 0xFFFF0000UL) != 0x80040000UL)
        return NULL;
    for (p = probe_bases; p->name; p++) {
        if ((v & 0xFFFF) >= p->base && (v & 0xFFFF) < p->base + p->slots) {
            *slot = (unsigned)(v & 0xFFFF) - p->base;
            return p->name;
        }
    }
    return NULL;
}

/* stub: 1 if the method is a stub (it must answer `want`), 0 if implemented, -1 unknown. */
static void expect_slot(HRESULT hr, const char *iface, const char *member, const char *declared, unsigned slot,
                        HRESULT want, int stub)
{
    unsigned other_slot = 0;
    const char *other = probe_name(hr, &other_slot);
    if (hr == want)
        check(1, "%s->%s: 0x%08lX, the probe code of %s slot %u", iface, member, HR(hr), declared, slot);
    else if (other)
        check(0, "%s->%s reached %s slot %u (0x%08lX), not %s slot %u (0x%08lX)", iface, member, other,
              other_slot, HR(hr), declared, slot, HR(want));
    else if (stub == 1)
        check(0, "%s->%s: 0x%08lX, but the stub of %s slot %u answers 0x%08lX", iface, member, HR(hr),
              declared, slot, HR(want));
    else
        check(1, "%s->%s: 0x%08lX (%s slot %u is implemented)", iface, member, HR(hr), declared, slot);
}

/* Zeroed memory for out-parameters: any type fits (and is aligned) in one cell. */
static union {
    double align;
    unsigned char bytes[4096];
} scratch[16];
#define SCRATCH(i) ((void *)&scratch[i])

static void reset_out(void)
{
    memset(scratch, 0, sizeof scratch);
}

#ifdef __cplusplus
/* C++ converts 0 to neither an enum nor a struct: a zeroed value of the parameter's type,
 * and scratch memory as the pointer type the parameter takes. */
struct probe_zero {
    template <class T> operator T() const
    {
        T value;
        memset((void *)&value, 0, sizeof value);
        return value;
    }
};
struct probe_out {
    int cell;
    explicit probe_out(int i) : cell(i) {}
    template <class T> operator T *() const { return (T *)SCRATCH(cell); }
};
#endif

/* Under Wine only: Wine's HKEY_CLASSES_ROOT reads HKLM\Software\Classes alone, so the class's
 * per-user key is copied there for the run (Windows merges HKCU\Software\Classes in). */
static int hklm_copied;
static const WCHAR class_key[] = L"Software\\Classes\\CLSID\\" CLSID_TEXT;

static void wine_workaround(void)
{
    HMODULE ntdll = GetModuleHandleA("ntdll.dll");
    HKEY from, to;
    LONG rc;
    if (!ntdll || !GetProcAddress(ntdll, "wine_get_version"))
        return;
    if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, class_key, 0, KEY_READ, &to) == ERROR_SUCCESS) {
        RegCloseKey(to);
        info("Wine workaround: HKLM already has the class; nothing copied");
        return;
    }
    rc = RegOpenKeyExW(HKEY_CURRENT_USER, class_key, 0, KEY_READ, &from);
    if (rc == ERROR_SUCCESS) {
        rc = RegCreateKeyExW(HKEY_LOCAL_MACHINE, class_key, 0, NULL, 0, KEY_ALL_ACCESS, NULL, &to, NULL);
        if (rc == ERROR_SUCCESS) {
            hklm_copied = 1;
            rc = RegCopyTreeW(from, NULL, to);
            RegCloseKey(to);
        }
        RegCloseKey(from);
    }
    check(rc == ERROR_SUCCESS, "Wine workaround: per-user class copied to HKLM for CoCreateInstance (%ld)", (long)rc);
}

static void undo_wine_workaround(void)
{
    LONG rc;
    if (!hklm_copied)
        return;
    rc = RegDeleteTreeW(HKEY_LOCAL_MACHINE, class_key);
    check(rc == ERROR_SUCCESS, "Wine workaround undone: HKLM copy of the class removed (%ld)", (long)rc);
}

static void registry(void)
{
    WCHAR value[128];
    DWORD size = sizeof value;
    LONG rc = RegGetValueW(HKEY_CURRENT_USER, L"Software\\Classes\\" PROG_ID L"\\CLSID", NULL, RRF_RT_REG_SZ, NULL,
                           value, &size);
    check(rc == ERROR_SUCCESS && _wcsicmp(value, CLSID_TEXT) == 0,
          "registry: HKCU\\Software\\Classes\\%ls\\CLSID is %ls (%ld)", PROG_ID, rc == ERROR_SUCCESS ? value : L"?",
          (long)rc);
    size = sizeof value;
    rc = RegGetValueW(HKEY_CURRENT_USER, L"Software\\Classes\\CLSID\\" CLSID_TEXT L"\\InprocServer32", NULL,
                      RRF_RT_REG_SZ, NULL, value, &size);
    check(rc == ERROR_SUCCESS, "registry: HKCU\\%ls\\InprocServer32 is %ls", class_key,
          rc == ERROR_SUCCESS ? value : L"missing");
}

/* Every implemented IID (and IUnknown) of an object: QueryInterface answers it from every
 * other, reflexive, symmetric and transitive, with one IUnknown; an IID the object lacks is
 * E_NOINTERFACE. iids[0] is IID_IUnknown. */
static void identity(IUnknown *unk, const char *object, const IID *const *iids, const char *const *names, unsigned count)
{
    IUnknown *ptr[64];
    unsigned i, j;
    HRESULT hr;
    void *none = (void *)1;
    if (count > 64)
        count = 64;
    for (i = 0; i < count; i++) {
        ptr[i] = NULL;
        hr = PROBE_QI(unk, iids[i], &ptr[i]);
        check(hr == S_OK && ptr[i], "%s: identity: QueryInterface(IID_%s) -> 0x%08lX", object, names[i], HR(hr));
    }
    for (i = 0; i < count; i++) {
        IUnknown *self = NULL, *root = NULL;
        int ok = 1;
        if (!ptr[i])
            continue;
        hr = PROBE_QI(ptr[i], iids[i], &self);
        check(hr == S_OK && self, "%s: identity: reflexive: %s answers IID_%s (0x%08lX)", object, names[i], names[i],
              HR(hr));
        if (self)
            PROBE_RELEASE(self);
        hr = PROBE_QI(ptr[i], &IID_IUnknown, &root);
        check(hr == S_OK && root == ptr[0], "%s: identity: one IUnknown: %s gives IUnknown %p, the object's is %p",
              object, names[i], (void *)root, (void *)ptr[0]);
        if (root)
            PROBE_RELEASE(root);
        for (j = 0; j < count; j++) {
            IUnknown *other = NULL, *back = NULL;
            hr = PROBE_QI(ptr[i], iids[j], &other);
            if (hr != S_OK || !other) {
                ok = check(0, "%s: identity: symmetric: %s does not answer IID_%s (0x%08lX)", object, names[i],
                           names[j], HR(hr));
                continue;
            }
            hr = PROBE_QI(other, iids[i], &back);
            if (hr != S_OK || !back)
                ok = check(0, "%s: identity: transitive: %s from %s from %s -> 0x%08lX", object, names[i], names[j],
                           names[i], HR(hr));
            if (back)
                PROBE_RELEASE(back);
            PROBE_RELEASE(other);
        }
        if (ok)
            check(1, "%s: identity: %s answers every implemented IID, and each of them answers it back", object,
                  names[i]);
    }
    hr = PROBE_QI(unk, &iid_none, &none);
    check(hr == E_NOINTERFACE && none == NULL,
          "%s: identity: an IID the object lacks -> 0x%08lX, E_NOINTERFACE and NULL", object, HR(hr));
    for (i = 0; i < count; i++)
        if (ptr[i])
            PROBE_RELEASE(ptr[i]);
}
"#;

/// `main`: the class created by CLSID and probed by `probe_object_CLASS`, then the counts.
pub fn main(class: &str, program: &str) -> String {
    format!(
        r#"
int main(void)
{{
    IUnknown *unk = NULL;
    HRESULT hr;
    ULONG refs;
    HMODULE module;
    registry();
    iids();
    wine_workaround();
    hr = CoInitializeEx(NULL, COINIT_APARTMENTTHREADED);
    if (check(SUCCEEDED(hr), "CoInitializeEx(COINIT_APARTMENTTHREADED) -> 0x%08lX", HR(hr))) {{
        hr = CoCreateInstance(PROBE_GUID(&model_clsid), NULL, CLSCTX_INPROC_SERVER, PROBE_GUID(&IID_IUnknown),
                              (void **)&unk);
        if (check(hr == S_OK && unk, "CoCreateInstance(%ls, CLSCTX_INPROC_SERVER, IID_IUnknown) -> 0x%08lX",
                  CLSID_TEXT, HR(hr))) {{
            refs = PROBE_ADDREF(unk);
            check(refs == 2, "refcount: AddRef after CoCreateInstance -> %lu (expected 2)", (unsigned long)refs);
            refs = PROBE_RELEASE(unk);
            check(refs == 1, "refcount: Release -> %lu (expected 1)", (unsigned long)refs);
            probe_object_{class}(unk, "CoCreateInstance");
            refs = PROBE_RELEASE(unk);
            check(refs == 0, "refcount: the last Release -> %lu (expected 0)", (unsigned long)refs);
        }}
        module = GetModuleHandleA(DLL_NAME);
        if (check(module != NULL, "%s is loaded", DLL_NAME)) {{
            HRESULT(STDAPICALLTYPE * can_unload)(void) =
                (HRESULT(STDAPICALLTYPE *)(void))(void (*)(void))GetProcAddress(module, "DllCanUnloadNow");
            if (check(can_unload != NULL, "%s exports DllCanUnloadNow", DLL_NAME)) {{
                hr = can_unload();
                check(hr == S_OK, "DllCanUnloadNow -> 0x%08lX (S_OK: no object and no lock left)", HR(hr));
            }}
        }}
        CoUninitialize();
    }}
    undo_wine_workaround();
    printf("{program}: %d checks, %d failures\n", checks, failures);
    return failures;
}}"#
    )
}
