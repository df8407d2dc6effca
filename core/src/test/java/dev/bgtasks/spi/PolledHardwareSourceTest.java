package dev.bgtasks.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** SPEC H4: a polled hardware reading is read only while a registration needs it. */
class PolledHardwareSourceTest {
    private final AtomicInteger reads = new AtomicInteger();
    private volatile double temperature = 50;
    private volatile boolean failing;

    private PolledHardwareSource source() {
        // A period no test waits for: each test drives poll() itself.
        return new PolledHardwareSource("test-cpu", Duration.ofHours(1),
                EnumSet.of(HardwareSignal.CPU_TEMPERATURE, HardwareSignal.CPU_IDLE), wanted -> {
                    reads.incrementAndGet();
                    if (failing) {
                        throw new IOException("sensor gone");
                    }
                    return HardwareReadings.UNKNOWN.withCpuTemperature(temperature).withCpuIdle(90.0)
                            .withVolumes(Set.of("/"));
                }, "a test sensor");
    }

    @Test
    void readsNothingUntilNeededAndOnlyWhatIsNeeded() { // SPEC H4
        try (PolledHardwareSource s = source()) {
            s.poll();
            assertThat(reads).hasValue(0);
            s.need(EnumSet.of(HardwareSignal.CPU_TEMPERATURE, HardwareSignal.VOLUMES));
            assertThat(s.polling()).containsExactly(HardwareSignal.CPU_TEMPERATURE);
            s.poll();
            assertThat(s.current().cpuTemperatureCelsius()).isEqualTo(50.0);
            assertThat(s.current().knows(HardwareSignal.CPU_IDLE)).isFalse();
            assertThat(s.current().knows(HardwareSignal.VOLUMES)).as("not this source's to give").isFalse();
            assertThat(s.describe()).contains("CPU_TEMPERATURE: a test sensor; polled every 60 min")
                    .contains("(polling now)");

            s.need(Set.of());
            assertThat(s.polling()).isEmpty();
            assertThat(s.current()).isEqualTo(HardwareReadings.UNKNOWN);
            int before = reads.get();
            s.poll();
            assertThat(reads).hasValue(before);
            assertThat(s.describe()).contains("(idle)");
        }
    }

    @Test
    void changesAreToldAndAFailedReadIsUnknown() throws InterruptedException { // SPEC H1, H4
        try (PolledHardwareSource s = source()) {
            AtomicInteger changes = new AtomicInteger();
            CountDownLatch firstChange = new CountDownLatch(1);
            s.subscribe(() -> {
                changes.incrementAndGet();
                firstChange.countDown();
            });
            // need() reads at once on the poller's thread; a poll of the test's own racing it could be told twice.
            s.need(EnumSet.of(HardwareSignal.CPU_TEMPERATURE));
            assertThat(firstChange.await(10, TimeUnit.SECONDS)).as("the first reading is told").isTrue();
            int afterFirst = changes.get();
            assertThat(afterFirst).isPositive();
            s.poll();
            assertThat(changes).as("the same reading is no change").hasValue(afterFirst);
            temperature = 75;
            s.poll();
            assertThat(changes).hasValue(afterFirst + 1);
            failing = true;
            s.poll();
            assertThat(s.current().knows(HardwareSignal.CPU_TEMPERATURE)).isFalse();
            assertThat(s.describe()).contains("last read failed: sensor gone");
        }
    }
}
