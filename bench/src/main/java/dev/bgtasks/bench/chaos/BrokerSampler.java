package dev.bgtasks.bench.chaos;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Samples one process from {@code /proc} on a thread of its own: resident memory ({@code VmRSS}), threads and open
 * file descriptors (the broker's connections, roughly), keeping the peak of each.
 *
 * <pre>{@code
 * try (BrokerSampler sampler = BrokerSampler.start(pid, 200)) {
 *     ...
 *     BrokerSampler.Sample now = sampler.sampleNow();
 *     long peakRss = sampler.peak().rssKib();
 * }
 * }</pre>
 */
final class BrokerSampler implements AutoCloseable {
    /** One look at the process; -1 for what could not be read. */
    record Sample(long rssKib, long threads, long fds) {
        Sample max(Sample other) {
            return new Sample(Math.max(rssKib, other.rssKib), Math.max(threads, other.threads),
                    Math.max(fds, other.fds));
        }
    }

    private final long pid;
    private final long intervalMillis;
    private final Thread thread;
    private volatile boolean stopped;
    private Sample peak = new Sample(-1, -1, -1);

    private BrokerSampler(long pid, long intervalMillis) {
        this.pid = pid;
        this.intervalMillis = intervalMillis;
        this.thread = new Thread(this::loop, "chaos-broker-sampler");
        thread.setDaemon(true);
    }

    static BrokerSampler start(long pid, long intervalMillis) {
        BrokerSampler sampler = new BrokerSampler(pid, intervalMillis);
        sampler.thread.start();
        return sampler;
    }

    private void loop() {
        while (!stopped) {
            sampleNow();
            try {
                Thread.sleep(intervalMillis);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Samples now, counting the sample towards the peak. */
    synchronized Sample sampleNow() {
        Sample sample = read(pid);
        peak = peak.max(sample);
        return sample;
    }

    synchronized Sample peak() {
        return peak;
    }

    static Sample read(long pid) {
        Path proc = Path.of("/proc", Long.toString(pid));
        long rss = -1;
        long threads = -1;
        try {
            List<String> status = Files.readAllLines(proc.resolve("status"), StandardCharsets.UTF_8);
            rss = RssBound.vmRssKib(status).orElse(-1L);
            threads = field(status, "Threads:").orElse(-1L);
        } catch (IOException e) {
            // Gone, or not ours to read: -1.
        }
        long fds = -1;
        try (Stream<Path> entries = Files.list(proc.resolve("fd"))) {
            fds = entries.count();
        } catch (IOException e) {
            // As above.
        }
        return new Sample(rss, threads, fds);
    }

    private static Optional<Long> field(List<String> status, String name) {
        return status.stream().filter(l -> l.startsWith(name))
                .map(l -> Long.parseLong(l.substring(name.length()).trim().split("\\s+")[0])).findFirst();
    }

    @Override
    public void close() {
        stopped = true;
        thread.interrupt();
    }
}
