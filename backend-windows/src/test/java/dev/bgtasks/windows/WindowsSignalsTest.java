package dev.bgtasks.windows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.Kernel32;
import com.sun.jna.platform.win32.User32;
import com.sun.jna.platform.win32.WinDef;
import com.sun.jna.platform.win32.WinUser;
import com.sun.jna.platform.win32.Wtsapi32;
import dev.bgtasks.spi.HostSignal;
import dev.bgtasks.spi.SignalSnapshot;
import dev.bgtasks.spi.SignalSource;
import dev.bgtasks.windows.jna.MessageWindow;
import dev.bgtasks.windows.jna.PowerSettings;
import dev.bgtasks.windows.jna.WinSignalMocks;
import dev.bgtasks.windows.signals.WinSignalRules;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** Issue 5: combining the sources, publishing once per change of the snapshot, and closing everything. */
class WindowsSignalsTest {
    private static final Map<HostSignal, Boolean> NOTHING = Map.of();
    private static final WinDef.HWND HWND = new WinDef.HWND(new Pointer(0x77));

    private User32 user32;
    private Wtsapi32 wtsapi32;
    private MessageWindow window;

    @BeforeEach
    void window() {
        user32 = WinSignalMocks.library(User32.class);
        Kernel32 kernel32 = WinSignalMocks.library(Kernel32.class);
        wtsapi32 = WinSignalMocks.library(Wtsapi32.class);
        when(user32.RegisterClassEx(any())).thenReturn(new WinDef.ATOM(1));
        when(user32.CreateWindowEx(anyInt(), any(), any(), anyInt(), anyInt(), anyInt(), anyInt(), anyInt(), any(),
                any(), any(), any())).thenReturn(HWND);
        when(user32.RegisterPowerSettingNotification(any(), any(), anyInt()))
                .thenReturn(new WinUser.HPOWERNOTIFY(new Pointer(0x5)));
        when(wtsapi32.WTSRegisterSessionNotification(any(), anyInt())).thenReturn(true);
        // GetMessage returns 0 (WM_QUIT) at once unless told otherwise: the loop ends and cleans up by itself.
        window = new MessageWindow(user32, kernel32, wtsapi32);
    }

    @Test
    void theFirstSourceThatKnowsASignalWins() {
        SignalSnapshot s = WinSignalRules.merge(List.of(
                Map.of(HostSignal.SESSION_CONNECTED, true, HostSignal.USER_PRESENT, false),
                Map.of(HostSignal.USER_PRESENT, true, HostSignal.AC_POWER, true),
                NOTHING));
        assertThat(s.known()).isEqualTo(Map.of(HostSignal.SESSION_CONNECTED, true, HostSignal.USER_PRESENT, false,
                HostSignal.AC_POWER, true));
        assertThat(WinSignalRules.merge(List.of(NOTHING, Map.of(HostSignal.USER_PRESENT, true))).known())
                .containsEntry(HostSignal.USER_PRESENT, true);
    }

    @Test
    void aLockedSessionOverridesRecentInput() {
        StubSource session = new StubSource("session");
        StubSource presence = new StubSource("presence");
        WindowsSignals signals = new WindowsSignals(List.of(session, presence), window, Runnable::run);
        List<SignalSnapshot> seen = new ArrayList<>();
        signals.subscribe(seen::add);
        signals.begin();

        presence.set(HostSignal.USER_PRESENT, true);
        session.set(HostSignal.USER_PRESENT, false);
        presence.set(HostSignal.USER_PRESENT, true); // no change of the combined snapshot: no call
        session.clear(HostSignal.USER_PRESENT);

        assertThat(seen).extracting(s -> s.get(HostSignal.USER_PRESENT).orElse(null))
                .containsExactly(true, false, true);
        signals.close();
    }

    @Test
    void listenersHearEachChangeOnceAndNothingAfterUnsubscribing() throws Exception {
        StubSource network = new StubSource("network");
        WindowsSignals signals = new WindowsSignals(List.of(network), window, Runnable::run);
        List<SignalSnapshot> seen = new ArrayList<>();
        AutoCloseable subscription = signals.subscribe(seen::add);
        signals.begin();

        network.set(HostSignal.INTERNET, true);
        network.set(HostSignal.INTERNET, true);
        network.set(HostSignal.UNMETERED_NETWORK, false);
        subscription.close();
        network.set(HostSignal.INTERNET, false);

        assertThat(seen).hasSize(2);
        assertThat(signals.current().is(HostSignal.INTERNET, false)).isTrue();
        signals.close();
    }

    @Test
    void startStartsSourcesBeforeTheWindowAndCloseStopsAll() {
        StubSource power = new StubSource("power");
        StubSource broken = new StubSource("broken");
        broken.failOnStart = true;
        WindowsSignals signals = new WindowsSignals(List.of(broken, power), window, Runnable::run);
        signals.begin();
        assertThat(power.started).isTrue();
        verify(user32).RegisterClassEx(any());
        assertThat(signals.describe()).contains("    power: stub").contains("    broken: stub");

        signals.close();
        assertThat(power.closed).isTrue();
        assertThat(broken.closed).isTrue();
        assertThatThrownBy(signals::begin).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void closeUnregistersTheWindowNotifications() {
        WindowsSignals signals = new WindowsSignals(List.of(new StubSource("any")), window, Runnable::run);
        signals.begin();
        signals.close();
        // One registration per power setting, each one unregistered.
        verify(user32, timeout(5000).times(PowerSettings.ALL.size())).UnregisterPowerSettingNotification(any());
        verify(wtsapi32).WTSUnRegisterSessionNotification(HWND);
        verify(user32).DestroyWindow(HWND);
    }

    @Test
    @DisabledOnOs(OS.WINDOWS)
    void offWindowsStartIsAClearError() {
        assertThat(Platform.isWindows()).isFalse();
        assertThatThrownBy(WindowsSignals::start).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("needs Windows");
    }

    private static final class StubSource implements SignalSource {
        private final String name;
        private final Map<HostSignal, Boolean> values = new EnumMap<>(HostSignal.class);
        private Runnable onChange = () -> { };
        boolean started;
        boolean closed;
        boolean failOnStart;

        StubSource(String name) {
            this.name = name;
        }

        void set(HostSignal signal, boolean value) {
            values.put(signal, value);
            onChange.run();
        }

        void clear(HostSignal signal) {
            values.remove(signal);
            onChange.run();
        }

        @Override
        public Map<HostSignal, Boolean> current() {
            return Map.copyOf(values);
        }

        @Override
        public void start(Runnable listener) {
            if (failOnStart) {
                throw new IllegalStateException("cannot start");
            }
            started = true;
            onChange = listener;
        }

        @Override
        public String describe() {
            return name + ": stub";
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
