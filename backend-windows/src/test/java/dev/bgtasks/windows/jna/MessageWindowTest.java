package dev.bgtasks.windows.jna;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.Guid;
import com.sun.jna.platform.win32.Kernel32;
import com.sun.jna.platform.win32.User32;
import com.sun.jna.platform.win32.WinDef;
import com.sun.jna.platform.win32.WinUser;
import com.sun.jna.platform.win32.Wtsapi32;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

/**
 * Issue 5: the message-only window registers the power settings and session notifications, hands
 * WM_POWERBROADCAST / WM_WTSSESSION_CHANGE to its listeners, and close() ends its loop and unregisters everything.
 */
class MessageWindowTest {
    private static final WinDef.HWND HWND = new WinDef.HWND(new Pointer(0x4242));
    private static final WinDef.HMODULE MODULE = new WinDef.HMODULE();

    private User32 user32;
    private Kernel32 kernel32;
    private Wtsapi32 wtsapi32;
    /** The thread's message queue: GetMessage takes from it, PostMessage adds to it. */
    private final BlockingQueue<Integer> queue = new LinkedBlockingQueue<>();
    private final List<String> heard = new CopyOnWriteArrayList<>();
    private MessageWindow window;

    @BeforeEach
    void mocks() {
        user32 = WinSignalMocks.library(User32.class);
        kernel32 = WinSignalMocks.library(Kernel32.class);
        wtsapi32 = WinSignalMocks.library(Wtsapi32.class);
        when(kernel32.GetModuleHandle(isNull())).thenReturn(MODULE);
        when(user32.RegisterClassEx(any())).thenReturn(new WinDef.ATOM(0xC001));
        when(user32.CreateWindowEx(anyInt(), any(), any(), anyInt(), anyInt(), anyInt(), anyInt(), anyInt(), any(),
                any(), any(), any())).thenReturn(HWND);
        when(user32.RegisterPowerSettingNotification(any(), any(), anyInt())).thenAnswer(inv -> {
            Guid.GUID setting = inv.getArgument(1);
            // Before Windows 11 24H2 the Energy Saver GUID is not known.
            return PowerSettings.GUID_ENERGY_SAVER_STATUS.equals(setting) ? null
                    : new WinUser.HPOWERNOTIFY(new Pointer(0x100 + PowerSettings.ALL.indexOf(setting)));
        });
        when(wtsapi32.WTSRegisterSessionNotification(any(), anyInt())).thenReturn(true);
        when(user32.GetMessage(any(), any(), anyInt(), anyInt())).thenAnswer(inv -> {
            Integer next = queue.poll(30, TimeUnit.SECONDS);
            if (next == null) {
                return 0;
            }
            inv.<WinUser.MSG>getArgument(0).message = next;
            return 1;
        });
        doAnswer(inv -> queue.add(inv.getArgument(1))).when(user32).PostMessage(any(), anyInt(), any(), any());
        window = new MessageWindow(user32, kernel32, wtsapi32, PowerSettings.ALL, () -> 87);
        window.addListener(new MessageWindow.Listener() {
            @Override
            public void powerSettingChanged(Guid.GUID setting, int value) {
                heard.add(PowerSettings.name(setting) + "=" + value);
            }

            @Override
            public void powerStatusChanged() {
                heard.add("power status");
            }

            @Override
            public void sessionChanged(int event) {
                heard.add("session " + event);
            }

            @Override
            public void powerNotificationsUnavailable(String reason) {
                heard.add("no power events: " + reason);
            }

            @Override
            public void sessionNotificationsUnavailable(String reason) {
                heard.add("no session events: " + reason);
            }
        });
    }

    @AfterEach
    void close() {
        window.close();
    }

    /**
     * Issue 12: HWND_MESSAGE is winuser.h's {@code ((HWND)-3)}, sign-extended; jna-platform's constant is the int -3
     * zero-extended, another handle on 64-bit Windows. WindowsHeaderLayoutTest holds the value to the header.
     */
    @Test
    void hwndMessageIsMinusThreeSignExtended() {
        assertThat(Pointer.nativeValue(MessageWindow.HWND_MESSAGE.getPointer())).isEqualTo(-3L);
        assertThat(MessageWindow.HWND_MESSAGE).isNotEqualTo(WinUser.HWND_MESSAGE);
    }

    @Test
    void startMakesAMessageOnlyWindowAndRegistersEverySetting() {
        assertThat(window.start()).isNull();

        ArgumentCaptor<WinUser.WNDCLASSEX> windowClass = ArgumentCaptor.forClass(WinUser.WNDCLASSEX.class);
        verify(user32).RegisterClassEx(windowClass.capture());
        assertThat(windowClass.getValue().lpfnWndProc).isNotNull();
        String className = windowClass.getValue().lpszClassName;
        verify(user32).CreateWindowEx(eq(0), eq(className), any(), eq(0), eq(0), eq(0), eq(0), eq(0),
                eq(MessageWindow.HWND_MESSAGE), isNull(), eq(MODULE), isNull());
        for (Guid.GUID setting : PowerSettings.ALL) {
            verify(user32).RegisterPowerSettingNotification(HWND, setting, User32.DEVICE_NOTIFY_WINDOW_HANDLE);
        }
        verify(wtsapi32).WTSRegisterSessionNotification(HWND, Wtsapi32.NOTIFY_FOR_THIS_SESSION);
        assertThat(window.registeredSettings()).containsExactly("GUID_ACDC_POWER_SOURCE",
                "GUID_BATTERY_PERCENTAGE_REMAINING", "GUID_POWER_SAVING_STATUS");
        assertThat(window.notRegistered()).containsExactly("GUID_ENERGY_SAVER_STATUS (error 87)");
        assertThat(window.sessionNotifications()).isTrue();
    }

    @Test
    void aPowerSettingChangeReachesTheListenersWithItsValue() {
        window.start();
        Memory setting = powerBroadcastSetting(PowerSettings.GUID_ENERGY_SAVER_STATUS, 2);
        WinDef.LRESULT result = window.handle(HWND, WinUser.WM_POWERBROADCAST,
                new WinDef.WPARAM(WinUser.PBT_POWERSETTINGCHANGE), new WinDef.LPARAM(Pointer.nativeValue(setting)));
        assertThat(result.intValue()).isEqualTo(1);
        window.handle(HWND, WinUser.WM_POWERBROADCAST, new WinDef.WPARAM(WinUser.PBT_APMRESUMEAUTOMATIC),
                new WinDef.LPARAM(0));
        window.handle(HWND, MessageWindow.WM_WTSSESSION_CHANGE, new WinDef.WPARAM(0x7), new WinDef.LPARAM(1));
        assertThat(heard).containsExactly("GUID_ENERGY_SAVER_STATUS=2", "power status", "session 7");
        assertThat(window.describe()).isEqualTo("message window: HWND_MESSAGE, 2 power and 1 session notifications "
                + "received; not registered: GUID_ENERGY_SAVER_STATUS (error 87)");
    }

    @Test
    void otherMessagesGoToTheDefaultProcedure() {
        window.handle(HWND, WinUser.WM_USER, new WinDef.WPARAM(1), new WinDef.LPARAM(2));
        verify(user32).DefWindowProc(eq(HWND), eq(WinUser.WM_USER), any(), any());
        assertThat(heard).isEmpty();
    }

    @Test
    void closeEndsTheLoopAndUnregistersEverything() {
        window.start();
        window.close();
        verify(user32).PostMessage(eq(HWND), eq(MessageWindow.WM_STOP), any(), any());
        verify(user32, timeout(5000)).UnregisterPowerSettingNotification(
                new WinUser.HPOWERNOTIFY(new Pointer(0x100)));
        verify(user32).UnregisterPowerSettingNotification(new WinUser.HPOWERNOTIFY(new Pointer(0x101)));
        verify(user32).UnregisterPowerSettingNotification(new WinUser.HPOWERNOTIFY(new Pointer(0x103)));
        verify(wtsapi32).WTSUnRegisterSessionNotification(HWND);
        verify(user32).DestroyWindow(HWND);
        verify(user32).UnregisterClass(any(), eq(MODULE));
    }

    @Test
    void aWindowThatCannotBeMadeTellsTheListeners() {
        when(user32.CreateWindowEx(anyInt(), any(), any(), anyInt(), anyInt(), anyInt(), anyInt(), anyInt(), any(),
                any(), any(), any())).thenReturn(null);
        String failure = window.start();
        assertThat(failure).contains("CreateWindowEx(HWND_MESSAGE) failed with error 87");
        assertThat(heard).containsExactly("no power events: " + failure, "no session events: " + failure);
        assertThat(window.describe()).isEqualTo("message window: none (" + failure + ")");
        verify(user32, timeout(5000)).UnregisterClass(any(), eq(MODULE));
        verify(user32, never()).RegisterPowerSettingNotification(any(), any(), anyInt());
    }

    @Test
    void aFailedSessionRegistrationTellsOnlyTheSessionListeners() {
        when(wtsapi32.WTSRegisterSessionNotification(any(), anyInt())).thenReturn(false);
        assertThat(window.start()).isNull();
        assertThat(heard).containsExactly("no session events: WTSRegisterSessionNotification failed");
        assertThat(window.notRegistered()).contains("WTSRegisterSessionNotification (error 87)");
        window.close();
        verify(user32, timeout(5000)).DestroyWindow(HWND);
        verify(wtsapi32, never()).WTSUnRegisterSessionNotification(any());
    }

    @Test
    void theDwordOfAPowerSettingIsLittleEndian() {
        assertThat(MessageWindow.dword(new byte[] {2, 1, 0, 0}, 4)).isEqualTo(0x102);
        assertThat(MessageWindow.dword(new byte[] {1}, 1)).isEqualTo(1);
        assertThat(MessageWindow.dword(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF}, 4))
                .isEqualTo(-1);
    }

    /** {@code POWERBROADCAST_SETTING}: the GUID, DataLength, then the DWORD value. */
    private static Memory powerBroadcastSetting(Guid.GUID setting, int value) {
        Memory memory = new Memory(24);
        memory.setInt(0, setting.Data1);
        memory.setShort(4, setting.Data2);
        memory.setShort(6, setting.Data3);
        memory.write(8, setting.Data4, 0, 8);
        memory.setInt(16, 4);
        memory.setInt(20, value);
        return memory;
    }
}
