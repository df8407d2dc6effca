package dev.bgtasks.windows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bgtasks.spi.HostPlatform;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** Issue 5: the Windows backend is found by ServiceLoader, wins on Windows only, and does nothing elsewhere. */
class WindowsPlatformTest {
    @Test
    void isRegisteredForServiceLoader() {
        assertThat(ServiceLoader.load(HostPlatform.class).stream().map(ServiceLoader.Provider::type))
                .contains(WindowsPlatform.class);
    }

    @Test
    void supportedOnWindowsOnlyWithTheLinuxPriority() {
        WindowsPlatform windows = new WindowsPlatform("Windows 11");
        assertThat(windows.name()).isEqualTo("windows");
        assertThat(windows.priority()).isEqualTo(10);
        assertThat(windows.isSupported()).isTrue();
        assertThat(windows.unavailabilityCause()).isEmpty();
        assertThat(new WindowsPlatform("Windows Server 2022").isSupported()).isTrue();
    }

    @Test
    void elsewhereItSaysWhyAndStartsNothing() {
        WindowsPlatform linux = new WindowsPlatform("Linux");
        assertThat(linux.isSupported()).isFalse();
        assertThat(linux.unavailabilityCause()).get().extracting(Throwable::getMessage).asString()
                .contains("Linux").contains("not Windows");
        assertThatThrownBy(linux::sandbox).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(linux::signals).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void namesItsRuntimeLibrary() {
        assertThat(new WindowsPlatform("Windows 11").runtimeResources())
                .allSatisfy(r -> assertThat(getClass().getClassLoader().getResource(r)).isNotNull());
    }

    @Test
    void usbDevicesComeFromDeviceChangeNotificationsTheRestIsOshiPolledOnlyWhileNeeded() throws Exception { // SPEC H4
        try (dev.bgtasks.spi.HardwareSource hw = new WindowsPlatform("Windows 11").hardware()) {
            assertThat(hw.readable()).containsExactlyInAnyOrder(dev.bgtasks.spi.HardwareSignal.values());
            assertThat(hw.describe()).contains("USB_DEVICES: device-change notifications (CM_Register_Notification,"
                    + " GUID_DEVINTERFACE_USB_DEVICE), registered while a registration needs USB devices (idle)")
                    .contains("VOLUMES: OSHI").contains("polled every 5 s while a registration needs it (idle)");
            assertThat(hw.current()).isEqualTo(dev.bgtasks.spi.HardwareReadings.UNKNOWN);
        }
    }

    @Test
    void withoutCfgmgr32UsbDevicesAreOshiPolledAndDescribeSaysWhy() throws Exception { // SPEC H4
        org.junit.jupiter.api.Assumptions.assumeFalse(System.getProperty("os.name", "").startsWith("Windows"),
                "cfgmgr32 loads on Windows");
        try (dev.bgtasks.spi.HardwareSource hw = new WindowsPlatform("Windows 11").hardware()) {
            hw.need(java.util.EnumSet.of(dev.bgtasks.spi.HardwareSignal.USB_DEVICES));
            assertThat(hw.describe()).contains("USB_DEVICES: OSHI poll every 5 s because device-change notifications"
                    + " (CM_Register_Notification, GUID_DEVINTERFACE_USB_DEVICE) unavailable: ")
                    .contains("(polling now)");
        }
    }
}
