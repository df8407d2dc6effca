package dev.bgtasks.linux.netlink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bgtasks.spi.HostSignal;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * Smoke test on this host: what the real source reports matches what iproute2 ({@code ip -o link/addr/route})
 * says by the same rule. The namespace tests in native-tests change the network; this one only reads it.
 */
@EnabledOnOs(OS.LINUX)
class RtnetlinkInternetSourceLinuxTest {
    private static List<String> ip(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("ip", "-o"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("%s: %s", command, out).isZero();
        return out.lines().filter(l -> !l.isBlank()).toList();
    }

    /** iproute2's view, by the rule of RtnetlinkModel. */
    private static boolean internetByIproute2() throws IOException, InterruptedException {
        Set<String> usableLinks = new HashSet<>();
        for (String line : ip("link", "show")) {
            // "2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 ... state UP ..."
            String name = line.split(":\\s+")[1].split("@")[0];
            String flags = line.substring(line.indexOf('<') + 1, line.indexOf('>'));
            List<String> flagList = List.of(flags.split(","));
            boolean running = flagList.contains("LOWER_UP") || line.contains(" state UP ")
                    || line.contains(" state UNKNOWN ");
            if (flagList.contains("UP") && !flagList.contains("LOOPBACK") && running && !line.contains("NO-CARRIER")) {
                usableLinks.add(name);
            }
        }
        Map<String, Set<String>> globalFamilies = new HashMap<>();
        for (String line : ip("addr", "show", "scope", "global")) {
            // "4: eth0    inet 192.0.2.2/24 brd ... scope global eth0\ ..."
            String[] fields = line.trim().split("\\s+");
            String family = fields[2];
            if (!line.contains(" tentative") || line.contains(" optimistic")) {
                if (!line.contains(" dadfailed")) {
                    globalFamilies.computeIfAbsent(fields[1], k -> new HashSet<>()).add(family);
                }
            }
        }
        for (String family : List.of("inet", "inet6")) {
            List<String> routes = ip(family.equals("inet") ? "-4" : "-6", "route", "show", "default", "table",
                    "main");
            for (String route : routes) {
                // "default via 192.0.2.1 dev eth0 ..." (other types print their name first: "unreachable default")
                if (!route.startsWith("default ")) {
                    continue;
                }
                String[] fields = route.split("\\s+");
                for (int i = 0; i + 1 < fields.length; i++) {
                    if (fields[i].equals("dev") && usableLinks.contains(fields[i + 1])
                            && globalFamilies.getOrDefault(fields[i + 1], Set.of()).contains(family)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    @Test
    void currentMatchesWhatIproute2Shows() throws Exception {
        boolean expected = internetByIproute2();
        try (RtnetlinkInternetSource source = new RtnetlinkInternetSource()) {
            source.start(() -> { });
            assertThat(source.current()).isEqualTo(Map.of(HostSignal.INTERNET, expected));
            assertThat(source.describe()).isEqualTo(
                    "INTERNET: rtnetlink events (links, addresses, default routes), no polling");
        }
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(
                t -> t.getName().equals("bgtasks-rtnetlink") && t.isAlive());
    }
}
