package dev.bgtasks.linux;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.platform.unix.X11;
import com.sun.jna.ptr.IntByReference;
import dev.bgtasks.spi.HostSignal;
import dev.bgtasks.spi.SignalSource;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
final class X11IdleSource implements SignalSource {
    static final Duration DEFAULT_THRESHOLD = Duration.ofMinutes(5);
    static final Duration DEFAULT_PERIOD = Duration.ofSeconds(5);

    private static final Logger LOG = LoggerFactory.getLogger(X11IdleSource.class);

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

    /** libXss, hand-mapped: jna-platform's {@link X11} has no screen saver extension. */
    interface Xss extends Library {
        /** {@code XScreenSaverQueryExtension(Display*, int* event_base, int* error_base)}. */
        boolean XScreenSaverQueryExtension(X11.Display display, IntByReference eventBase, IntByReference errorBase);

        /** {@code XScreenSaverAllocInfo()}: a zeroed info for {@link #XScreenSaverQueryInfo}; free with XFree. */
        Pointer XScreenSaverAllocInfo();

        /** {@code Status XScreenSaverQueryInfo(Display*, Drawable, XScreenSaverInfo*)}: nonzero on success. */
        int XScreenSaverQueryInfo(X11.Display display, X11.Drawable drawable, XScreenSaverInfo info);

        /** {@code XScreenSaverInfo} of {@code <X11/extensions/scrnsaver.h>}; unsigned long is NativeLong. */
        @Structure.FieldOrder({"window", "state", "kind", "til_or_since", "idle", "eventMask"})
        class XScreenSaverInfo extends Structure {
            public NativeLong window;
            public int state;
            public int kind;
            public NativeLong til_or_since;
            /** Milliseconds since the last input. */
            public NativeLong idle;
            public NativeLong eventMask;

            XScreenSaverInfo() {
                super();
            }

            XScreenSaverInfo(Pointer memory) {
                super(memory);
            }
        }
    }

    private final String display;
    private final Duration threshold;
    private final Duration period;
    private final IdleReader reader;
    private final Object lifecycle = new Object();
    private volatile Map<HostSignal, Boolean> state = Map.of();
    private volatile String failure;
    private boolean started;
    private boolean closed;
    private boolean opened;
    private Runnable onChange = () -> { };
    private ScheduledExecutorService poller;

    X11IdleSource(Map<String, String> environment) {
        this(environment, DEFAULT_THRESHOLD, DEFAULT_PERIOD, new XssIdleReader());
    }

    X11IdleSource(Map<String, String> environment, Duration threshold, Duration period) {
        this(environment, threshold, period, new XssIdleReader());
    }

    X11IdleSource(Map<String, String> environment, Duration threshold, Duration period, IdleReader reader) {
        String value = Objects.requireNonNull(environment, "environment").get("DISPLAY");
        this.display = value == null || value.isBlank() ? null : value;
        this.threshold = Objects.requireNonNull(threshold, "threshold");
        this.period = Objects.requireNonNull(period, "period");
        this.reader = Objects.requireNonNull(reader, "reader");
        if (threshold.isNegative() || threshold.isZero() || period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("threshold and period must be positive: " + threshold + ", " + period);
        }
    }

    /** USER_PRESENT is idle below the threshold. */
    static boolean userPresent(long idleMillis, Duration threshold) {
        return idleMillis < threshold.toMillis();
    }

    /** USER_PRESENT once {@link #start} has read it; empty without a display or while it cannot be read. */
    @Override
    public Map<HostSignal, Boolean> current() {
        return state;
    }

    /** Connects and reads the idle time now, then every period on a daemon thread; nothing without a display. */
    @Override
    public void start(Runnable onChange) {
        Objects.requireNonNull(onChange, "onChange");
        synchronized (lifecycle) {
            if (started || closed) {
                throw new IllegalStateException(closed ? "closed" : "already started");
            }
            started = true;
            if (display == null) {
                return;
            }
            try {
                reader.open(display);
                opened = true;
            } catch (IOException | RuntimeException | LinkageError e) {
                failure = e.toString();
                LOG.info("no X11 idle time on DISPLAY={}: {}", display, failure);
                return;
            }
            poll();
            this.onChange = onChange;
            poller = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread thread = new Thread(r, "bgtasks-x11-idle-poll");
                thread.setDaemon(true);
                return thread;
            });
            poller.scheduleWithFixedDelay(this::poll, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** One reading; calls the listener when USER_PRESENT changed (or became known or unknown). */
    void poll() {
        Map<HostSignal, Boolean> now;
        synchronized (lifecycle) {
            if (closed || !opened) {
                return;
            }
            try {
                long idle = reader.idleMillis();
                failure = null;
                now = Map.of(HostSignal.USER_PRESENT, userPresent(idle, threshold));
            } catch (IOException | RuntimeException e) {
                if (failure == null) {
                    LOG.warn("cannot read the X11 idle time of DISPLAY={}: {}", display, e.toString());
                }
                failure = e.toString();
                now = Map.of();
            }
        }
        if (!now.equals(state)) {
            state = now;
            LOG.info("X11 idle on DISPLAY={}: {}", display, now.isEmpty() ? "unknown" : now);
            try {
                onChange.run();
            } catch (RuntimeException e) {
                LOG.error("a USER_PRESENT change listener failed", e);
            }
        }
    }

    @Override
    public String describe() {
        if (display == null) {
            return "USER_PRESENT: not from X11 idle time (no DISPLAY)";
        }
        String every = Durations.human(period);
        String polled = "polled every " + every + " (X has no event for idleness)";
        String why = failure;
        if (why != null) {
            return "USER_PRESENT: unknown from X11 idle time on DISPLAY=" + display + " (" + why + "); " + polled;
        }
        String below = Durations.human(threshold);
        return "USER_PRESENT: X11 idle time (XScreenSaver) on DISPLAY=" + display + " below " + below + "; "
                + polled;
    }

    @Override
    public void close() {
        ScheduledExecutorService executor;
        synchronized (lifecycle) {
            closed = true;
            executor = poller;
        }
        if (executor != null) {
            executor.shutdownNow();
            try {
                if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                    LOG.warn("the X11 idle poller did not stop within 5 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (lifecycle) {
            if (opened) {
                opened = false;
                reader.close();
            }
        }
    }

    /** The real reader: Xlib's connection to the display and libXss's query on its root window. */
    static final class XssIdleReader implements IdleReader {
        private X11 x11;
        private Xss xss;
        private X11.Display connection;
        private X11.Window root;
        private Pointer infoMemory;
        private Xss.XScreenSaverInfo info;

        @Override
        public void open(String display) throws IOException {
            try {
                x11 = X11.INSTANCE;
                xss = Native.load("Xss", Xss.class);
            } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
                throw new IOException("libXss or libX11 is not available: " + e.getMessage(), e);
            }
            connection = x11.XOpenDisplay(display);
            if (connection == null) {
                throw new IOException("cannot open display " + display);
            }
            if (!xss.XScreenSaverQueryExtension(connection, new IntByReference(), new IntByReference())) {
                close();
                throw new IOException("display " + display + " has no MIT-SCREEN-SAVER extension");
            }
            root = x11.XDefaultRootWindow(connection);
            infoMemory = xss.XScreenSaverAllocInfo();
            if (infoMemory == null) {
                close();
                throw new IOException("XScreenSaverAllocInfo failed");
            }
            info = new Xss.XScreenSaverInfo(infoMemory);
        }

        @Override
        public long idleMillis() throws IOException {
            if (connection == null) {
                throw new IOException("not connected");
            }
            if (xss.XScreenSaverQueryInfo(connection, root, info) == 0) {
                throw new IOException("XScreenSaverQueryInfo failed");
            }
            info.read();
            return info.idle.longValue();
        }

        @Override
        public void close() {
            if (infoMemory != null) {
                x11.XFree(infoMemory);
                infoMemory = null;
                info = null;
            }
            if (connection != null) {
                x11.XCloseDisplay(connection);
                connection = null;
            }
        }
    }
}
