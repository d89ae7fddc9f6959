/* Prints what oleaut32 reports for a type library, one fact per line, in a canonical
 * text form: the oracle tests/typelib_write.rs compares libraries with. Build with
 *   x86_64-w64-mingw32-gcc -o tlbdump.exe tlbdump.c -loleaut32 -lole32 -luuid
 * and run under Wine: tlbdump.exe FILE.tlb... */
#define COBJMACROS
#include <windows.h>
#include <oleauto.h>
#include <stdio.h>

static const char *vt_name(VARTYPE vt)
{
    switch (vt) {
    case VT_EMPTY: return "EMPTY"; case VT_I2: return "I2"; case VT_I4: return "I4";
    case VT_R4: return "R4"; case VT_R8: return "R8"; case VT_CY: return "CY";
    case VT_DATE: return "DATE"; case VT_BSTR: return "BSTR"; case VT_DISPATCH: return "DISPATCH";
    case VT_ERROR: return "ERROR"; case VT_BOOL: return "BOOL"; case VT_VARIANT: return "VARIANT";
    case VT_UNKNOWN: return "UNKNOWN"; case VT_DECIMAL: return "DECIMAL"; case VT_I1: return "I1";
    case VT_UI1: return "UI1"; case VT_UI2: return "UI2"; case VT_UI4: return "UI4";
    case VT_I8: return "I8"; case VT_UI8: return "UI8"; case VT_INT: return "INT";
    case VT_UINT: return "UINT"; case VT_VOID: return "VOID"; case VT_HRESULT: return "HRESULT";
    case VT_LPSTR: return "LPSTR"; case VT_LPWSTR: return "LPWSTR";
    default: return NULL;
    }
}

static void print_bstr(BSTR s)
{
    if (!s) { printf("-"); return; }
    printf("%ls", s);
}

static void print_typedesc(ITypeInfo *ti, const TYPEDESC *td)
{
    const char *name = vt_name(td->vt);
    if (name) { printf("%s", name); return; }
    switch (td->vt) {
    case VT_PTR: printf("PTR("); print_typedesc(ti, td->lptdesc); printf(")"); return;
    case VT_SAFEARRAY: printf("SAFEARRAY("); print_typedesc(ti, td->lptdesc); printf(")"); return;
    case VT_CARRAY: {
        USHORT i;
        printf("CARRAY(");
        print_typedesc(ti, &td->lpadesc->tdescElem);
        for (i = 0; i < td->lpadesc->cDims; i++)
            printf("[%lu]", (unsigned long)td->lpadesc->rgbounds[i].cElements);
        printf(")");
        return;
    }
    case VT_USERDEFINED: {
        ITypeInfo *ref;
        BSTR refname = NULL;
        if (SUCCEEDED(ITypeInfo_GetRefTypeInfo(ti, td->hreftype, &ref))) {
            ITypeInfo_GetDocumentation(ref, MEMBERID_NIL, &refname, NULL, NULL, NULL);
            ITypeInfo_Release(ref);
        }
        printf("USERDEFINED(");
        print_bstr(refname);
        printf(")");
        SysFreeString(refname);
        return;
    }
    default: printf("VT_%u", td->vt);
    }
}

static void print_variant(const VARIANT *v)
{
    VARIANT s;
    VariantInit(&s);
    if (SUCCEEDED(VariantChangeType(&s, (VARIANT *)v, 0, VT_BSTR))) {
        printf("%s:", vt_name(V_VT(v)) ? vt_name(V_VT(v)) : "?");
        print_bstr(V_BSTR(&s));
    } else
        printf("vt%u", V_VT(v));
    VariantClear(&s);
}

static void print_guid(const GUID *g)
{
    printf("{%08lx-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x}", (unsigned long)g->Data1, g->Data2, g->Data3,
           g->Data4[0], g->Data4[1], g->Data4[2], g->Data4[3], g->Data4[4], g->Data4[5], g->Data4[6], g->Data4[7]);
}

static void dump_typeinfo(ITypeInfo *ti, const char *what)
{
    TYPEATTR *attr;
    BSTR name = NULL;
    UINT i;
    ITypeInfo_GetDocumentation(ti, MEMBERID_NIL, &name, NULL, NULL, NULL);
    if (FAILED(ITypeInfo_GetTypeAttr(ti, &attr))) { printf("%s ? GetTypeAttr failed\n", what); return; }
    printf("%s ", what); print_bstr(name); printf("\n");
    printf("  guid "); print_guid(&attr->guid); printf("\n");
    printf("  kind %d flags 0x%x\n", attr->typekind, attr->wTypeFlags);
    printf("  counts funcs=%u vars=%u impltypes=%u vft=%u size=%lu align=%u version=%u.%u\n", attr->cFuncs,
           attr->cVars, attr->cImplTypes, attr->cbSizeVft, (unsigned long)attr->cbSizeInstance, attr->cbAlignment,
           attr->wMajorVerNum, attr->wMinorVerNum);
    if (attr->typekind == TKIND_ALIAS) { printf("  alias "); print_typedesc(ti, &attr->tdescAlias); printf("\n"); }
    for (i = 0; i < attr->cImplTypes; i++) {
        HREFTYPE href;
        INT flags = 0;
        ITypeInfo *ref;
        BSTR refname = NULL;
        ITypeInfo_GetImplTypeFlags(ti, i, &flags);
        if (SUCCEEDED(ITypeInfo_GetRefTypeOfImplType(ti, i, &href)) && SUCCEEDED(ITypeInfo_GetRefTypeInfo(ti, href, &ref))) {
            ITypeInfo_GetDocumentation(ref, MEMBERID_NIL, &refname, NULL, NULL, NULL);
            ITypeInfo_Release(ref);
        }
        printf("  impl "); print_bstr(refname); printf(" flags=0x%x\n", flags);
        SysFreeString(refname);
    }
    for (i = 0; i < attr->cFuncs; i++) {
        FUNCDESC *fd;
        BSTR names[64] = {0};
        UINT n = 0, p;
        if (FAILED(ITypeInfo_GetFuncDesc(ti, i, &fd))) { printf("  func ? GetFuncDesc failed\n"); continue; }
        ITypeInfo_GetNames(ti, fd->memid, names, 64, &n);
        printf("  func "); print_bstr(names[0]);
        printf(" memid=0x%lx invkind=%d oVft=%d params=%d\n", (unsigned long)fd->memid, fd->invkind, fd->oVft, fd->cParams);
        printf("    detail funckind=%d callconv=%d opt=%d flags=0x%x ret=", fd->funckind, fd->callconv, fd->cParamsOpt, fd->wFuncFlags);
        print_typedesc(ti, &fd->elemdescFunc.tdesc); printf("\n");
        for (p = 0; p < (UINT)fd->cParams; p++) {
            const PARAMDESC *pd = &fd->lprgelemdescParam[p].paramdesc;
            printf("    param "); print_bstr(p + 1 < n ? names[p + 1] : NULL);
            printf(" flags=0x%x type=", pd->wParamFlags);
            print_typedesc(ti, &fd->lprgelemdescParam[p].tdesc);
            if ((pd->wParamFlags & PARAMFLAG_FHASDEFAULT) && pd->pparamdescex) {
                printf(" default="); print_variant(&pd->pparamdescex->varDefaultValue);
            }
            printf("\n");
        }
        for (p = 0; p < n; p++) SysFreeString(names[p]);
        ITypeInfo_ReleaseFuncDesc(ti, fd);
    }
    for (i = 0; i < attr->cVars; i++) {
        VARDESC *vd;
        BSTR vname = NULL;
        UINT n = 0;
        if (FAILED(ITypeInfo_GetVarDesc(ti, i, &vd))) { printf("  var ? GetVarDesc failed\n"); continue; }
        ITypeInfo_GetNames(ti, vd->memid, &vname, 1, &n);
        printf("  var "); print_bstr(vname);
        printf(" memid=0x%lx kind=%d flags=0x%x type=", (unsigned long)vd->memid, vd->varkind, vd->wVarFlags);
        print_typedesc(ti, &vd->elemdescVar.tdesc);
        if (vd->varkind == VAR_CONST) { printf(" value="); print_variant(vd->lpvarValue); }
        else if (vd->varkind == VAR_PERINSTANCE) printf(" oInst=%lu", (unsigned long)vd->oInst);
        printf("\n");
        SysFreeString(vname);
        ITypeInfo_ReleaseVarDesc(ti, vd);
    }
    /* A dual interface's vtable view: what the universal marshaler calls through. */
    if (attr->typekind == TKIND_DISPATCH && (attr->wTypeFlags & TYPEFLAG_FDUAL)) {
        HREFTYPE href;
        ITypeInfo *twin;
        if (SUCCEEDED(ITypeInfo_GetRefTypeOfImplType(ti, -1, &href)) && SUCCEEDED(ITypeInfo_GetRefTypeInfo(ti, href, &twin))) {
            dump_typeinfo(twin, "vtable");
            ITypeInfo_Release(twin);
        } else
            printf("vtable ? no interface view\n");
    }
    ITypeInfo_ReleaseTypeAttr(ti, attr);
    SysFreeString(name);
}

static int dump_library(const WCHAR *path)
{
    ITypeLib *tl;
    TLIBATTR *la;
    BSTR name = NULL;
    UINT i, count;
    HRESULT hr = LoadTypeLibEx(path, REGKIND_NONE, &tl);
    if (FAILED(hr)) { printf("error: LoadTypeLibEx failed: 0x%08lx\n", (unsigned long)hr); return 1; }
    ITypeLib_GetDocumentation(tl, -1, &name, NULL, NULL, NULL);
    ITypeLib_GetLibAttr(tl, &la);
    printf("library "); print_bstr(name); printf("\n  libid "); print_guid(&la->guid);
    printf("\n  version %u.%u syskind %d lcid 0x%lx flags 0x%x\n", la->wMajorVerNum, la->wMinorVerNum, la->syskind,
           (unsigned long)la->lcid, la->wLibFlags);
    ITypeLib_ReleaseTLibAttr(tl, la);
    SysFreeString(name);
    count = ITypeLib_GetTypeInfoCount(tl);
    for (i = 0; i < count; i++) {
        ITypeInfo *ti;
        if (FAILED(ITypeLib_GetTypeInfo(tl, i, &ti))) { printf("typeinfo ? GetTypeInfo(%u) failed\n", i); continue; }
        dump_typeinfo(ti, "typeinfo");
        ITypeInfo_Release(ti);
    }
    ITypeLib_Release(tl);
    return 0;
}

/* Several libraries per run: Wine starts once. Each dump follows a line "=== FILE". */
int wmain(int argc, WCHAR **argv)
{
    int i, failed = 0;
    if (argc < 2) { fprintf(stderr, "usage: tlbdump FILE.tlb...\n"); return 2; }
    for (i = 1; i < argc; i++) {
        printf("=== %ls\n", argv[i]);
        failed |= dump_library(argv[i]);
        fflush(stdout);
    }
    return failed;
}
