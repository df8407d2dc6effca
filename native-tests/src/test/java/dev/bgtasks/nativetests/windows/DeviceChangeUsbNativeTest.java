package dev.bgtasks.nativetests.windows;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bgtasks.spi.HardwareSignal;
import dev.bgtasks.spi.HardwareSource;
import dev.bgtasks.windows.WindowsPlatform;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * USB devices from device-change notifications on a real Windows host (issue 17): the platform's hardware source
 * registers {@code CM_Register_Notification} for {@code GUID_DEVINTERFACE_USB_DEVICE}, not the OSHI fallback, reads
 * the initial list, and unregisters when no registration needs USB devices. A CI runner has no device to plug, so
 * arrivals, removals and the debounce are checked by {@code UsbDeviceChangeWatchTest} and
 * {@code DeviceInterfaceNotificationsTest} over mocks; the initial list may be empty on a virtual machine.
 */
@EnabledOnOs(OS.WINDOWS)
@Timeout(60)
class DeviceChangeUsbNativeTest {
    @Test
    void itStartsWithDeviceChangeNotificationsAndReadsTheInitialList() {
        try (HardwareSource hw = new WindowsPlatform().hardware()) {
            hw.need(EnumSet.of(HardwareSignal.USB_DEVICES));

            assertThat(hw.describe()).contains("USB_DEVICES: device-change notifications (CM_Register_Notification,"
                    + " GUID_DEVINTERFACE_USB_DEVICE); ").contains(" attached").doesNotContain("OSHI poll");
            Set<String> devices = hw.current().usbDevices();
            assertThat(devices).isNotNull();
            assertThat(devices).allMatch(id -> id.matches("[0-9a-f]{4}:[0-9a-f]{4}(:.+)?"), "vvvv:pppp[:serial]");
            // Each device is placed by its device instance id, so two identical devices are two entries.
            assertThat(hw.current().usbDeviceLocations()).isNotNull().hasSizeGreaterThanOrEqualTo(devices.size());

            hw.need(Set.of());
            assertThat(hw.current().usbDevices()).isNull();
            assertThat(hw.describe()).contains("registered while a registration needs USB devices (idle)");
        }
    }
}
