/* oscgen's stand-in for DirectShow's amva.h (video acceleration), which neither Wine's
 * IDL nor mingw-w64's headers ship but videoacc.idl imports. It declares the structures
 * IAMVideoAccelerator's methods take, laid out as Microsoft documents them; DDSCAPS2 and
 * DDPIXELFORMAT come from the importing file. Read as IDL, as widl reads headers. */

typedef struct _tag_AMVAUncompBufferInfo
{
    DWORD dwMinNumSurfaces;
    DWORD dwMaxNumSurfaces;
    DDPIXELFORMAT ddUncompPixelFormat;
} AMVAUncompBufferInfo, *LPAMVAUncompBufferInfo;

typedef struct _tag_AMVAUncompDataInfo
{
    DWORD dwUncompWidth;
    DWORD dwUncompHeight;
    DDPIXELFORMAT ddUncompPixelFormat;
} AMVAUncompDataInfo, *LPAMVAUncompDataInfo;

typedef struct _tag_AMVAInternalMemInfo
{
    DWORD dwScratchMemAlloc;
} AMVAInternalMemInfo, *LPAMVAInternalMemInfo;

typedef struct _tag_AMVACompBufferInfo
{
    DWORD dwNumCompBuffers;
    DWORD dwWidthToCreate;
    DWORD dwHeightToCreate;
    DWORD dwBytesToAllocate;
    DDSCAPS2 ddCompCaps;
    DDPIXELFORMAT ddPixelFormat;
} AMVACompBufferInfo, *LPAMVACompBufferInfo;

typedef struct _tag_AMVABeginFrameInfo
{
    DWORD dwDestSurfaceIndex;
    LPVOID pInputData;
    DWORD dwSizeInputData;
    LPVOID pOutputData;
    DWORD dwSizeOutputData;
} AMVABeginFrameInfo, *LPAMVABeginFrameInfo;

typedef struct _tag_AMVAEndFrameInfo
{
    DWORD dwSizeMiscData;
    LPVOID pMiscData;
} AMVAEndFrameInfo, *LPAMVAEndFrameInfo;

typedef struct _tag_AMVABUFFERINFO
{
    DWORD dwTypeIndex;
    DWORD dwBufferIndex;
    DWORD dwDataOffset;
    DWORD dwDataSize;
} AMVABUFFERINFO, *LPAMVABUFFERINFO;
