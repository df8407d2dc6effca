package dev.bgtasks.linux.jna;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.platform.unix.X11;
import com.sun.jna.ptr.IntByReference;
import java.io.IOException;

/**
 * One connection to an X display that asks its MIT-SCREEN-SAVER extension how long ago the last input was: Xlib
 * (jna-platform's {@link X11}) for the display, {@link LibXss} for the query on its root window. Both libraries load
 * when a connection opens, never before. One thread uses a connection at a time.
 *
 * <pre>{@code
 * try (XScreenSaver display = XScreenSaver.open(":0")) {
 *     long idle = display.idleMillis();
 * }
 * }</pre>
 */
public final class XScreenSaver implements AutoCloseable {
    private final X11 x11;
    private final LibXss xss;
    private X11.Display connection;
    private X11.Window root;
    private Pointer infoMemory;
    private LibXss.XScreenSaverInfo info;

    private XScreenSaver(X11 x11, LibXss xss) {
        this.x11 = x11;
        this.xss = xss;
    }

    /**
     * Connects to a display.
     *
     * @param display the display name, as in {@code DISPLAY}
     * @return the open connection
     * @throws IOException saying why not: no libXss or libX11, no server, no MIT-SCREEN-SAVER extension
     */
    public static XScreenSaver open(String display) throws IOException {
        XScreenSaver opened;
        try {
            opened = new XScreenSaver(X11.INSTANCE, Native.load("Xss", LibXss.class));
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            throw new IOException("libXss or libX11 is not available: " + e.getMessage(), e);
        }
        opened.connect(display);
        return opened;
    }

    private void connect(String display) throws IOException {
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
        info = new LibXss.XScreenSaverInfo(infoMemory);
    }

    /**
     * @return milliseconds since the last input on the display
     * @throws IOException when closed, or when the server does not answer the query
     */
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

    /** Frees the query's memory and disconnects; harmless when already closed. */
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
