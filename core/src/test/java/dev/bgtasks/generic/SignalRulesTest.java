package dev.bgtasks.generic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bgtasks.spi.HostSignal;
import dev.bgtasks.spi.SignalSnapshot;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The generic platform's signal rules, on fixtures: no OSHI, so they hold on every OS. */
class SignalRulesTest {
    private static final Readings.Interface LO = new Readings.Interface("lo", false, true,
            List.of("127.0.0.1", "0:0:0:0:0:0:0:1"));
    private static final Readings.Interface ETH0 = new Readings.Interface("eth0", true, false,
            List.of("192.168.1.20", "fe80:0:0:0:1c2:3ff:fe4:5%eth0"));
    private static final Readings.Route DEFAULT_VIA_ETH0 = new Readings.Route(0, "192.168.1.1", "eth0");
    private static final Readings.Route LAN_ETH0 = new Readings.Route(24, "", "eth0");
    private static final Readings.Route UNREACHABLE_V6_LO = new Readings.Route(0, "", "lo");

    private static Readings.Network network(List<Readings.Interface> ifs, List<Readings.Route> routes) {
        return new Readings.Network(ifs, routes, "", "");
    }

    private static Readings.Power battery(double capacity, boolean online, boolean charging, boolean discharging) {
        return new Readings.Power("BAT0", capacity, online, charging, discharging);
    }

    @Nested
    class Internet {
        @Test
        void anUpInterfaceWithAGlobalAddressAndADefaultRouteIsOnline() {
            assertThat(SignalRules.internetAvailable(network(List.of(LO, ETH0),
                    List.of(LAN_ETH0, DEFAULT_VIA_ETH0, UNREACHABLE_V6_LO)))).isTrue();
        }

        @Test
        void noDefaultRouteIsOffline() {
            assertThat(SignalRules.internetAvailable(network(List.of(LO, ETH0), List.of(LAN_ETH0, UNREACHABLE_V6_LO))))
                    .isFalse();
        }

        @Test
        void loopbackAloneIsOffline() {
            Readings.Interface upLoopback = new Readings.Interface("lo", true, true, List.of("127.0.0.1", "::1"));
            assertThat(SignalRules.internetAvailable(network(List.of(upLoopback),
                    List.of(new Readings.Route(0, "127.0.0.1", "lo"))))).isFalse();
        }

        @Test
        void linkLocalAddressesOnlyAreOffline() {
            Readings.Interface linkLocal = new Readings.Interface("eth0", true, false,
                    List.of("169.254.10.2", "fe80::1c2:3ff:fe4:5"));
            assertThat(SignalRules.internetAvailable(network(List.of(linkLocal), List.of(DEFAULT_VIA_ETH0))))
                    .isFalse();
        }

        @Test
        void aDownInterfaceKeepingItsDefaultRouteIsOffline() {
            Readings.Interface down = new Readings.Interface("eth0", false, false, List.of("192.168.1.20"));
            assertThat(SignalRules.internetAvailable(network(List.of(LO, down), List.of(DEFAULT_VIA_ETH0))))
                    .isFalse();
        }

        @Test
        void theDefaultRouteMustLeaveByAUsableInterface() {
            Readings.Interface wlanDown = new Readings.Interface("wlan0", false, false, List.of("10.0.0.5"));
            assertThat(SignalRules.internetAvailable(network(List.of(ETH0, wlanDown),
                    List.of(LAN_ETH0, new Readings.Route(0, "10.0.0.1", "wlan0"))))).isFalse();
        }

        @Test
        void ipv6OnlyWithAGlobalAddressAndAnIpv6DefaultRouteIsOnline() {
            Readings.Interface v6 = new Readings.Interface("eth0", true, false,
                    List.of("fe80:0:0:0:fc:ff:fe00:1", "2001:db8:0:0:0:0:0:2"));
            assertThat(SignalRules.internetAvailable(network(List.of(LO, v6),
                    List.of(new Readings.Route(0, "fe80:0:0:0:0:0:0:1", "eth0"))))).isTrue();
        }

        @Test
        void aPointToPointDefaultRouteWithoutGatewayCounts() {
            Readings.Interface wg = new Readings.Interface("wg0", true, false, List.of("10.8.0.2"));
            assertThat(SignalRules.internetAvailable(network(List.of(LO, wg),
                    List.of(new Readings.Route(0, "", "wg0"))))).isTrue();
        }

        @Test
        void aRouteOnAnUnlistedInterfaceCountsByItsGateway() {
            assertThat(SignalRules.internetAvailable(network(List.of(ETH0),
                    List.of(new Readings.Route(0, "192.168.1.1", "Ethernet 2"))))).isTrue();
            assertThat(SignalRules.internetAvailable(network(List.of(ETH0),
                    List.of(new Readings.Route(0, "0.0.0.0", "Ethernet 2"))))).isFalse();
        }

        @Test
        void withoutARoutingTableTheGatewayStringsDecide() {
            assertThat(SignalRules.internetAvailable(new Readings.Network(List.of(LO, ETH0), List.of(),
                    "192.168.1.1", ""))).isTrue();
            assertThat(SignalRules.internetAvailable(new Readings.Network(List.of(LO, ETH0), List.of(),
                    "", "fe80::1%eth0"))).isTrue();
            assertThat(SignalRules.internetAvailable(new Readings.Network(List.of(LO, ETH0), List.of(), "", "")))
                    .isFalse();
            assertThat(SignalRules.internetAvailable(new Readings.Network(List.of(LO, ETH0), List.of(),
                    "0.0.0.0", "::"))).isFalse();
            assertThat(SignalRules.internetAvailable(new Readings.Network(List.of(LO), List.of(), "192.168.1.1", "")))
                    .isFalse();
        }

        @Test
        void globalAddresses() {
            assertThat(SignalRules.isGlobalAddress("192.168.1.20")).isTrue();
            assertThat(SignalRules.isGlobalAddress("8.8.8.8")).isTrue();
            assertThat(SignalRules.isGlobalAddress("fd00:0:0:0:0:0:0:2")).isTrue();
            assertThat(SignalRules.isGlobalAddress("2001:db8::1/64")).isTrue();
            assertThat(SignalRules.isGlobalAddress("127.0.0.1")).isFalse();
            assertThat(SignalRules.isGlobalAddress("::1")).isFalse();
            assertThat(SignalRules.isGlobalAddress("169.254.3.4")).isFalse();
            assertThat(SignalRules.isGlobalAddress("fe80::1%2")).isFalse();
            assertThat(SignalRules.isGlobalAddress("0.0.0.0")).isFalse();
            assertThat(SignalRules.isGlobalAddress("ff02::1")).isFalse();
            assertThat(SignalRules.isGlobalAddress("224.0.0.1")).isFalse();
            // Never a name lookup, never a half-parsed literal.
            assertThat(SignalRules.isGlobalAddress("example.com")).isFalse();
            assertThat(SignalRules.isGlobalAddress("1.2.3")).isFalse();
            assertThat(SignalRules.isGlobalAddress("300.1.1.1")).isFalse();
            assertThat(SignalRules.isGlobalAddress("")).isFalse();
            assertThat(SignalRules.isGlobalAddress(null)).isFalse();
        }
    }

    @Nested
    class Power {
        @Test
        void noPowerSourceIsUnknown() {
            assertThat(SignalRules.onAcPower(List.of())).isNull();
            assertThat(SignalRules.batteryLow(List.of())).isNull();
        }

        @Test
        void onLineOrChargingIsOnAc() {
            assertThat(SignalRules.onAcPower(List.of(battery(0.5, true, false, false)))).isTrue();
            assertThat(SignalRules.onAcPower(List.of(battery(0.5, false, true, false)))).isTrue();
            assertThat(SignalRules.onAcPower(List.of(battery(0.1, false, false, true),
                    battery(0.5, false, true, false)))).isTrue();
        }

        @Test
        void dischargingIsOnBattery() {
            assertThat(SignalRules.onAcPower(List.of(battery(0.5, false, false, true)))).isFalse();
        }

        @Test
        void aFullBatteryThatNeitherChargesNorDischargesIsOnAc() { // Linux "Full": OSHI never sets isPowerOnLine
            assertThat(SignalRules.onAcPower(List.of(battery(1.0, false, false, false)))).isTrue();
        }

        @Test
        void batteryLowBelowTwentyPercentOnBatteryOnly() {
            assertThat(SignalRules.batteryLow(List.of(battery(0.19, false, false, true)))).isTrue();
            assertThat(SignalRules.batteryLow(List.of(battery(0.20, false, false, true)))).isFalse();
            assertThat(SignalRules.batteryLow(List.of(battery(0.05, false, true, false)))).isFalse();
            assertThat(SignalRules.batteryLow(List.of(battery(0.05, true, false, false)))).isFalse();
        }

        @Test
        void batteryLowAveragesSourcesAndIgnoresUnknownCapacities() {
            assertThat(SignalRules.batteryLow(List.of(battery(0.10, false, false, true),
                    battery(0.50, false, false, true)))).isFalse();
            assertThat(SignalRules.batteryLow(List.of(battery(0.10, false, false, true),
                    battery(-1.0, false, false, true)))).isTrue();
            assertThat(SignalRules.batteryLow(List.of(battery(Double.NaN, false, false, true)))).isNull();
        }
    }

    @Nested
    class Storage {
        private static final long GIB = 1L << 30;
        private static final long MIB = 1L << 20;

        @Test
        void lowBelowFivePercent() {
            assertThat(SignalRules.storageLow(4 * GIB, 100 * GIB)).isTrue();
            assertThat(SignalRules.storageLow(6 * GIB, 100 * GIB)).isFalse();
        }

        @Test
        void lowBelow512MiBWhateverTheSize() {
            assertThat(SignalRules.storageLow(511 * MIB, 1 * GIB)).isTrue();
            assertThat(SignalRules.storageLow(512 * MIB, 1 * GIB)).isFalse();
            assertThat(SignalRules.storageLow(0, 0)).isTrue();
        }

        @Test
        void hugeStoresDoNotOverflow() {
            assertThat(SignalRules.storageLow(Long.MAX_VALUE / 2, Long.MAX_VALUE)).isFalse();
        }
    }

    @Test
    void decideLeavesUnreadablePartsAndUnsupportedSignalsUnknown() {
        SignalSnapshot nothing = SignalRules.decide(Readings.NOTHING);
        assertThat(nothing.known()).isEmpty();

        SignalSnapshot desktop = SignalRules.decide(new Readings(network(List.of(LO, ETH0),
                List.of(DEFAULT_VIA_ETH0)), List.of(), new Readings.Storage(100L << 30, 200L << 30)));
        assertThat(desktop.known()).containsOnlyKeys(HostSignal.INTERNET, HostSignal.STORAGE_LOW);
        assertThat(desktop.is(HostSignal.INTERNET, true)).isTrue();
        assertThat(desktop.is(HostSignal.STORAGE_LOW, false)).isTrue();

        SignalSnapshot laptop = SignalRules.decide(new Readings(null,
                List.of(battery(0.15, false, false, true)), null));
        assertThat(laptop.known()).containsOnlyKeys(HostSignal.AC_POWER, HostSignal.BATTERY_LOW);
        assertThat(laptop.is(HostSignal.AC_POWER, false)).isTrue();
        assertThat(laptop.is(HostSignal.BATTERY_LOW, true)).isTrue();
    }
}
