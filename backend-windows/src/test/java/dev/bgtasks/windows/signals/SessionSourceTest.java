package dev.bgtasks.windows.signals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.sun.jna.Memory;
import com.sun.jna.platform.win32.Kernel32;
import com.sun.jna.platform.win32.User32;
import com.sun.jna.platform.win32.Wtsapi32;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import dev.bgtasks.spi.HostSignal;
import dev.bgtasks.windows.jna.MessageWindow;
import dev.bgtasks.windows.jna.WinSignalMocks;
import dev.bgtasks.windows.jna.WtsSession;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Issue 5: WTSConnectState and the lock flag of this session, re-read on WM_WTSSESSION_CHANGE. */
class SessionSourceTest {
    private Wtsapi32 wtsapi32;
    private MessageWindow window;
    private final AtomicInteger changes = new AtomicInteger();
    private int connectState = Wtsapi32.WTS_CONNECTSTATE_CLASS.WTSActive;
    private int sessionFlags = SessionSource.SESSIONSTATE_UNLOCK;
    private boolean infoExAvailable = true;
    private Memory lastConnectBuffer;
    private Memory lastInfoExBuffer;

    @BeforeEach
    void mocks() {
        wtsapi32 = WinSignalMocks.library(Wtsapi32.class);
        when(wtsapi32.WTSQuerySessionInformation(any(), eq(Wtsapi32.WTS_CURRENT_SESSION),
                eq(Wtsapi32.WTS_INFO_CLASS.WTSConnectState), any(), any())).thenAnswer(inv -> {
                    lastConnectBuffer = new Memory(4);
                    lastConnectBuffer.setInt(0, connectState);
                    inv.<PointerByReference>getArgument(3).setValue(lastConnectBuffer);
                    inv.<IntByReference>getArgument(4).setValue(4);
                    return true;
                });
        when(wtsapi32.WTSQuerySessionInformation(any(), eq(Wtsapi32.WTS_CURRENT_SESSION),
                eq(Wtsapi32.WTS_INFO_CLASS.WTSSessionInfoEx), any(), any())).thenAnswer(inv -> {
                    if (!infoExAvailable) {
                        return false;
                    }
                    // WTSINFOEXW: Level = 1, then WTSINFOEX_LEVEL1_W at offset 8 (SessionId, SessionState,
                    // SessionFlags, ...); the whole structure is far larger, the source needs the first 20 bytes.
                    lastInfoExBuffer = new Memory(64);
                    lastInfoExBuffer.clear();
                    lastInfoExBuffer.setInt(0, 1);
                    lastInfoExBuffer.setInt(8, 2);
                    lastInfoExBuffer.setInt(12, connectState);
                    lastInfoExBuffer.setInt(16, sessionFlags);
                    inv.<PointerByReference>getArgument(3).setValue(lastInfoExBuffer);
                    inv.<IntByReference>getArgument(4).setValue(64);
                    return true;
                });
        window = new MessageWindow(WinSignalMocks.library(User32.class), WinSignalMocks.library(Kernel32.class),
                wtsapi32);
    }

    @Test
    void anActiveUnlockedSessionIsConnectedAndSaysNothingAboutPresence() {
        SessionSource source = new SessionSource(new WtsSession(wtsapi32), window);
        source.start(changes::incrementAndGet);
        assertThat(source.current()).isEqualTo(Map.of(HostSignal.SESSION_CONNECTED, true));
        verify(wtsapi32).WTSFreeMemory(lastConnectBuffer);
        verify(wtsapi32).WTSFreeMemory(lastInfoExBuffer);
        assertThat(source.describe()).contains("SESSION_CONNECTED: WTSQuerySessionInformation WTSConnectState")
                .contains("event-driven (WTSRegisterSessionNotification");
    }

    @Test
    void lockingAndDisconnectingAreHeardThroughSessionChanges() {
        SessionSource source = new SessionSource(new WtsSession(wtsapi32), window);
        source.start(changes::incrementAndGet);

        sessionFlags = SessionSource.SESSIONSTATE_LOCK;
        source.sessionChanged(Wtsapi32.WTS_SESSION_LOCK);
        assertThat(source.current()).isEqualTo(Map.of(HostSignal.SESSION_CONNECTED, true,
                HostSignal.USER_PRESENT, false));
        assertThat(changes).hasValue(1);

        // A remote-control notification with nothing changed: re-read, no call.
        source.sessionChanged(Wtsapi32.WTS_SESSION_REMOTE_CONTROL);
        assertThat(changes).hasValue(1);

        connectState = Wtsapi32.WTS_CONNECTSTATE_CLASS.WTSDisconnected;
        source.sessionChanged(Wtsapi32.WTS_CONSOLE_DISCONNECT);
        assertThat(source.current()).isEqualTo(Map.of(HostSignal.SESSION_CONNECTED, false,
                HostSignal.USER_PRESENT, false));
        assertThat(changes).hasValue(2);
        verify(wtsapi32, times(4)).WTSQuerySessionInformation(any(), anyInt(),
                eq(Wtsapi32.WTS_INFO_CLASS.WTSConnectState), any(), any());
    }

    @Test
    void withoutSessionInfoExTheLockIsUnknownButTheConnectStateIsNot() {
        infoExAvailable = false;
        SessionSource source = new SessionSource(new WtsSession(wtsapi32), window);
        source.start(changes::incrementAndGet);
        assertThat(source.current()).isEqualTo(Map.of(HostSignal.SESSION_CONNECTED, true));
    }

    @Test
    void aFailedQueryMakesTheSessionUnknownAndSaysWhy() {
        SessionSource source = new SessionSource(new WtsSession(wtsapi32), window);
        source.start(changes::incrementAndGet);
        when(wtsapi32.WTSQuerySessionInformation(any(), anyInt(), anyInt(), any(), any())).thenReturn(false);
        source.sessionChanged(Wtsapi32.WTS_SESSION_LOGOFF);
        assertThat(source.current()).isEmpty();
        assertThat(source.describe()).contains("unknown now: WTSQuerySessionInformation(WTSConnectState) failed");
    }

    @Test
    void withoutSessionNotificationsItPollsAndSaysSo() {
        SessionSource source = new SessionSource(new WtsSession(wtsapi32), window);
        source.start(changes::incrementAndGet);
        source.sessionNotificationsUnavailable("WTSRegisterSessionNotification failed");
        assertThat(source.describe()).contains("polled every 30 s (no session notifications: "
                + "WTSRegisterSessionNotification failed)");
        source.close();
    }

    @ParameterizedTest(name = "level {0}, SessionFlags {1} -> locked {2}")
    @CsvSource({"1, 0, true", "1, 1, false", "1, -1, -", "2, 0, -"})
    void theLockFlagTable(int level, int flags, String locked) {
        assertThat(SessionSource.lockedFrom(level, flags)).isEqualTo("-".equals(locked) ? null
                : Boolean.valueOf(locked));
    }
}
