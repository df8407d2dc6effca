package dev.bgtasks.spi;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link HardwareSource} that polls a {@link Reader} every period, and only while the broker needs one of its
 * readings ({@link #need}): with nothing needed there is no thread and no read (SPEC H4). A reading that is not needed
 * is left unknown. A read that throws makes the readings unknown until a later one succeeds.
 *
 * <pre>{@code
 * HardwareSource cpu = new PolledHardwareSource("oshi-cpu", Duration.ofSeconds(5),
 *         EnumSet.of(HardwareSignal.CPU_TEMPERATURE, HardwareSignal.CPU_IDLE), wanted -> reader.read(wanted),
 *         "OSHI sensors and CPU ticks");
 * cpu.need(EnumSet.of(HardwareSignal.CPU_TEMPERATURE));   // starts polling
 * cpu.need(Set.of());                                      // stops it
 * }</pre>
 */
public final class PolledHardwareSource implements HardwareSource {
    /** The period of the polled readings unless a platform says otherwise. */
    public static final Duration DEFAULT_PERIOD = Duration.ofSeconds(5);

    private final Logger log = LoggerFactory.getLogger(PolledHardwareSource.class);
    private final String name;
    private final Duration period;
    private final Set<HardwareSignal> readable;
    private final Reader reader;
    private final String sourceDescription;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final Object lock = new Object();
    private volatile HardwareReadings readings = HardwareReadings.UNKNOWN;
    private volatile String failure;
    private Set<HardwareSignal> wanted = Set.of();
    private ScheduledExecutorService poller;
    private ScheduledFuture<?> polling;
    private boolean closed;

    /** Reads the wanted hardware once; the seam of every polled source. */
    @FunctionalInterface
    public interface Reader {
        /**
         * @param wanted the readings asked for; others may be left null
         * @return the readings
         * @throws Exception when the host cannot be read now
         */
        HardwareReadings read(Set<HardwareSignal> wanted) throws Exception;
    }

    /**
     * @param name short, for its thread ({@code bgtasks-<name>-poll}) and log lines
     * @param period how often to read while needed; positive
     * @param readable the readings {@code reader} can give
     * @param reader reads the host
     * @param sourceDescription where the readings come from, for {@code describe()}
     */
    public PolledHardwareSource(String name, Duration period, Set<HardwareSignal> readable, Reader reader,
                                String sourceDescription) {
        this.name = Objects.requireNonNull(name, "name");
        this.period = Objects.requireNonNull(period, "period");
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("the period must be positive: " + period);
        }
        this.readable = readable.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(readable));
        this.reader = Objects.requireNonNull(reader, "reader");
        this.sourceDescription = Objects.requireNonNull(sourceDescription, "sourceDescription");
    }

    @Override
    public HardwareReadings current() {
        return readings;
    }

    @Override
    public AutoCloseable subscribe(Runnable listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    @Override
    public Set<HardwareSignal> readable() {
        return readable;
    }

    /** Starts polling at once when a readable reading is needed, stops when none is. */
    @Override
    public void need(Set<HardwareSignal> signals) {
        synchronized (lock) {
            if (closed) {
                return;
            }
            Set<HardwareSignal> now = EnumSet.noneOf(HardwareSignal.class);
            signals.stream().filter(readable::contains).forEach(now::add);
            if (now.equals(wanted)) {
                return;
            }
            wanted = Set.copyOf(now);
            if (polling != null) {
                polling.cancel(false);
                polling = null;
            }
            if (wanted.isEmpty()) {
                log.info("{}: no registration needs {} any more; polling stopped", name, readable);
                set(HardwareReadings.UNKNOWN);
                return;
            }
            if (poller == null) {
                poller = Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread thread = new Thread(r, "bgtasks-" + name + "-poll");
                    thread.setDaemon(true);
                    return thread;
                });
            }
            log.info("{}: polling {} every {} while a registration needs it", name, wanted,
                    PolledSignalSource.human(period));
            polling = poller.scheduleWithFixedDelay(this::poll, 0, period.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** {@return the readings being polled now; empty while nothing needs them} */
    public Set<HardwareSignal> polling() {
        synchronized (lock) {
            return wanted;
        }
    }

    /** Reads once, now, on the caller's thread (tests; the poller calls it every period). */
    public void poll() {
        Set<HardwareSignal> asked;
        synchronized (lock) {
            asked = wanted;
        }
        if (asked.isEmpty()) {
            return;
        }
        HardwareReadings read;
        try {
            read = only(reader.read(asked), asked);
            if (failure != null) {
                log.info("{}: reading again", name);
            }
            failure = null;
        } catch (Exception e) {
            if (failure == null) {
                log.warn("{}: cannot read {}: {}", name, asked, e.toString());
            }
            failure = String.valueOf(e.getMessage());
            read = HardwareReadings.UNKNOWN;
        }
        synchronized (lock) {
            if (!wanted.equals(asked)) {
                return;
            }
        }
        set(read);
    }

    private static HardwareReadings only(HardwareReadings r, Set<HardwareSignal> asked) {
        return new HardwareReadings(asked.contains(HardwareSignal.USB_DEVICES) ? r.usbDevices() : null,
                asked.contains(HardwareSignal.VOLUMES) ? r.volumes() : null,
                asked.contains(HardwareSignal.INTERFACES) ? r.interfacesUp() : null,
                asked.contains(HardwareSignal.CPU_TEMPERATURE) ? r.cpuTemperatureCelsius() : null,
                asked.contains(HardwareSignal.CPU_IDLE) ? r.cpuIdlePercent() : null, null,
                asked.contains(HardwareSignal.USB_DEVICES) ? r.usbDeviceLocations() : null);
    }

    private void set(HardwareReadings now) {
        if (now.equals(readings)) {
            return;
        }
        readings = now;
        for (Runnable listener : listeners) {
            try {
                listener.run();
            } catch (RuntimeException e) {
                log.error("{}: a hardware change listener failed", name, e);
            }
        }
    }

    @Override
    public String describe() {
        StringBuilder text = new StringBuilder();
        Set<HardwareSignal> now = polling();
        for (HardwareSignal signal : HardwareSignal.values()) {
            if (readable.contains(signal)) {
                text.append("  ").append(signal).append(": ").append(sourceDescription).append("; polled every ")
                        .append(PolledSignalSource.human(period)).append(" while a registration needs it (")
                        .append(now.contains(signal) ? "polling now" : "idle").append(")")
                        .append(failure != null && now.contains(signal) ? "; last read failed: " + failure : "")
                        .append('\n');
            }
        }
        return text.length() == 0 ? "  hardware: none readable\n" : text.toString();
    }

    /** Stops the poller for good. */
    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            wanted = Set.of();
            if (poller != null) {
                poller.shutdownNow();
            }
        }
    }
}
