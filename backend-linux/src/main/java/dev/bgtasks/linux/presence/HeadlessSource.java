package dev.bgtasks.linux.presence;

import dev.bgtasks.spi.HostSignal;
import dev.bgtasks.spi.SignalSource;
import java.util.Map;

/**
 * The last word on presence: a broker with no display in its environment ({@code DISPLAY}, {@code WAYLAND_DISPLAY})
 * runs on a headless machine or outside any graphical session, so nobody is at it and no session is connected.
 * Every richer source (logind) comes before it, and it says nothing when a display is set.
 *
 * <pre>{@code
 * new HeadlessSource(System.getenv()).current();   // {USER_PRESENT=false, SESSION_CONNECTED=false} on a server
 * }</pre>
 */
public final class HeadlessSource implements SignalSource {
    private final boolean headless;

    /**
     * Headless when the environment names no display.
     *
     * @param environment where {@code DISPLAY} and {@code WAYLAND_DISPLAY} are read
     */
    public HeadlessSource(Map<String, String> environment) {
        this.headless = isBlank(environment.get("DISPLAY")) && isBlank(environment.get("WAYLAND_DISPLAY"));
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }

    @Override
    public Map<HostSignal, Boolean> current() {
        return headless ? Map.of(HostSignal.USER_PRESENT, false, HostSignal.SESSION_CONNECTED, false) : Map.of();
    }

    @Override
    public void start(Runnable onChange) {
        // The environment of a process does not change: nothing to listen to.
    }

    @Override
    public String describe() {
        return headless
                ? "USER_PRESENT, SESSION_CONNECTED: false when nothing else knows (no DISPLAY or WAYLAND_DISPLAY: headless)"
                : "USER_PRESENT, SESSION_CONNECTED: unknown when logind cannot tell (a display is set)";
    }

    @Override
    public void close() {
        // Holds nothing.
    }
}
