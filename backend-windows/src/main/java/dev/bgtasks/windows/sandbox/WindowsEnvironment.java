package dev.bgtasks.windows.sandbox;

import com.sun.jna.Memory;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The environment block of a new process for {@code CreateProcessW} with {@code CREATE_UNICODE_ENVIRONMENT}:
 * {@code NAME=value} entries in UTF-16, each ending in a NUL, sorted by name without regard to case (as Windows
 * keeps them), the block ending in one more NUL. Names are case-insensitive on Windows, so an added {@code PATH}
 * replaces an inherited {@code Path}.
 *
 * <pre>{@code
 * Map<String, String> env = WindowsEnvironment.merge(System.getenv(), Map.of(RunToken.ENVIRONMENT_VARIABLE, token));
 * Memory block = WindowsEnvironment.toMemory(WindowsEnvironment.block(env));
 * }</pre>
 */
final class WindowsEnvironment {
    /** Windows orders names by their upper-case characters, one UTF-16 unit at a time. */
    static final Comparator<String> NAME_ORDER = (a, b) -> {
        int length = Math.min(a.length(), b.length());
        for (int i = 0; i < length; i++) {
            char x = Character.toUpperCase(a.charAt(i));
            char y = Character.toUpperCase(b.charAt(i));
            if (x != y) {
                return Character.compare(x, y);
            }
        }
        return Integer.compare(a.length(), b.length());
    };

    private WindowsEnvironment() {
    }

    /**
     * The inherited environment with the additions on top; an addition replaces an inherited variable whose name
     * differs only in case, and takes its own spelling.
     */
    static Map<String, String> merge(Map<String, String> inherited, Map<String, String> additions) {
        TreeMap<String, String> merged = new TreeMap<>(NAME_ORDER);
        merged.putAll(inherited);
        for (Map.Entry<String, String> e : additions.entrySet()) {
            merged.remove(e.getKey());
            merged.put(e.getKey(), e.getValue());
        }
        return merged;
    }

    /**
     * The block as characters: sorted entries, each NUL-terminated, then a final NUL (an empty environment is two
     * NULs, since Windows reads the first as an empty entry's end).
     *
     * @throws IllegalArgumentException for an empty name, a name with {@code =} after its first character, or a
     *         NUL in a name or value
     */
    static String block(Map<String, String> environment) {
        TreeMap<String, String> sorted = new TreeMap<>(NAME_ORDER);
        for (Map.Entry<String, String> e : environment.entrySet()) {
            String name = Objects.requireNonNull(e.getKey(), "environment name");
            String value = Objects.requireNonNull(e.getValue(), () -> "value of environment variable " + name);
            if (name.isEmpty()) {
                throw new IllegalArgumentException("an environment variable name is empty");
            }
            // Windows keeps per-drive directories as "=C:=C:\dir": a leading '=' is allowed, no other.
            if (name.indexOf('=', 1) >= 0 || name.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("environment variable name " + name.replace('\0', '?')
                        + " contains '=' or NUL");
            }
            if (value.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("the value of environment variable " + name
                        + " contains a NUL character");
            }
            if (sorted.containsKey(name)) {
                throw new IllegalArgumentException("environment variables " + name + " and "
                        + sorted.ceilingKey(name) + " differ only in case; Windows keeps one of them");
            }
            sorted.put(name, value);
        }
        StringBuilder out = new StringBuilder();
        if (sorted.isEmpty()) {
            out.append('\0');
        }
        sorted.forEach((name, value) -> out.append(name).append('=').append(value).append('\0'));
        out.append('\0');
        return out.toString();
    }

    /** The block in native memory, UTF-16LE as Windows reads it. */
    static Memory toMemory(String block) {
        byte[] bytes = block.getBytes(StandardCharsets.UTF_16LE);
        Memory memory = new Memory(bytes.length);
        memory.write(0, bytes, 0, bytes.length);
        return memory;
    }
}
