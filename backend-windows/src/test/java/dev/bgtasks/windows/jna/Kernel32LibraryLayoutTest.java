package dev.bgtasks.windows.jna;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.Native;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 5: the hand-mapped job structures have the field order, offsets and sizes of the Win32 headers on 64-bit
 * Windows, and every flag and message value is the documented one. JNA lays out structures by natural alignment on
 * Linux x86-64 exactly as on Windows x64 for these field types, so this holds the 64-bit layout here.
 */
class Kernel32LibraryLayoutTest {
    @BeforeEach
    void sixtyFourBit() {
        assumeTrue(Native.POINTER_SIZE == 8, "the offsets below are the 64-bit layout");
    }

    @Test
    void basicLimitInformationIs64BytesInHeaderOrder() {
        Kernel32Library.JobObjectBasicLimitInformation s = new Kernel32Library.JobObjectBasicLimitInformation();
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
        Kernel32Library.JobObjectExtendedLimitInformation s = new Kernel32Library.JobObjectExtendedLimitInformation();
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
    void basicAccountingInformationIs48Bytes() {
        Kernel32Library.JobObjectBasicAccountingInformation s =
                new Kernel32Library.JobObjectBasicAccountingInformation();
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
        Kernel32Library.JobObjectAssociateCompletionPort s = new Kernel32Library.JobObjectAssociateCompletionPort();
        assertThat(s.size()).isEqualTo(16);
        assertThat(s.offsetOf("CompletionKey")).isZero();
        assertThat(s.offsetOf("CompletionPort")).isEqualTo(8);
    }

    @Test
    void limitViolationInformationIs80Bytes() {
        Kernel32Library.JobObjectLimitViolationInformation s = new Kernel32Library.JobObjectLimitViolationInformation();
        assertThat(s.size()).isEqualTo(80);
        assertThat(s.offsetOf("ViolationLimitFlags")).isEqualTo(4);
        assertThat(s.offsetOf("IoReadBytes")).isEqualTo(8);
        assertThat(s.offsetOf("PerJobUserTime")).isEqualTo(40);
        assertThat(s.offsetOf("JobMemory")).isEqualTo(56);
        assertThat(s.offsetOf("JobMemoryLimit")).isEqualTo(64);
        assertThat(s.offsetOf("RateControlTolerance")).isEqualTo(72);
        assertThat(s.offsetOf("RateControlToleranceLimit")).isEqualTo(76);
    }

    /** Values from winnt.h / jobapi2.h. */
    @Test
    void everyFlagHasItsDocumentedValue() {
        assertThat(Kernel32Library.JOB_OBJECT_BASIC_ACCOUNTING_INFORMATION).isEqualTo(1);
        assertThat(Kernel32Library.JOB_OBJECT_ASSOCIATE_COMPLETION_PORT_INFORMATION).isEqualTo(7);
        assertThat(Kernel32Library.JOB_OBJECT_EXTENDED_LIMIT_INFORMATION).isEqualTo(9);
        assertThat(Kernel32Library.JOB_OBJECT_LIMIT_VIOLATION_INFORMATION).isEqualTo(13);

        assertThat(Kernel32Library.JOB_OBJECT_LIMIT_ACTIVE_PROCESS).isEqualTo(0x8);
        assertThat(Kernel32Library.JOB_OBJECT_LIMIT_JOB_MEMORY).isEqualTo(0x200);
        assertThat(Kernel32Library.JOB_OBJECT_LIMIT_DIE_ON_UNHANDLED_EXCEPTION).isEqualTo(0x400);
        assertThat(Kernel32Library.JOB_OBJECT_LIMIT_BREAKAWAY_OK).isEqualTo(0x800);
        assertThat(Kernel32Library.JOB_OBJECT_LIMIT_SILENT_BREAKAWAY_OK).isEqualTo(0x1000);
        assertThat(Kernel32Library.JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE).isEqualTo(0x2000);

        assertThat(Kernel32Library.JOB_OBJECT_MSG_END_OF_JOB_TIME).isEqualTo(1);
        assertThat(Kernel32Library.JOB_OBJECT_MSG_END_OF_PROCESS_TIME).isEqualTo(2);
        assertThat(Kernel32Library.JOB_OBJECT_MSG_ACTIVE_PROCESS_LIMIT).isEqualTo(3);
        assertThat(Kernel32Library.JOB_OBJECT_MSG_ACTIVE_PROCESS_ZERO).isEqualTo(4);
        assertThat(Kernel32Library.JOB_OBJECT_MSG_NEW_PROCESS).isEqualTo(6);
        assertThat(Kernel32Library.JOB_OBJECT_MSG_EXIT_PROCESS).isEqualTo(7);
        assertThat(Kernel32Library.JOB_OBJECT_MSG_ABNORMAL_EXIT_PROCESS).isEqualTo(8);
        assertThat(Kernel32Library.JOB_OBJECT_MSG_PROCESS_MEMORY_LIMIT).isEqualTo(9);
        assertThat(Kernel32Library.JOB_OBJECT_MSG_JOB_MEMORY_LIMIT).isEqualTo(10);
        assertThat(Kernel32Library.RESUME_THREAD_FAILED).isEqualTo(0xFFFFFFFF);
    }
}
