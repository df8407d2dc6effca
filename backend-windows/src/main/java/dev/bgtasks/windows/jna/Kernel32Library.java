package dev.bgtasks.windows.jna;

import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.WString;
import com.sun.jna.platform.win32.BaseTSD;
import com.sun.jna.platform.win32.WinBase;
import com.sun.jna.platform.win32.WinNT;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.win32.StdCallLibrary;

/**
 * The kernel32 functions jna-platform 5.19.1 does not map, with their structures and constants: the job-object API,
 * {@code ResumeThread} and {@code GetSystemPowerStatus}. Layouts follow the Win32 headers ({@code winnt.h},
 * {@code jobapi2.h}, {@code winbase.h}) and are checked against mingw-w64's copies by {@code WindowsHeaderLayoutTest};
 * on 64-bit Windows {@link JobObjectExtendedLimitInformation} is 144 bytes. The functions jna-platform does map are
 * reached through {@link Kernel32Calls}.
 *
 * <pre>{@code
 * Kernel32Library kernel32 = Win32Libraries.kernel32();
 * WinNT.HANDLE job = kernel32.CreateJobObjectW(null, null);
 * }</pre>
 */
public interface Kernel32Library extends StdCallLibrary {
    // JOBOBJECTINFOCLASS
    int JOB_OBJECT_BASIC_ACCOUNTING_INFORMATION = 1;
    int JOB_OBJECT_ASSOCIATE_COMPLETION_PORT_INFORMATION = 7;
    int JOB_OBJECT_EXTENDED_LIMIT_INFORMATION = 9;
    int JOB_OBJECT_LIMIT_VIOLATION_INFORMATION = 13;

    // JOBOBJECT_BASIC_LIMIT_INFORMATION.LimitFlags
    int JOB_OBJECT_LIMIT_ACTIVE_PROCESS = 0x0000_0008;
    int JOB_OBJECT_LIMIT_JOB_MEMORY = 0x0000_0200;
    int JOB_OBJECT_LIMIT_DIE_ON_UNHANDLED_EXCEPTION = 0x0000_0400;
    int JOB_OBJECT_LIMIT_BREAKAWAY_OK = 0x0000_0800;
    int JOB_OBJECT_LIMIT_SILENT_BREAKAWAY_OK = 0x0000_1000;
    int JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE = 0x0000_2000;

    // Completion-port messages of a job (the "number of bytes" of GetQueuedCompletionStatus)
    int JOB_OBJECT_MSG_END_OF_JOB_TIME = 1;
    int JOB_OBJECT_MSG_END_OF_PROCESS_TIME = 2;
    int JOB_OBJECT_MSG_ACTIVE_PROCESS_LIMIT = 3;
    int JOB_OBJECT_MSG_ACTIVE_PROCESS_ZERO = 4;
    int JOB_OBJECT_MSG_NEW_PROCESS = 6;
    int JOB_OBJECT_MSG_EXIT_PROCESS = 7;
    int JOB_OBJECT_MSG_ABNORMAL_EXIT_PROCESS = 8;
    int JOB_OBJECT_MSG_PROCESS_MEMORY_LIMIT = 9;
    int JOB_OBJECT_MSG_JOB_MEMORY_LIMIT = 10;

    /** What {@code ResumeThread} returns on failure ({@code (DWORD) -1}). */
    int RESUME_THREAD_FAILED = -1;

    WinNT.HANDLE CreateJobObjectW(WinBase.SECURITY_ATTRIBUTES attributes, WString name);

    boolean AssignProcessToJobObject(WinNT.HANDLE job, WinNT.HANDLE process);

    boolean SetInformationJobObject(WinNT.HANDLE job, int infoClass, Structure info, int length);

    boolean QueryInformationJobObject(WinNT.HANDLE job, int infoClass, Structure info, int length,
                                      IntByReference returnLength);

    boolean TerminateJobObject(WinNT.HANDLE job, int exitCode);

    /** @return the previous suspend count, or {@link #RESUME_THREAD_FAILED} */
    int ResumeThread(WinNT.HANDLE thread);

    /** {@code BOOL GetSystemPowerStatus(LPSYSTEM_POWER_STATUS)}. */
    boolean GetSystemPowerStatus(SystemPowerStatus status);

    /**
     * {@code JOBOBJECT_BASIC_LIMIT_INFORMATION}. Times are 100 ns units; sizes are {@code SIZE_T}.
     *
     * <pre>{@code
     * JobObjectBasicLimitInformation basic = new JobObjectBasicLimitInformation();
     * basic.LimitFlags = JOB_OBJECT_LIMIT_ACTIVE_PROCESS;
     * basic.ActiveProcessLimit = 512;
     * }</pre>
     */
    @Structure.FieldOrder({"PerProcessUserTimeLimit", "PerJobUserTimeLimit", "LimitFlags", "MinimumWorkingSetSize",
            "MaximumWorkingSetSize", "ActiveProcessLimit", "Affinity", "PriorityClass", "SchedulingClass"})
    class JobObjectBasicLimitInformation extends LayoutStructure {
        public long PerProcessUserTimeLimit;
        public long PerJobUserTimeLimit;
        public int LimitFlags;
        public BaseTSD.SIZE_T MinimumWorkingSetSize = new BaseTSD.SIZE_T();
        public BaseTSD.SIZE_T MaximumWorkingSetSize = new BaseTSD.SIZE_T();
        public int ActiveProcessLimit;
        public BaseTSD.ULONG_PTR Affinity = new BaseTSD.ULONG_PTR();
        public int PriorityClass;
        public int SchedulingClass;
    }

    /**
     * {@code JOBOBJECT_EXTENDED_LIMIT_INFORMATION}: the basic limits, I/O counters and the memory limits and peaks.
     *
     * <pre>{@code
     * JobObjectExtendedLimitInformation info = new JobObjectExtendedLimitInformation();
     * info.JobMemoryLimit = new BaseTSD.SIZE_T(256L << 20);
     * }</pre>
     */
    @Structure.FieldOrder({"BasicLimitInformation", "IoInfo", "ProcessMemoryLimit", "JobMemoryLimit",
            "PeakProcessMemoryUsed", "PeakJobMemoryUsed"})
    class JobObjectExtendedLimitInformation extends LayoutStructure {
        public JobObjectBasicLimitInformation BasicLimitInformation = new JobObjectBasicLimitInformation();
        public WinNT.IO_COUNTERS IoInfo = new WinNT.IO_COUNTERS();
        public BaseTSD.SIZE_T ProcessMemoryLimit = new BaseTSD.SIZE_T();
        public BaseTSD.SIZE_T JobMemoryLimit = new BaseTSD.SIZE_T();
        public BaseTSD.SIZE_T PeakProcessMemoryUsed = new BaseTSD.SIZE_T();
        public BaseTSD.SIZE_T PeakJobMemoryUsed = new BaseTSD.SIZE_T();
    }

    /**
     * {@code JOBOBJECT_BASIC_ACCOUNTING_INFORMATION}: CPU times (100 ns units) and process counts of a job.
     *
     * <pre>{@code
     * JobObjectBasicAccountingInformation acct = new JobObjectBasicAccountingInformation();
     * int alive = acct.ActiveProcesses;
     * }</pre>
     */
    @Structure.FieldOrder({"TotalUserTime", "TotalKernelTime", "ThisPeriodTotalUserTime",
            "ThisPeriodTotalKernelTime", "TotalPageFaultCount", "TotalProcesses", "ActiveProcesses",
            "TotalTerminatedProcesses"})
    class JobObjectBasicAccountingInformation extends LayoutStructure {
        public long TotalUserTime;
        public long TotalKernelTime;
        public long ThisPeriodTotalUserTime;
        public long ThisPeriodTotalKernelTime;
        public int TotalPageFaultCount;
        public int TotalProcesses;
        public int ActiveProcesses;
        public int TotalTerminatedProcesses;
    }

    /**
     * {@code JOBOBJECT_ASSOCIATE_COMPLETION_PORT}: the key the job's messages carry, and the port they go to.
     *
     * <pre>{@code
     * JobObjectAssociateCompletionPort assoc = new JobObjectAssociateCompletionPort();
     * assoc.CompletionKey = new Pointer(taskKey);
     * assoc.CompletionPort = port;
     * }</pre>
     */
    @Structure.FieldOrder({"CompletionKey", "CompletionPort"})
    class JobObjectAssociateCompletionPort extends LayoutStructure {
        public Pointer CompletionKey;
        public WinNT.HANDLE CompletionPort;
    }

    /**
     * {@code JOBOBJECT_LIMIT_VIOLATION_INFORMATION} (Windows 8+); read here for {@code JobMemory}, the job's
     * committed memory now.
     *
     * <pre>{@code
     * JobObjectLimitViolationInformation v = new JobObjectLimitViolationInformation();
     * long committed = v.JobMemory;
     * }</pre>
     */
    @Structure.FieldOrder({"LimitFlags", "ViolationLimitFlags", "IoReadBytes", "IoReadBytesLimit", "IoWriteBytes",
            "IoWriteBytesLimit", "PerJobUserTime", "PerJobUserTimeLimit", "JobMemory", "JobMemoryLimit",
            "RateControlTolerance", "RateControlToleranceLimit"})
    class JobObjectLimitViolationInformation extends LayoutStructure {
        public int LimitFlags;
        public int ViolationLimitFlags;
        public long IoReadBytes;
        public long IoReadBytesLimit;
        public long IoWriteBytes;
        public long IoWriteBytesLimit;
        public long PerJobUserTime;
        public long PerJobUserTimeLimit;
        public long JobMemory;
        public long JobMemoryLimit;
        public int RateControlTolerance;
        public int RateControlToleranceLimit;
    }

    /**
     * {@code SYSTEM_POWER_STATUS} of {@code winbase.h}: four BYTEs and two DWORDs, 12 bytes.
     *
     * <pre>{@code
     * SystemPowerStatus status = new SystemPowerStatus();
     * if (kernel32.GetSystemPowerStatus(status)) { int percent = status.batteryLifePercent(); }
     * }</pre>
     */
    @Structure.FieldOrder({"ACLineStatus", "BatteryFlag", "BatteryLifePercent", "SystemStatusFlag",
        "BatteryLifeTime", "BatteryFullLifeTime"})
    class SystemPowerStatus extends LayoutStructure {
        /** 0 offline, 1 online, 255 unknown. */
        public byte ACLineStatus;
        /** HIGH 1, LOW 2, CRITICAL 4, CHARGING 8, NO_SYSTEM_BATTERY 128, 255 unknown. */
        public byte BatteryFlag;
        /** 0..100, 255 unknown. */
        public byte BatteryLifePercent;
        /** 1: battery saver on (stays 0 for Windows 11 24H2's Energy Saver). */
        public byte SystemStatusFlag;
        /** Seconds left, -1 unknown or on AC. */
        public int BatteryLifeTime;
        /** Seconds on a full charge, -1 unknown. */
        public int BatteryFullLifeTime;

        /** {@code ACLineStatus} as the unsigned value Windows wrote. */
        public int acLineStatus() {
            return Byte.toUnsignedInt(ACLineStatus);
        }

        /** {@code BatteryFlag} as the unsigned value Windows wrote. */
        public int batteryFlag() {
            return Byte.toUnsignedInt(BatteryFlag);
        }

        /** {@code BatteryLifePercent} as the unsigned value Windows wrote. */
        public int batteryLifePercent() {
            return Byte.toUnsignedInt(BatteryLifePercent);
        }

        /** {@code SystemStatusFlag} as the unsigned value Windows wrote. */
        public int systemStatusFlag() {
            return Byte.toUnsignedInt(SystemStatusFlag);
        }
    }

    /**
     * A structure whose field offsets can be read, so tests can hold the layout to the Win32 headers.
     *
     * <pre>{@code
     * int offset = new JobObjectExtendedLimitInformation().offsetOf("JobMemoryLimit");
     * }</pre>
     */
    abstract class LayoutStructure extends Structure {
        /** The byte offset of a field in the native layout. */
        public int offsetOf(String field) {
            return fieldOffset(field);
        }
    }
}
