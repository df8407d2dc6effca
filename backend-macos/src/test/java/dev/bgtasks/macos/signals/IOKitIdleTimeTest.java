package dev.bgtasks.macos.signals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.AdditionalAnswers.delegatesTo;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.sun.jna.Pointer;
import dev.bgtasks.macos.jna.CoreFoundationLib;
import dev.bgtasks.macos.jna.CoreFoundationValues;
import dev.bgtasks.macos.jna.IOKitLib;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** HIDIdleTime from the IORegistry: the number and data forms, the service and every CF object released. */
class IOKitIdleTimeTest {
    private static final int SERVICE = 0x2a03;
    private final CoreFoundationFake fake = new CoreFoundationFake();
    private final CoreFoundationValues values = new CoreFoundationValues(mock(CoreFoundationLib.class,
            delegatesTo(fake)));
    private final IOKitLib iokit = mock(IOKitLib.class);
    private final AtomicReference<java.util.function.Supplier<Pointer>> property = new AtomicReference<>();

    @BeforeEach
    void registry() {
        // The matching dictionary is consumed by IOServiceGetMatchingService: borrowed from our point of view.
        when(iokit.IOServiceMatching("IOHIDSystem")).thenAnswer(i -> fake.dictionary(false, java.util.Map.of()));
        when(iokit.IOServiceGetMatchingService(eq(IOKitLib.MAIN_PORT_DEFAULT), any())).thenReturn(SERVICE);
        when(iokit.IORegistryEntryCreateCFProperty(eq(SERVICE), any(), isNull(), eq(0))).thenAnswer(i -> {
            assertThat(values.string(i.getArgument(1))).contains("HIDIdleTime");
            java.util.function.Supplier<Pointer> value = property.get();
            return value == null ? null : value.get();
        });
    }

    @Test
    void aNumberIsNanoseconds() {
        property.set(() -> fake.number(true, 42_000_000_000L));
        assertThat(new IOKitIdleTime(iokit, values).idleNanos()).contains(42_000_000_000L);
        verify(iokit).IOObjectRelease(SERVICE);
        fake.assertAllReleased();
    }

    @Test
    void eightBytesOfDataAreReadToo() {
        property.set(() -> fake.data(true, 7_000L));
        assertThat(new IOKitIdleTime(iokit, values).idleNanos()).contains(7_000L);
        verify(iokit).IOObjectRelease(SERVICE);
        fake.assertAllReleased();
    }

    @Test
    void aMissingOrStrangePropertyIsUnknownAndStillReleased() {
        assertThat(new IOKitIdleTime(iokit, values).idleNanos()).isEmpty();
        property.set(() -> fake.string(true, "soon"));
        assertThat(new IOKitIdleTime(iokit, values).idleNanos()).isEmpty();
        verify(iokit, org.mockito.Mockito.times(2)).IOObjectRelease(SERVICE);
        fake.assertAllReleased();
    }

    @Test
    void noServiceIsUnknownAndNothingIsReleased() {
        when(iokit.IOServiceGetMatchingService(anyInt(), any())).thenReturn(0);
        assertThat(new IOKitIdleTime(iokit, values).idleNanos()).isEmpty();
        verify(iokit, never()).IOObjectRelease(anyInt());
        verify(iokit, never()).IORegistryEntryCreateCFProperty(anyInt(), any(), any(), anyInt());
        fake.assertAllReleased();
    }
}
