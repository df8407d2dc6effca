package dev.bgtasks.windows.jna;

import com.sun.jna.platform.win32.Kernel32;
import com.sun.jna.platform.win32.User32;
import com.sun.jna.platform.win32.WinUser;
import java.io.IOException;
import java.util.Objects;
import java.util.function.IntSupplier;

/**
 * The two tick counts that tell how long the user has been idle: {@code GetTickCount()} now, and
 * {@code LASTINPUTINFO.dwTime} of {@code GetLastInputInfo}, the tick of the session's last keyboard or mouse input.
 * Both are 32-bit and wrap after 49.7 days; the difference is the rules' business.
 *
 * <pre>{@code
 * LastInput.Ticks ticks = LastInput.system().read();
 * long idleMillis = (ticks.now() - ticks.lastInput()) & 0xFFFF_FFFFL;
 * }</pre>
 */
public final class LastInput {
    /**
     * One reading.
     *
     * @param now {@code GetTickCount()}
     * @param lastInput {@code LASTINPUTINFO.dwTime}
     */
    public record Ticks(int now, int lastInput) {
    }

    private final User32 user32;
    private final Kernel32 kernel32;
    private final IntSupplier lastError;

    /**
     * A reader over the given libraries.
     *
     * @param user32 {@code GetLastInputInfo}
     * @param kernel32 {@code GetTickCount}
     */
    public LastInput(User32 user32, Kernel32 kernel32) {
        this(user32, kernel32, Win32Errors::lastError);
    }

    /**
     * A reader over the given libraries.
     *
     * @param user32 {@code GetLastInputInfo}
     * @param kernel32 {@code GetTickCount}
     * @param lastError the Win32 error JNA saved after the thread's last call
     */
    public LastInput(User32 user32, Kernel32 kernel32, IntSupplier lastError) {
        this.user32 = Objects.requireNonNull(user32, "user32");
        this.kernel32 = Objects.requireNonNull(kernel32, "kernel32");
        this.lastError = Objects.requireNonNull(lastError, "lastError");
    }

    /**
     * The reader of this Windows host; loads user32 and kernel32.
     *
     * @return the reader
     */
    public static LastInput system() {
        return new LastInput(Win32Libraries.user32(), Win32Libraries.platformKernel32());
    }

    /**
     * Reads both tick counts.
     *
     * @return the ticks
     * @throws IOException when {@code GetLastInputInfo} fails, with its error
     */
    public Ticks read() throws IOException {
        WinUser.LASTINPUTINFO info = new WinUser.LASTINPUTINFO();
        info.cbSize = info.size();
        if (!user32.GetLastInputInfo(info)) {
            throw new IOException(Win32Errors.failedWith("GetLastInputInfo", lastError.getAsInt()));
        }
        return new Ticks(kernel32.GetTickCount(), info.dwTime);
    }
}
