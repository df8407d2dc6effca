package dev.bgtasks.windows.signals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.when;

import com.sun.jna.platform.win32.Kernel32;
import com.sun.jna.platform.win32.User32;
import com.sun.jna.platform.win32.WinUser;
import dev.bgtasks.spi.HostSignal;
import dev.bgtasks.windows.jna.LastInput;
import dev.bgtasks.windows.jna.WinSignalMocks;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Issue 5: USER_PRESENT from GetLastInputInfo against the idle threshold, polled, and told once per change. */
class PresenceSourceTest {
    private User32 user32;
    private Kernel32 kernel32;
    private final AtomicInteger changes = new AtomicInteger();
    private int tick = 1_000_000;
    private int lastInput = 999_000;
    private int sizeSeen;
    private PresenceSource source;

    @BeforeEach
    void mocks() {
        user32 = WinSignalMocks.library(User32.class);
        kernel32 = WinSignalMocks.library(Kernel32.class);
        when(user32.GetLastInputInfo(any())).thenAnswer(inv -> {
            WinUser.LASTINPUTINFO info = inv.getArgument(0);
            sizeSeen = info.cbSize;
            info.dwTime = lastInput;
            return true;
        });
        when(kernel32.GetTickCount()).thenAnswer(inv -> tick);
        // A long period: the test polls by hand, the scheduled poll never comes while it runs.
        source = new PresenceSource(new LastInput(user32, kernel32, () -> 5), Duration.ofMinutes(5),
                Duration.ofHours(1));
    }

    @AfterEach
    void close() {
        source.close();
    }

    @Test
    void presentWhileInputIsRecentAndAwayAfterTheThreshold() {
        source.start(changes::incrementAndGet);
        assertThat(source.current()).containsEntry(HostSignal.USER_PRESENT, true);
        assertThat(sizeSeen).isEqualTo(8);

        tick = lastInput + 299_999;
        source.poll();
        assertThat(changes).hasValue(0);

        tick = lastInput + 300_000;
        source.poll();
        assertThat(source.current()).containsEntry(HostSignal.USER_PRESENT, false);
        assertThat(changes).hasValue(1);

        lastInput = tick - 10;
        source.poll();
        assertThat(source.current()).containsEntry(HostSignal.USER_PRESENT, true);
        assertThat(changes).hasValue(2);
    }

    @Test
    void theTickCountWrapDoesNotLookLikeFortyNineDaysOfIdleness() {
        lastInput = -16;  // 0xFFFFFFF0: 16 ms before the wrap
        tick = 84;
        source.start(changes::incrementAndGet);
        assertThat(source.current()).containsEntry(HostSignal.USER_PRESENT, true);
    }

    @Test
    void aFailedCallMakesPresenceUnknownAndSaysWhy() {
        source.start(changes::incrementAndGet);
        doReturn(false).when(user32).GetLastInputInfo(any());
        source.poll();
        assertThat(source.current()).isEmpty();
        assertThat(changes).hasValue(1);
        assertThat(source.describe()).contains("GetLastInputInfo failed with error 5");
    }

    @Test
    void describeSaysPolledAndHowOften() {
        PresenceSource defaults = new PresenceSource(new LastInput(user32, kernel32));
        assertThat(defaults.describe()).isEqualTo("USER_PRESENT: GetLastInputInfo, last input less than 5 min ago "
                + "(this session's input only); polled every 5 s (Windows has no event for idleness)");
    }

    @Test
    void aNonPositiveThresholdIsRejected() {
        assertThatThrownBy(() -> new PresenceSource(new LastInput(user32, kernel32, () -> 0), Duration.ZERO,
                Duration.ofSeconds(5)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("positive");
    }
}
