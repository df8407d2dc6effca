package dev.bgtasks.spi;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * The one-time token that marks a task instance's process (SPEC S2, B6): the environment variable that carries it,
 * how a new one is made, the hash that names things derived from it without showing it, and how a process's
 * environment is matched against it. Every sandbox and the broker use this one definition.
 *
 * <pre>{@code
 * String token = RunToken.newToken();
 * env.put(RunToken.ENVIRONMENT_VARIABLE, token);
 * String cgroupName = "t" + RunToken.hashHex(token, 16);      // safe to show in a world-readable tree
 * boolean ours = RunToken.isCarriedBy(Files.readAllBytes(Path.of("/proc", pid, "environ")), token);
 * }</pre>
 */
public final class RunToken {
    /** The environment variable a task process receives its token in. */
    public static final String ENVIRONMENT_VARIABLE = "BGTASKS_RUN_TOKEN";

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int TOKEN_BYTES = 32;
    // How long an environment that reads empty is read again: an exec empties it for a moment.
    private static final long EXEC_SETTLE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private RunToken() {
    }

    /**
     * A fresh token: 256 random bits, URL-safe base64 without padding.
     *
     * @return the token
     */
    public static String newToken() {
        byte[] bytes = new byte[TOKEN_BYTES];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /**
     * The lowercase hex of the first {@code bytes} bytes of the token's SHA-256: a name that can be found again from
     * the token while the token itself (a secret) never shows, e.g. in the cgroup tree or the systemd unit list.
     *
     * @param token the run token
     * @param bytes how many digest bytes to keep, 1 to 32
     * @return {@code 2 * bytes} hex digits
     */
    public static String hashHex(String token, int bytes) {
        if (bytes < 1 || bytes > 32) {
            throw new IllegalArgumentException("a SHA-256 digest has 1 to 32 bytes, not " + bytes);
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /**
     * The {@code NAME=value} entry that carries the token in an environment block.
     *
     * @param token the run token
     * @return {@code BGTASKS_RUN_TOKEN=<token>}
     */
    public static String environmentEntry(String token) {
        return ENVIRONMENT_VARIABLE + "=" + token;
    }

    /**
     * Whether a NUL-separated environment block (Linux's {@code /proc/<pid>/environ}, macOS's {@code KERN_PROCARGS2}
     * tail) carries exactly this token: a whole entry, never a prefix or a substring of one.
     *
     * @param environ the raw block
     * @param token the run token; an empty token matches nothing
     * @return true when the block holds {@code BGTASKS_RUN_TOKEN=<token>} as a whole entry
     */
    public static boolean isCarriedBy(byte[] environ, String token) {
        if (token == null || token.isEmpty()) {
            return false;
        }
        return hasEntry(environ, environmentEntry(token));
    }

    /**
     * Whether a NUL-separated environment block holds {@code entry} as a whole entry.
     *
     * @param environ the raw block
     * @param entry a {@code NAME=value} entry; an empty one matches nothing
     * @return true when some entry equals it byte for byte
     */
    public static boolean hasEntry(byte[] environ, String entry) {
        byte[] wanted = entry.getBytes(StandardCharsets.UTF_8);
        if (wanted.length == 0) {
            return false;
        }
        int start = 0;
        for (int i = 0; i <= environ.length; i++) {
            if (i == environ.length || environ[i] == 0) {
                if (i - start == wanted.length && Arrays.equals(environ, start, i, wanted, 0, wanted.length)) {
                    return true;
                }
                start = i + 1;
            }
        }
        return false;
    }

    /**
     * Whether one process carries the token, its environment read by {@code environ} (empty when the process is gone
     * or not ours to read). A process in the middle of an {@code exec} reads as an empty block for a moment: on Linux
     * the new address space has no environment until the loader has set it up, so a task whose command execs again
     * (a shell's {@code exec}) can read empty just when a broker checks it. An empty block is therefore read again for
     * up to 200 ms before the answer is no. Meant for a check of one process (adopt, orphan kill); a sweep of every
     * process would wait on each kernel thread and zombie, whose environments read empty for good.
     *
     * @param environ reads the process's environment block
     * @param token the run token
     * @return true when the block holds {@code BGTASKS_RUN_TOKEN=<token>} as a whole entry
     */
    public static boolean isCarriedByProcess(Supplier<Optional<byte[]>> environ, String token) {
        long deadline = System.nanoTime() + EXEC_SETTLE_NANOS;
        while (true) {
            Optional<byte[]> block = environ.get();
            if (block.isEmpty()) {
                return false;
            }
            if (block.get().length > 0 || System.nanoTime() - deadline > 0) {
                return isCarriedBy(block.get(), token);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }
}
