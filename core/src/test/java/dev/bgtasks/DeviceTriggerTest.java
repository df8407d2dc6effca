package dev.bgtasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bgtasks.arguments.ValueMapCodec;
import dev.bgtasks.spi.HardwareReadings;
import dev.bgtasks.spi.HardwareSignal;
import dev.bgtasks.spi.HostSignal;
import dev.bgtasks.testing.BrokerHarness;
import dev.bgtasks.testing.FakePlatform.FakeProcess;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SPEC H8: the device trigger, on the fake platform and the fake clock. */
class DeviceTriggerTest {
    private static final String APP = "com.example.rig";
    private static final String HUB = "1d6b:0002";
    private static final String PORT_1 = "/devices/pci0000:00/0000:00:14.0/usb1/1-1";
    private static final String PORT_2 = "/devices/pci0000:00/0000:00:14.0/usb1/1-2";
    @TempDir
    Path dir;
    private BrokerHarness h;
    private BackgroundTasks bg;

    @BeforeEach
    void start() {
        h = new BrokerHarness(dir);
        bg = h.app(APP);
        bg.executionManager().requestAccess().join();
        devices(Map.of()); // known, and none attached
    }

    @AfterEach
    void stop() {
        bg.close();
        h.close();
    }

    private BackgroundTaskRegistration register(DeviceTrigger trigger) {
        return bg.newTask().name("probe").command(List.of("/bin/true")).setTrigger(trigger).register();
    }

    /** The attached devices, by location (sysfs path) as the Linux source gives them. */
    private void devices(Map<String, String> byLocation) {
        h.platform.hardware().set(r -> r.withUsbDeviceLocations(byLocation));
    }

    private int runs() {
        return h.platform.processes().size();
    }

    private Map<String, Object> argumentsOfLastRun() {
        FakeProcess process = h.platform.lastProcess();
        return ValueMapCodec.decode(h.broker().attachHost(process.runToken(), reason -> { }).arguments());
    }

    private void finishLast() {
        h.succeed(h.platform.lastProcess());
    }

    @Test
    void aDeviceAttachedAtRegistrationDoesNotFireEachLaterAttachFiresOnce() { // SPEC H8
        devices(Map.of(PORT_1, HUB));
        register(DeviceTrigger.attached(HUB));
        h.platform.hardware().set(r -> r.withCpuTemperature(40.0)); // another reading changes
        assertThat(runs()).isZero();
        devices(Map.of());
        assertThat(runs()).as("a detach fires only when asked").isZero();
        devices(Map.of(PORT_1, HUB));
        assertThat(runs()).isEqualTo(1);
        h.platform.hardware().set(r -> r.withCpuTemperature(41.0));
        devices(Map.of(PORT_1, HUB, "/devices/other", "046d:c52b"));
        assertThat(runs()).as("the same device still attached fires no more").isEqualTo(1);
        finishLast();
        devices(Map.of());
        devices(Map.of(PORT_1, HUB));
        assertThat(runs()).isEqualTo(2);
    }

    @Test
    void theArgumentsCarryTheDevicesIdentity() { // SPEC H8
        register(DeviceTrigger.attached(HUB).alsoOnDetach());
        devices(Map.of(PORT_1, HUB + ":SN-0042"));
        assertThat(argumentsOfLastRun()).containsOnly(Map.entry("event", "attached"),
                Map.entry("deviceId", "1d6b:0002:SN-0042"), Map.entry("vendorId", "1d6b"),
                Map.entry("productId", "0002"), Map.entry("serialNumber", "SN-0042"),
                Map.entry("devicePath", PORT_1));
        finishLast();
        devices(Map.of());
        assertThat(runs()).isEqualTo(2);
        assertThat(argumentsOfLastRun()).containsEntry("event", "detached").containsEntry("devicePath", PORT_1);
    }

    @Test
    void withoutLocationsTheIdIsTheIdentity() { // SPEC H8: OSHI-polled platforms name no sysfs path
        register(DeviceTrigger.attached(HUB));
        h.platform.hardware().set(r -> r.withUsbDevices(Set.of("046d:c52b")));
        assertThat(runs()).isZero();
        h.platform.hardware().set(r -> r.withUsbDevices(Set.of("046d:c52b", HUB)));
        assertThat(runs()).isEqualTo(1);
        assertThat(argumentsOfLastRun()).containsOnlyKeys("event", "deviceId", "vendorId", "productId");
    }

    @Test
    void aDetachFiresWhenAskedAndASecondIdenticalDeviceFiresToo() { // SPEC H8, Y4
        register(DeviceTrigger.attached(HUB).alsoOnDetach());
        devices(Map.of(PORT_1, HUB));
        assertThat(runs()).isEqualTo(1);
        devices(Map.of(PORT_1, HUB, PORT_2, HUB));
        assertThat(runs()).as("Y4: the fire while an instance runs is dropped").isEqualTo(1);
        finishLast();
        devices(Map.of(PORT_1, HUB));
        assertThat(runs()).isEqualTo(2);
        assertThat(argumentsOfLastRun()).containsEntry("event", "detached").containsEntry("devicePath", PORT_2);
        finishLast();
        devices(Map.of(PORT_1, HUB, PORT_2, HUB));
        assertThat(runs()).isEqualTo(3);
        assertThat(argumentsOfLastRun()).containsEntry("event", "attached").containsEntry("devicePath", PORT_2);
    }

    @Test
    void aSerialNamesOneDeviceAndAOneShotFiresOnce() { // SPEC H8
        register(DeviceTrigger.attached(HUB, "ABC").once());
        devices(Map.of(PORT_1, HUB + ":OTHER"));
        assertThat(runs()).isZero();
        devices(Map.of(PORT_1, HUB + ":OTHER", PORT_2, HUB + ":ABC"));
        assertThat(runs()).isEqualTo(1);
        finishLast();
        devices(Map.of());
        devices(Map.of(PORT_2, HUB + ":ABC"));
        assertThat(runs()).isEqualTo(1);
    }

    @Test
    void unknownReadingsAreNoTransition() { // SPEC H8
        register(DeviceTrigger.attached(HUB).alsoOnDetach());
        h.platform.hardware().set(r -> r.withUsbDeviceLocations(null));
        devices(Map.of(PORT_1, HUB));
        assertThat(runs()).isZero();
        h.platform.hardware().set(r -> r.withUsbDeviceLocations(null));
        assertThat(runs()).isZero();
    }

    @Test
    void aFireWithoutAccessOrUnderEnergySaverIsDroppedAsAnyBrokerFiredTriggers() { // SPEC H8, Y4
        register(DeviceTrigger.attached(HUB));
        h.broker().setUserAccess(APP, UserAccessSetting.DENY);
        devices(Map.of(PORT_1, HUB));
        assertThat(bg.instances()).isEmpty();
        h.broker().setUserAccess(APP, UserAccessSetting.ALLOW);
        assertThat(bg.instances()).as("a dropped fire is not kept for later").isEmpty();
        h.platform.set(HostSignal.ENERGY_SAVER, true);
        devices(Map.of());
        devices(Map.of(PORT_1, HUB));
        assertThat(bg.instances()).isEmpty();
        h.platform.set(HostSignal.ENERGY_SAVER, false);
        devices(Map.of());
        devices(Map.of(PORT_1, HUB));
        assertThat(runs()).isEqualTo(1);
    }

    @Test
    void aSimulatedVerdictAttachesAStandIn() { // SPEC H8, H5
        register(DeviceTrigger.attached(HUB));
        h.broker().simulateHardware(HardwareReadings.UNKNOWN.withConditionOverrides(Map.of("usb-device=" + HUB, true)));
        assertThat(runs()).isEqualTo(1);
        assertThat(argumentsOfLastRun()).containsEntry("simulated", true).containsEntry("deviceId", HUB)
                .doesNotContainKey("devicePath");
    }

    @Test
    void theTriggerIsStoredListedAndFiresAfterARestart() { // SPEC H8, H6
        BackgroundTaskRegistration registration = register(DeviceTrigger.attached(HUB).alsoOnDetach());
        assertThat(registration.backgroundTrigger()).contains(new DeviceTrigger(HUB, true, false));
        h.restart();
        try (BackgroundTasks again = h.app(APP)) {
            assertThat(again.allTasks().get(registration.taskId()).backgroundTrigger())
                    .contains(new DeviceTrigger(HUB, true, false));
            assertThat(h.broker().registrations(APP)).singleElement()
                    .satisfies(info -> assertThat(info.definition().trigger().describe())
                            .isEqualTo("on usb-device=1d6b:0002 attached or detached"));
            devices(Map.of(PORT_1, HUB));
            assertThat(runs()).isEqualTo(1);
        }
    }

    @Test
    void aPlatformThatCannotReadUsbDevicesRefusesTheTriggerUnlessBestEffort() { // SPEC H8, H2
        h.platform.hardware().setReadable(EnumSet.of(HardwareSignal.VOLUMES));
        assertThatThrownBy(() -> register(DeviceTrigger.attached(HUB)))
                .isInstanceOf(InvalidRegistrationException.class).hasMessageContaining("usb-device=1d6b:0002")
                .hasMessageContaining("bestEffortConditions()");
        assertThat(bg.newTask().name("probe").command(List.of("/bin/true")).setTrigger(DeviceTrigger.attached(HUB))
                .bestEffortConditions().register()).isNotNull();
    }

    @Test
    void theTriggerNeedsUsbDevicesReadAndAMalformedDeviceIsRejected() { // SPEC H8, H4, H2
        register(DeviceTrigger.attached("1D6B:0002"));
        assertThat(h.platform.hardware().needed()).contains(HardwareSignal.USB_DEVICES);
        assertThat(bg.allTasks().values()).singleElement().satisfies(r -> assertThat(r.backgroundTrigger())
                .contains(DeviceTrigger.attached(HUB)));
        assertThatThrownBy(() -> DeviceTrigger.attached("1d6b"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("VENDOR:PRODUCT");
    }
}
