package dev.bgtasks.windows.signals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.sun.jna.platform.win32.Kernel32;
import com.sun.jna.platform.win32.User32;
import com.sun.jna.platform.win32.Wtsapi32;
import dev.bgtasks.spi.HostSignal;
import dev.bgtasks.windows.jna.Kernel32Library;
import dev.bgtasks.windows.jna.MessageWindow;
import dev.bgtasks.windows.jna.PowerSettings;
import dev.bgtasks.windows.jna.WinSignalMocks;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Issue 5: SYSTEM_POWER_STATUS mapping through the JNA call, and notification, re-read, one call per change. */
class PowerSourceTest {
    private Kernel32Library kernel32;
    private MessageWindow window;
    private final AtomicInteger changes = new AtomicInteger();
    private int acLine = 1;
    private int batteryFlag = 1;
    private int percent = 80;
    private int statusFlag;

    @BeforeEach
    void mocks() {
        kernel32 = mock(Kernel32Library.class);
        when(kernel32.GetSystemPowerStatus(any())).thenAnswer(inv -> {
            Kernel32Library.SystemPowerStatus status = inv.getArgument(0);
            status.ACLineStatus = (byte) acLine;
            status.BatteryFlag = (byte) batteryFlag;
            status.BatteryLifePercent = (byte) percent;
            status.SystemStatusFlag = (byte) statusFlag;
            status.BatteryLifeTime = -1;
            status.BatteryFullLifeTime = -1;
            return true;
        });
        window = new MessageWindow(WinSignalMocks.library(User32.class), WinSignalMocks.library(Kernel32.class),
                WinSignalMocks.library(Wtsapi32.class));
    }

    @ParameterizedTest(name = "ACLineStatus {0}, BatteryFlag {1}, {2} %, SystemStatusFlag {3}")
    @CsvSource({
        // The bytes as Windows writes them, unsigned: 255 reads back as -1 in a Java byte.
        "0,   1,   90,  0, AC_POWER=false;BATTERY_LOW=false;ENERGY_SAVER=false",
        "1,   8,   10,  0, AC_POWER=true;BATTERY_LOW=true;ENERGY_SAVER=false",
        "255, 255, 255, 0, ENERGY_SAVER=false",
        "255, 128, 255, 0, AC_POWER=true;BATTERY_LOW=false;ENERGY_SAVER=false",
        "0,   1,   75,  1, AC_POWER=false;BATTERY_LOW=false;ENERGY_SAVER=true",
    })
    void theStructureFieldsMapToSignals(int ac, int flag, int charge, int status, String expected) {
        acLine = ac;
        batteryFlag = flag;
        percent = charge;
        statusFlag = status;
        PowerSource source = new PowerSource(kernel32, window);
        source.start(changes::incrementAndGet);
        assertThat(source.current()).isEqualTo(parse(expected));
    }

    @Test
    void theStructureIsTwelveBytesAndReadsBytesUnsigned() {
        Kernel32Library.SystemPowerStatus status = new Kernel32Library.SystemPowerStatus();
        assertThat(status.size()).isEqualTo(12);
        status.ACLineStatus = (byte) 255;
        status.BatteryFlag = (byte) 128;
        status.BatteryLifePercent = (byte) 255;
        status.SystemStatusFlag = 1;
        assertThat(PowerSource.reading(status)).isEqualTo(new WinSignalRules.PowerStatus(255, 128, 255, 1));
    }

    @Test
    void aPowerNotificationRereadsAndTellsOnlyRealChanges() {
        PowerSource source = new PowerSource(kernel32, window);
        source.start(changes::incrementAndGet);
        assertThat(changes).hasValue(0);

        acLine = 0;
        source.powerSettingChanged(PowerSettings.GUID_ACDC_POWER_SOURCE, 1);
        assertThat(source.current()).containsEntry(HostSignal.AC_POWER, false);
        assertThat(changes).hasValue(1);

        // The battery drops a percent: a notification, a re-read, the same signals, no call.
        percent = 79;
        source.powerSettingChanged(PowerSettings.GUID_BATTERY_PERCENTAGE_REMAINING, 79);
        assertThat(changes).hasValue(1);

        percent = 19;
        source.powerSettingChanged(PowerSettings.GUID_BATTERY_PERCENTAGE_REMAINING, 19);
        assertThat(source.current()).containsEntry(HostSignal.BATTERY_LOW, true);
        assertThat(changes).hasValue(2);
    }

    @Test
    void energySaverFollowsTheNewGuidOnceWindowsSendsIt() {
        PowerSource source = new PowerSource(kernel32, window);
        source.start(changes::incrementAndGet);
        assertThat(source.current()).containsEntry(HostSignal.ENERGY_SAVER, false);

        // Windows 11 24H2, on AC: Energy Saver on, SystemStatusFlag stays 0.
        source.powerSettingChanged(PowerSettings.GUID_ENERGY_SAVER_STATUS, 1);
        assertThat(source.current()).containsEntry(HostSignal.ENERGY_SAVER, true);
        assertThat(source.describe()).contains("ENERGY_SAVER: GUID_ENERGY_SAVER_STATUS");
        source.powerSettingChanged(PowerSettings.GUID_ENERGY_SAVER_STATUS, 0);
        assertThat(source.current()).containsEntry(HostSignal.ENERGY_SAVER, false);
        assertThat(changes).hasValue(2);
    }

    @Test
    void batterySaverBeforeWindows11Version24H2() {
        PowerSource source = new PowerSource(kernel32, window);
        source.start(changes::incrementAndGet);
        source.powerSettingChanged(PowerSettings.GUID_POWER_SAVING_STATUS, 1);
        assertThat(source.current()).containsEntry(HostSignal.ENERGY_SAVER, true);
        assertThat(source.describe()).contains("SystemStatusFlag or GUID_POWER_SAVING_STATUS");
    }

    @Test
    void aFailedCallMakesPowerUnknownAndSaysWhy() {
        PowerSource source = new PowerSource(kernel32, window, () -> 31);
        source.start(changes::incrementAndGet);
        doReturn(false).when(kernel32).GetSystemPowerStatus(any());
        source.powerStatusChanged();
        assertThat(source.current()).isEmpty();
        assertThat(changes).hasValue(1);
        assertThat(source.describe()).contains("GetSystemPowerStatus failed with error 31");
    }

    @Test
    void withoutTheWindowItPollsAndSaysSo() {
        PowerSource source = new PowerSource(kernel32, window);
        source.start(changes::incrementAndGet);
        assertThat(source.describe()).contains("event-driven (RegisterPowerSettingNotification");
        source.powerNotificationsUnavailable("CreateWindowEx(HWND_MESSAGE) failed with error 5");
        assertThat(source.describe()).contains("polled every 30 s").contains("error 5");
        source.close();
    }

    private static Map<HostSignal, Boolean> parse(String text) {
        Map<HostSignal, Boolean> out = new EnumMap<>(HostSignal.class);
        for (String pair : text.split(";")) {
            String[] parts = pair.split("=");
            out.put(HostSignal.valueOf(parts[0].strip()), Boolean.valueOf(parts[1].strip()));
        }
        return out;
    }
}
