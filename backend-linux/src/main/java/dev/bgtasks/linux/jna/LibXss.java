package dev.bgtasks.linux.jna;

import com.sun.jna.Library;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.platform.unix.X11;
import com.sun.jna.ptr.IntByReference;

/**
 * libXss, the client of the X server's MIT-SCREEN-SAVER extension, hand-mapped: jna-platform's {@link X11} has no
 * screen saver extension. Raw binding; {@link XScreenSaver} is the one caller, and loads it on first use.
 *
 * <pre>{@code
 * LibXss xss = Native.load("Xss", LibXss.class);
 * LibXss.XScreenSaverInfo info = new LibXss.XScreenSaverInfo(xss.XScreenSaverAllocInfo());
 * }</pre>
 */
interface LibXss extends Library {
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
