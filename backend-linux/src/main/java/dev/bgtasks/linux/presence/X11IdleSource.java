package dev.bgtasks.linux.presence;

import dev.bgtasks.linux.jna.XScreenSaver;
import dev.bgtasks.spi.HostSignal;
import dev.bgtasks.spi.PolledSignalSource;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * {@link HostSignal#USER_PRESENT} from the X server's idle time (the MIT-SCREEN-SAVER extension through libXss):
 * present while the last input is less than a threshold (5 min by default) ago. Only where {@code DISPLAY} is set;
 * it comes after logind, whose hints win where the desktop sets them. X sends no event for idleness, so this polls,
 * every 5 s by default, and says so. Under Wayland it would see only XWayland input, so it looks only at
 * {@code DISPLAY}.
 *
 * <pre>{@code
 * X11IdleSource idle = new X11IdleSource(System.getenv());
 * idle.start(signals::recompute);
 * idle.current();   // {USER_PRESENT=true} while someone types or moves the pointer
 * }</pre>
 */
public final class X11IdleSource extends PolledSignalSource {
    static final Duration DEFAULT_THRESHOLD = Duration.ofMinutes(5);
    static final Duration DEFAULT_PERIOD = Duration.ofSeconds(5);

    /** The idle time of one display; the real one asks libXss. Called from one thread at a time. */
    interface IdleReader extends AutoCloseable {
        /** Connects to {@code display}; an {@link IOException} says why it cannot (no libXss, no server). */
        void open(String display) throws IOException;

        /** Milliseconds since the last input on the display. */
        long idleMillis() throws IOException;

        /** Disconnects; harmless when not open. */
        @Override
        void close();
    }

    private final String display;
    private final Duration threshold;
    private final IdleReader reader;

    /**
     * The idle time of the display an environment names, with the default threshold and period.
     *
     * @param environment where {@code DISPLAY} is read; without it the source knows nothing
     */
    public X11IdleSource(Map<String, String> environment) {
        this(environment, DEFAULT_THRESHOLD, DEFAULT_PERIOD, new XssIdleReader());
    }

    X11IdleSource(Map<String, String> environment, Duration threshold, Duration period) {
        this(environment, threshold, period, new XssIdleReader());
    }

    X11IdleSource(Map<String, String> environment, Duration threshold, Duration period, IdleReader reader) {
        super("x11-idle", period);
        String value = Objects.requireNonNull(environment, "environment").get("DISPLAY");
        this.display = value == null || value.isBlank() ? null : value;
        this.threshold = Objects.requireNonNull(threshold, "threshold");
        this.reader = Objects.requireNonNull(reader, "reader");
        if (threshold.isNegative() || threshold.isZero()) {
            throw new IllegalArgumentException("the threshold must be positive: " + threshold);
        }
    }

    /** USER_PRESENT is idle below the threshold. */
    static boolean userPresent(long idleMillis, Duration threshold) {
        return idleMillis < threshold.toMillis();
    }

    /** Connects to the display; nothing to read without one. */
    @Override
    protected boolean open() throws IOException {
        if (display == null) {
            return false;
        }
        reader.open(display);
        return true;
    }

    @Override
    protected Map<HostSignal, Boolean> read() throws IOException {
        return Map.of(HostSignal.USER_PRESENT, userPresent(reader.idleMillis(), threshold));
    }

    @Override
    protected void release() {
        reader.close();
    }

    @Override
    public String describe() {
        if (display == null) {
            return "USER_PRESENT: not from X11 idle time (no DISPLAY)";
        }
        String polled = "polled every " + human(period()) + " (X has no event for idleness)";
        String why = failure();
        if (why != null) {
            return "USER_PRESENT: unknown from X11 idle time on DISPLAY=" + display + " (" + why + "); " + polled;
        }
        String below = human(threshold);
        return "USER_PRESENT: X11 idle time (XScreenSaver) on DISPLAY=" + display + " below " + below + "; "
                + polled;
    }

    /** The real reader: a connection to the display through libXss ({@link XScreenSaver}). */
    static final class XssIdleReader implements IdleReader {
        private XScreenSaver connection;

        @Override
        public void open(String display) throws IOException {
            connection = XScreenSaver.open(display);
        }

        @Override
        public long idleMillis() throws IOException {
            if (connection == null) {
                throw new IOException("not connected");
            }
            return connection.idleMillis();
        }

        @Override
        public void close() {
            if (connection != null) {
                connection.close();
                connection = null;
            }
        }
    }
}
