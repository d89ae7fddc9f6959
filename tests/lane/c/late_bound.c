/* Calls samples/automation's Greeter late-bound, as VBA, Python's win32com or PowerShell do:
 * by ProgID, through IDispatch only, with what script engines never send: named arguments
 * (alone, mixed with positional ones, and in another order than declared), a wrong argument
 * whose index must come back in puArgErr, a missing one, and an unknown parameter name. It
 * knows the object by its ProgID and member names alone and uses mingw-w64's headers and
 * oleaut32, never oscgen's bindings. Build with
 *   x86_64-w64-mingw32-gcc -o late-bound.exe late_bound.c -lole32 -loleaut32 -luuid
 * and run under Wine once the class is registered (and visible in HKLM, see scripts.rs):
 *   late-bound.exe Automation.Greeter
 * One PASS or FAIL line per check, then "late-bound: N checks, N failures". */
#define COBJMACROS
#include <windows.h>
#include <objbase.h>
#include <oleauto.h>
#include <stdio.h>
#include <wchar.h>

static int checks, failures;

static void check(int ok, const char *fmt, ...)
{
    va_list ap;
    checks++;
    if (!ok)
        failures++;
    printf(ok ? "PASS late-bound: " : "FAIL late-bound: ");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
}

/* GetIDsOfNames for a member and some of its parameters; the HRESULT, ids filled in. */
static HRESULT ids_of(IDispatch *d, const WCHAR *const *names, UINT count, DISPID *ids)
{
    return IDispatch_GetIDsOfNames(d, &IID_NULL, (LPOLESTR *)names, count, LOCALE_USER_DEFAULT, ids);
}

/* Invoke a method: args[] is in DISPPARAMS order (named ones first, then positional ones
 * last to first), named[] the DISPIDs of the first n_named. */
static HRESULT call(IDispatch *d, DISPID id, WORD flags, VARIANT *args, UINT n_args, DISPID *named,
                    UINT n_named, VARIANT *result, EXCEPINFO *excep, UINT *arg_err)
{
    DISPPARAMS params;
    params.rgvarg = args;
    params.rgdispidNamedArgs = named;
    params.cArgs = n_args;
    params.cNamedArgs = n_named;
    VariantInit(result);
    memset(excep, 0, sizeof(*excep));
    *arg_err = 0xffffffff;
    return IDispatch_Invoke(d, id, &IID_NULL, LOCALE_USER_DEFAULT, flags, &params, result, excep, arg_err);
}

static VARIANT long_arg(LONG v)
{
    VARIANT x;
    VariantInit(&x);
    V_VT(&x) = VT_I4;
    V_I4(&x) = v;
    return x;
}

static VARIANT double_arg(double v)
{
    VARIANT x;
    VariantInit(&x);
    V_VT(&x) = VT_R8;
    V_R8(&x) = v;
    return x;
}

static VARIANT bool_arg(int v)
{
    VARIANT x;
    VariantInit(&x);
    V_VT(&x) = VT_BOOL;
    V_BOOL(&x) = v ? VARIANT_TRUE : VARIANT_FALSE;
    return x;
}

static VARIANT string_arg(const WCHAR *v)
{
    VARIANT x;
    VariantInit(&x);
    V_VT(&x) = VT_BSTR;
    V_BSTR(&x) = SysAllocString(v);
    return x;
}

/* Windows' oleaut32 writes the index of the argument it could not coerce to puArgErr;
 * Wine 8's does not write it at all. Either way the server must pass the caller's pointer
 * through untouched: `call` sets it to 0xffffffff, and any other value but the right index
 * is the server's doing. */
static int arg_err_is(UINT arg_err, UINT expected)
{
    return arg_err == expected || arg_err == 0xffffffff;
}

static const char *arg_err_text(UINT arg_err)
{
    static char text[64];
    if (arg_err == 0xffffffff)
        return "left as the caller set it: Wine's oleaut32 does not report the index";
    snprintf(text, sizeof text, "%u", arg_err);
    return text;
}

static void clear_excep(EXCEPINFO *e)
{
    SysFreeString(e->bstrSource);
    SysFreeString(e->bstrDescription);
    SysFreeString(e->bstrHelpFile);
}

int main(int argc, char **argv)
{
    static const WCHAR *add_b_a[] = {L"add", L"B", L"a"};
    static const WCHAR *scale_names[] = {L"Scale", L"negate", L"value"};
    static const WCHAR *greet_names[] = {L"Greet", L"name"};
    static const WCHAR *add_c[] = {L"Add", L"c"};
    static const WCHAR *salutation[] = {L"Salutation"};
    WCHAR progid[64];
    CLSID clsid;
    IDispatch *d = NULL;
    DISPID ids[3], scale_ids[3], greet_ids[2], put_named = DISPID_PROPERTYPUT, named[2];
    VARIANT args[2], result;
    EXCEPINFO excep;
    UINT arg_err;
    HRESULT hr;

    if (argc != 2) {
        printf("usage: late-bound.exe PROGID\n");
        return 2;
    }
    MultiByteToWideChar(CP_ACP, 0, argv[1], -1, progid, 64);
    CoInitializeEx(NULL, COINIT_APARTMENTTHREADED);
    hr = CLSIDFromProgID(progid, &clsid);
    check(SUCCEEDED(hr), "CLSIDFromProgID(%s) (0x%08lx)", argv[1], (unsigned long)hr);
    if (SUCCEEDED(hr))
        hr = CoCreateInstance(&clsid, NULL, CLSCTX_INPROC_SERVER, &IID_IDispatch, (void **)&d);
    check(SUCCEEDED(hr) && d, "CoCreateInstance for IDispatch (0x%08lx)", (unsigned long)hr);
    if (!d) {
        printf("late-bound: %d checks, %d failures\n", checks, failures);
        return 1;
    }

    /* Member and parameter names, in any case, in the order the caller lists them. */
    hr = ids_of(d, add_b_a, 3, ids);
    check(hr == S_OK && ids[1] == 1 && ids[2] == 0,
          "GetIDsOfNames(add, B, a): the parameters' DISPIDs are their positions: %ld, b %ld, a %ld (0x%08lx)",
          (long)ids[0], (long)ids[1], (long)ids[2], (unsigned long)hr);

    /* Add(b:=2, a:=40): all named, listed in reverse. */
    args[0] = long_arg(2);
    args[1] = long_arg(40000);
    named[0] = ids[1];
    named[1] = ids[2];
    hr = call(d, ids[0], DISPATCH_METHOD, args, 2, named, 2, &result, &excep, &arg_err);
    check(hr == S_OK && V_VT(&result) == VT_I4 && V_I4(&result) == 40002,
          "Add(b:=2, a:=40000), named arguments only -> %ld (0x%08lx)", (long)V_I4(&result), (unsigned long)hr);
    VariantClear(&result);

    /* Scale(negate:=True, value:=1.25): the order matters, the names decide. */
    hr = ids_of(d, scale_names, 3, scale_ids);
    check(hr == S_OK, "GetIDsOfNames(Scale, negate, value): %ld, %ld, %ld (0x%08lx)", (long)scale_ids[0],
          (long)scale_ids[1], (long)scale_ids[2], (unsigned long)hr);
    args[0] = bool_arg(1);
    args[1] = double_arg(1.25);
    named[0] = scale_ids[1];
    named[1] = scale_ids[2];
    hr = call(d, scale_ids[0], DISPATCH_METHOD, args, 2, named, 2, &result, &excep, &arg_err);
    check(hr == S_OK && V_VT(&result) == VT_R8 && V_R8(&result) == -2.5,
          "Scale(negate:=True, value:=1.25) -> %g (0x%08lx)", V_R8(&result), (unsigned long)hr);
    VariantClear(&result);

    /* Scale(1.25, negate:=True): one positional, then one named; named ones come first in
     * rgvarg. */
    args[0] = bool_arg(1);
    args[1] = double_arg(1.25);
    named[0] = scale_ids[1];
    hr = call(d, scale_ids[0], DISPATCH_METHOD, args, 2, named, 1, &result, &excep, &arg_err);
    check(hr == S_OK && V_VT(&result) == VT_R8 && V_R8(&result) == -2.5,
          "Scale(1.25, negate:=True), positional and named -> %g (0x%08lx)", V_R8(&result), (unsigned long)hr);
    VariantClear(&result);

    /* Greet(name:="Ada"): a string by name. */
    hr = ids_of(d, greet_names, 2, greet_ids);
    args[0] = string_arg(L"Ada");
    named[0] = greet_ids[1];
    hr = call(d, greet_ids[0], DISPATCH_METHOD, args, 1, named, 1, &result, &excep, &arg_err);
    check(hr == S_OK && V_VT(&result) == VT_BSTR && !wcscmp(V_BSTR(&result), L"Hello, Ada!"),
          "Greet(name:=\"Ada\") -> \"%ls\" (0x%08lx)", V_VT(&result) == VT_BSTR ? V_BSTR(&result) : L"",
          (unsigned long)hr);
    VariantClear(&result);
    VariantClear(&args[0]);

    /* A property put names its value DISPID_PROPERTYPUT. */
    hr = ids_of(d, salutation, 1, ids);
    args[0] = string_arg(L"Hi");
    hr = call(d, ids[0], DISPATCH_PROPERTYPUT, args, 1, &put_named, 1, &result, &excep, &arg_err);
    VariantClear(&args[0]);
    check(hr == S_OK, "Salutation = \"Hi\", the value named DISPID_PROPERTYPUT (0x%08lx)", (unsigned long)hr);
    hr = call(d, ids[0], DISPATCH_PROPERTYGET, NULL, 0, NULL, 0, &result, &excep, &arg_err);
    check(hr == S_OK && V_VT(&result) == VT_BSTR && !wcscmp(V_BSTR(&result), L"Hi"),
          "Salutation reads \"%ls\" back (0x%08lx)", V_VT(&result) == VT_BSTR ? V_BSTR(&result) : L"",
          (unsigned long)hr);
    VariantClear(&result);
    hr = call(d, greet_ids[0], DISPATCH_METHOD, (args[0] = string_arg(L"Ada"), args), 1, NULL, 0, &result,
              &excep, &arg_err);
    check(hr == S_OK && V_VT(&result) == VT_BSTR && !wcscmp(V_BSTR(&result), L"Hi, Ada!"),
          "Greet(\"Ada\") uses it -> \"%ls\" (0x%08lx)", V_VT(&result) == VT_BSTR ? V_BSTR(&result) : L"",
          (unsigned long)hr);
    VariantClear(&result);
    VariantClear(&args[0]);
    args[0] = string_arg(L"Hello");
    hr = call(d, ids[0], DISPATCH_PROPERTYPUT, args, 1, &put_named, 1, &result, &excep, &arg_err);
    VariantClear(&args[0]);
    check(hr == S_OK, "Salutation = \"Hello\" again (0x%08lx)", (unsigned long)hr);

    /* Add("forty", 2): a = "forty" cannot become a long; puArgErr says which argument, as
     * its index in rgvarg (positional ones are last to first: a is 1). */
    hr = ids_of(d, add_b_a, 1, ids);
    args[0] = long_arg(2);
    args[1] = string_arg(L"forty");
    hr = call(d, ids[0], DISPATCH_METHOD, args, 2, NULL, 0, &result, &excep, &arg_err);
    check(hr == DISP_E_TYPEMISMATCH && arg_err_is(arg_err, 1),
          "Add(\"forty\", 2) -> DISP_E_TYPEMISMATCH, puArgErr 1 (0x%08lx, puArgErr %s)", (unsigned long)hr,
          arg_err_text(arg_err));
    VariantClear(&args[1]);

    /* Add(b:="x", a:=1): by name too, the index is the argument's place in rgvarg (0). */
    hr = ids_of(d, add_b_a, 3, ids);
    args[0] = string_arg(L"x");
    args[1] = long_arg(1);
    named[0] = ids[1];
    named[1] = ids[2];
    hr = call(d, ids[0], DISPATCH_METHOD, args, 2, named, 2, &result, &excep, &arg_err);
    check(hr == DISP_E_TYPEMISMATCH && arg_err_is(arg_err, 0),
          "Add(b:=\"x\", a:=1) -> DISP_E_TYPEMISMATCH, puArgErr 0 (0x%08lx, puArgErr %s)", (unsigned long)hr,
          arg_err_text(arg_err));
    VariantClear(&args[0]);

    /* Add(1): a required argument is missing. */
    args[0] = long_arg(1);
    hr = call(d, ids[0], DISPATCH_METHOD, args, 1, NULL, 0, &result, &excep, &arg_err);
    check(hr == DISP_E_BADPARAMCOUNT || hr == DISP_E_PARAMNOTFOUND,
          "Add(1), an argument missing -> DISP_E_BADPARAMCOUNT or DISP_E_PARAMNOTFOUND (0x%08lx)",
          (unsigned long)hr);

    /* Add(c:=1): no such parameter. */
    hr = ids_of(d, add_c, 2, ids);
    check(hr == DISP_E_UNKNOWNNAME && ids[1] == DISPID_UNKNOWN,
          "GetIDsOfNames(Add, c) -> DISP_E_UNKNOWNNAME, c DISPID_UNKNOWN (0x%08lx, %ld)", (unsigned long)hr,
          (long)ids[1]);

    /* Add(a:=2147483647, b:=1): the Rust code's error reaches EXCEPINFO. */
    hr = ids_of(d, add_b_a, 3, ids);
    args[0] = long_arg(1);
    args[1] = long_arg(2147483647);
    named[0] = ids[1];
    named[1] = ids[2];
    hr = call(d, ids[0], DISPATCH_METHOD, args, 2, named, 2, &result, &excep, &arg_err);
    check(hr == DISP_E_EXCEPTION && excep.scode == DISP_E_OVERFLOW && excep.bstrDescription &&
              !wcscmp(excep.bstrDescription, L"2147483647 + 1 does not fit a long") && excep.bstrSource &&
              !wcscmp(excep.bstrSource, L"Automation.Greeter"),
          "Add(b:=1, a:=2147483647) -> DISP_E_EXCEPTION, scode 0x%08lx, \"%ls\" from \"%ls\" (0x%08lx)",
          (unsigned long)excep.scode, excep.bstrDescription ? excep.bstrDescription : L"",
          excep.bstrSource ? excep.bstrSource : L"", (unsigned long)hr);
    clear_excep(&excep);

    check(IDispatch_Release(d) == 0, "the last Release frees the object");
    CoUninitialize();
    printf("late-bound: %d checks, %d failures\n", checks, failures);
    return failures != 0;
}
