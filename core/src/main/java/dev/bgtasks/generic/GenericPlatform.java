package dev.bgtasks.generic;

import dev.bgtasks.spi.HardwareSource;
import dev.bgtasks.spi.HostPlatform;
import dev.bgtasks.spi.HostSignals;
import dev.bgtasks.spi.PolledHardwareSource;
import dev.bgtasks.spi.ProcessSandbox;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The portable fallback backend, supported everywhere: host signals polled through OSHI, tasks run as plain
 * processes under a watchdog that holds memory and process limits on a best-effort basis. Found by
 * {@link java.util.ServiceLoader}; a native backend of higher priority wins where it runs.
 *
 * <p>Creating it costs nothing: the poller starts on the first {@link #signals()} call, OSHI loads on first use and
 * the watchdog thread starts with the first task.
 *
 * <pre>{@code
 * HostPlatform platform = new GenericPlatform(dataDirectory);
 * platform.signals().current();
 * platform.sandbox().launch(spec, limits);
 * }</pre>
 */
public final class GenericPlatform implements HostPlatform {
    /** The platform's name, as {@code bgtask doctor} prints it. */
    public static final String NAME = "generic";

    /**
     * Time between two polls of the host signals. Kept here, not in GenericSignals: reading it there would start
     * that class, and with it SLF4J, for every caller that only asks whether this platform is supported
     * ({@code bgtask doctor}: about 8 ms, issue 18).
     */
    static final Duration DEFAULT_SIGNAL_POLL_PERIOD = Duration.ofSeconds(2);

    private final Path storageDirectory;
    private final Duration signalPollPeriod;
    private GenericSignals signals;
    private GenericSandbox sandbox;
    private HardwareSource hardware;

    /** Watches the free space of the user's home directory; polls signals every 2 s. */
    public GenericPlatform() {
        this(Path.of(System.getProperty("user.home", ".")));
    }

    /**
     * @param storageDirectory the directory whose file store STORAGE_LOW watches (the bgtasks data directory)
     */
    public GenericPlatform(Path storageDirectory) {
        this(storageDirectory, DEFAULT_SIGNAL_POLL_PERIOD);
    }

    /**
     * @param storageDirectory the directory whose file store STORAGE_LOW watches (the bgtasks data directory)
     * @param signalPollPeriod time between two polls of the host signals
     */
    public GenericPlatform(Path storageDirectory, Duration signalPollPeriod) {
        this.storageDirectory = Objects.requireNonNull(storageDirectory, "storageDirectory");
        this.signalPollPeriod = Objects.requireNonNull(signalPollPeriod, "signalPollPeriod");
        if (signalPollPeriod.isNegative() || signalPollPeriod.isZero()) {
            throw new IllegalArgumentException("signalPollPeriod must be positive, got " + signalPollPeriod);
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return 0;
    }

    @Override
    public boolean isSupported() {
        return true;
    }

    @Override
    public Optional<Throwable> unavailabilityCause() {
        return Optional.empty();
    }

    /** The signals, polling from the first call on; closing them stops the poller for good. */
    @Override
    public synchronized HostSignals signals() {
        if (signals == null) {
            signals = new GenericSignals(new OshiSignalReader(storageDirectory), signalPollPeriod, storageDirectory);
        }
        return signals;
    }

    /** Every hardware reading through OSHI, polled every 5 s while a registration needs it (SPEC H4). */
    @Override
    public synchronized HardwareSource hardware() {
        if (hardware == null) {
            hardware = OshiHardware.polled(OshiHardware.all(), PolledHardwareSource.DEFAULT_PERIOD);
        }
        return hardware;
    }

    @Override
    public synchronized ProcessSandbox sandbox() {
        if (sandbox == null) {
            sandbox = new GenericSandbox();
        }
        return sandbox;
    }
}
