package dev.bgtasks.nativetests.linux;

import static dev.bgtasks.nativetests.linux.DBusSignalProbe.is;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bgtasks.spi.HostSignal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** UPower's OnBattery and DisplayDevice WarningLevel drive AC_POWER and BATTERY_LOW, on a private bus. */
@EnabledOnOs(OS.LINUX)
@Timeout(20)
class DBusUPowerTest extends DBusFixture {

    @Test
    void onBatteryFlipsAcPower() throws Exception {
        FakeUPower upower = fake(FakeUPower.start(bus, false, 1));
        watch(false);
        awaitState("on AC", is(HostSignal.AC_POWER, true));

        flip("AC_POWER false (OnBattery → true)", () -> upower.onBattery(true), is(HostSignal.AC_POWER, false));
        flip("AC_POWER true (OnBattery → false)", () -> upower.onBattery(false), is(HostSignal.AC_POWER, true));
    }

    @Test
    void warningLevelFlipsBatteryLow() throws Exception {
        FakeUPower upower = fake(FakeUPower.start(bus, true, 2));
        watch(false);
        awaitState("discharging, not low", is(HostSignal.BATTERY_LOW, false));

        flip("BATTERY_LOW true (WarningLevel → 3 low)", () -> upower.warningLevel(3),
                is(HostSignal.BATTERY_LOW, true));
        flip("BATTERY_LOW false (WarningLevel → 4 critical, then 1 none)", () -> {
            upower.warningLevel(4);
            upower.warningLevel(1);
        }, is(HostSignal.BATTERY_LOW, false));
        flip("BATTERY_LOW true (WarningLevel → 5 action)", () -> upower.warningLevel(5),
                is(HostSignal.BATTERY_LOW, true));
        flip("BATTERY_LOW absent (WarningLevel → 0 unknown)", () -> upower.warningLevel(0),
                is(HostSignal.BATTERY_LOW, null));
    }

    @Test
    void upowerLeavingMakesItsSignalsAbsent() throws Exception {
        FakeUPower upower = fake(FakeUPower.start(bus, true, 3));
        watch(false);
        awaitState("on battery, low", is(HostSignal.AC_POWER, false).and(is(HostSignal.BATTERY_LOW, true)));

        flip("AC_POWER and BATTERY_LOW absent (UPower's connection closed)", upower::close,
                is(HostSignal.AC_POWER, null).and(is(HostSignal.BATTERY_LOW, null)));
        assertThat(signals.describe()).contains("UPower: absent");
    }
}
