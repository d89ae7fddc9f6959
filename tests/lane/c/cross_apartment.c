/* Calls samples/automation's IGreeter from a second apartment, through COM's marshaling
 * only: the object is created on this STA, its pointer goes to a second STA thread through
 * CoMarshalInterThreadInterfaceInStream, and that thread calls it. What it may use comes from
 * widl (automation.h and automation_i.c, from the sample's IDL) and mingw-w64's headers,
 * never from oscgen's bindings. Build with
 *   x86_64-w64-mingw32-gcc -o cross-apartment.exe cross_apartment.c automation_i.c \
 *       -lole32 -loleaut32 -luuid -ladvapi32
 * and run under Wine, after regsvr32 of the DLL:
 *   cross-apartment.exe {CLSID}                  the calls go through a proxy
 *   cross-apartment.exe {CLSID} --no-interface   the IGreeter key is not visible: no proxy
 * One PASS or FAIL line per check, then "cross-apartment: N checks, N failures". */
#define COBJMACROS
#include <windows.h>
#include <objbase.h>
#include <oleauto.h>
#include <stdio.h>
#include <wchar.h>

#include "automation.h"

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

static void info(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
}

/* Under Wine only: Wine 8 reads COM's keys (classes, type libraries and interfaces) from
 * HKLM\Software\Classes alone, where Windows merges the per-user ones regsvr32 wrote. So the
 * per-user keys are copied there for the run and removed afterwards. */
static WCHAR copied[3][128];
static int ncopied;

static void copy_to_machine(const WCHAR *kind, const GUID *guid)
{
    WCHAR text[40], path[128];
    HKEY from, to;
    LONG rc;
    StringFromGUID2(guid, text, 40);
    swprintf(path, 128, L"Software\\Classes\\%ls\\%ls", kind, text);
    rc = RegOpenKeyExW(HKEY_CURRENT_USER, path, 0, KEY_READ, &from);
    if (rc == ERROR_SUCCESS) {
        rc = RegCreateKeyExW(HKEY_LOCAL_MACHINE, path, 0, NULL, 0, KEY_ALL_ACCESS, NULL, &to, NULL);
        if (rc == ERROR_SUCCESS) {
            rc = RegCopyTreeW(from, NULL, to);
            RegCloseKey(to);
            wcscpy(copied[ncopied++], path);
        }
        RegCloseKey(from);
    }
    check(rc == ERROR_SUCCESS, "Wine workaround: HKCU's %ls key copied to HKLM (%ld)",
          kind, (long)rc);
}

static void undo_copies(void)
{
    int i;
    for (i = 0; i < ncopied; i++) {
        LONG rc = RegDeleteTreeW(HKEY_LOCAL_MACHINE, copied[i]);
        check(rc == ERROR_SUCCESS, "Wine workaround undone: HKLM\\%ls removed (%ld)",
              copied[i], (long)rc);
    }
}

/* The thread's error info after Add(2147483647, 1): the Rust code's message and ProgID.
 * Checked when `strict`, else shown: Wine 8's COM channel does not carry error info from
 * one apartment to another. */
static void check_error_info(const char *what, int strict)
{
    IErrorInfo *error = NULL;
    BSTR description = NULL, source = NULL;
    GetErrorInfo(0, &error);
    if (error) {
        IErrorInfo_GetDescription(error, &description);
        IErrorInfo_GetSource(error, &source);
        IErrorInfo_Release(error);
    }
    if (strict)
        check(description && wcscmp(description, L"2147483647 + 1 does not fit a long") == 0
                  && source && wcscmp(source, L"Automation.Greeter") == 0,
              "%s: \"%ls\" from %ls", what, description ? description : L"(none)",
              source ? source : L"(none)");
    else
        info("%s: \"%ls\" from %ls", what, description ? description : L"(none)",
             source ? source : L"(none)");
    SysFreeString(description);
    SysFreeString(source);
}

struct worker {
    IStream *stream;
    IGreeter *object; /* the object itself, as created on the main thread */
    DWORD server_thread;
};

static DWORD WINAPI second_apartment(void *arg)
{
    struct worker *w = arg;
    IGreeter *proxy = NULL;
    HRESULT hr;
    BSTR name, greeting = NULL;
    LONG sum = 0, id = 0;
    double scaled = 0;

    hr = CoInitializeEx(NULL, COINIT_APARTMENTTHREADED);
    check(hr == S_OK, "second thread: CoInitializeEx(COINIT_APARTMENTTHREADED) -> 0x%08lx", (unsigned long)hr);
    hr = CoGetInterfaceAndReleaseStream(w->stream, &IID_IGreeter, (void **)&proxy);
    check(hr == S_OK && proxy, "second thread: CoGetInterfaceAndReleaseStream(IID_IGreeter) -> 0x%08lx", (unsigned long)hr);
    if (!proxy) {
        CoUninitialize();
        return 1;
    }
    check(proxy != w->object, "second thread: it gets a proxy (%p), not the object (%p)",
          (void *)proxy, (void *)w->object);

    name = SysAllocString(L"Ada Lovelace");
    hr = IGreeter_Greet(proxy, name, &greeting);
    check(hr == S_OK && greeting && wcscmp(greeting, L"Hello, Ada Lovelace!") == 0,
          "second thread: Greet(\"Ada Lovelace\") -> 0x%08lx, \"%ls\"", (unsigned long)hr,
          greeting ? greeting : L"(null)");
    SysFreeString(name);
    SysFreeString(greeting);

    hr = IGreeter_Add(proxy, 40000, 2345, &sum);
    check(hr == S_OK && sum == 42345, "second thread: Add(40000, 2345) -> 0x%08lx, %ld",
          (unsigned long)hr, (long)sum);
    hr = IGreeter_Add(proxy, 0x7fffffff, 1, &sum);
    check(hr == DISP_E_OVERFLOW, "second thread: Add(2147483647, 1) -> 0x%08lx (DISP_E_OVERFLOW)",
          (unsigned long)hr);
    check_error_info("second thread: the error info after the proxy's call (not carried by Wine 8)", 0);
    hr = IGreeter_Scale(proxy, 1.25, VARIANT_TRUE, &scaled);
    check(hr == S_OK && scaled == -2.5, "second thread: Scale(1.25, VARIANT_TRUE) -> 0x%08lx, %g",
          (unsigned long)hr, scaled);

    hr = IGreeter_ThreadId(proxy, &id);
    check(hr == S_OK && (DWORD)id == w->server_thread && (DWORD)id != GetCurrentThreadId(),
          "second thread: ThreadId -> %ld: the call ran on the object's thread (%lu), not this one (%lu)",
          (long)id, (unsigned long)w->server_thread, (unsigned long)GetCurrentThreadId());

    IGreeter_Release(proxy);
    CoUninitialize();
    return 0;
}

/* Serves the calls the second apartment makes: an STA receives them as window messages. */
static void pump_until(HANDLE thread)
{
    for (;;) {
        MSG msg;
        DWORD r = MsgWaitForMultipleObjects(1, &thread, FALSE, 30000, QS_ALLINPUT);
        if (r == WAIT_OBJECT_0)
            return;
        if (r != WAIT_OBJECT_0 + 1) {
            check(0, "the second thread did not end within 30 s");
            return;
        }
        while (PeekMessageW(&msg, NULL, 0, 0, PM_REMOVE)) {
            TranslateMessage(&msg);
            DispatchMessageW(&msg);
        }
    }
}

int main(int argc, char **argv)
{
    WCHAR clsid_text[64];
    CLSID clsid;
    IGreeter *object = NULL;
    IStream *stream = NULL;
    struct worker w;
    HANDLE thread;
    HRESULT hr;
    LONG id = 0;
    int no_interface = argc > 2 && strcmp(argv[2], "--no-interface") == 0;

    if (argc < 2) {
        fprintf(stderr, "usage: cross-apartment.exe {CLSID} [--no-interface]\n");
        return 2;
    }
    MultiByteToWideChar(CP_ACP, 0, argv[1], -1, clsid_text, 64);
    hr = CLSIDFromString(clsid_text, &clsid);
    check(hr == S_OK, "CLSIDFromString(%s) -> 0x%08lx", argv[1], (unsigned long)hr);

    copy_to_machine(L"CLSID", &clsid);
    copy_to_machine(L"TypeLib", &LIBID_AutomationLib);
    if (!no_interface)
        copy_to_machine(L"Interface", &IID_IGreeter);

    hr = CoInitializeEx(NULL, COINIT_APARTMENTTHREADED);
    check(hr == S_OK, "CoInitializeEx(COINIT_APARTMENTTHREADED) -> 0x%08lx", (unsigned long)hr);
    hr = CoCreateInstance(&clsid, NULL, CLSCTX_INPROC_SERVER, &IID_IGreeter, (void **)&object);
    check(hr == S_OK && object, "CoCreateInstance(IID_IGreeter) -> 0x%08lx", (unsigned long)hr);
    if (object) {
        hr = IGreeter_ThreadId(object, &id);
        check(hr == S_OK && (DWORD)id == GetCurrentThreadId(),
              "ThreadId on the creating thread -> %ld (this thread is %lu)", (long)id,
              (unsigned long)GetCurrentThreadId());
        hr = IGreeter_Add(object, 0x7fffffff, 1, &id);
        check(hr == DISP_E_OVERFLOW, "Add(2147483647, 1) -> 0x%08lx (DISP_E_OVERFLOW)", (unsigned long)hr);
        check_error_info("the error info of the Rust code's com_error", 1);
        hr = CoMarshalInterThreadInterfaceInStream(&IID_IGreeter, (IUnknown *)object, &stream);
        if (no_interface) {
            /* The control: without the interface's registration there is no proxy, so the
             * calls of the run with it did go through the universal marshaler. */
            check(FAILED(hr), "without Interface\\{IID_IGreeter}: CoMarshalInterThreadInterfaceInStream -> 0x%08lx, no proxy",
                  (unsigned long)hr);
            if (stream)
                IStream_Release(stream);
        } else {
            check(hr == S_OK, "CoMarshalInterThreadInterfaceInStream(IID_IGreeter) -> 0x%08lx",
                  (unsigned long)hr);
            if (hr == S_OK) {
                w.stream = stream;
                w.object = object;
                w.server_thread = GetCurrentThreadId();
                thread = CreateThread(NULL, 0, second_apartment, &w, 0, NULL);
                pump_until(thread);
                CloseHandle(thread);
            }
        }
        info("the main thread's Release -> %lu", (unsigned long)IGreeter_Release(object));
    }
    CoUninitialize();
    undo_copies();
    printf("cross-apartment: %d checks, %d failures\n", checks, failures);
    return failures ? 1 : 0;
}
