package dev.bgtasks.macos;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * {@code CGSessionCopyCurrentDictionary} of CoreGraphics, hand-mapped (jna-platform's {@code CoreGraphics} has
 * windows and displays only).
 *
 * <pre>{@code
 * Pointer session = SessionGraphicsLib.load().CGSessionCopyCurrentDictionary();   // owned, or null
 * }</pre>
 */
interface SessionGraphicsLib extends Library {
    static SessionGraphicsLib load() {
        return Native.load("CoreGraphics", SessionGraphicsLib.class);
    }

    /** The caller's window-server session as an owned dictionary, or null outside one (ssh, a LaunchDaemon). */
    Pointer CGSessionCopyCurrentDictionary();
}
