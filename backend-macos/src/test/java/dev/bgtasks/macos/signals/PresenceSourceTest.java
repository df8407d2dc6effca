package dev.bgtasks.macos.signals;

import static dev.bgtasks.macos.signals.CoreFoundationFake.entries;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.AdditionalAnswers.delegatesTo;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.bgtasks.macos.jna.CoreFoundationLib;
import dev.bgtasks.macos.jna.CoreFoundationValues;
import dev.bgtasks.macos.jna.CoreGraphicsLib;
import dev.bgtasks.macos.jna.IOKitLib;
import dev.bgtasks.spi.HostSignal;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** USER_PRESENT and SESSION_CONNECTED polled: a call per actual change only; close stops the poller. */
class PresenceSourceTest {
    private static final long SECOND = 1_000_000_000L;
    private final CoreFoundationFake fake = new CoreFoundationFake();
    private final CoreFoundationValues values = new CoreFoundationValues(mock(CoreFoundationLib.class,
            delegatesTo(fake)));
    private final IOKitLib iokit = mock(IOKitLib.class);
    private final CoreGraphicsLib graphics = mock(CoreGraphicsLib.class);
    private final AtomicLong idle = new AtomicLong(2 * SECOND);
    private final AtomicBoolean locked = new AtomicBoolean();

    private PresenceSource source() {
        when(iokit.IOServiceMatching("IOHIDSystem")).thenAnswer(i -> fake.dictionary(false, Map.of()));
        when(iokit.IOServiceGetMatchingService(anyInt(), any())).thenReturn(7);
        when(iokit.IORegistryEntryCreateCFProperty(eq(7), any(), isNull(), eq(0)))
                .thenAnswer(i -> fake.number(true, idle.get()));
        when(graphics.CGSessionCopyCurrentDictionary()).thenAnswer(i -> locked.get()
                ? fake.dictionary(true, entries(SessionReader.ON_CONSOLE, fake.bool(false, true),
                        SessionReader.SCREEN_LOCKED, fake.bool(false, true)))
                : fake.dictionary(true, entries(SessionReader.ON_CONSOLE, fake.bool(false, true))));
        return new PresenceSource(new IOKitIdleTime(iokit, values), new SessionReader(graphics, values, null), "alice",
                Duration.ofMinutes(5), Duration.ofHours(1));
    }

    @Test
    void eachPollTellsOnlyActualChanges() {
        PresenceSource source = source();
        AtomicInteger changes = new AtomicInteger();
        source.start(changes::incrementAndGet);
        assertThat(source.current()).isEqualTo(Map.of(HostSignal.USER_PRESENT, true,
                HostSignal.SESSION_CONNECTED, true));

        idle.set(60 * SECOND);
        source.poll();
        assertThat(changes).hasValue(0);
        idle.set(400 * SECOND);
        source.poll();
        assertThat(changes).hasValue(1);
        assertThat(source.current()).containsEntry(HostSignal.USER_PRESENT, false);
        source.poll();
        assertThat(changes).hasValue(1);
        idle.set(1 * SECOND);
        source.poll();
        assertThat(changes).hasValue(2);
        locked.set(true);
        source.poll();
        assertThat(changes).hasValue(3);
        assertThat(source.current()).containsEntry(HostSignal.USER_PRESENT, false)
                .containsEntry(HostSignal.SESSION_CONNECTED, true);

        source.close();
        source.poll();
        assertThat(changes).hasValue(3);
        assertThat(Thread.getAllStackTraces().keySet())
                .noneMatch(t -> t.getName().equals("bgtasks-macos-presence-poll"));
        fake.assertAllReleased();
        assertThat(source.describe()).contains("HIDIdleTime below 5 min", "polled every 60 min",
                "kCGSSessionOnConsoleKey");
    }

    @Test
    void badArgumentsAreRefused() {
        assertThatThrownBy(() -> new PresenceSource(new IOKitIdleTime(iokit, values),
                new SessionReader(graphics, values, null), "alice", Duration.ZERO, Duration.ofSeconds(5)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
