package dev.bgtasks.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When the kernel killed a process, on the clock of {@link System#nanoTime()}: the kernel log's time stamps come
 * from its own clock, so one mark written to {@code /dev/kmsg} between two {@code nanoTime} readings gives the
 * offset. Needs root; without it every answer is empty and the figure falls back to the hog's own stamps.
 *
 * <pre>{@code
 * KernelLog kernel = KernelLog.calibrate();
 * OptionalLong killed = kernel.killNanos(hogPid);   // "Killed process <pid>" in the kernel log
 * }</pre>
 */
final class KernelLog {
    private static final Pattern STAMP = Pattern.compile("^\\[\\s*(\\d+)\\.(\\d{6})\\]");
    private final Long offsetNanos;

    private KernelLog(Long offsetNanos) {
        this.offsetNanos = offsetNanos;
    }

    /** Writes a mark to the kernel log and finds it again; an unusable log gives a log that answers nothing. */
    static KernelLog calibrate() {
        String mark = "bgtasks-bench clock mark " + UUID.randomUUID();
        try {
            long before = System.nanoTime();
            try (OutputStream kmsg = Files.newOutputStream(Path.of("/dev/kmsg"))) {
                kmsg.write(("<6>" + mark + "\n").getBytes(StandardCharsets.UTF_8));
            }
            long after = System.nanoTime();
            OptionalLong logged = stampOf(dmesg(), mark);
            return new KernelLog(logged.isPresent() ? before + (after - before) / 2 - logged.getAsLong() : null);
        } catch (IOException | RuntimeException e) {
            return new KernelLog(null);
        }
    }

    /** {@return the offset from the kernel log's clock to {@code nanoTime}, or null when not calibrated} */
    Long offsetNanos() {
        return offsetNanos;
    }

    /**
     * The latest kill of {@code pid} the kernel logged, on the {@code nanoTime} clock.
     *
     * @param pid the killed process
     * @return empty when not calibrated, or when the log has no such kill
     */
    OptionalLong killNanos(long pid) {
        if (offsetNanos == null || pid <= 0) {
            return OptionalLong.empty();
        }
        try {
            OptionalLong logged = stampOf(dmesg(), "Killed process " + pid + " ");
            return logged.isPresent() ? OptionalLong.of(logged.getAsLong() + offsetNanos) : OptionalLong.empty();
        } catch (IOException e) {
            return OptionalLong.empty();
        }
    }

    /** The kernel-clock time of the last line of {@code log} that contains {@code text}, in nanoseconds. */
    static OptionalLong stampOf(String log, String text) {
        OptionalLong found = OptionalLong.empty();
        for (String line : log.split("\n")) {
            if (!line.contains(text)) {
                continue;
            }
            Matcher m = STAMP.matcher(line);
            if (m.find()) {
                found = OptionalLong.of(Long.parseLong(m.group(1)) * 1_000_000_000L
                        + Long.parseLong(m.group(2)) * 1_000L);
            }
        }
        return found;
    }

    private static String dmesg() throws IOException {
        Process process = new ProcessBuilder("dmesg").redirectErrorStream(true).start();
        try (InputStream out = process.getInputStream()) {
            return new String(out.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
