package dev.bgtasks.nativetests.macos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bgtasks.macos.MacPlatform;
import dev.bgtasks.spi.HardwareSignal;
import dev.bgtasks.spi.HardwareSource;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * USB devices from IOKit matching notifications on a real Mac (issue 17): the platform's hardware source registers
 * them, not the OSHI fallback, reads the initial list from arming the iterator, and stops its run loop thread when
 * no registration needs USB devices. A CI runner has no device to plug, so arrivals and removals are checked by
 * {@code IOKitUsbWatchTest} over a mocked IOKit; the initial list may be empty on a virtual machine.
 */
@EnabledOnOs(OS.MAC)
@Timeout(60)
class IOKitUsbNativeTest {
    private static final String THREAD = "bgtasks-macos-usb";

    @Test
    void itStartsWithIOKitNotificationsAndReadsTheInitialList() {
        try (HardwareSource hw = new MacPlatform().hardware()) {
            assertThat(threadAlive()).isFalse();
            hw.need(EnumSet.of(HardwareSignal.USB_DEVICES));

            assertThat(hw.describe()).contains("USB_DEVICES: IOKit notifications (IOUSBHostDevice); ")
                    .contains(" attached").doesNotContain("OSHI poll");
            Set<String> devices = hw.current().usbDevices();
            assertThat(devices).isNotNull();
            assertThat(devices).allMatch(id -> id.matches("[0-9a-f]{4}:[0-9a-f]{4}(:.+)?"), "vvvv:pppp[:serial]");
            // Each device is placed by its locationID, so two identical devices are two entries.
            assertThat(hw.current().usbDeviceLocations()).isNotNull().hasSizeGreaterThanOrEqualTo(devices.size());
            assertThat(threadAlive()).isTrue();

            hw.need(Set.of());
            assertThat(hw.current().usbDevices()).isNull();
            // The registration is closed off the caller's thread: wait for its run loop thread to leave.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (threadAlive() && System.nanoTime() < deadline) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            }
            assertThat(threadAlive()).as("the run loop thread stops with the registration").isFalse();
        }
    }

    private static boolean threadAlive() {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(THREAD) && t.isAlive());
    }
}
