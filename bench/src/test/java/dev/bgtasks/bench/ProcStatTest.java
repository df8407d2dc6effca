package dev.bgtasks.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Issue 8: the idle figure reads CPU, context switches and RSS from /proc; the netns figure reads ip's stamps. */
class ProcStatTest {
    @Test
    void cpuTicksAreUtimePlusStimeCountedAfterTheCommandName() {
        // A command name with spaces and a ')' must not shift the fields.
        String stat = "4242 (java (x) y) S 1 4242 4242 0 -1 4194560 100 0 0 0 37 12 0 0 20 0 25 0 100 0 0";
        assertThat(ProcStat.cpuTicks(stat)).isEqualTo(49);
        assertThatThrownBy(() -> ProcStat.cpuTicks("garbage")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ProcStat.cpuTicks("1 (x) S 1 2")).hasMessageContaining("too few fields");
    }

    @Test
    void statusValuesAreReadByKeyWithoutTheirUnit() {
        String status = "Name:\tjava\nVmRSS:\t   61234 kB\nvoluntary_ctxt_switches:\t17\n"
                + "nonvoluntary_ctxt_switches:\t3\n";
        assertThat(ProcStat.statusValue(status, "VmRSS")).isEqualTo(61234);
        assertThat(ProcStat.statusValue(status, "voluntary_ctxt_switches")).isEqualTo(17);
        assertThat(ProcStat.statusValue(status, "nonvoluntary_ctxt_switches")).isEqualTo(3);
        assertThatThrownBy(() -> ProcStat.statusValue(status, "VmSwap")).hasMessageContaining("no VmSwap");
    }

    @Test
    void schedstatGivesNanosecondsOnTheCpu() {
        assertThat(ProcStat.schedstatNanos("123456789 2000 14\n")).isEqualTo(123_456_789L);
    }

    @Test
    void jvmServiceThreadsAreToldApartFromTheBrokersOwn() {
        assertThat(IdleFigure.isJvmThread("VM Periodic Tas")).isTrue();
        assertThat(IdleFigure.isJvmThread("G1 Service")).isTrue();
        assertThat(IdleFigure.isJvmThread("C2 CompilerThre")).isTrue();
        assertThat(IdleFigure.isJvmThread("bgtasks-signals")).isFalse();
        assertThat(IdleFigure.isJvmThread("java")).isFalse();
    }

    @Test
    void ipMonitorStampsAreLocalTimeWithMicroseconds() {
        Instant stamp = NetnsFigure.monitorStamp("[2026-11-25T17:31:28.446477] default via 10.200.0.1 dev v0 ");
        assertThat(stamp).isEqualTo(java.time.LocalDateTime.parse("2026-11-25T17:31:28.446477")
                .atZone(java.time.ZoneId.systemDefault()).toInstant());
        assertThat(NetnsFigure.monitorStamp("default via 10.200.0.1")).isNull();
    }
}
