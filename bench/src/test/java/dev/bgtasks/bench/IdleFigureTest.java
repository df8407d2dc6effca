package dev.bgtasks.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which threads' wakeups the idle figure counts as the broker's timers (comm names are cut to 15 characters). */
class IdleFigureTest {
    @Test
    void kernelEventReadersAndTheJvmsThreadsAreCountedApart() {
        assertThat(IdleFigure.isEventThread("bgtasks-mountin")).isTrue();
        assertThat(IdleFigure.isEventThread("bgtasks-usb-uev")).isTrue();
        assertThat(IdleFigure.isEventThread("bgtasks-rtnetli")).isTrue();
        assertThat(IdleFigure.isEventThread("bgtasks-broker-")).isFalse();
        assertThat(IdleFigure.isEventThread("bgtasks-storage")).isFalse();
        assertThat(IdleFigure.isJvmThread("VM Periodic Tas")).isTrue();
        assertThat(IdleFigure.isJvmThread("JNA Cleaner")).isFalse();
    }
}
