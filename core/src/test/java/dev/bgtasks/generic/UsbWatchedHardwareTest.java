package dev.bgtasks.generic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.bgtasks.spi.HardwareReadings;
import dev.bgtasks.spi.HardwareSignal;
import dev.bgtasks.spi.HardwareSource;
import dev.bgtasks.spi.UsbDeviceWatch;
import java.io.IOException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** USB devices from an OS's notifications, the rest polled, and the OSHI fallback that says why (issue 17). */
class UsbWatchedHardwareTest {
    private static final Map<String, String> ONE = Map.of("0x14100000", "1d6b:0002");
    private static final Map<String, String> TWO = Map.of("0x14100000", "1d6b:0002", "0x14200000", "1d6b:0002");

    private final UsbDeviceWatch watch = mock(UsbDeviceWatch.class);
    private final HardwareSource rest = mock(HardwareSource.class);
    private final HardwareSource polledUsb = mock(HardwareSource.class);
    private final AutoCloseable registration = mock(AutoCloseable.class);
    private final AtomicReference<Consumer<Map<String, String>>> handedOn = new AtomicReference<>();
    private final AtomicInteger changes = new AtomicInteger();
    private UsbWatchedHardware hw;

    @BeforeEach
    void source() throws IOException {
        when(watch.name()).thenReturn("IOKit notifications (IOUSBHostDevice)");
        when(rest.current()).thenReturn(HardwareReadings.UNKNOWN.withCpuTemperature(40.0));
        when(rest.readable()).thenReturn(EnumSet.of(HardwareSignal.CPU_TEMPERATURE));
        when(rest.describe()).thenReturn("  CPU_TEMPERATURE: OSHI\n");
        when(rest.subscribe(any())).thenReturn(() -> { });
        when(polledUsb.subscribe(any())).thenReturn(() -> { });
        when(watch.start(any())).thenAnswer(i -> {
            Consumer<Map<String, String>> devices = i.getArgument(0);
            handedOn.set(devices);
            devices.accept(ONE);
            return registration;
        });
        hw = new UsbWatchedHardware(watch, rest, () -> polledUsb, Duration.ofSeconds(5));
        hw.subscribe(changes::incrementAndGet);
    }

    @Test
    void theNotificationsAreRegisteredOnlyWhileUsbDevicesAreNeeded() throws Exception { // SPEC H4
        assertThat(hw.readable()).containsExactlyInAnyOrder(HardwareSignal.USB_DEVICES,
                HardwareSignal.CPU_TEMPERATURE);
        hw.need(EnumSet.of(HardwareSignal.CPU_TEMPERATURE));
        verify(watch, never()).start(any());
        assertThat(hw.current().usbDevices()).isNull();
        assertThat(hw.describe()).contains("USB_DEVICES: IOKit notifications (IOUSBHostDevice), registered while a"
                + " registration needs USB devices (idle)").contains("CPU_TEMPERATURE: OSHI");

        hw.need(EnumSet.of(HardwareSignal.USB_DEVICES, HardwareSignal.CPU_TEMPERATURE));
        verify(watch).start(any());
        assertThat(hw.current().usbDeviceLocations()).isEqualTo(ONE);
        assertThat(hw.current().cpuTemperatureCelsius()).isEqualTo(40.0);
        assertThat(changes).hasValue(1);
        assertThat(hw.describe()).contains("USB_DEVICES: IOKit notifications (IOUSBHostDevice); 1 attached");
        assertThat(hw.usbSource()).isEqualTo("IOKit notifications (IOUSBHostDevice)");

        hw.need(EnumSet.of(HardwareSignal.CPU_TEMPERATURE));
        verify(registration, timeout(10_000)).close();
        assertThat(hw.current().usbDevices()).isNull();
        verify(rest).need(EnumSet.of(HardwareSignal.USB_DEVICES, HardwareSignal.CPU_TEMPERATURE));
    }

    @Test
    void eachSetTheWatchHandsOnIsTheNewReading() { // SPEC H1, H8: the source reports sets, core decides fires
        hw.need(EnumSet.of(HardwareSignal.USB_DEVICES));
        handedOn.get().accept(TWO);
        assertThat(hw.current().usbDeviceLocations()).isEqualTo(TWO);
        assertThat(hw.current().usbDevices()).containsExactly("1d6b:0002");
        handedOn.get().accept(TWO);   // no change, no news
        handedOn.get().accept(Map.of());
        assertThat(hw.current().usbDevices()).isEmpty();
        assertThat(changes).hasValue(3);
    }

    @Test
    void aSetHandedOnAfterTheStopIsIgnored() throws Exception {
        hw.need(EnumSet.of(HardwareSignal.USB_DEVICES));
        Consumer<Map<String, String>> first = handedOn.get();
        hw.need(Set.of());
        first.accept(TWO);
        assertThat(hw.current().usbDevices()).isNull();
        hw.need(EnumSet.of(HardwareSignal.USB_DEVICES));
        first.accept(TWO);
        assertThat(hw.current().usbDeviceLocations()).isEqualTo(ONE);
    }

    @Test
    void aWatchThatCannotRegisterFallsBackToTheOshiPollAndSaysWhy() throws Exception { // SPEC H4
        doThrow(new IOException("IOServiceAddMatchingNotification failed: 0xe00002c7")).when(watch).start(any());
        when(polledUsb.current()).thenReturn(HardwareReadings.UNKNOWN.withUsbDevices(Set.of("046d:c52b")));

        hw.need(EnumSet.of(HardwareSignal.USB_DEVICES));

        verify(polledUsb).need(EnumSet.of(HardwareSignal.USB_DEVICES));
        assertThat(hw.current().usbDevices()).containsExactly("046d:c52b");
        assertThat(hw.current().usbDeviceLocations()).isNull();
        assertThat(hw.usbSource()).isEqualTo("OSHI poll every 5 s because IOKit notifications (IOUSBHostDevice)"
                + " unavailable: IOServiceAddMatchingNotification failed: 0xe00002c7");
        assertThat(hw.describe()).contains("USB_DEVICES: OSHI poll every 5 s because IOKit notifications"
                + " (IOUSBHostDevice) unavailable: IOServiceAddMatchingNotification failed: 0xe00002c7 (polling now)");

        hw.need(Set.of());
        verify(polledUsb).close();
        assertThat(hw.current().usbDevices()).isNull();
        assertThat(hw.describe()).contains("(idle); last time: OSHI poll every 5 s because");
    }

    @Test
    @Timeout(60)
    void stoppingNeverWaitsForTheWatchToClose() throws Exception {
        // A watch's close may wait for its thread, which may wait for a lock the caller of need() holds.
        CountDownLatch release = new CountDownLatch(1);
        doAnswer(i -> {
            release.await();
            return null;
        }).when(registration).close();
        hw.need(EnumSet.of(HardwareSignal.USB_DEVICES));
        hw.need(Set.of());   // hangs here if it waited for the close
        assertThat(hw.current().usbDevices()).isNull();
        release.countDown();
        verify(registration, timeout(10_000)).close();
    }

    @Test
    void closeUnregistersAndStopsThePolls() throws Exception {
        hw.need(EnumSet.of(HardwareSignal.USB_DEVICES));
        hw.close();
        hw.close();
        verify(registration, timeout(10_000)).close();
        verify(registration, times(1)).close();
        verify(rest, times(1)).close();
        hw.need(EnumSet.of(HardwareSignal.USB_DEVICES));
        verify(watch, times(1)).start(any());
    }
}
