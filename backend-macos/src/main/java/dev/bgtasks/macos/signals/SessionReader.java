package dev.bgtasks.macos.signals;

import com.sun.jna.Pointer;
import dev.bgtasks.macos.jna.CoreFoundationValues;
import dev.bgtasks.macos.jna.CoreGraphicsLib;
import java.io.IOException;
import java.util.Objects;
import java.util.Optional;

/**
 * The console session of this process: {@code CGSessionCopyCurrentDictionary}'s {@code kCGSSessionOnConsoleKey} (false
 * after a fast user switch away) and its undocumented {@code CGSSessionScreenIsLocked} (present only while locked).
 * Outside a window-server session (ssh, a LaunchDaemon) that dictionary is null, and the dynamic store's
 * {@code State:/Users/ConsoleUser} tells who is on the console instead. Everything copied is released; closing closes the
 * dynamic store session.
 *
 * <pre>{@code
 * SessionReader.Reading session = new SessionReader(graphics, values, store).read();
 * }</pre>
 */
final class SessionReader implements AutoCloseable {
    static final String ON_CONSOLE = "kCGSSessionOnConsoleKey";
    static final String SCREEN_LOCKED = "CGSSessionScreenIsLocked";

    /**
     * @param cgSession whether CoreGraphics gave a session dictionary
     * @param onConsole its on-console flag, null when absent
     * @param screenLocked its lock flag, true only when present and true
     * @param consoleUser the console user from the dynamic store (read only without a session), or null
     */
    record Reading(boolean cgSession, Boolean onConsole, boolean screenLocked, String consoleUser) {
    }

    private final CoreGraphicsLib graphics;
    private final CoreFoundationValues cf;
    private final DynamicStore store;

    /** @param store the dynamic store for the fallback; null when there is none */
    SessionReader(CoreGraphicsLib graphics, CoreFoundationValues cf, DynamicStore store) {
        this.graphics = Objects.requireNonNull(graphics, "graphics");
        this.cf = Objects.requireNonNull(cf, "cf");
        this.store = store;
    }

    Reading read() {
        Pointer session = graphics.CGSessionCopyCurrentDictionary();
        try {
            if (cf.isDictionary(session)) {
                Boolean onConsole = cf.booleanIn(session, ON_CONSOLE).orElse(null);
                boolean locked = cf.booleanIn(session, SCREEN_LOCKED).orElse(false);
                return new Reading(true, onConsole, locked, null);
            }
        } finally {
            cf.release(session);
        }
        return new Reading(false, null, false, consoleUser().orElse(null));
    }

    /** Closes the dynamic store session of the fallback. */
    @Override
    public void close() {
        if (store != null) {
            store.close();
        }
    }

    private Optional<String> consoleUser() {
        if (store == null) {
            return Optional.empty();
        }
        try {
            // No console user at all (nobody logged in) reads as the login window: not our session.
            return Optional.of(store.consoleUser().orElse("loginwindow"));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
