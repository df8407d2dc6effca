package dev.bgtasks.linux;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.platform.unix.X11;
import com.sun.jna.ptr.IntByReference;
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
final class X11IdleSource extends PolledSignalSource {
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
    private final IdleReader reader;

    X11IdleSource(Map<String, String> environment) {
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
