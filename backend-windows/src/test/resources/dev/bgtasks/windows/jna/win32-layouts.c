/*
 * Every Win32 structure, constant and GUID the Windows backend uses, as the Windows headers of mingw-w64 define them.
 * WindowsHeaderLayoutTest compiles this with x86_64-w64-mingw32-gcc -c (compile only: nothing runs), reads the
 * records below back from the ".bgtasks" section of the COFF object and compares each with the Java side: JNA's
 * layout of the structures (size() and field offsets) and the Java constants.
 *
 * A record is a name (kind:what) and a 64-bit value: sizeof, offsetof, a constant (sign-extended as the compiler
 * widens it), a GUID part, or a COM vtable slot (the method's offset in the vtable over the pointer size).
 *
 * Declarations newer than Debian's mingw-w64 are written below from Microsoft's documentation, marked "From the
 * Windows SDK documentation".
 */
#include <initguid.h>   /* first: every DEFINE_GUID below becomes a definition whose parts the compiler can fold */
#include <windows.h>
#include <wtsapi32.h>
#include <objbase.h>
#include <netlistmgr.h>
#include <cfgmgr32.h>
#include <usbiodef.h>
#include <stddef.h>

/* ---- From the Windows SDK documentation (newer than Debian's mingw-w64) ---- */

/* netioapi.h, Windows 10 2004: NL_NETWORK_CONNECTIVITY_HINT, passed by value to the hint callback. */
typedef enum _DOC_NL_NETWORK_CONNECTIVITY_LEVEL_HINT {
    DocNetworkConnectivityLevelHintUnknown = 0,
    DocNetworkConnectivityLevelHintNone,
    DocNetworkConnectivityLevelHintLocalAccess,
    DocNetworkConnectivityLevelHintInternetAccess,
    DocNetworkConnectivityLevelHintConstrainedInternetAccess,
    DocNetworkConnectivityLevelHintHidden
} DOC_NL_NETWORK_CONNECTIVITY_LEVEL_HINT;
typedef enum _DOC_NL_NETWORK_CONNECTIVITY_COST_HINT {
    DocNetworkConnectivityCostHintUnknown = 0,
    DocNetworkConnectivityCostHintUnrestricted,
    DocNetworkConnectivityCostHintFixed,
    DocNetworkConnectivityCostHintVariable
} DOC_NL_NETWORK_CONNECTIVITY_COST_HINT;
typedef struct _NL_NETWORK_CONNECTIVITY_HINT {
    DOC_NL_NETWORK_CONNECTIVITY_LEVEL_HINT ConnectivityLevel;
    DOC_NL_NETWORK_CONNECTIVITY_COST_HINT ConnectivityCost;
    BOOLEAN ApproachingDataLimit;
    BOOLEAN OverDataLimit;
    BOOLEAN Roaming;
} NL_NETWORK_CONNECTIVITY_HINT;

/* wtsapi32.h, Windows 7: WTSINFOEXW, what WTSQuerySessionInformationW(WTSSessionInfoEx) returns. */
typedef struct _WTSINFOEX_LEVEL1_W {
    ULONG SessionId;
    WTS_CONNECTSTATE_CLASS SessionState;
    LONG SessionFlags;
    WCHAR WinStationName[WINSTATIONNAME_LENGTH + 1];
    WCHAR UserName[USERNAME_LENGTH + 1];
    WCHAR DomainName[DOMAIN_LENGTH + 1];
    LARGE_INTEGER LogonTime;
    LARGE_INTEGER ConnectTime;
    LARGE_INTEGER DisconnectTime;
    LARGE_INTEGER LastInputTime;
    LARGE_INTEGER CurrentTime;
    DWORD IncomingBytes;
    DWORD OutgoingBytes;
    DWORD IncomingFrames;
    DWORD OutgoingFrames;
    DWORD IncomingCompressedBytes;
    DWORD OutgoingCompressedBytes;
} WTSINFOEX_LEVEL1_W;
typedef union _WTSINFOEX_LEVEL_W {
    WTSINFOEX_LEVEL1_W WTSInfoExLevel1;
} WTSINFOEX_LEVEL_W;
typedef struct _WTSINFOEXW {
    DWORD Level;
    WTSINFOEX_LEVEL_W Data;
} WTSINFOEXW;
/* WTS_INFO_CLASS: mingw-w64 ends at WTSSessionInfo (24); the SDK goes on with WTSSessionInfoEx. */
#define DOC_WTSSessionInfoEx 25
#ifndef WTS_SESSIONSTATE_LOCK
#define WTS_SESSIONSTATE_LOCK 0x00000000
#define WTS_SESSIONSTATE_UNLOCK 0x00000001
#endif

/* winnt.h: power setting GUIDs newer than Debian's mingw-w64 (battery saver; Energy Saver of Windows 11 24H2). */
DEFINE_GUID(DOC_GUID_POWER_SAVING_STATUS, 0xe00958c0, 0xc213, 0x4ace, 0xac, 0x77, 0xfe, 0xcc, 0xed, 0x2e, 0xee, 0xa5);
DEFINE_GUID(DOC_GUID_ENERGY_SAVER_STATUS, 0x550e8400, 0xe29b, 0x41d4, 0xa7, 0x16, 0x44, 0x66, 0x55, 0x44, 0x00, 0x00);

/* ---- The records ---- */

struct bgtasks_record {
    char name[120];
    long long value;
};

#define REC(n, v) { n, (long long) (v) }
#define SIZE(S) REC("sizeof:" #S, sizeof(S))
#define OFF(S, f) REC("offsetof:" #S "." #f, offsetof(S, f))
#define OFFN(S, name, path) REC("offsetof:" #S "." name, offsetof(S, path))
#define VALUE(c) REC("const:" #c, c)
#define NAMED(name, c) REC("const:" name, c)
#define SLOT(V, m) REC("slot:" #V "." #m, offsetof(V, m) / sizeof(void *))
#define DATA4(g) (((long long) (g).Data4[0] << 56) | ((long long) (g).Data4[1] << 48) \
        | ((long long) (g).Data4[2] << 40) | ((long long) (g).Data4[3] << 32) | ((long long) (g).Data4[4] << 24) \
        | ((long long) (g).Data4[5] << 16) | ((long long) (g).Data4[6] << 8) | (long long) (g).Data4[7])
#define GUIDREC(name, g) REC("guid:" name ".Data1", (g).Data1), REC("guid:" name ".Data2", (g).Data2), \
        REC("guid:" name ".Data3", (g).Data3), REC("guid:" name ".Data4", DATA4(g))

__attribute__((section(".bgtasks"), used))
static const struct bgtasks_record records[] = {
    /* Job objects (winnt.h, jobapi2.h) */
    SIZE(JOBOBJECT_BASIC_LIMIT_INFORMATION),
    OFF(JOBOBJECT_BASIC_LIMIT_INFORMATION, PerProcessUserTimeLimit),
    OFF(JOBOBJECT_BASIC_LIMIT_INFORMATION, PerJobUserTimeLimit),
    OFF(JOBOBJECT_BASIC_LIMIT_INFORMATION, LimitFlags),
    OFF(JOBOBJECT_BASIC_LIMIT_INFORMATION, MinimumWorkingSetSize),
    OFF(JOBOBJECT_BASIC_LIMIT_INFORMATION, MaximumWorkingSetSize),
    OFF(JOBOBJECT_BASIC_LIMIT_INFORMATION, ActiveProcessLimit),
    OFF(JOBOBJECT_BASIC_LIMIT_INFORMATION, Affinity),
    OFF(JOBOBJECT_BASIC_LIMIT_INFORMATION, PriorityClass),
    OFF(JOBOBJECT_BASIC_LIMIT_INFORMATION, SchedulingClass),
    SIZE(IO_COUNTERS),
    OFF(IO_COUNTERS, ReadOperationCount),
    OFF(IO_COUNTERS, WriteOperationCount),
    OFF(IO_COUNTERS, OtherOperationCount),
    OFF(IO_COUNTERS, ReadTransferCount),
    OFF(IO_COUNTERS, WriteTransferCount),
    OFF(IO_COUNTERS, OtherTransferCount),
    SIZE(JOBOBJECT_EXTENDED_LIMIT_INFORMATION),
    OFF(JOBOBJECT_EXTENDED_LIMIT_INFORMATION, BasicLimitInformation),
    OFF(JOBOBJECT_EXTENDED_LIMIT_INFORMATION, IoInfo),
    OFF(JOBOBJECT_EXTENDED_LIMIT_INFORMATION, ProcessMemoryLimit),
    OFF(JOBOBJECT_EXTENDED_LIMIT_INFORMATION, JobMemoryLimit),
    OFF(JOBOBJECT_EXTENDED_LIMIT_INFORMATION, PeakProcessMemoryUsed),
    OFF(JOBOBJECT_EXTENDED_LIMIT_INFORMATION, PeakJobMemoryUsed),
    SIZE(JOBOBJECT_BASIC_ACCOUNTING_INFORMATION),
    OFF(JOBOBJECT_BASIC_ACCOUNTING_INFORMATION, TotalUserTime),
    OFF(JOBOBJECT_BASIC_ACCOUNTING_INFORMATION, TotalKernelTime),
    OFF(JOBOBJECT_BASIC_ACCOUNTING_INFORMATION, ThisPeriodTotalUserTime),
    OFF(JOBOBJECT_BASIC_ACCOUNTING_INFORMATION, ThisPeriodTotalKernelTime),
    OFF(JOBOBJECT_BASIC_ACCOUNTING_INFORMATION, TotalPageFaultCount),
    OFF(JOBOBJECT_BASIC_ACCOUNTING_INFORMATION, TotalProcesses),
    OFF(JOBOBJECT_BASIC_ACCOUNTING_INFORMATION, ActiveProcesses),
    OFF(JOBOBJECT_BASIC_ACCOUNTING_INFORMATION, TotalTerminatedProcesses),
    SIZE(JOBOBJECT_ASSOCIATE_COMPLETION_PORT),
    OFF(JOBOBJECT_ASSOCIATE_COMPLETION_PORT, CompletionKey),
    OFF(JOBOBJECT_ASSOCIATE_COMPLETION_PORT, CompletionPort),
    SIZE(JOBOBJECT_LIMIT_VIOLATION_INFORMATION),
    OFF(JOBOBJECT_LIMIT_VIOLATION_INFORMATION, LimitFlags),
    OFF(JOBOBJECT_LIMIT_VIOLATION_INFORMATION, ViolationLimitFlags),
    OFF(JOBOBJECT_LIMIT_VIOLATION_INFORMATION, IoReadBytes),
    OFF(JOBOBJECT_LIMIT_VIOLATION_INFORMATION, IoReadBytesLimit),
    OFF(JOBOBJECT_LIMIT_VIOLATION_INFORMATION, IoWriteBytes),
    OFF(JOBOBJECT_LIMIT_VIOLATION_INFORMATION, IoWriteBytesLimit),
    OFF(JOBOBJECT_LIMIT_VIOLATION_INFORMATION, PerJobUserTime),
    OFF(JOBOBJECT_LIMIT_VIOLATION_INFORMATION, PerJobUserTimeLimit),
    OFF(JOBOBJECT_LIMIT_VIOLATION_INFORMATION, JobMemory),
    OFF(JOBOBJECT_LIMIT_VIOLATION_INFORMATION, JobMemoryLimit),
    OFF(JOBOBJECT_LIMIT_VIOLATION_INFORMATION, RateControlTolerance),
    OFF(JOBOBJECT_LIMIT_VIOLATION_INFORMATION, RateControlToleranceLimit),
    VALUE(JobObjectBasicAccountingInformation),
    VALUE(JobObjectAssociateCompletionPortInformation),
    VALUE(JobObjectExtendedLimitInformation),
    VALUE(JobObjectLimitViolationInformation),
    VALUE(JOB_OBJECT_LIMIT_ACTIVE_PROCESS),
    VALUE(JOB_OBJECT_LIMIT_JOB_MEMORY),
    VALUE(JOB_OBJECT_LIMIT_DIE_ON_UNHANDLED_EXCEPTION),
    VALUE(JOB_OBJECT_LIMIT_BREAKAWAY_OK),
    VALUE(JOB_OBJECT_LIMIT_SILENT_BREAKAWAY_OK),
    VALUE(JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE),
    VALUE(JOB_OBJECT_MSG_END_OF_JOB_TIME),
    VALUE(JOB_OBJECT_MSG_END_OF_PROCESS_TIME),
    VALUE(JOB_OBJECT_MSG_ACTIVE_PROCESS_LIMIT),
    VALUE(JOB_OBJECT_MSG_ACTIVE_PROCESS_ZERO),
    VALUE(JOB_OBJECT_MSG_NEW_PROCESS),
    VALUE(JOB_OBJECT_MSG_EXIT_PROCESS),
    VALUE(JOB_OBJECT_MSG_ABNORMAL_EXIT_PROCESS),
    VALUE(JOB_OBJECT_MSG_PROCESS_MEMORY_LIMIT),
    VALUE(JOB_OBJECT_MSG_JOB_MEMORY_LIMIT),

    /* Processes, files and consoles (winbase.h, winnt.h, wincon.h, winerror.h) */
    SIZE(STARTUPINFOW),
    OFF(STARTUPINFOW, cb),
    OFF(STARTUPINFOW, lpReserved),
    OFF(STARTUPINFOW, lpDesktop),
    OFF(STARTUPINFOW, lpTitle),
    OFF(STARTUPINFOW, dwX),
    OFF(STARTUPINFOW, dwY),
    OFF(STARTUPINFOW, dwXSize),
    OFF(STARTUPINFOW, dwYSize),
    OFF(STARTUPINFOW, dwXCountChars),
    OFF(STARTUPINFOW, dwYCountChars),
    OFF(STARTUPINFOW, dwFillAttribute),
    OFF(STARTUPINFOW, dwFlags),
    OFF(STARTUPINFOW, wShowWindow),
    OFF(STARTUPINFOW, cbReserved2),
    OFF(STARTUPINFOW, lpReserved2),
    OFF(STARTUPINFOW, hStdInput),
    OFF(STARTUPINFOW, hStdOutput),
    OFF(STARTUPINFOW, hStdError),
    SIZE(PROCESS_INFORMATION),
    OFF(PROCESS_INFORMATION, hProcess),
    OFF(PROCESS_INFORMATION, hThread),
    OFF(PROCESS_INFORMATION, dwProcessId),
    OFF(PROCESS_INFORMATION, dwThreadId),
    SIZE(SECURITY_ATTRIBUTES),
    OFF(SECURITY_ATTRIBUTES, nLength),
    OFF(SECURITY_ATTRIBUTES, lpSecurityDescriptor),
    OFF(SECURITY_ATTRIBUTES, bInheritHandle),
    VALUE(CREATE_SUSPENDED),
    VALUE(CREATE_NEW_PROCESS_GROUP),
    VALUE(CREATE_UNICODE_ENVIRONMENT),
    VALUE(CREATE_NO_WINDOW),
    VALUE(STARTF_USESTDHANDLES),
    VALUE(INFINITE),
    VALUE(WAIT_OBJECT_0),
    VALUE(FILE_APPEND_DATA),
    VALUE(GENERIC_READ),
    VALUE(FILE_SHARE_READ),
    VALUE(FILE_SHARE_WRITE),
    VALUE(FILE_SHARE_DELETE),
    VALUE(OPEN_ALWAYS),
    VALUE(OPEN_EXISTING),
    VALUE(FILE_ATTRIBUTE_NORMAL),
    VALUE(CTRL_BREAK_EVENT),
    VALUE(ERROR_ABANDONED_WAIT_0),
    VALUE(STATUS_CONTROL_C_EXIT),

    /* Power (winbase.h, winuser.h, winnt.h) */
    SIZE(SYSTEM_POWER_STATUS),
    OFF(SYSTEM_POWER_STATUS, ACLineStatus),
    OFF(SYSTEM_POWER_STATUS, BatteryFlag),
    OFF(SYSTEM_POWER_STATUS, BatteryLifePercent),
    /* The SDK calls the fourth byte SystemStatusFlag since Windows 10; mingw-w64 still calls it Reserved1. */
    OFFN(SYSTEM_POWER_STATUS, "SystemStatusFlag", Reserved1),
    OFF(SYSTEM_POWER_STATUS, BatteryLifeTime),
    OFF(SYSTEM_POWER_STATUS, BatteryFullLifeTime),
    VALUE(AC_LINE_OFFLINE),
    VALUE(AC_LINE_ONLINE),
    VALUE(AC_LINE_UNKNOWN),
    VALUE(BATTERY_FLAG_HIGH),
    VALUE(BATTERY_FLAG_LOW),
    VALUE(BATTERY_FLAG_CRITICAL),
    VALUE(BATTERY_FLAG_CHARGING),
    VALUE(BATTERY_FLAG_NO_BATTERY),
    VALUE(BATTERY_FLAG_UNKNOWN),
    VALUE(BATTERY_PERCENTAGE_UNKNOWN),
    VALUE(SYSTEM_STATUS_FLAG_POWER_SAVING_ON),
    SIZE(POWERBROADCAST_SETTING),
    OFF(POWERBROADCAST_SETTING, PowerSetting),
    OFF(POWERBROADCAST_SETTING, DataLength),
    OFF(POWERBROADCAST_SETTING, Data),
    VALUE(WM_POWERBROADCAST),
    VALUE(PBT_POWERSETTINGCHANGE),
    VALUE(DEVICE_NOTIFY_WINDOW_HANDLE),
    GUIDREC("GUID_ACDC_POWER_SOURCE", GUID_ACDC_POWER_SOURCE),
    GUIDREC("GUID_BATTERY_PERCENTAGE_REMAINING", GUID_BATTERY_PERCENTAGE_REMAINING),
    GUIDREC("GUID_POWER_SAVING_STATUS", DOC_GUID_POWER_SAVING_STATUS),
    GUIDREC("GUID_ENERGY_SAVER_STATUS", DOC_GUID_ENERGY_SAVER_STATUS),

    /* The message window (winuser.h) */
    REC("const:HWND_MESSAGE", (INT_PTR) HWND_MESSAGE),
    VALUE(WM_WTSSESSION_CHANGE),
    SIZE(WNDCLASSEXW),
    OFF(WNDCLASSEXW, cbSize),
    OFF(WNDCLASSEXW, style),
    OFF(WNDCLASSEXW, lpfnWndProc),
    OFF(WNDCLASSEXW, cbClsExtra),
    OFF(WNDCLASSEXW, cbWndExtra),
    OFF(WNDCLASSEXW, hInstance),
    OFF(WNDCLASSEXW, hIcon),
    OFF(WNDCLASSEXW, hCursor),
    OFF(WNDCLASSEXW, hbrBackground),
    OFF(WNDCLASSEXW, lpszMenuName),
    OFF(WNDCLASSEXW, lpszClassName),
    OFF(WNDCLASSEXW, hIconSm),
    SIZE(MSG),
    OFF(MSG, hwnd),
    OFF(MSG, message),
    OFF(MSG, wParam),
    OFF(MSG, lParam),
    OFF(MSG, time),
    OFF(MSG, pt),

    /* Presence and sessions (winuser.h, wtsapi32.h) */
    SIZE(LASTINPUTINFO),
    OFF(LASTINPUTINFO, cbSize),
    OFF(LASTINPUTINFO, dwTime),
    /* Only these two offsets are read (the whole structure is not mapped). */
    OFF(WTSINFOEXW, Level),
    OFFN(WTSINFOEXW, "Data.WTSInfoExLevel1.SessionFlags", Data.WTSInfoExLevel1.SessionFlags),
    VALUE(WTS_SESSIONSTATE_LOCK),
    VALUE(WTS_SESSIONSTATE_UNLOCK),
    VALUE(WTS_CURRENT_SESSION),
    VALUE(WTSConnectState),
    NAMED("WTSSessionInfoEx", DOC_WTSSessionInfoEx),
    VALUE(WTSActive),
    VALUE(WTSShadow),
    VALUE(WTSInit),
    VALUE(NOTIFY_FOR_THIS_SESSION),

    /* Network: the Network List Manager (netlistmgr.h, objbase.h) and IP Helper (netioapi.h) */
    GUIDREC("CLSID_NetworkListManager", CLSID_NetworkListManager),
    GUIDREC("IID_INetworkListManager", IID_INetworkListManager),
    GUIDREC("IID_INetworkCostManager", IID_INetworkCostManager),
    SLOT(IUnknownVtbl, QueryInterface),
    SLOT(IUnknownVtbl, AddRef),
    SLOT(IUnknownVtbl, Release),
    SLOT(INetworkListManagerVtbl, GetConnectivity),
    SLOT(INetworkCostManagerVtbl, GetCost),
    VALUE(CLSCTX_ALL),
    VALUE(COINIT_MULTITHREADED),
    VALUE(RPC_E_CHANGED_MODE),
    VALUE(NLM_CONNECTIVITY_DISCONNECTED),
    VALUE(NLM_CONNECTIVITY_IPV4_NOTRAFFIC),
    VALUE(NLM_CONNECTIVITY_IPV6_NOTRAFFIC),
    VALUE(NLM_CONNECTIVITY_IPV4_SUBNET),
    VALUE(NLM_CONNECTIVITY_IPV4_LOCALNETWORK),
    VALUE(NLM_CONNECTIVITY_IPV4_INTERNET),
    VALUE(NLM_CONNECTIVITY_IPV6_SUBNET),
    VALUE(NLM_CONNECTIVITY_IPV6_LOCALNETWORK),
    VALUE(NLM_CONNECTIVITY_IPV6_INTERNET),
    VALUE(NLM_CONNECTION_COST_UNKNOWN),
    VALUE(NLM_CONNECTION_COST_UNRESTRICTED),
    VALUE(NLM_CONNECTION_COST_FIXED),
    VALUE(NLM_CONNECTION_COST_VARIABLE),
    VALUE(NLM_CONNECTION_COST_OVERDATALIMIT),
    VALUE(NLM_CONNECTION_COST_CONGESTED),
    VALUE(NLM_CONNECTION_COST_ROAMING),
    VALUE(NLM_CONNECTION_COST_APPROACHINGDATALIMIT),
    SIZE(NL_NETWORK_CONNECTIVITY_HINT),
    OFF(NL_NETWORK_CONNECTIVITY_HINT, ConnectivityLevel),
    OFF(NL_NETWORK_CONNECTIVITY_HINT, ConnectivityCost),
    OFF(NL_NETWORK_CONNECTIVITY_HINT, ApproachingDataLimit),
    OFF(NL_NETWORK_CONNECTIVITY_HINT, OverDataLimit),
    OFF(NL_NETWORK_CONNECTIVITY_HINT, Roaming),
    VALUE(AF_UNSPEC),
    VALUE(NO_ERROR),
    /* USB device notifications (cfgmgr32.h, Windows 8; usbiodef.h) */
    SIZE(CM_NOTIFY_FILTER),
    OFF(CM_NOTIFY_FILTER, cbSize),
    OFF(CM_NOTIFY_FILTER, Flags),
    OFF(CM_NOTIFY_FILTER, FilterType),
    OFF(CM_NOTIFY_FILTER, Reserved),
    OFFN(CM_NOTIFY_FILTER, "ClassGuid", u.DeviceInterface.ClassGuid),
    /* The Java side pads the union to its largest member after the GUID. */
    REC("offsetof:CM_NOTIFY_FILTER.Rest", offsetof(CM_NOTIFY_FILTER, u.DeviceInterface.ClassGuid) + sizeof(GUID)),
    VALUE(CR_SUCCESS),
    VALUE(CM_NOTIFY_FILTER_TYPE_DEVICEINTERFACE),
    VALUE(CM_NOTIFY_ACTION_DEVICEINTERFACEARRIVAL),
    VALUE(CM_NOTIFY_ACTION_DEVICEINTERFACEREMOVAL),
    VALUE(ERROR_SUCCESS),
    GUIDREC("GUID_DEVINTERFACE_USB_DEVICE", GUID_DEVINTERFACE_USB_DEVICE),
};
