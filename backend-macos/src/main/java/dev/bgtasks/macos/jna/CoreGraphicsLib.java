package dev.bgtasks.macos.jna;

import com.sun.jna.Library;
import com.sun.jna.Pointer;

/**
 * {@code CGSessionCopyCurrentDictionary} of CoreGraphics, hand-mapped (jna-platform's {@code CoreGraphics} has
 * windows and displays only).
 *
 * <pre>{@code
 * Pointer session = CoreGraphicsLib.instance().CGSessionCopyCurrentDictionary();   // owned, or null
 * }</pre>
 */
public interface CoreGraphicsLib extends Library {
    /**
     * The loaded framework, loaded on the first call (only on macOS) and kept: see {@link Libraries}.
     *
     * @return the binding
     */
    static CoreGraphicsLib instance() {
        return Libraries.load("CoreGraphics", CoreGraphicsLib.class);
    }

    /** The caller's window-server session as an owned dictionary, or null outside one (ssh, a LaunchDaemon). */
    Pointer CGSessionCopyCurrentDictionary();
}
