package dev.bgtasks.macos.sandbox;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses what {@code sysctl(CTL_KERN, KERN_PROCARGS2, pid)} returns: a native-endian {@code int argc}, the executable
 * path and NUL padding, {@code argc} NUL-terminated arguments, then the environment strings up to an empty string
 * (the "apple" strings that may follow are not environment and are ignored).
 *
 * <pre>{@code
 * List<String> env = ProcArgs.environment(bytes, length);
 * boolean ours = env.contains(RunToken.environmentEntry(token));
 * }</pre>
 */
final class ProcArgs {
    private ProcArgs() {
    }

    /**
     * The environment strings of the buffer.
     *
     * @throws IllegalArgumentException when the buffer is too short to hold the argument count or the arguments
     */
    static List<String> environment(byte[] buffer, int length) {
        if (length < Integer.BYTES || length > buffer.length) {
            throw new IllegalArgumentException("KERN_PROCARGS2 buffer of " + length + " bytes is too short");
        }
        int argc = ByteBuffer.wrap(buffer, 0, Integer.BYTES).order(ByteOrder.nativeOrder()).getInt();
        if (argc < 0) {
            throw new IllegalArgumentException("KERN_PROCARGS2 argument count is negative: " + argc);
        }
        int at = Integer.BYTES;
        at = skipString(buffer, at, length);
        // The executable path is followed by NUL padding before argv[0].
        while (at < length && buffer[at] == 0) {
            at++;
        }
        for (int i = 0; i < argc; i++) {
            if (at >= length) {
                throw new IllegalArgumentException("KERN_PROCARGS2 buffer ends inside argument " + i + " of " + argc);
            }
            at = skipString(buffer, at, length);
        }
        List<String> environment = new ArrayList<>();
        while (at < length && buffer[at] != 0) {
            int end = at;
            while (end < length && buffer[end] != 0) {
                end++;
            }
            environment.add(new String(buffer, at, end - at, StandardCharsets.UTF_8));
            at = end + 1;
        }
        return environment;
    }

    // Returns the index just after the NUL that ends the string at 'from'.
    private static int skipString(byte[] buffer, int from, int length) {
        int at = from;
        while (at < length && buffer[at] != 0) {
            at++;
        }
        return at + 1;
    }
}
