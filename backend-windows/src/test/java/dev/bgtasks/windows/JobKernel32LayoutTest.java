package dev.bgtasks.windows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.WinBase;
import com.sun.jna.platform.win32.WinError;
import com.sun.jna.platform.win32.Wincon;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 5: the hand-mapped job structures have the field order, offsets and sizes of the Win32 headers on 64-bit
 * Windows, and every flag and message value is the documented one. JNA lays out structures by natural alignment on
 * Linux x86-64 exactly as on Windows x64 for these field types, so this holds the 64-bit layout here.
 */
class JobKernel32LayoutTest {
    @BeforeEach
    void sixtyFourBit() {
        assumeTrue(Native.POINTER_SIZE == 8, "the offsets below are the 64-bit layout");
    }

    @Test
    void basicLimitInformationIs64BytesInHeaderOrder() {
        JobKernel32.JobObjectBasicLimitInformation s = new JobKernel32.JobObjectBasicLimitInformation();
        assertThat(s.size()).isEqualTo(64);
        assertThat(s.offsetOf("PerProcessUserTimeLimit")).isZero();
        assertThat(s.offsetOf("PerJobUserTimeLimit")).isEqualTo(8);
        assertThat(s.offsetOf("LimitFlags")).isEqualTo(16);
        assertThat(s.offsetOf("MinimumWorkingSetSize")).isEqualTo(24);
        assertThat(s.offsetOf("MaximumWorkingSetSize")).isEqualTo(32);
        assertThat(s.offsetOf("ActiveProcessLimit")).isEqualTo(40);
        assertThat(s.offsetOf("Affinity")).isEqualTo(48);
        assertThat(s.offsetOf("PriorityClass")).isEqualTo(56);
        assertThat(s.offsetOf("SchedulingClass")).isEqualTo(60);
    }

    @Test
    void extendedLimitInformationIs144Bytes() {
        JobKernel32.JobObjectExtendedLimitInformation s = new JobKernel32.JobObjectExtendedLimitInformation();
        assertThat(s.size()).isEqualTo(144);
        assertThat(s.offsetOf("BasicLimitInformation")).isZero();
        assertThat(s.offsetOf("IoInfo")).isEqualTo(64);
        assertThat(s.IoInfo.size()).isEqualTo(48);
        assertThat(s.offsetOf("ProcessMemoryLimit")).isEqualTo(112);
        assertThat(s.offsetOf("JobMemoryLimit")).isEqualTo(120);
        assertThat(s.offsetOf("PeakProcessMemoryUsed")).isEqualTo(128);
        assertThat(s.offsetOf("PeakJobMemoryUsed")).isEqualTo(136);
    }

    @Test
    void limitsLandAtTheirOffsetsInNativeMemory() {
        JobKernel32.JobObjectExtendedLimitInformation s = WindowsJobSandbox.limitInformation(
                dev.bgtasks.spi.ResourceLimits.builder().memoryBytes(256L << 20).maxProcesses(7).build());
        s.write();
        Pointer p = s.getPointer();
        assertThat(p.getInt(16)).isEqualTo(0x2000 | 0x400 | 0x200 | 0x8);
        assertThat(p.getInt(40)).isEqualTo(7);
        assertThat(p.getLong(120)).isEqualTo(256L << 20);
        assertThat(p.getLong(112)).isZero();

        p.setLong(136, 12345L);
        s.read();
        assertThat(s.PeakJobMemoryUsed.longValue()).isEqualTo(12345L);
    }

    @Test
    void basicAccountingInformationIs48Bytes() {
        JobKernel32.JobObjectBasicAccountingInformation s = new JobKernel32.JobObjectBasicAccountingInformation();
        assertThat(s.size()).isEqualTo(48);
        assertThat(s.offsetOf("TotalUserTime")).isZero();
        assertThat(s.offsetOf("TotalKernelTime")).isEqualTo(8);
        assertThat(s.offsetOf("ThisPeriodTotalUserTime")).isEqualTo(16);
        assertThat(s.offsetOf("ThisPeriodTotalKernelTime")).isEqualTo(24);
        assertThat(s.offsetOf("TotalPageFaultCount")).isEqualTo(32);
        assertThat(s.offsetOf("TotalProcesses")).isEqualTo(36);
        assertThat(s.offsetOf("ActiveProcesses")).isEqualTo(40);
        assertThat(s.offsetOf("TotalTerminatedProcesses")).isEqualTo(44);
    }

    @Test
    void associateCompletionPortIsKeyThenPort() {
        JobKernel32.JobObjectAssociateCompletionPort s = new JobKernel32.JobObjectAssociateCompletionPort();
        assertThat(s.size()).isEqualTo(16);
        assertThat(s.offsetOf("CompletionKey")).isZero();
        assertThat(s.offsetOf("CompletionPort")).isEqualTo(8);
    }

    @Test
    void limitViolationInformationIs80Bytes() {
        JobKernel32.JobObjectLimitViolationInformation s = new JobKernel32.JobObjectLimitViolationInformation();
        assertThat(s.size()).isEqualTo(80);
        assertThat(s.offsetOf("ViolationLimitFlags")).isEqualTo(4);
        assertThat(s.offsetOf("IoReadBytes")).isEqualTo(8);
        assertThat(s.offsetOf("PerJobUserTime")).isEqualTo(40);
        assertThat(s.offsetOf("JobMemory")).isEqualTo(56);
        assertThat(s.offsetOf("JobMemoryLimit")).isEqualTo(64);
        assertThat(s.offsetOf("RateControlTolerance")).isEqualTo(72);
        assertThat(s.offsetOf("RateControlToleranceLimit")).isEqualTo(76);
    }

    /** Values from winnt.h / jobapi2.h / winbase.h / wincon.h. */
    @Test
    void everyFlagHasItsDocumentedValue() {
        assertThat(JobKernel32.JOB_OBJECT_BASIC_ACCOUNTING_INFORMATION).isEqualTo(1);
        assertThat(JobKernel32.JOB_OBJECT_ASSOCIATE_COMPLETION_PORT_INFORMATION).isEqualTo(7);
        assertThat(JobKernel32.JOB_OBJECT_EXTENDED_LIMIT_INFORMATION).isEqualTo(9);
        assertThat(JobKernel32.JOB_OBJECT_LIMIT_VIOLATION_INFORMATION).isEqualTo(13);

        assertThat(JobKernel32.JOB_OBJECT_LIMIT_ACTIVE_PROCESS).isEqualTo(0x8);
        assertThat(JobKernel32.JOB_OBJECT_LIMIT_JOB_MEMORY).isEqualTo(0x200);
        assertThat(JobKernel32.JOB_OBJECT_LIMIT_DIE_ON_UNHANDLED_EXCEPTION).isEqualTo(0x400);
        assertThat(JobKernel32.JOB_OBJECT_LIMIT_BREAKAWAY_OK).isEqualTo(0x800);
        assertThat(JobKernel32.JOB_OBJECT_LIMIT_SILENT_BREAKAWAY_OK).isEqualTo(0x1000);
        assertThat(JobKernel32.JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE).isEqualTo(0x2000);

        assertThat(JobKernel32.JOB_OBJECT_MSG_END_OF_JOB_TIME).isEqualTo(1);
        assertThat(JobKernel32.JOB_OBJECT_MSG_END_OF_PROCESS_TIME).isEqualTo(2);
        assertThat(JobKernel32.JOB_OBJECT_MSG_ACTIVE_PROCESS_LIMIT).isEqualTo(3);
        assertThat(JobKernel32.JOB_OBJECT_MSG_ACTIVE_PROCESS_ZERO).isEqualTo(4);
        assertThat(JobKernel32.JOB_OBJECT_MSG_NEW_PROCESS).isEqualTo(6);
        assertThat(JobKernel32.JOB_OBJECT_MSG_EXIT_PROCESS).isEqualTo(7);
        assertThat(JobKernel32.JOB_OBJECT_MSG_ABNORMAL_EXIT_PROCESS).isEqualTo(8);
        assertThat(JobKernel32.JOB_OBJECT_MSG_PROCESS_MEMORY_LIMIT).isEqualTo(9);
        assertThat(JobKernel32.JOB_OBJECT_MSG_JOB_MEMORY_LIMIT).isEqualTo(10);
        assertThat(JobKernel32.RESUME_THREAD_FAILED).isEqualTo(0xFFFFFFFF);

        assertThat(WindowsJobSandbox.CREATION_FLAGS).isEqualTo(0x4 | 0x200 | 0x400);
        assertThat(WindowsJobSandbox.ALWAYS_LIMITS).isEqualTo(0x8 | 0x2000 | 0x400);
        assertThat(WinBase.CREATE_NO_WINDOW).isEqualTo(0x0800_0000);
        assertThat(WinBase.STARTF_USESTDHANDLES).isEqualTo(0x100);
        assertThat(Wincon.CTRL_BREAK_EVENT).isEqualTo(1);
        assertThat(WinError.ERROR_ABANDONED_WAIT_0).isEqualTo(735);
        assertThat(JobProcess.STATUS_CONTROL_C_EXIT).isEqualTo(0xC000013A);
    }
}
