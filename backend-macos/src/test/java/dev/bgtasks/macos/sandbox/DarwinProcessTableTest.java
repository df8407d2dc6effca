package dev.bgtasks.macos.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.sun.jna.LastErrorException;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.LongByReference;
import dev.bgtasks.macos.jna.SystemCalls;
import dev.bgtasks.macos.jna.SystemLib;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The libproc/sysctl reads over a mocked libSystem. */
class DarwinProcessTableTest {
    private final SystemLib libc = mock(SystemLib.class);
    private final SystemCalls calls = new SystemCalls(libc);
    private DarwinProcessTable table;

    @BeforeEach
    void appleSiliconTimebase() {
        doAnswer(call -> {
            SystemLib.MachTimebaseInfo info = call.getArgument(0);
            info.numer = 125;
            info.denom = 3;
            return 0;
        }).when(libc).mach_timebase_info(any());
        table = new DarwinProcessTable(calls);
    }

    @Test
    void theFootprintItsPeakAndCpuTimeInNanosecondsAreRead() {
        doAnswer(call -> {
            SystemLib.RusageInfoV4 info = call.getArgument(2);
            info.ri_phys_footprint = 64L << 20;
            info.ri_lifetime_max_phys_footprint = 80L << 20;
            info.ri_user_time = 24_000_000;    // ticks of 125/3 ns: 1 s
            info.ri_system_time = 0;
            return 0;
        }).when(libc).proc_pid_rusage(eq(42), eq(SystemLib.RUSAGE_INFO_V4), any());
        assertThat(table.read(42)).isEqualTo(ProcessTable.Reading.of(64L << 20, 80L << 20, 1_000_000_000L));
    }

    @Test
    void esrchMeansGoneAndEpermMeansAliveButUnreadable() {
        when(libc.proc_pid_rusage(eq(7), anyInt(), any())).thenThrow(new LastErrorException(SystemLib.ESRCH));
        when(libc.proc_pid_rusage(eq(8), anyInt(), any())).thenThrow(new LastErrorException(SystemLib.EPERM));
        when(libc.proc_pid_rusage(eq(9), anyInt(), any())).thenThrow(new LastErrorException(SystemLib.EPERM));
        when(libc.kill(9, 0)).thenThrow(new LastErrorException(SystemLib.ESRCH));
        assertThat(table.read(7).alive()).isFalse();
        assertThat(table.read(8)).isEqualTo(ProcessTable.Reading.unreadable());
        assertThat(table.read(9).alive()).as("gone between the two calls").isFalse();
    }

    @Test
    void listsGrowUntilTheKernelLeavesRoomToSpare() {
        int total = 300;   // more than the first buffer of 256 holds
        doAnswer(call -> {
            int[] buffer = call.getArgument(2);
            int n = Math.min(total, buffer.length);
            for (int i = 0; i < n; i++) {
                buffer[i] = 1000 + i;
            }
            return n * Integer.BYTES;
        }).when(libc).proc_listpids(eq(SystemLib.PROC_PGRP_ONLY), eq(77), any(), anyInt());
        int[] members = table.groupMembers(77);
        assertThat(members).hasSize(total).startsWith(1000).endsWith(1299);
    }

    @Test
    void childrenAndAllProcessesUseTheirListTypes() {
        doAnswer(call -> {
            int[] buffer = call.getArgument(2);
            buffer[0] = 5;
            buffer[1] = 6;
            return 2 * Integer.BYTES;
        }).when(libc).proc_listpids(eq(SystemLib.PROC_PPID_ONLY), eq(4), any(), anyInt());
        assertThat(table.childrenOf(4)).containsExactly(5, 6);
        doAnswer(call -> {
            int[] buffer = call.getArgument(2);
            buffer[0] = 5;
            buffer[1] = 6;
            return 2 * Integer.BYTES;
        }).when(libc).proc_listpids(eq(SystemLib.PROC_ALL_PIDS), eq(0), any(), anyInt());
        doAnswer(call -> {
            SystemLib.ProcBsdInfo info = call.getArgument(3);
            info.pbi_ppid = 4;
            info.pbi_pgid = 5;
            info.pbi_uid = 501;
            return info.size();
        }).when(libc).proc_pidinfo(eq(5), eq(SystemLib.PROC_PIDTBSDINFO), anyLong(), any(), anyInt());
        // pid 6 vanished between the list and its info: left out.
        assertThat(table.allProcesses()).containsExactly(new ProcessTable.Entry(5, 4, 5, 501));
        assertThat(table.groupMembers(3)).isEmpty();
    }

    @Test
    void theEnvironmentComesFromKernProcargs2() {
        byte[] args = procargs("/bin/sleep", "sleep", "9", "BGTASKS_RUN_TOKEN=t-1");
        doAnswer(call -> {
            Pointer value = call.getArgument(2);
            value.setInt(0, 4096);
            return 0;
        }).when(libc).sysctl(eq(new int[] {SystemLib.CTL_KERN, SystemLib.KERN_ARGMAX}), eq(2), any(), any(),
                isNull(), eq(0L));
        doAnswer(call -> {
            Pointer buffer = call.getArgument(2);
            LongByReference length = call.getArgument(3);
            assertThat(length.getValue()).isEqualTo(4096);
            buffer.write(0, args, 0, args.length);
            length.setValue(args.length);
            return 0;
        }).when(libc).sysctl(eq(new int[] {SystemLib.CTL_KERN, SystemLib.KERN_PROCARGS2, 42}), eq(3), any(),
                any(), isNull(), eq(0L));
        assertThat(table.environment(42)).contains(List.of("BGTASKS_RUN_TOKEN=t-1"));
        when(libc.sysctl(eq(new int[] {SystemLib.CTL_KERN, SystemLib.KERN_PROCARGS2, 43}), eq(3), any(), any(),
                isNull(), eq(0L))).thenReturn(-1);
        assertThat(table.environment(43)).isEqualTo(Optional.empty());
    }

    private static byte[] procargs(String exec, String arg0, String arg1, String env) {
        ByteBuffer b = ByteBuffer.allocate(256).order(ByteOrder.nativeOrder());
        b.putInt(2);
        for (String s : new String[] {exec, arg0, arg1, env}) {
            b.put(s.getBytes(StandardCharsets.UTF_8)).put((byte) 0);
        }
        b.put((byte) 0);
        byte[] out = new byte[b.position()];
        b.flip().get(out);
        return out;
    }
}
