package dev.bgtasks.windows.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.WinBase;
import com.sun.jna.platform.win32.WinError;
import com.sun.jna.platform.win32.Wincon;
import dev.bgtasks.windows.jna.Kernel32Library;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 5: the limits the sandbox writes land at the header's offsets of {@code JOBOBJECT_EXTENDED_LIMIT_INFORMATION}
 * on 64-bit Windows, and the sandbox's own flags have their documented values (winbase.h, wincon.h, winerror.h,
 * ntstatus.h). The structures themselves are held to the headers in {@code dev.bgtasks.windows.jna}.
 */
class JobLimitsLayoutTest {
    @BeforeEach
    void sixtyFourBit() {
        assumeTrue(Native.POINTER_SIZE == 8, "the offsets below are the 64-bit layout");
    }

    @Test
    void limitsLandAtTheirOffsetsInNativeMemory() {
        Kernel32Library.JobObjectExtendedLimitInformation s = WindowsJobSandbox.limitInformation(
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

    /** Values from winbase.h / wincon.h / winerror.h / ntstatus.h. */
    @Test
    void sandboxFlagsHaveTheirDocumentedValues() {
        assertThat(WindowsJobSandbox.CREATION_FLAGS).isEqualTo(0x4 | 0x200 | 0x400);
        assertThat(WindowsJobSandbox.ALWAYS_LIMITS).isEqualTo(0x8 | 0x2000 | 0x400);
        assertThat(WinBase.CREATE_NO_WINDOW).isEqualTo(0x0800_0000);
        assertThat(WinBase.STARTF_USESTDHANDLES).isEqualTo(0x100);
        assertThat(Wincon.CTRL_BREAK_EVENT).isEqualTo(1);
        assertThat(WinError.ERROR_ABANDONED_WAIT_0).isEqualTo(735);
        assertThat(JobProcess.STATUS_CONTROL_C_EXIT).isEqualTo(0xC000013A);
    }
}
