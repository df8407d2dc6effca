package dev.bgtasks.macos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bgtasks.spi.HostPlatform;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** The platform's identity and its ServiceLoader entry; nothing here loads libSystem. */
class MacPlatformTest {
    @Test
    void supportedOnlyWhereTheOsNameStartsWithMac() {
        assertThat(new MacPlatform("Mac OS X").isSupported()).isTrue();
        assertThat(new MacPlatform("Linux").isSupported()).isFalse();
        assertThat(new MacPlatform("Windows 11").unavailabilityCause()).get()
                .extracting(Throwable::getMessage).isEqualTo("this is Windows 11, not macOS");
        assertThat(new MacPlatform("Mac OS X").unavailabilityCause()).isEmpty();
    }

    @Test
    void itIsTheMacosPlatformOfPriority10() {
        MacPlatform platform = new MacPlatform("Mac OS X");
        assertThat(platform.name()).isEqualTo("macos");
        assertThat(platform.priority()).isEqualTo(10);
    }

    @Test
    void elsewhereTheSandboxAndSignalsRefuseClearly() {
        MacPlatform linux = new MacPlatform("Linux");
        assertThatThrownBy(linux::sandbox).isInstanceOf(UnsupportedOperationException.class)
                .hasMessage("the macOS backend cannot run on Linux");
        assertThatThrownBy(linux::signals).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void theBrokerClasspathGetsCommonsExec() {
        assertThat(new MacPlatform("Mac OS X").runtimeResources())
                .containsExactly("org/apache/commons/exec/CommandLine.class");
        assertThat(MacPlatformTest.class.getClassLoader().getResource("org/apache/commons/exec/CommandLine.class"))
                .isNotNull();
    }

    @Test
    void serviceLoaderFindsIt() {
        assertThat(ServiceLoader.load(HostPlatform.class).stream().map(ServiceLoader.Provider::type))
                .contains(MacPlatform.class);
    }

    @Test
    void usbDevicesComeFromIOKitTheRestIsOshiPolledOnlyWhileNeeded() throws Exception { // SPEC H4
        try (dev.bgtasks.spi.HardwareSource hw = new MacPlatform("Mac OS X").hardware()) {
            assertThat(hw.readable()).containsExactlyInAnyOrder(dev.bgtasks.spi.HardwareSignal.values());
            assertThat(hw.describe()).contains("USB_DEVICES: IOKit notifications (IOUSBHostDevice), registered while a"
                    + " registration needs USB devices (idle)").contains("VOLUMES: OSHI")
                    .contains("polled every 5 s while a registration needs it (idle)");
            assertThat(hw.current()).isEqualTo(dev.bgtasks.spi.HardwareReadings.UNKNOWN);
        }
    }

    @Test
    void withoutIOKitUsbDevicesAreOshiPolledAndDescribeSaysWhy() throws Exception { // SPEC H4
        org.junit.jupiter.api.Assumptions.assumeFalse(System.getProperty("os.name", "").startsWith("Mac"),
                "IOKit loads on a Mac");
        try (dev.bgtasks.spi.HardwareSource hw = new MacPlatform("Mac OS X").hardware()) {
            hw.need(java.util.EnumSet.of(dev.bgtasks.spi.HardwareSignal.USB_DEVICES));
            assertThat(hw.describe()).contains("USB_DEVICES: OSHI poll every 5 s because IOKit notifications"
                    + " (IOUSBHostDevice) unavailable: ").contains("(polling now)");
        }
    }
}
