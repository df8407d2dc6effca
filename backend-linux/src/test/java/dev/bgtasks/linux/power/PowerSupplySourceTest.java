package dev.bgtasks.linux.power;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bgtasks.linux.netlink.NetlinkScriptedChannel;
import dev.bgtasks.linux.netlink.NetlinkSocket;
import dev.bgtasks.spi.HostSignal;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** The power source on a fixture tree and a scripted uevent channel: re-reads on power_supply uevents only. */
class PowerSupplySourceTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration NEVER = Duration.ZERO;

    @TempDir
    Path root;
    private final AtomicInteger changes = new AtomicInteger();
    private final Semaphore changed = new Semaphore(0);
    private PowerSupplySource source;

    @AfterEach
    void closeSource() {
        if (source != null) {
            source.close();
        }
    }

    private void copyTree(String name) throws IOException {
        Path from = PowerSupplyRulesTest.tree(name);
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Path to = root.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(file, to);
                }
            }
        }
    }

    private void write(String supply, String attribute, String value) throws IOException {
        Files.writeString(root.resolve(supply).resolve(attribute), value + "\n", StandardCharsets.US_ASCII);
    }

    private void onChange() {
        changes.incrementAndGet();
        changed.release();
    }

    private static byte[] uevent(String subsystem) {
        return ("change@/devices/x/" + subsystem + "\0ACTION=change\0SUBSYSTEM=" + subsystem + "\0SEQNUM=1\0")
                .getBytes(StandardCharsets.UTF_8);
    }

    private PowerSupplySource started(NetlinkScriptedChannel channel, Duration reread) {
        source = new PowerSupplySource(root, reread, () -> channel);
        source.start(this::onChange);
        return source;
    }

    @Test
    void readsAtStartWithoutCallingBack() throws Exception {
        copyTree("laptop-on-ac");
        NetlinkScriptedChannel channel = NetlinkScriptedChannel.silent();
        source = new PowerSupplySource(root, NEVER, () -> channel);
        assertThat(source.current()).isEmpty();
        source.start(this::onChange);
        assertThat(source.current()).isEqualTo(Map.of(HostSignal.AC_POWER, true, HostSignal.BATTERY_LOW, false));
        assertThat(changes).hasValue(0);
        assertThat(source.describe()).contains("AC_POWER: " + root + " (AC Mains, BAT0 Battery)")
                .contains("events from kernel uevents (power_supply)").doesNotContain("re-read");
    }

    @Test
    void aPowerSupplyUeventRereadsAndCallsBackOnChange() throws Exception {
        copyTree("laptop-on-ac");
        NetlinkScriptedChannel channel = NetlinkScriptedChannel.silent();
        started(channel, NEVER);
        write("AC", "online", "0");
        write("BAT0", "status", "Discharging");
        // Another subsystem's uevent reads nothing.
        channel.push(uevent("net"));
        channel.awaitIdle(WAIT);
        assertThat(changes).hasValue(0);
        assertThat(source.current()).containsEntry(HostSignal.AC_POWER, true);
        channel.push(UeventTest.fixture("/power/uevent-ac-unplug.hex"));
        channel.awaitIdle(WAIT);
        assertThat(changes).hasValue(1);
        assertThat(source.current()).isEqualTo(Map.of(HostSignal.AC_POWER, false, HostSignal.BATTERY_LOW, false));
        // A uevent that changes nothing we report: no call.
        write("BAT0", "capacity", "40");
        channel.push(uevent("power_supply"));
        channel.awaitIdle(WAIT);
        assertThat(changes).hasValue(1);
        write("BAT0", "capacity", "9");
        channel.push(uevent("power_supply"));
        channel.awaitIdle(WAIT);
        assertThat(changes).hasValue(2);
        assertThat(source.current()).containsEntry(HostSignal.BATTERY_LOW, true);
    }

    @Test
    void anOverflowRereads() throws Exception {
        copyTree("laptop-on-battery");
        NetlinkScriptedChannel channel = NetlinkScriptedChannel.silent();
        started(channel, NEVER);
        write("AC", "online", "1");
        channel.push(new NetlinkSocket.OverflowException("test: ENOBUFS"));
        channel.awaitIdle(WAIT);
        assertThat(source.current()).containsEntry(HostSignal.AC_POWER, true);
        assertThat(changes).hasValue(1);
    }

    @Test
    void onBatteryCapacityIsRereadWithoutUevents() throws Exception {
        copyTree("laptop-on-battery");
        started(NetlinkScriptedChannel.silent(), Duration.ofMillis(20));
        assertThat(source.describe()).contains("re-read every 20 ms while on battery");
        write("BAT0", "capacity", "3");
        assertThat(changed.tryAcquire(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThat(source.current()).containsEntry(HostSignal.BATTERY_LOW, true);
    }

    @Test
    void withoutAUeventSocketItPollsAndSaysSo() throws Exception {
        copyTree("laptop-on-ac");
        source = new PowerSupplySource(root, Duration.ofMillis(20), () -> {
            throw new IOException("uevent: socket failed with EPERM");
        });
        source.start(this::onChange);
        assertThat(source.describe()).contains("polled every 20 ms (no kernel uevents: uevent: socket failed with EPERM)");
        write("AC", "online", "0");
        write("BAT0", "status", "Discharging");
        assertThat(changed.tryAcquire(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThat(source.current()).containsEntry(HostSignal.AC_POWER, false);
    }

    @Test
    void noSuppliesIsUnknownAndDescribeSaysSo() {
        source = new PowerSupplySource(root.resolve("none"), NEVER, NetlinkScriptedChannel::silent);
        source.start(this::onChange);
        assertThat(source.current()).isEmpty();
        assertThat(source.describe()).isEqualTo(
                "AC_POWER: unknown: no power supplies in " + root.resolve("none")
                        + "; events from kernel uevents (power_supply)\n"
                        + "BATTERY_LOW: unknown: no power supplies in " + root.resolve("none")
                        + "; events from kernel uevents (power_supply)");
    }

    @Test
    void closeStopsTheReaderAndClosesTheChannel() throws Exception {
        copyTree("laptop-on-ac");
        NetlinkScriptedChannel channel = NetlinkScriptedChannel.silent();
        started(channel, NEVER);
        source.close();
        assertThat(channel.isClosed()).isTrue();
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(
                t -> t.getName().equals("bgtasks-power-supply") && t.isAlive());
        source.close();
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void onThisHostItReadsTheRealTreeAndOpensTheRealUeventSocket() {
        source = new PowerSupplySource();
        source.start(this::onChange);
        List<String> names;
        try (Stream<Path> entries = Files.list(PowerSupplySource.SYSFS_ROOT)) {
            names = entries.map(p -> p.getFileName().toString()).toList();
        } catch (IOException e) {
            names = List.of();
        }
        if (names.isEmpty()) {
            assertThat(source.current()).isEmpty();
            assertThat(source.describe()).contains("AC_POWER: unknown: no power supplies")
                    .contains("events from kernel uevents");
        } else {
            assertThat(source.describe()).contains(names.get(0));
        }
        assertThat(source.describe()).doesNotContain("no kernel uevents");
    }
}
