package dev.bgtasks.macos.signals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.AdditionalAnswers.delegatesTo;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import dev.bgtasks.macos.jna.CoreFoundationLib;
import dev.bgtasks.macos.jna.CoreFoundationValues;
import dev.bgtasks.macos.jna.IOKitLib;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The IOKit USB watch over a mocked IOKit and the in-memory CoreFoundation: what it registers, how arrivals and
 * removals become device sets, and that every service, iterator, CF value, the port and the run loop go (issue 17).
 */
class IOKitUsbWatchTest {
    private static final Pointer PORT = new Pointer(0x5000);
    private static final int ARRIVALS = 0x101;
    private static final int REMOVALS = 0x102;

    private final CoreFoundationFake fake = new CoreFoundationFake();
    private final CoreFoundationLib cf = mock(CoreFoundationLib.class, delegatesTo(fake));
    private final CoreFoundationValues values = new CoreFoundationValues(cf);
    private final IOKitLib iokit = mock(IOKitLib.class);
    /** The services each iterator hands out next. */
    private final Map<Integer, Deque<Integer>> pending = new HashMap<>();
    /** The properties of each service. */
    private final Map<Integer, Map<String, Object>> registry = new HashMap<>();
    private final Map<String, IOKitLib.ServiceMatched> callbacks = new HashMap<>();
    private final List<Pointer> matchings = new ArrayList<>();
    private final List<Map<String, String>> handedOn = new CopyOnWriteArrayList<>();
    private Pointer source;

    @BeforeEach
    void ioKit() {
        source = fake.borrowedOpaque();
        when(iokit.IONotificationPortCreate(IOKitLib.MAIN_PORT_DEFAULT)).thenReturn(PORT);
        when(iokit.IONotificationPortGetRunLoopSource(PORT)).thenReturn(source);
        when(iokit.IOServiceMatching(anyString())).thenAnswer(i -> {
            Pointer matching = fake.dictionary(false, Map.of());   // consumed by the registration
            matchings.add(matching);
            return matching;
        });
        when(iokit.IOServiceAddMatchingNotification(eq(PORT), anyString(), any(), any(), isNull(), any()))
                .thenAnswer(i -> {
                    String type = i.getArgument(1);
                    callbacks.put(type, i.getArgument(3));
                    ((IntByReference) i.getArgument(5)).setValue(
                            IOKitLib.FIRST_MATCH_NOTIFICATION.equals(type) ? ARRIVALS : REMOVALS);
                    return 0;
                });
        when(iokit.IOIteratorNext(anyInt())).thenAnswer(i -> {
            Deque<Integer> next = pending.get((Integer) i.getArgument(0));
            return next == null || next.isEmpty() ? 0 : next.poll();
        });
        when(iokit.IORegistryEntryGetRegistryEntryID(anyInt(), any())).thenAnswer(i -> {
            ((LongByReference) i.getArgument(1)).setValue(0x1000_0000L + (Integer) i.getArgument(0));
            return 0;
        });
        when(iokit.IORegistryEntryCreateCFProperty(anyInt(), any(), isNull(), eq(0))).thenAnswer(i -> {
            String key = values.string(i.getArgument(1)).orElseThrow();
            Object value = registry.getOrDefault((Integer) i.getArgument(0), Map.of()).get(key);
            if (value instanceof Long number) {
                return fake.number(true, number);
            }
            return value == null ? null : fake.string(true, (String) value);
        });
    }

    private void device(int service, long vendor, long product, String serial, Long location) {
        Map<String, Object> properties = new HashMap<>();
        properties.put("idVendor", vendor);
        properties.put("idProduct", product);
        if (serial != null) {
            properties.put("USB Serial Number", serial);
        }
        if (location != null) {
            properties.put("locationID", location);
        }
        registry.put(service, properties);
    }

    private void next(int iterator, Integer... services) {
        pending.computeIfAbsent(iterator, k -> new ArrayDeque<>()).addAll(List.of(services));
    }

    private IOKitUsbWatch watch() {
        return new IOKitUsbWatch(iokit, cf, IOKitUsbWatch.HOST_DEVICE);
    }

    @Test
    void itRegistersBothNotificationsOnIousbHostDeviceAndArmsThemWithTheInitialList() throws Exception { // SPEC H1
        device(0x201, 0x1d6b, 0x0002, null, 0x14100000L);
        device(0x202, 0x046d, 0xc52b, " SN1 ", 0x14200000L);
        next(ARRIVALS, 0x201, 0x202);

        try (AutoCloseable registration = watch().start(handedOn::add)) {
            verify(iokit, times(2)).IOServiceMatching("IOUSBHostDevice");
            verify(iokit).IOServiceAddMatchingNotification(eq(PORT), eq("IOServiceFirstMatch"), eq(matchings.get(0)),
                    any(), isNull(), any());
            verify(iokit).IOServiceAddMatchingNotification(eq(PORT), eq("IOServiceTerminate"), eq(matchings.get(1)),
                    any(), isNull(), any());
            // Both iterators were drained, which arms them.
            verify(iokit, times(3)).IOIteratorNext(ARRIVALS);
            verify(iokit).IOIteratorNext(REMOVALS);
            assertThat(handedOn).containsExactly(Map.of("0x14100000", "1d6b:0002", "0x14200000", "046d:c52b:SN1"));
            assertThat(fake.addedSources).containsExactly(source);
            assertThat(watch().name()).isEqualTo("IOKit notifications (IOUSBHostDevice)");
        }
    }

    @Test
    void anArrivalAndARemovalEachHandOnTheNewSet() throws Exception { // SPEC H1, H8
        device(0x201, 0x1d6b, 0x0002, null, 0x14100000L);
        next(ARRIVALS, 0x201);
        try (AutoCloseable registration = watch().start(handedOn::add)) {
            device(0x203, 0x1d6b, 0x0002, null, 0x14300000L);   // an identical twin on another port
            next(ARRIVALS, 0x203);
            callbacks.get("IOServiceFirstMatch").invoke(null, ARRIVALS);
            next(REMOVALS, 0x201);
            callbacks.get("IOServiceTerminate").invoke(null, REMOVALS);

            assertThat(handedOn).containsExactly(Map.of("0x14100000", "1d6b:0002"),
                    Map.of("0x14100000", "1d6b:0002", "0x14300000", "1d6b:0002"),
                    Map.of("0x14300000", "1d6b:0002"));
            // Every service the iterators handed out is released.
            verify(iokit, times(2)).IOObjectRelease(0x201);
            verify(iokit).IOObjectRelease(0x203);
        }
    }

    @Test
    void aDeviceWithoutIdsIsLeftOutAndOneWithoutLocationIsPlacedByItsRegistryEntry() throws Exception {
        registry.put(0x204, Map.of("idVendor", 0x05acL));   // no idProduct
        device(0x205, 0x05ac, 0x8262, null, null);
        next(ARRIVALS, 0x204, 0x205);
        try (AutoCloseable registration = watch().start(handedOn::add)) {
            assertThat(handedOn).containsExactly(Map.of("registry entry 0x10000205", "05ac:8262"));
            next(REMOVALS, 0x204);   // never listed: no news
            callbacks.get("IOServiceTerminate").invoke(null, REMOVALS);
            assertThat(handedOn).hasSize(1);
        }
    }

    @Test
    void closeStopsTheLoopReleasesTheIteratorsAndDestroysThePort() throws Exception {
        device(0x201, 0x1d6b, 0x0002, "A", 0x14100000L);
        next(ARRIVALS, 0x201);
        AutoCloseable registration = watch().start(handedOn::add);
        assertThat(threadAlive()).isTrue();

        registration.close();
        registration.close();

        assertThat(threadAlive()).isFalse();
        verify(iokit).IOObjectRelease(ARRIVALS);
        verify(iokit).IOObjectRelease(REMOVALS);
        verify(iokit).IOObjectRelease(0x201);
        verify(iokit).IONotificationPortDestroy(PORT);
        assertThat(fake.invalidatedSources).containsExactly(source);
        // The port's source was retained for the loop and released by it; keys and values were all released.
        fake.assertAllReleased();
    }

    @Test
    void aFailedRegistrationThrowsAndReleasesWhatWasMade() {
        when(iokit.IOServiceAddMatchingNotification(eq(PORT), eq("IOServiceTerminate"), any(), any(), any(), any()))
                .thenReturn(0xe00002c7);
        assertThatThrownBy(() -> watch().start(handedOn::add)).isInstanceOf(IOException.class)
                .hasMessage("IOServiceAddMatchingNotification(IOServiceTerminate, IOUSBHostDevice) failed: 0xe00002c7");
        verify(iokit).IOObjectRelease(ARRIVALS);
        verify(iokit).IONotificationPortDestroy(PORT);
        assertThat(handedOn).isEmpty();
        assertThat(threadAlive()).isFalse();
        fake.assertAllReleased();
    }

    @Test
    void noPortIsAFailureAndNothingIsRegistered() {
        when(iokit.IONotificationPortCreate(anyInt())).thenReturn(null);
        assertThatThrownBy(() -> watch().start(handedOn::add)).isInstanceOf(IOException.class)
                .hasMessage("IONotificationPortCreate failed");
        verify(iokit, never()).IOServiceAddMatchingNotification(any(), any(), any(), any(), any(), any());
        verify(iokit, never()).IONotificationPortDestroy(any());
    }

    @Test
    void macOsBefore1011MatchesTheLegacyClass() {
        assertThat(IOKitUsbWatch.className("10.10.5")).isEqualTo("IOUSBDevice");
        assertThat(IOKitUsbWatch.className("10.15.7")).isEqualTo("IOUSBHostDevice");
        assertThat(IOKitUsbWatch.className("14.4")).isEqualTo("IOUSBHostDevice");
        assertThat(IOKitUsbWatch.className("")).isEqualTo("IOUSBHostDevice");
    }

    private static boolean threadAlive() {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals(IOKitUsbWatch.THREAD) && t.isAlive());
    }
}
