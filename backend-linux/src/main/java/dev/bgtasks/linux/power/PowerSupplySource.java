package dev.bgtasks.linux.power;

import dev.bgtasks.linux.netlink.NetlinkChannel;
import dev.bgtasks.linux.netlink.NetlinkSocket;
import dev.bgtasks.linux.netlink.ReaderStop;
import dev.bgtasks.linux.netlink.Uevent;
import dev.bgtasks.spi.HostSignal;
import dev.bgtasks.spi.PolledSignalSource;
import dev.bgtasks.spi.SignalSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link HostSignal#AC_POWER} and {@link HostSignal#BATTERY_LOW} from {@code /sys/class/power_supply}, re-read
 * when the kernel sends a uevent for the {@code power_supply} subsystem (plug, unplug, charge state, a supply
 * appearing). ACPI batteries often report capacity changes without a uevent, so while on battery the files are
 * also re-read every minute (configurable); on AC nothing polls.
 *
 * <pre>{@code
 * PowerSupplySource power = new PowerSupplySource();
 * power.start(signals::recompute);
 * Boolean onAc = power.current().get(HostSignal.AC_POWER);   // null on a machine without supplies
 * }</pre>
 */
public final class PowerSupplySource implements SignalSource {
    static final Path SYSFS_ROOT = Path.of("/sys/class/power_supply");
    static final Duration DEFAULT_BATTERY_REREAD = Duration.ofSeconds(60);

    private static final Logger LOG = LoggerFactory.getLogger(PowerSupplySource.class);
    private static final String SUBSYSTEM = "power_supply";
    // Only bounds how long close() waits for the reader; uevents wake poll(2) at once.
    // Only bounds how long close() waits: the reader is woken through its channel, not by a timer.
    private static final long CLOSE_WAIT_MILLIS = 1500;

    private final Path root;
    private final Duration batteryReread;
    private final NetlinkChannel.Opener opener;
    private final Object lifecycle = new Object();
    private final CountDownLatch closing = new CountDownLatch(1);
    private volatile Map<HostSignal, Boolean> state = Map.of();
    private volatile List<PowerSupply> supplies = List.of();
    private volatile String eventsUnavailable;
    private volatile boolean closed;
    private boolean started;
    private Runnable onChange = () -> { };
    private NetlinkChannel channel;
    private Thread reader;

    /** The supplies of {@code /sys/class/power_supply}, re-read on the kernel's uevents. */
    public PowerSupplySource() {
        this(SYSFS_ROOT, DEFAULT_BATTERY_REREAD, () -> NetlinkSocket.open("uevent",
                NetlinkSocket.KOBJECT_UEVENT, Uevent.KERNEL_GROUP));
    }

    /**
     * @param root the power_supply class directory (a fixture tree in tests)
     * @param batteryReread how often to re-read while on battery; zero turns that off
     * @param opener the uevent socket
     */
    PowerSupplySource(Path root, Duration batteryReread, NetlinkChannel.Opener opener) {
        this.root = Objects.requireNonNull(root, "root");
        this.batteryReread = Objects.requireNonNull(batteryReread, "batteryReread");
        this.opener = Objects.requireNonNull(opener, "opener");
        if (batteryReread.isNegative()) {
            throw new IllegalArgumentException("batteryReread must not be negative: " + batteryReread);
        }
    }

    /** What the supplies tell once {@link #start} has read them: empty before, and on a machine without any. */
    @Override
    public Map<HostSignal, Boolean> current() {
        return state;
    }

    /**
     * Reads the supplies, subscribes to uevents and starts the reader thread. Without a uevent socket (a
     * sandbox that forbids it) the files are polled at the battery re-read interval instead, and
     * {@link #describe()} says so.
     */
    @Override
    public void start(Runnable onChange) {
        Objects.requireNonNull(onChange, "onChange");
        synchronized (lifecycle) {
            if (started || closed) {
                throw new IllegalStateException(closed ? "closed" : "already started");
            }
            started = true;
            try {
                channel = opener.open();
            } catch (IOException e) {
                eventsUnavailable = e.getMessage();
                LOG.warn("no kernel uevents ({}); polling {} every {} instead", e.getMessage(), root,
                        PolledSignalSource.human(pollInterval()));
            }
            refresh();
            this.onChange = onChange;
            reader = new Thread(this::readLoop, "bgtasks-power-supply");
            reader.setDaemon(true);
            reader.start();
        }
    }

    /** On battery, the time left until the next re-read; on AC power, no timer at all: only events wake us. */
    private int untilBatteryReread(long nextRereadNanos) {
        if (batteryReread.isZero() || !Boolean.FALSE.equals(state.get(HostSignal.AC_POWER))) {
            return NetlinkChannel.FOREVER;
        }
        long left = TimeUnit.NANOSECONDS.toMillis(nextRereadNanos - System.nanoTime());
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, left));
    }

    private void readLoop() {
        long nextReread = System.nanoTime() + batteryReread.toNanos();
        try {
            while (!closed) {
                if (channel == null) {
                    if (!closing.await(pollInterval().toMillis(), TimeUnit.MILLISECONDS)) {
                        refresh();
                    }
                    continue;
                }
                try {
                    Optional<byte[]> datagram = channel.receive(untilBatteryReread(nextReread));
                    if (datagram.isPresent() && isPowerSupplyEvent(datagram.get())) {
                        refresh();
                    }
                } catch (NetlinkSocket.OverflowException e) {
                    LOG.info("{}; reading the power supplies again", e.getMessage());
                    refresh();
                }
                if (!batteryReread.isZero() && System.nanoTime() - nextReread >= 0) {
                    nextReread = System.nanoTime() + batteryReread.toNanos();
                    if (Boolean.FALSE.equals(state.get(HostSignal.AC_POWER))) {
                        refresh();
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            if (!closed) {
                LOG.error("the uevent reader stopped; AC_POWER and BATTERY_LOW no longer change", e);
                eventsUnavailable = String.valueOf(e.getMessage());
            }
        } finally {
            if (channel != null) {
                channel.close();
            }
        }
    }

    static boolean isPowerSupplyEvent(byte[] datagram) {
        return Uevent.parse(datagram).map(e -> SUBSYSTEM.equals(e.subsystem())).orElse(false);
    }

    private Duration pollInterval() {
        return batteryReread.isZero() ? DEFAULT_BATTERY_REREAD : batteryReread;
    }

    // Re-reads everything: a uevent names one supply, but plugging AC changes the battery's status too.
    private void refresh() {
        List<PowerSupply> now;
        try {
            now = read(root);
        } catch (IOException e) {
            LOG.warn("cannot read {}: {}", root, e.toString());
            return;
        }
        Map<HostSignal, Boolean> decided = PowerSupplyRules.decide(now);
        supplies = now;
        if (!decided.equals(state)) {
            Map<HostSignal, Boolean> before = state;
            state = decided;
            LOG.info("power supplies: {} (was {})", decided, before);
            try {
                onChange.run();
            } catch (RuntimeException e) {
                LOG.error("a power signal change listener failed", e);
            }
        }
    }

    /**
     * Every supply under {@code root}, by name; an absent root means none. A file that cannot be read (batteries
     * answer some with ENODATA while absent) is left out of that supply's attributes.
     */
    static List<PowerSupply> read(Path root) throws IOException {
        List<Path> dirs = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
            for (Path entry : entries) {
                // sysfs lists supplies as symlinks to their device directories.
                if (Files.isDirectory(entry)) {
                    dirs.add(entry);
                }
            }
        } catch (NoSuchFileException e) {
            return List.of();
        }
        dirs.sort(Comparator.comparing(p -> p.getFileName().toString()));
        List<PowerSupply> supplies = new ArrayList<>();
        for (Path dir : dirs) {
            Map<String, String> attributes = new HashMap<>();
            for (String attribute : PowerSupply.ATTRIBUTES) {
                try {
                    attributes.put(attribute, Files.readString(dir.resolve(attribute)));
                } catch (IOException | UncheckedIOException e) {
                    // absent or unreadable: the rules treat it as unknown
                }
            }
            supplies.add(PowerSupply.of(dir.getFileName().toString(), attributes));
        }
        return supplies;
    }

    @Override
    public String describe() {
        String how = eventsUnavailable == null
                ? "events from kernel uevents (power_supply)"
                : "polled every " + PolledSignalSource.human(pollInterval()) + " (no kernel uevents: " + eventsUnavailable + ")";
        List<PowerSupply> known = supplies;
        if (known.isEmpty()) {
            return "AC_POWER: unknown: no power supplies in " + root + "; " + how + "\n"
                    + "BATTERY_LOW: unknown: no power supplies in " + root + "; " + how;
        }
        String names = known.stream().map(s -> s.name() + " " + s.type()).collect(Collectors.joining(", "));
        String reread = eventsUnavailable == null && !batteryReread.isZero()
                ? ", and re-read every " + PolledSignalSource.human(batteryReread) + " while on battery (capacity changes often"
                        + " come without a uevent)"
                : "";
        return "AC_POWER: " + root + " (" + names + "): Mains/USB online, battery status; " + how + "\n"
                + "BATTERY_LOW: " + root + ": capacity < " + PowerSupplyRules.BATTERY_LOW_PERCENT
                + " % or capacity_level Low/Critical while on battery; " + how + reread;
    }


    /** Stops the reader (within about half a second) and closes the socket; idempotent. */
    @Override
    public void close() {
        closed = true;
        closing.countDown();
        Thread thread;
        synchronized (lifecycle) {
            thread = reader;
            if (thread == null && channel != null) {
                channel.close();
            } else if (channel != null) {
                channel.wakeUp();
            }
        }
        ReaderStop.await(thread, CLOSE_WAIT_MILLIS, "uevent", LOG);
    }
}
