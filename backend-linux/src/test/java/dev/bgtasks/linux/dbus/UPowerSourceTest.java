package dev.bgtasks.linux.dbus;

import static dev.bgtasks.linux.dbus.DBusMockBus.signals;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bgtasks.spi.HostSignal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.freedesktop.dbus.types.UInt32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UPowerSourceTest {
    private static final String UP = UPowerSource.BUS_NAME;

    private DBusMockBus bus;
    private UPowerSource source;

    @AfterEach
    void close() {
        if (source != null) {
            source.close();
        }
        if (bus != null) {
            bus.close();
        }
    }

    @ParameterizedTest(name = "OnBattery {0} → AC_POWER {1}")
    @CsvSource({"true, false", "false, true"})
    void acPowerIsNotOnBattery(boolean onBattery, boolean ac) {
        assertThat(UPowerSource.acPower(onBattery)).contains(ac);
    }

    @ParameterizedTest(name = "WarningLevel {0} → BATTERY_LOW {1}")
    @CsvSource(nullValues = "absent", value = {"0, absent", "1, false", "2, false", "3, true", "4, true",
        "5, true", "6, absent"})
    void warningLevelMapsToBatteryLow(long level, Boolean low) {
        assertThat(UPowerSource.batteryLow(level)).isEqualTo(Optional.ofNullable(low));
    }

    @Test
    void eachObjectGivesItsOwnSignal() {
        assertThat(UPowerSource.signals(Optional.of(Map.of("OnBattery", true)), Optional.empty()))
                .isEqualTo(signals(HostSignal.AC_POWER, false));
        assertThat(UPowerSource.signals(Optional.empty(), Optional.of(Map.of("WarningLevel", new UInt32(4)))))
                .isEqualTo(signals(HostSignal.BATTERY_LOW, true));
        assertThat(UPowerSource.signals(Optional.of(Map.of("OnBattery", "yes")), Optional.empty())).isEmpty();
    }

    @Test
    void followsBothObjects() throws Exception {
        bus = new DBusMockBus();
        bus.owner(UP, ":1.3");
        bus.properties(UP, UPowerSource.PATH, UPowerSource.INTERFACE, Map.of("OnBattery", false));
        bus.properties(UP, UPowerSource.DISPLAY_DEVICE_PATH, UPowerSource.DEVICE_INTERFACE,
                Map.of("WarningLevel", new UInt32(1), "IsPresent", true));
        source = new UPowerSource(bus.connector());
        DBusMockBus.start(source, bus, 4);
        assertThat(source.current()).isEqualTo(signals(HostSignal.AC_POWER, true, HostSignal.BATTERY_LOW, false));

        bus.propertiesChanged(":1.3", UPowerSource.PATH, UPowerSource.INTERFACE, Map.of("OnBattery", true),
                List.of());
        bus.propertiesChanged(":1.3", UPowerSource.DISPLAY_DEVICE_PATH, UPowerSource.DEVICE_INTERFACE,
                Map.of("WarningLevel", new UInt32(3)), List.of());
        DBusMockBus.flush(source);
        assertThat(source.current()).isEqualTo(signals(HostSignal.AC_POWER, false, HostSignal.BATTERY_LOW, true));
        assertThat(source.describe()).contains("AC_POWER=false from UPower OnBattery")
                .contains("BATTERY_LOW=true from UPower DisplayDevice WarningLevel");

        bus.nameOwnerChanged(UP, ":1.3", "");
        DBusMockBus.flush(source);
        assertThat(source.current()).isEmpty();
    }
}
