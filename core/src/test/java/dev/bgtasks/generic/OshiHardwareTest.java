package dev.bgtasks.generic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bgtasks.spi.HardwareSignal;
import dev.bgtasks.spi.HardwareSource;
import java.time.Duration;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/** The OSHI conversions of the polled hardware fallback (generic, Windows, macOS), without a host. */
class OshiHardwareTest {
    @Test
    void usbIdsArePaddedLowerCaseWithTheSerialWhenThereIsOne() { // SPEC H1
        assertThat(OshiHardware.usbId("1D6B", "2", null)).contains("1d6b:0002");
        assertThat(OshiHardware.usbId("0x046d", "c52b", " 123ABC ")).contains("046d:c52b:123ABC");
        assertThat(OshiHardware.usbId("", "c52b", null)).isEmpty();
    }

    @Test
    void devicesAreKeyedByTheirUniqueIdSoTwinsAreTwoEntries() { // SPEC H8
        assertThat(OshiHardware.byLocation(java.util.List.of(
                usb("1D6B", "0002", "", "USB\\VID_1D6B&PID_0002\\5&1"),
                usb("1D6B", "0002", "", "USB\\VID_1D6B&PID_0002\\5&2"),
                usb("046d", "c52b", "SN1", ""), usb("046d", "c52b", "SN1", ""),
                usb("", "", "", "USB\\ROOT_HUB30\\4&1"))))
                .containsExactly(java.util.Map.entry("046d:c52b:SN1", "046d:c52b:SN1"),
                        java.util.Map.entry("046d:c52b:SN1#2", "046d:c52b:SN1"),
                        java.util.Map.entry("USB\\VID_1D6B&PID_0002\\5&1", "1d6b:0002"),
                        java.util.Map.entry("USB\\VID_1D6B&PID_0002\\5&2", "1d6b:0002"));
    }

    private static oshi.hardware.UsbDevice usb(String vendor, String product, String serial, String unique) {
        oshi.hardware.UsbDevice device = org.mockito.Mockito.mock(oshi.hardware.UsbDevice.class);
        org.mockito.Mockito.when(device.getVendorId()).thenReturn(vendor);
        org.mockito.Mockito.when(device.getProductId()).thenReturn(product);
        org.mockito.Mockito.when(device.getSerialNumber()).thenReturn(serial);
        org.mockito.Mockito.when(device.getUniqueDeviceId()).thenReturn(unique);
        return device;
    }

    @Test
    void aSensorThatDoesNotAnswerIsUnknown() { // SPEC H1
        assertThat(OshiHardware.temperature(Double.NaN)).isNull();
        assertThat(OshiHardware.temperature(0)).isNull();
        assertThat(OshiHardware.temperature(48.5)).isEqualTo(48.5);
    }

    @Test
    void idleIsIdleAndIowaitTicksOverAllTicks() { // SPEC H1
        // user, nice, system, idle, iowait, irq, softirq, steal
        long[] before = {100, 0, 100, 700, 100, 0, 0, 0};
        long[] after = {150, 0, 150, 1500, 100, 0, 0, 0};
        assertThat(OshiHardware.idlePercent(before, after)).isEqualTo(88.9);
        assertThat(OshiHardware.idlePercent(after, after)).isNull();
    }

    @Test
    void nothingIsReadBeforeARegistrationNeedsIt() throws Exception { // SPEC H4
        try (HardwareSource hw = OshiHardware.polled(EnumSet.allOf(HardwareSignal.class), Duration.ofMinutes(1))) {
            assertThat(hw.current().knows(HardwareSignal.VOLUMES)).isFalse();
            assertThat(hw.describe()).contains("polled every 1 min while a registration needs it (idle)");
            hw.need(EnumSet.of(HardwareSignal.VOLUMES));
            Await.until(Duration.ofSeconds(30), "the volumes", () -> hw.current().knows(HardwareSignal.VOLUMES));
            assertThat(hw.current().knows(HardwareSignal.CPU_IDLE)).isFalse();
            assertThat(hw.describe()).contains("VOLUMES: OSHI").contains("(polling now)");
        }
    }
}
