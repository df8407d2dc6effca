package dev.bgtasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bgtasks.spi.HardwareReadings;
import dev.bgtasks.spi.HardwareSignal;
import dev.bgtasks.spi.HostSignal;
import dev.bgtasks.task.BackgroundTaskCancellationReason;
import dev.bgtasks.testing.BrokerHarness;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SPEC H1–H7 (docs/rigs.md) on the fake platform. */
class HardwareConditionsTest {
    private static final String APP = "com.example.rig";
    @TempDir
    Path dir;
    private BrokerHarness h;
    private BackgroundTasks bg;

    @BeforeEach
    void start() {
        h = new BrokerHarness(dir);
        bg = h.app(APP);
        bg.executionManager().requestAccess().join();
    }

    @AfterEach
    void stop() {
        bg.close();
        h.close();
    }

    private BackgroundTaskBuilder task(HardwareCondition... conditions) {
        BackgroundTaskBuilder builder = bg.newTask().name("capture").command(List.of("/bin/true"))
                .setTrigger(bg.applicationTrigger());
        for (HardwareCondition c : conditions) {
            builder.addCondition(c);
        }
        return builder;
    }

    private InstanceInfo onlyInstance() {
        assertThat(bg.instances()).hasSize(1);
        return bg.instances().get(0);
    }

    @Test
    void aPendingInstanceStartsWhenTheDeviceAppears() { // SPEC H1, H3
        task(HardwareCondition.usbDevice("1D6B:0002")).register();
        h.platform.hardware().set(r -> r.withUsbDevices(Set.of("046d:c52b")));
        assertThat(bg.applicationTrigger().requestAsync().join()).isEqualTo(ApplicationTriggerResult.ALLOWED);
        assertThat(h.platform.processes()).isEmpty();
        assertThat(onlyInstance().waitingForHardware()).containsExactly("usb-device=1d6b:0002");
        assertThat(onlyInstance().waitingForAll()).containsExactly("usb-device=1d6b:0002");

        h.platform.hardware().set(r -> r.withUsbDevices(Set.of("046d:c52b", "1d6b:0002:0000:00:14.0")));
        assertThat(h.platform.processes()).hasSize(1);
        assertThat(onlyInstance().state()).isEqualTo(InstanceState.RUNNING);
        assertThat(onlyInstance().waitingForHardware()).isEmpty();
    }

    @Test
    void anUnknownReadingSatisfiesNothing() { // SPEC H1
        task(HardwareCondition.cpuTemperatureBelow(70), HardwareCondition.volumeMounted("/mnt/rig"),
                HardwareCondition.interfaceUp("eth0"), HardwareCondition.cpuIdleAbove(80)).register();
        bg.applicationTrigger().requestAsync().join();
        assertThat(onlyInstance().waitingForHardware()).containsExactly("cpu-temperature-below=70",
                "volume-mounted=/mnt/rig", "interface-up=eth0", "cpu-idle-above=80");
        assertThat(h.platform.processes()).isEmpty();
    }

    @Test
    void hardwareConditionsAreAndedWithEachOtherAndWithSystemConditions() { // SPEC H1
        task(HardwareCondition.cpuTemperatureBelow(70), HardwareCondition.cpuIdleAbove(80),
                HardwareCondition.volumeMounted("RIG"), HardwareCondition.interfaceUp("eth0"))
                .addCondition(new SystemCondition(SystemConditionType.USER_NOT_PRESENT)).register();
        bg.applicationTrigger().requestAsync().join();
        h.platform.hardware().set(r -> r.withCpuTemperature(71.0).withCpuIdle(95.0)
                .withVolumes(Set.of("/mnt/rig", "RIG")).withInterfacesUp(Set.of("lo", "eth0")));
        assertThat(onlyInstance().waitingForHardware()).containsExactly("cpu-temperature-below=70");
        h.platform.hardware().set(r -> r.withCpuTemperature(69.5));
        assertThat(onlyInstance().waitingForHardware()).isEmpty();
        assertThat(onlyInstance().waitingFor()).containsExactly(SystemConditionType.USER_NOT_PRESENT);
        assertThat(h.platform.processes()).isEmpty();
        h.platform.set(HostSignal.USER_PRESENT, false);
        assertThat(h.platform.processes()).hasSize(1);
    }

    @Test
    void theBoundsAreStrict() { // SPEC H1: below and above, never equal
        task(HardwareCondition.cpuTemperatureBelow(70), HardwareCondition.cpuIdleAbove(80)).register();
        h.platform.hardware().set(r -> r.withCpuTemperature(70.0).withCpuIdle(80.0));
        bg.applicationTrigger().requestAsync().join();
        assertThat(onlyInstance().waitingForHardware()).hasSize(2);
        h.platform.hardware().set(r -> r.withCpuTemperature(69.9).withCpuIdle(80.1));
        assertThat(h.platform.processes()).hasSize(1);
    }

    @Test
    void aSerialNamesOneDevice() { // SPEC H1
        task(HardwareCondition.usbDevice("1d6b:0002", "ABC123")).register();
        h.platform.hardware().set(r -> r.withUsbDevices(Set.of("1d6b:0002:OTHER")));
        bg.applicationTrigger().requestAsync().join();
        assertThat(h.platform.processes()).isEmpty();
        h.platform.hardware().set(r -> r.withUsbDevices(Set.of("1d6b:0002:OTHER", "1d6b:0002:ABC123")));
        assertThat(h.platform.processes()).hasSize(1);
    }

    @Test
    void aConditionThePlatformCanNeverReadFailsRegistrationUnlessBestEffort() { // SPEC H2
        h.platform.hardware().setReadable(EnumSet.of(HardwareSignal.USB_DEVICES));
        assertThatThrownBy(() -> task(HardwareCondition.cpuTemperatureBelow(70)).register())
                .isInstanceOf(InvalidRegistrationException.class)
                .hasMessageContaining("cpu-temperature-below=70").hasMessageContaining("fake")
                .hasMessageContaining("bestEffortConditions()");
        assertThat(bg.allTasks()).isEmpty();

        BackgroundTaskRegistration registration = task(HardwareCondition.cpuTemperatureBelow(70))
                .bestEffortConditions().register();
        assertThat(registration).isNotNull();
        bg.applicationTrigger().requestAsync().join();
        assertThat(onlyInstance().waitingForHardware()).containsExactly("cpu-temperature-below=70");
    }

    @Test
    void malformedArgumentsAreRejectedWhereTheConditionIsMade() { // SPEC H2
        assertThatThrownBy(() -> HardwareCondition.usbDevice("1d6b")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("VENDOR:PRODUCT");
        assertThatThrownBy(() -> HardwareCondition.cpuIdleAbove(120)).hasMessageContaining("0 to 100");
        assertThatThrownBy(() -> HardwareCondition.parse("gpu-fan=3")).hasMessageContaining("usb-device");
        assertThat(HardwareCondition.parse("usb-device=1D6B:0002").spelling()).isEqualTo("usb-device=1d6b:0002");
        assertThat(HardwareCondition.parse("cpu-temperature-below=70.0").spelling())
                .isEqualTo("cpu-temperature-below=70");
    }

    @Test
    void polledReadingsAreNeededOnlyWhileARegistrationNeedsThem() { // SPEC H4
        assertThat(h.platform.hardware().needed()).isEmpty();
        BackgroundTaskRegistration cool = task(HardwareCondition.cpuTemperatureBelow(70)).register();
        assertThat(h.platform.hardware().needed()).containsExactly(HardwareSignal.CPU_TEMPERATURE);
        h.restart();
        assertThat(h.platform.hardware().needed()).containsExactly(HardwareSignal.CPU_TEMPERATURE);
        try (BackgroundTasks again = h.app(APP)) {
            again.allTasks().get(cool.taskId()).unregister(true);
        }
        assertThat(h.platform.hardware().needed()).isEmpty();
    }

    @Test
    void aSimulatedVerdictOrReadingCountsAsAChange() { // SPEC H5
        task(HardwareCondition.usbDevice("1d6b:0002"), HardwareCondition.cpuTemperatureBelow(70)).register();
        bg.applicationTrigger().requestAsync().join();
        h.broker().simulateHardware(HardwareReadings.UNKNOWN
                .withConditionOverrides(Map.of("usb-device=1d6b:0002", true)));
        assertThat(onlyInstance().waitingForHardware()).containsExactly("cpu-temperature-below=70");
        h.broker().simulateHardware(HardwareReadings.UNKNOWN.withCpuTemperature(40.0));
        assertThat(h.platform.processes()).hasSize(1);
        assertThat(h.broker().signals().hardware().cpuTemperatureCelsius()).isEqualTo(40.0);
        h.broker().clearSimulation();
        assertThat(h.broker().signals().hardware()).isEqualTo(HardwareReadings.UNKNOWN);
    }

    @Test
    void hardwareConditionsAndFixturesPersistWithTheRegistration() { // SPEC H6
        BackgroundTaskRegistration registration = task(HardwareCondition.volumeMounted("/mnt/rig"))
                .uses("scope-1").register();
        h.restart();
        try (BackgroundTasks again = h.app(APP)) {
            BackgroundTaskRegistration back = again.allTasks().get(registration.taskId());
            assertThat(h.broker().registrations(APP)).singleElement().satisfies(info -> {
                assertThat(info.definition().rig().hardwareConditions())
                        .containsExactly(HardwareCondition.volumeMounted("/mnt/rig"));
                assertThat(info.definition().rig().uses()).containsExactly("scope-1");
            });
            assertThat(back).isNotNull();
            again.applicationTrigger().requestAsync().join();
            assertThat(again.instances().get(0).waitingForHardware()).containsExactly("volume-mounted=/mnt/rig");
        }
    }

    @Test
    void losingAHardwareConditionCancelsWhenAsked() { // SPEC H7 (X8 for hardware)
        task(HardwareCondition.interfaceUp("eth0")).cancelOnConditionLoss(true).register();
        h.platform.hardware().set(r -> r.withInterfacesUp(Set.of("eth0")));
        bg.applicationTrigger().requestAsync().join();
        assertThat(h.platform.processes()).hasSize(1);
        h.platform.hardware().set(r -> r.withInterfacesUp(Set.of()));
        assertThat(onlyInstance().cancelReason()).isEqualTo(BackgroundTaskCancellationReason.CONDITION_LOSS);
    }
}
