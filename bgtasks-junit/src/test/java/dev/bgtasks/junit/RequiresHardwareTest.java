package dev.bgtasks.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.bgtasks.HardwareCondition;
import dev.bgtasks.SystemConditionType;
import dev.bgtasks.junit.RequiresCondition.OnTimeout;
import dev.bgtasks.spi.HardwareReadings;
import dev.bgtasks.spi.HostSignal;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/** SPEC H1, H5 for rigs: {@code @RequiresHardware} judges hardware conditions as the broker does. */
class RequiresHardwareTest {
    private static Events run(Class<?> testClass) {
        return EngineTestKit.engine("junit-jupiter").selectors(selectClass(testClass)).execute().testEvents();
    }

    private static List<String> skipReasons(Events events) {
        return events.skipped().stream().map(e -> e.getPayload(String.class).orElse("")).toList();
    }

    static class ScopeRig {
        static final TestHost HOST = new TestHost().with(HostSignal.AC_POWER, true)
                .withHardware(HardwareReadings.UNKNOWN.withUsbDevices(Set.of("1d6b:0002")).withCpuTemperature(80.0));
        @RegisterExtension
        static final HostRig RIG = HostRig.over(HOST);

        @Test
        @RequiresHardware("usb-device=1d6b:0002")
        @RequiresCondition(SystemConditionType.ON_AC_POWER)
        void scopeAttachedOnPower() {
        }

        @Test
        @RequiresHardware("usb-device=046d:c52b")
        void otherDevice() {
        }

        @Test
        @RequiresHardware("cpu-temperature-below=70")
        void tooHot() {
        }

        @Test
        @RequiresHardware("volume-mounted=/mnt/rig")
        void volumesUnknown() {
        }
    }

    @Test
    void runsWhenTheHardwareHoldsAndSkipsWithTheReasonOtherwise() { // SPEC H1
        Events tests = run(ScopeRig.class);
        assertThat(tests.succeeded().count()).isEqualTo(1);
        assertThat(skipReasons(tests)).containsExactlyInAnyOrder("usb-device=046d:c52b is false",
                "cpu-temperature-below=70 is false",
                "volume-mounted=/mnt/rig is unknown (the host cannot read VOLUMES)");
    }

    static class SimulatedRig {
        static final TestHost HOST = new TestHost();
        @RegisterExtension
        static final HostRig RIG = HostRig.over(HOST);

        @Test
        void simulateThenJudge() {
            HardwareCondition scope = HardwareCondition.usbDevice("1d6b:0002");
            assertThat(RIG.holds(scope)).isFalse();
            RIG.satisfy(scope);
            assertThat(RIG.holds(scope)).isTrue();
            assertThat(RIG.signals().current().hardware().conditionOverrides())
                    .containsEntry("usb-device=1d6b:0002", true);
        }

        @Test
        void overridesAreGoneInTheNextTest() {
            assertThat(RIG.holds(HardwareCondition.usbDevice("1d6b:0002"))).isFalse();
        }
    }

    @Test
    void aRigSimulatesVerdictsAndPutsThemBackAfterEachTest() { // SPEC H5
        Events tests = run(SimulatedRig.class);
        assertThat(tests.failed().count()).as(tests.failed().list().toString()).isZero();
        assertThat(tests.succeeded().count()).isEqualTo(2);
    }

    static class WaitsForTheDevice {
        static final TestHost HOST = new TestHost().withHardware(HardwareReadings.UNKNOWN.withUsbDevices(Set.of()));
        @RegisterExtension
        static final HostRig RIG = HostRig.over(HOST);

        @Test
        @RequiresHardware(value = "usb-device=1d6b:0002", waitUpTo = "20s", onTimeout = OnTimeout.FAIL)
        void capture() {
        }
    }

    @Test
    void waitsForTheDeviceToAppear() throws Exception { // SPEC H1
        CompletableFuture<Void> plugIn = CompletableFuture.runAsync(() -> {
            // Whenever the device comes, before or during the wait, the test runs; plugged in late, it waited.
            while (WaitsForTheDevice.HOST.listenerCount() < 1) {
                Thread.onSpinWait();
            }
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
            WaitsForTheDevice.HOST.setHardware(HardwareReadings.UNKNOWN.withUsbDevices(Set.of("1d6b:0002:SN1")));
        });
        Events tests = run(WaitsForTheDevice.class);
        plugIn.get(20, TimeUnit.SECONDS);
        assertThat(tests.succeeded().count()).as(tests.failed().list().toString()).isEqualTo(1);
    }
}
