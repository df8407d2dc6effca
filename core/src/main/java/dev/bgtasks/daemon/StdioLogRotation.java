package dev.bgtasks.daemon;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps {@code broker.log} bounded (SPEC B7) for a broker whose SLF4J provider is not logback: the app's own
 * provider (slf4j-simple, say) writes the broker's lines to stderr, which {@link BrokerStarter} appends to the log.
 * Nothing in the JVM can reopen that stream, so the log is rotated the way logrotate's {@code copytruncate} does it:
 * {@code broker.log.N-1} → {@code .N}, ..., a copy to {@code broker.log.1}, then {@code broker.log} truncated to
 * nothing. The stream was opened to append, so the next line goes to the start of the emptied file. Lines written
 * between the copy and the truncation are lost; that window is a copy of at most one file.
 *
 * <pre>{@code
 * StdioLogRotation.start(Path.of(System.getProperty(StdioLogRotation.PROPERTY)), BrokerLog.DEFAULT);
 * }</pre>
 */
final class StdioLogRotation {
    /** Set by {@link BrokerStarter} when the broker's stdout and stderr are appended to the log. */
    static final String PROPERTY = "bgtasks.stdio.log";
    /** How often the size is checked: rare enough that an idle broker sleeps, often enough to bound a burst. */
    static final Duration CHECK_INTERVAL = Duration.ofMinutes(10);
    private static final Logger LOG = LoggerFactory.getLogger(StdioLogRotation.class);

    private StdioLogRotation() {
    }

    /** Checks now and then every {@link #CHECK_INTERVAL} on a daemon thread of its own. */
    static void start(Path log, BrokerLog limits) {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "bgtasks-log-rotation");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(() -> {
            try {
                if (rotateIfOver(log, limits)) {
                    LOG.info("broker log rotated at {} bytes ({} files kept)", limits.maxFileBytes(), limits.files());
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn("the broker log {} could not be rotated: {}", log, e.toString());
            }
        }, 0, CHECK_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Rotates {@code log} when it has passed {@code limits.maxFileBytes()}.
     *
     * @return whether it did
     */
    static boolean rotateIfOver(Path log, BrokerLog limits) throws IOException {
        if (!Files.isRegularFile(log, LinkOption.NOFOLLOW_LINKS) || Files.size(log) <= limits.maxFileBytes()) {
            return false;
        }
        int archives = limits.files() - 1;
        if (archives > 0) {
            Files.deleteIfExists(archive(log, archives));
            for (int i = archives - 1; i >= 1; i--) {
                Path older = archive(log, i);
                if (Files.exists(older, LinkOption.NOFOLLOW_LINKS)) {
                    Files.move(older, archive(log, i + 1), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Files.copy(log, archive(log, 1), StandardCopyOption.REPLACE_EXISTING, LinkOption.NOFOLLOW_LINKS);
        }
        try (FileChannel channel = FileChannel.open(log, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
            channel.truncate(0);
        }
        return true;
    }

    private static Path archive(Path log, int n) {
        return log.resolveSibling(log.getFileName() + "." + n);
    }
}
