package dev.bgtasks.bench.chaos;

import dev.bgtasks.BackgroundAccessStatus;
import dev.bgtasks.broker.TaskDefinition;
import dev.bgtasks.broker.TaskTarget;
import dev.bgtasks.ipc.BrokerClient;
import dev.bgtasks.spi.ResourceLimits;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Scenario 3: fuzzed frames over the broker's Unix socket, burst by burst, one connection each. Every
 * {@code checkEvery} frames a well-formed client must get right answers (on its long-lived connection, and every
 * tenth time on a new one), the broker must still be alive, and its RSS must stay within 20 % of where it stood
 * after warm-up (the first tenth of the frames).
 */
final class FuzzScenario {
    static final String CHECKER = "dev.bgtasks.chaos.fuzz.checker";
    private static final double RSS_FACTOR = 1.2;
    private static final long DRAIN_SECONDS = 10;

    private final ChaosOptions options;
    private final long seed;
    private final ScenarioTally tally;
    /** Concurrent connections: each waits for the broker to hang up, so one alone would leave the broker idle. */
    private static final int SENDERS = 3;

    private final Map<FrameFuzzer.Kind, AtomicLong> kinds = new EnumMap<>(FrameFuzzer.Kind.class);
    private final AtomicLong delivered = new AtomicLong();
    private final List<String> senderFailures = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "chaos-fuzz-watchdog");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicLong lingering = new AtomicLong();
    private final AtomicLong refusedWrites = new AtomicLong();

    FuzzScenario(ChaosOptions options, long seed, ScenarioTally tally) {
        this.options = options;
        this.seed = seed;
        this.tally = tally;
        for (FrameFuzzer.Kind kind : FrameFuzzer.Kind.values()) {
            kinds.put(kind, new AtomicLong());
        }
    }

    private void sendUntilDone(Path socket, FrameFuzzer fuzzer, AtomicLong claimed, long deadline) {
        try {
            while (System.nanoTime() < deadline) {
                List<FrameFuzzer.Frame> burst = fuzzer.burst();
                long start = claimed.getAndAdd(burst.size());
                if (start >= options.fuzzFrames()) {
                    return;
                }
                burst = burst.subList(0, (int) Math.min(burst.size(), options.fuzzFrames() - start));
                send(socket, burst);
                delivered.addAndGet(burst.size());
            }
        } catch (IOException | RuntimeException e) {
            senderFailures.add(e.toString());
        }
    }

    /** The broker's heap use after a full GC ({@code jcmd}), telling a leak from a heap the JVM merely grew. */
    private static Optional<String> heapAfterFullGc(long pid) {
        try {
            Process gc = new ProcessBuilder("jcmd", Long.toString(pid), "GC.run").redirectErrorStream(true).start();
            gc.getInputStream().readAllBytes();
            gc.waitFor(30, TimeUnit.SECONDS);
            Process info = new ProcessBuilder("jcmd", Long.toString(pid), "GC.heap_info").redirectErrorStream(true)
                    .start();
            String text = new String(info.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            info.waitFor(30, TimeUnit.SECONDS);
            return text.lines().map(String::trim).filter(l -> l.contains("total") && l.contains("used"))
                    .findFirst().map(l -> l + "; RSS " + RssBound.vmRssKib(pid).orElse(-1L) + " KiB");
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    void run() throws Exception {
        long deadline = System.nanoTime() + options.fuzzTime().toNanos();
        try (ChaosBroker broker = ChaosBroker.start(ChaosBroker.newHome(), TaskProcesses.host())) {
            BrokerClient checker = broker.client();
            BackgroundAccessStatus access = checker.requestAccess(CHECKER);
            checker.register(CHECKER, new TaskDefinition("check", "check", new TaskTarget.Command(List.of(
                    "/bin/true")), Set.of(), false, ResourceLimits.defaults(), false, null, null));
            long pid = broker.pid().orElseThrow();
            Path socket = broker.location().socket();
            RssBound rss = new RssBound(RSS_FACTOR);
            long warmUp = Math.max(options.fuzzCheckEvery(), options.fuzzFrames() / 10);
            AtomicLong claimed = new AtomicLong();
            List<Thread> senders = new ArrayList<>();
            for (int i = 0; i < SENDERS; i++) {
                // One fuzzer per sender, each from the scenario's seed: a replay sends the same frames.
                FrameFuzzer fuzzer = new FrameFuzzer(seed + i);
                Thread sender = new Thread(() -> sendUntilDone(socket, fuzzer, claimed, deadline), "chaos-fuzz-" + i);
                sender.start();
                senders.add(sender);
            }
            long nextCheck = options.fuzzCheckEvery();
            int checks = 0;
            while (senders.stream().anyMatch(Thread::isAlive)) {
                long sent = delivered.get();
                if (!rss.hasBaseline() && sent >= warmUp) {
                    rss.baseline(RssBound.vmRssKib(pid).orElse(0L));
                }
                if (sent >= nextCheck) {
                    nextCheck = sent + options.fuzzCheckEvery();
                    check(broker, checker, access, pid, ++checks % 10 == 0, rss);
                } else {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
                }
            }
            for (Thread sender : senders) {
                sender.join();
            }
            tally.cycles(delivered.get());
            if (delivered.get() < options.fuzzFrames()) {
                tally.note("time bound " + options.fuzzTime().toSeconds() + " s reached after " + delivered.get()
                        + " of " + options.fuzzFrames() + " frames");
            }
            senderFailures.forEach(f -> tally.violation("a fuzz sender failed: " + f));
            check(broker, checker, access, pid, true, rss);
            kinds.forEach((kind, count) -> tally.count(kind.name(), count.get()));
            tally.count("writes refused (broker had closed)", refusedWrites.get());
            tally.count("connections left open 10 s after EOF", lingering.get());
            heapAfterFullGc(pid).ifPresent(heap -> tally.note("broker heap after a full GC at the end: " + heap));
            tally.count("RSS KiB after warm-up", rss.baselineKib());
            tally.count("RSS KiB max", rss.maxKib());
        } finally {
            watchdog.shutdownNow();
        }
    }

    private void check(ChaosBroker broker, BrokerClient checker, BackgroundAccessStatus access, long pid,
                       boolean fresh, RssBound rss) {
        tally.check(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false),
                "the broker (pid " + pid + ") died: " + broker.logTail(5));
        try {
            BackgroundAccessStatus status = checker.accessStatus(CHECKER);
            tally.check(status == access, "the checker's access status read " + status + ", not " + access);
        } catch (RuntimeException e) {
            tally.check(false, "the well-formed client got no answer: " + e);
        }
        if (fresh) {
            try (BrokerClient client = broker.connect()) {
                int registrations = client.registrations(CHECKER).size();
                tally.check(registrations == 1, "a new client saw " + registrations + " registrations, not 1");
            } catch (IOException | RuntimeException e) {
                tally.check(false, "a new well-formed client could not connect or got no answer: " + e);
            }
        }
        if (rss.hasBaseline()) {
            Optional<Long> kib = RssBound.vmRssKib(pid);
            if (kib.isPresent()) {
                Optional<String> over = rss.sample(kib.get());
                tally.check(over.isEmpty(), over.orElse(""));
            }
        }
    }

    /** Writes one burst on a new connection, half-closes it, and reads whatever the broker answers to its end. */
    private void send(Path socket, List<FrameFuzzer.Frame> burst) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            for (FrameFuzzer.Frame frame : burst) {
                kinds.get(frame.kind()).incrementAndGet();
                try {
                    ByteBuffer bytes = ByteBuffer.wrap(frame.bytes());
                    while (bytes.hasRemaining()) {
                        channel.write(bytes);
                    }
                } catch (IOException closedByBroker) {
                    // The broker hung up after an earlier frame; that is its right. The rest of the burst is moot.
                    refusedWrites.incrementAndGet();
                    return;
                }
            }
            try {
                channel.shutdownOutput();
            } catch (IOException closedByBroker) {
                return;
            }
            drain(channel);
        }
    }

    private void drain(SocketChannel channel) {
        ScheduledFuture<?> timeout = watchdog.schedule(() -> {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing is all we wanted
            }
        }, DRAIN_SECONDS, TimeUnit.SECONDS);
        ByteBuffer sink = ByteBuffer.allocate(64 * 1024);
        try {
            while (channel.read(sink) >= 0) {
                sink.clear();
            }
        } catch (IOException e) {
            if (!channel.isOpen()) {
                lingering.incrementAndGet();
            }
        } finally {
            timeout.cancel(false);
        }
    }
}
