package dev.bgtasks.linux.power;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bgtasks.spi.HostSignal;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** AC_POWER and BATTERY_LOW over recorded-shape /sys/class/power_supply trees (src/test/resources/power/). */
class PowerSupplyRulesTest {
    static Path tree(String name) {
        try {
            return Path.of(PowerSupplyRulesTest.class.getResource("/power/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<HostSignal, Boolean> decide(String name) throws Exception {
        return PowerSupplyRules.decide(PowerSupplySource.read(tree(name)));
    }

    @Test
    void readsEveryAttributeOfEverySupplySortedByName() throws Exception {
        List<PowerSupply> supplies = PowerSupplySource.read(tree("laptop-on-ac"));
        assertThat(supplies).containsExactly(
                new PowerSupply("AC", "Mains", true, "", -1, "", "", true),
                new PowerSupply("BAT0", "Battery", null, "Charging", 55, "Normal", "System", true));
    }

    @Test
    void mainsOnlineIsAcAndNotLow() throws Exception {
        assertThat(decide("laptop-on-ac")).isEqualTo(Map.of(HostSignal.AC_POWER, true, HostSignal.BATTERY_LOW, false));
    }

    @Test
    void aDischargingBatteryIsOnBattery() throws Exception {
        assertThat(decide("laptop-on-battery")).isEqualTo(
                Map.of(HostSignal.AC_POWER, false, HostSignal.BATTERY_LOW, false));
    }

    @Test
    void lowBelowTwentyPercentOrByCapacityLevel() throws Exception {
        assertThat(decide("laptop-battery-low")).isEqualTo(
                Map.of(HostSignal.AC_POWER, false, HostSignal.BATTERY_LOW, true));
        // 25 % but the firmware says Critical.
        assertThat(decide("level-critical")).isEqualTo(
                Map.of(HostSignal.AC_POWER, false, HostSignal.BATTERY_LOW, true));
        // 5 % and 45 %: the mean, 25 %, is not low.
        assertThat(decide("two-batteries")).containsEntry(HostSignal.BATTERY_LOW, false);
    }

    @Test
    void aUsbChargerCountsAsExternalPower() throws Exception {
        assertThat(decide("usb-c-charger")).isEqualTo(Map.of(HostSignal.AC_POWER, true, HostSignal.BATTERY_LOW, false));
    }

    @Test
    void aFullBatteryWithoutMainsReportingIsOnAc() throws Exception {
        assertThat(decide("full-without-mains")).isEqualTo(
                Map.of(HostSignal.AC_POWER, true, HostSignal.BATTERY_LOW, false));
    }

    @Test
    void peripheralAndRemovedBatteriesAreIgnored() throws Exception {
        assertThat(decide("peripheral-only")).isEmpty();
        assertThat(decide("removed-battery")).isEqualTo(Map.of(HostSignal.AC_POWER, true));
    }

    @Test
    void whatTheSuppliesCannotTellIsAbsent() throws Exception {
        assertThat(decide("unknown-status")).isEqualTo(Map.of(HostSignal.BATTERY_LOW, false));
        assertThat(decide("mains-offline-no-battery")).isEqualTo(Map.of(HostSignal.AC_POWER, false));
    }

    @Test
    void noSuppliesAtAllIsUnknown(@TempDir Path empty) throws Exception {
        assertThat(PowerSupplyRules.decide(PowerSupplySource.read(empty))).isEmpty();
        assertThat(PowerSupplySource.read(empty.resolve("absent"))).isEmpty();
    }

    @Test
    void attributeTextIsTrimmedAndBadNumbersAreAbsent() {
        PowerSupply battery = PowerSupply.of("BAT0", Map.of("type", "Battery\n", "capacity", "abc\n",
                "status", " Discharging \n"));
        assertThat(battery.capacity()).isEqualTo(-1);
        assertThat(battery.status()).isEqualTo("Discharging");
        assertThat(PowerSupply.of("B", Map.of("capacity", "140")).capacity()).isEqualTo(100);
        assertThat(PowerSupply.of("U", Map.of("type", "USB_PD", "online", "2")).online()).isTrue();
        assertThat(PowerSupply.of("U", Map.of("type", "USB_PD")).external()).isTrue();
        assertThat(PowerSupply.of("W", Map.of("type", "Wireless")).external()).isTrue();
        assertThat(PowerSupply.of("UPS", Map.of("type", "UPS")).systemBattery()).isTrue();
    }
}
