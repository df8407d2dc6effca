package dev.bgtasks.generic;

import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import oshi.SystemInfo;
import oshi.hardware.NetworkIF;
import oshi.hardware.PowerSource;
import oshi.software.os.NetworkParams;

/**
 * Reads the host through OSHI and the JDK into {@link Readings}; deciding is {@link SignalRules}'s job. A part that
 * fails is left unknown and logged once.
 *
 * <p>The default route comes from {@link NetworkParams#getRoutes()} ({@code /proc/net/route} on Linux, no process
 * spawned); only where the platform cannot list routes are {@code getIpv4DefaultGateway()} and
 * {@code getIpv6DefaultGateway()} asked, because on Linux each of those runs {@code route -n}.
 */
final class OshiSignalReader implements Supplier<Readings> {
    private static final Logger LOG = LoggerFactory.getLogger(OshiSignalReader.class);

    private final Path storageDirectory;
    private volatile boolean networkFailureLogged;
    private volatile boolean powerFailureLogged;
    private volatile boolean storageFailureLogged;

    OshiSignalReader(Path storageDirectory) {
        this.storageDirectory = storageDirectory;
    }

    @Override
    public Readings get() {
        return new Readings(readNetwork(), readPower(), readStorage());
    }

    private Readings.Network readNetwork() {
        try {
            SystemInfo si = Oshi.systemInfo();
            List<Readings.Interface> interfaces = new ArrayList<>();
            for (NetworkIF nif : si.getHardware().getNetworkIFs(true)) {
                interfaces.add(toInterface(nif));
            }
            NetworkParams params = si.getOperatingSystem().getNetworkParams();
            List<Readings.Route> routes = new ArrayList<>();
            for (NetworkParams.IPRoute route : params.getRoutes()) {
                routes.add(new Readings.Route(route.getPrefixLength(), literal(route.getGateway()),
                        route.getInterfaceName() == null ? "" : route.getInterfaceName()));
            }
            String gw4 = "";
            String gw6 = "";
            if (routes.isEmpty()) {
                gw4 = nullToEmpty(params.getIpv4DefaultGateway());
                gw6 = nullToEmpty(params.getIpv6DefaultGateway());
            }
            networkFailureLogged = false;
            return new Readings.Network(interfaces, routes, gw4, gw6);
        } catch (RuntimeException | LinkageError e) {
            if (!networkFailureLogged) {
                networkFailureLogged = true;
                LOG.warn("reading network interfaces through OSHI failed; INTERNET is unknown", e);
            }
            return null;
        }
    }

    private static Readings.Interface toInterface(NetworkIF nif) {
        List<String> addresses = new ArrayList<>();
        addresses.addAll(Arrays.asList(orEmpty(nif.getIPv4addr())));
        addresses.addAll(Arrays.asList(orEmpty(nif.getIPv6addr())));
        NetworkIF.IfOperStatus status = nif.getIfOperStatus();
        boolean up = status == NetworkIF.IfOperStatus.UP || status == NetworkIF.IfOperStatus.UNKNOWN;
        return new Readings.Interface(nif.getName(), up, isLoopback(nif, addresses), addresses);
    }

    private static boolean isLoopback(NetworkIF nif, List<String> addresses) {
        try {
            NetworkInterface jdk = nif.queryNetworkInterface();
            if (jdk != null) {
                return jdk.isLoopback();
            }
        } catch (SocketException | RuntimeException e) {
            // fall through to the addresses
        }
        return !addresses.isEmpty() && addresses.stream().allMatch(OshiSignalReader::isLoopbackLiteral);
    }

    private static boolean isLoopbackLiteral(String address) {
        return address.startsWith("127.") || "::1".equals(address) || "0:0:0:0:0:0:0:1".equals(address);
    }

    private static String[] orEmpty(String[] values) {
        return values == null ? new String[0] : values;
    }

    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }

    private static String literal(byte[] address) {
        if (address == null || (address.length != 4 && address.length != 16)) {
            return "";
        }
        try {
            return InetAddress.getByAddress(address).getHostAddress();
        } catch (UnknownHostException e) {
            return "";
        }
    }

    private List<Readings.Power> readPower() {
        try {
            List<Readings.Power> sources = new ArrayList<>();
            for (PowerSource ps : Oshi.systemInfo().getHardware().getPowerSources()) {
                sources.add(new Readings.Power(ps.getName() == null ? "" : ps.getName(),
                        ps.getRemainingCapacityPercent(), ps.isPowerOnLine(), ps.isCharging(), ps.isDischarging()));
            }
            powerFailureLogged = false;
            return sources;
        } catch (RuntimeException | LinkageError e) {
            if (!powerFailureLogged) {
                powerFailureLogged = true;
                LOG.warn("reading power sources through OSHI failed; AC_POWER and BATTERY_LOW are unknown", e);
            }
            return null;
        }
    }

    private Readings.Storage readStorage() {
        try {
            FileStore store = Files.getFileStore(nearestExisting(storageDirectory));
            storageFailureLogged = false;
            return new Readings.Storage(store.getUsableSpace(), store.getTotalSpace());
        } catch (IOException | RuntimeException e) {
            if (!storageFailureLogged) {
                storageFailureLogged = true;
                LOG.warn("reading free space of {} failed; STORAGE_LOW is unknown", storageDirectory, e);
            }
            return null;
        }
    }

    // The data directory may not exist yet; its file store is the one of its nearest existing ancestor.
    private static Path nearestExisting(Path directory) throws IOException {
        Path p = directory.toAbsolutePath();
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IOException("no existing ancestor of " + directory);
        }
        return p;
    }
}
