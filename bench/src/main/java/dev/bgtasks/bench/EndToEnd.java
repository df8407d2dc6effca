package dev.bgtasks.bench;

import dev.bgtasks.ApplicationTriggerResult;
import dev.bgtasks.InstanceInfo;
import dev.bgtasks.TerminationReason;
import dev.bgtasks.TriggerResponse;
import dev.bgtasks.arguments.ValueMapCodec;
import dev.bgtasks.broker.TaskDefinition;
import dev.bgtasks.broker.TaskTarget;
import dev.bgtasks.broker.TriggerRequest;
import dev.bgtasks.ipc.BrokerClient;
import dev.bgtasks.spi.ResourceLimits;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.URISyntaxException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The end-to-end figures measured on one warm, real broker: each against its baseline in the same run, bgtasks
 * and baseline samples interleaved so that noise from other processes falls on both alike.
 *
 * <pre>{@code
 * try (BenchBroker broker = BenchBroker.start()) {
 *     EndToEnd e2e = new EndToEnd(broker, 3);
 *     FigureResult spawn = e2e.commandTask(200);
 * }
 * }</pre>
 */
final class EndToEnd {
    static final String APP = "dev.bgtasks.bench";
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    /** The size of a requestTrigger frame body, so the echo baseline moves as many bytes. */
    private static final int ECHO_BODY_BYTES = 160;

    private final BenchBroker broker;
    private final BrokerClient client;
    private final Completions completions = new Completions();
    private final int warmup;
    private final Set<String> registered = new java.util.HashSet<>();
    /** The fsync floor's median, once {@link #fsyncFloor} ran; NaN before. */
    private double floorMillis = Double.NaN;

    public EndToEnd(BenchBroker broker, int warmup) {
        this.broker = broker;
        this.client = broker.client();
        this.warmup = warmup;
        broker.allow(APP);
        client.subscribe(APP, completions);
    }

    // ---- figure 1: trigger -> first line of a Java task's run ----

    /** Trigger → first line of {@link ProbeTask#run} against {@code java -cp ... FirstLineMain} to its first line. */
    public FigureResult javaStart(int samples) throws Exception {
        String figure = "trigger → first line of a Java task's run (warm broker";
        // A cold start each time: this registration opts out of standby hosts, which java-warm measures.
        register("java", new TaskTarget.JavaEntryPoint(ProbeTask.class.getName(), BenchBroker.classpath())
                .withStandby(false), ResourceLimits.defaults());
        String archive = awaitStartArchive();
        figure += ", " + archive + ")";
        Samples bgtasks = new Samples(samples);
        Samples baseline = new Samples(samples);
        Samples answered = new Samples(samples);
        Failures failures = new Failures();
        for (int i = -warmup; i < samples; i++) {
            Path out = broker.home().resolve("first-line-" + (i + warmup));
            long start = System.nanoTime();
            TriggerResponse response = trigger("java", Map.of("out", out.toString()));
            long answer = System.nanoTime();
            requireAllowed(response);
            InstanceInfo done = completions.await(response.instanceId(), DEADLINE).instance();
            if (!failures.check(done)) {
                continue;
            }
            long firstLine = Long.parseLong(Files.readString(out).strip());

            Path baseOut = broker.home().resolve("baseline-" + (i + warmup));
            long baseStart = System.nanoTime();
            Process jvm = new ProcessBuilder(BenchBroker.javaExecutable(), "-cp",
                    System.getProperty("java.class.path"), FirstLineMain.class.getName(), baseOut.toString())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            waitFor(jvm);
            long baseFirstLine = Long.parseLong(Files.readString(baseOut).strip());
            if (i >= 0) {
                bgtasks.add(firstLine - start);
                baseline.add(baseFirstLine - baseStart);
                answered.add(answer - start);
            }
        }
        Summary b = bgtasks.summary();
        Summary base = baseline.summary();
        double ratio = b.medianMillis() / base.medianMillis();
        Map<String, Object> details = details(b, base);
        details.put("triggerAnswered", answered.summary());
        details.put("startArchive", archive);
        failures.describeIn(details);
        return FigureResult.measured("java-start", figure, Samples.medianP95(b) + failures.note(),
                "`java -cp <same classpath> FirstLineMain`: " + Samples.medianP95(base), ratio,
                "ratio " + Numbers.format(ratio) + " (+" + Numbers.format(b.medianMillis() - base.medianMillis())
                        + " ms)", Target.atMost(3.0, "median ratio (cold start)"), details);
    }

    // ---- figure 1b: trigger -> first line of a Java task's run on a standby host (SPEC W1) ----

    /**
     * Trigger → first line of {@link ProbeTask#run} handed to a standby task host, against the same raw
     * {@code java -cp ... FirstLineMain} measured in the same loop. Each sample waits for the broker to have its next
     * standby up (started in the background after the last take) before it triggers, as a user's next click would
     * find it; the standby's memory, as {@code bgtask doctor} lists it, goes in the details.
     */
    public FigureResult javaWarmStart(int samples) throws Exception {
        String figure = "trigger → first line of a Java task's run on a standby host (SPEC W1";
        register("java-warm", new TaskTarget.JavaEntryPoint(ProbeTask.class.getName(), BenchBroker.classpath()),
                ResourceLimits.defaults());
        figure += ", " + awaitStartArchive() + ")";
        Samples bgtasks = new Samples(samples);
        Samples baseline = new Samples(samples);
        Samples answered = new Samples(samples);
        Samples toTaken = new Samples(samples);
        List<Long> standbyRss = new ArrayList<>();
        Failures failures = new Failures();
        int cold = 0;
        for (int i = -warmup - 1; i < samples; i++) {
            // The first trigger starts cold and leaves the first standby; each take leaves the next one.
            boolean ready = i == -warmup - 1 || awaitStandby(standbyRss);
            Path out = broker.home().resolve("warm-line-" + (i + warmup + 1));
            java.time.Instant wallStart = java.time.Instant.now();
            long start = System.nanoTime();
            TriggerResponse response = trigger("java-warm", Map.of("out", out.toString()));
            long answer = System.nanoTime();
            requireAllowed(response);
            InstanceInfo done = completions.await(response.instanceId(), DEADLINE).instance();
            if (!failures.check(done)) {
                continue;
            }
            long firstLine = Long.parseLong(Files.readString(out).strip());
            Path baseOut = broker.home().resolve("warm-baseline-" + (i + warmup + 1));
            long baseStart = System.nanoTime();
            Process jvm = new ProcessBuilder(BenchBroker.javaExecutable(), "-cp",
                    System.getProperty("java.class.path"), FirstLineMain.class.getName(), baseOut.toString())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            waitFor(jvm);
            long baseFirstLine = Long.parseLong(Files.readString(baseOut).strip());
            if (i >= 0) {
                if (!ready) {
                    cold++;
                }
                tookAt(done).ifPresent(took -> toTaken.add(Duration.between(wallStart, took).toNanos()));
                bgtasks.add(firstLine - start);
                baseline.add(baseFirstLine - baseStart);
                answered.add(answer - start);
            }
        }
        Summary b = bgtasks.summary();
        Summary base = baseline.summary();
        double ratio = b.medianMillis() / base.medianMillis();
        Map<String, Object> details = details(b, base);
        details.put("triggerAnswered", answered.summary());
        details.put("samplesWithoutAStandbyReady", cold);
        details.put("trigger → standby host confirmed its take (wall clock, its log line)", toTaken.summary());
        details.put("standbyRssMiB", standbyRss);
        failures.describeIn(details);
        return FigureResult.measured("java-warm", figure, Samples.medianP95(b) + failures.note(),
                "`java -cp <same classpath> FirstLineMain`: " + Samples.medianP95(base), ratio,
                "ratio " + Numbers.format(ratio) + " (standby RSS "
                        + (standbyRss.isEmpty() ? "?" : standbyRss.get(standbyRss.size() - 1)) + " MiB)",
                Target.atMost(0.25, "median ratio"), details);
    }

    /** When the standby host logged that it took the instance (its log line's wall-clock time), if it did. */
    private java.util.Optional<java.time.Instant> tookAt(InstanceInfo info) {
        Path log = broker.home().resolve("data").resolve("runs").resolve(info.instanceId() + ".log");
        try {
            return Files.readAllLines(log).stream().filter(l -> l.contains("standby host took instance"))
                    .map(l -> java.time.Instant.parse(l.substring(0, l.indexOf(' ')))).findFirst();
        } catch (IOException | RuntimeException e) {
            return java.util.Optional.empty();
        }
    }

    private static final java.util.regex.Pattern WAITING_STANDBY =
            java.util.regex.Pattern.compile("RSS (\\d+) MiB, waiting");

    /** Waits up to 30 s for a standby that is connected and waiting; notes its memory. False when none came. */
    private boolean awaitStandby(List<Long> rss) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() - deadline < 0) {
            java.util.regex.Matcher m = WAITING_STANDBY.matcher(client.describePlatform());
            if (m.find()) {
                rss.add(Long.parseLong(m.group(1)));
                return true;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        return false;
    }

    /**
     * Waits for the class-data archive the broker trains when a Java task registers, so the samples measure the
     * steady state; returns what they ran with.
     */
    private String awaitStartArchive() throws IOException {
        if (!BenchBroker.classpath().stream().allMatch(entry -> entry.endsWith(".jar"))) {
            return "no class-data archive (a directory on the classpath)";
        }
        Path dir = broker.javaStartArchives();
        long started = System.nanoTime();
        long deadline = started + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() - deadline < 0) {
            if (Files.isDirectory(dir)) {
                try (var files = Files.list(dir)) {
                    for (Path file : files.toList()) {
                        String name = file.getFileName().toString();
                        if (name.endsWith(".jsa")) {
                            return "class-data archive trained in " + Numbers.format(
                                    (System.nanoTime() - started) / 1e9) + " s";
                        }
                        if (name.endsWith(".failed")) {
                            return "no class-data archive: " + Files.readString(file).strip();
                        }
                    }
                }
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
        return "no class-data archive within 90 s";
    }

    // ---- figure 2: trigger -> exit of /bin/true ----

    /**
     * The fsync floor of the broker's file system (one WAL commit with {@code synchronous=FULL}), which the command
     * figure's goal is stated against (issue 15): no durable broker answers below it.
     */
    public FigureResult fsyncFloor(int samples) throws Exception {
        try (FsyncFloor floor = FsyncFloor.open(broker.home())) {
            Summary commit = floor.measure(samples);
            floorMillis = commit.medianMillis();
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("commit", commit);
            details.put("directory", broker.home().toString());
            return FigureResult.measured("fsync", "fsync floor: one SQLite WAL commit, synchronous=FULL, on the"
                            + " broker's file system", Samples.medianP95(commit), "—", commit.medianMillis(),
                    Numbers.format(commit.medianMillis()) + " ms", null, details);
        }
    }

    /** The command figure's bound: 2 × the fsync floor + 1.5 ms; without a measured floor, the old 3 ms. */
    Target commandTarget() {
        return Double.isNaN(floorMillis) ? Target.atMost(3, "median overhead ms")
                : Target.atMost(2 * floorMillis + 1.5, "median overhead ms (2 × fsync floor + 1.5)");
    }

    /** Trigger → completion event of a {@code /bin/true} task against ProcessBuilder spawn + wait of it. */
    public FigureResult commandTask(int samples) throws Exception {
        String figure = "trigger → exit of a /bin/true command task (completion event received)";
        registerTrue();
        Samples bgtasks = new Samples(samples);
        Samples baseline = new Samples(samples);
        Samples answered = new Samples(samples);
        Samples launchToEnd = new Samples(samples);
        Failures failures = new Failures();
        for (int i = -warmup; i < samples; i++) {
            long start = System.nanoTime();
            TriggerResponse response = trigger("true", Map.of());
            long answer = System.nanoTime();
            requireAllowed(response);
            Completions.Seen seen = completions.await(response.instanceId(), DEADLINE);
            if (!failures.check(seen.instance())) {
                continue;
            }
            long baseline1 = spawnTrue();
            if (i >= 0) {
                bgtasks.add(seen.receivedNanos() - start);
                answered.add(answer - start);
                baseline.add(baseline1);
                InstanceInfo info = seen.instance();
                launchToEnd.add(Duration.between(info.startedAt(), info.endedAt()).toNanos());
            }
        }
        Summary b = bgtasks.summary();
        Summary base = baseline.summary();
        double overhead = b.medianMillis() - base.medianMillis();
        Map<String, Object> details = details(b, base);
        details.put("triggerAnswered (decision + store + spawn)", answered.summary());
        details.put("startedAt → endedAt (broker clock)", launchToEnd.summary());
        failures.describeIn(details);
        details.put("fsyncFloorMillis", floorMillis);
        String floorText = Double.isNaN(floorMillis) ? "" : "; fsync floor " + Numbers.format(floorMillis) + " ms";
        return FigureResult.measured("command", figure, Samples.medianP95(b) + failures.note(),
                "ProcessBuilder spawn + wait: " + Samples.medianP95(base) + floorText, overhead,
                "overhead " + Numbers.format(overhead) + " ms (trigger answered after "
                        + Numbers.format(answered.summary().medianMillis()) + " ms)",
                commandTarget(), details);
    }

    // ---- figure 4: requestAsync answered CURRENTLY_RUNNING ----

    /** Round trips of a trigger answered CURRENTLY_RUNNING against a bare UDS echo of a frame as large. */
    public FigureResult currentlyRunning(int samples) throws Exception {
        String figure = "requestAsync answered CURRENTLY_RUNNING over the socket";
        register("busy", new TaskTarget.Command(List.of("/bin/sleep", "600")), ResourceLimits.defaults());
        TriggerResponse first = trigger("busy", Map.of());
        requireAllowed(first);
        Path socket = broker.home().resolve("echo.sock");
        Process echo = new ProcessBuilder(BenchBroker.javaExecutable(), "-cp", codeSource().toString(),
                EchoServer.class.getName(), socket.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            BufferedReader ready = new BufferedReader(new InputStreamReader(echo.getInputStream(),
                    StandardCharsets.UTF_8));
            if (!"ready".equals(ready.readLine())) {
                throw new IOException("the echo server did not start");
            }
            Samples bgtasks = new Samples(samples);
            Samples baseline = new Samples(samples);
            try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                channel.connect(UnixDomainSocketAddress.of(socket));
                ByteBuffer frame = ByteBuffer.allocate(Integer.BYTES + ECHO_BODY_BYTES);
                ByteBuffer back = ByteBuffer.allocate(frame.capacity());
                frame.putInt(ECHO_BODY_BYTES);
                int rounds = Math.max(warmup * 100, 200);
                for (int i = -rounds; i < samples; i++) {
                    long start = System.nanoTime();
                    TriggerResponse again = trigger("busy", Map.of());
                    long end = System.nanoTime();
                    if (again.result() != ApplicationTriggerResult.CURRENTLY_RUNNING) {
                        throw new IllegalStateException("expected CURRENTLY_RUNNING, got " + again.result());
                    }
                    frame.clear();
                    back.clear();
                    long echoStart = System.nanoTime();
                    while (frame.hasRemaining()) {
                        channel.write(frame);
                    }
                    if (!EchoServer.readFully(channel, back)) {
                        throw new IOException("the echo server closed the connection");
                    }
                    long echoEnd = System.nanoTime();
                    if (i >= 0) {
                        bgtasks.add(end - start);
                        baseline.add(echoEnd - echoStart);
                    }
                }
            }
            client.cancel(APP, first.instanceId());
            completions.await(first.instanceId(), DEADLINE);
            Summary b = bgtasks.summary();
            Summary base = baseline.summary();
            return FigureResult.measured("rtt", figure, Samples.p50P99(b),
                    "bare UDS echo of a " + (Integer.BYTES + ECHO_BODY_BYTES) + "-byte frame: " + Samples.p50P99(base),
                    b.medianMillis(), "p50 " + Numbers.format(b.medianMillis()) + " ms (" + Numbers.format(
                            b.medianMillis() / base.medianMillis()) + " × echo)", Target.atMost(0.3, "p50 ms"),
                    details(b, base));
        } finally {
            echo.destroyForcibly();
            echo.waitFor(10, TimeUnit.SECONDS);
        }
    }

    // ---- figure 5: sequential cycles per second ----

    /** Sequential trigger → completion cycles of /bin/true per second against raw spawn + wait per second. */
    public FigureResult cycleRate(int cycles) throws Exception {
        String figure = "sequential trigger → completion cycles/s (/bin/true)";
        registerTrue();
        Failures failures = new Failures();
        for (int i = 0; i < warmup; i++) {
            cycle(failures);
            spawnTrue();
        }
        long start = System.nanoTime();
        for (int i = 0; i < cycles; i++) {
            cycle(failures);
        }
        double bgtasksRate = cycles / ((System.nanoTime() - start) / 1e9);
        start = System.nanoTime();
        for (int i = 0; i < cycles; i++) {
            spawnTrue();
        }
        double spawnRate = cycles / ((System.nanoTime() - start) / 1e9);
        // What a durable scheduler written by hand would do per run: record it, spawn and wait, record the end.
        double baselineRate;
        try (FsyncFloor store = FsyncFloor.open(broker.home())) {
            store.measure(warmup + 1);
            start = System.nanoTime();
            for (int i = 0; i < cycles; i++) {
                store.commit();
                spawnTrue();
                store.commit();
            }
            baselineRate = cycles / ((System.nanoTime() - start) / 1e9);
        }
        double ratio = bgtasksRate / baselineRate;
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("cycles", cycles);
        details.put("bgtasksPerSecond", bgtasksRate);
        details.put("baselinePerSecond (spawn + wait + two durable SQLite commits)", baselineRate);
        details.put("spawnWaitPerSecond", spawnRate);
        failures.describeIn(details);
        return FigureResult.measured("rate", figure, Numbers.format(bgtasksRate) + "/s" + failures.note(),
                "spawn + wait + two durable SQLite commits: " + Numbers.format(baselineRate) + "/s (spawn + wait"
                        + " alone: " + Numbers.format(spawnRate) + "/s)", ratio,
                Numbers.format(ratio) + " ×", Target.atLeast(0.8, "rate ratio"), details);
    }

    // ---- figure 7: memory-hog detection ----

    /** Memory limit crossed (the hog's last allocation) → completion event received, recorded OUT_OF_MEMORY. */
    public FigureResult memoryHog(int samples) throws Exception {
        String figure = "memory-hog detection: limit crossed → completion recorded";
        Path stamp = broker.home().resolve("hog.time");
        long limit = 128L << 20;
        register("hog", new TaskTarget.Command(List.of(BenchBroker.javaExecutable(), "-XX:+UseSerialGC",
                "-Xmx32m", "-XX:MaxDirectMemorySize=4g", "-XX:TieredStopAtLevel=1", "-cp", codeSource().toString(),
                MemoryHog.class.getName(), stamp.toString())), ResourceLimits.builder().memoryBytes(limit).build());
        Samples detection = new Samples(samples);
        Samples afterKill = new Samples(samples);
        KernelLog kernel = KernelLog.calibrate();
        List<String> reasons = new ArrayList<>();
        for (int i = -Math.min(warmup, 1); i < samples; i++) {
            Files.deleteIfExists(stamp);
            TriggerResponse response = trigger("hog", Map.of());
            requireAllowed(response);
            Completions.Seen seen = completions.await(response.instanceId(), DEADLINE);
            InstanceInfo done = seen.instance();
            if (done.terminationReason() != TerminationReason.OUT_OF_MEMORY) {
                throw new IllegalStateException("the hog was not recorded OUT_OF_MEMORY: " + done);
            }
            long lastAllocation = readStamp(stamp);
            if (i >= 0) {
                detection.add(seen.receivedNanos() - lastAllocation);
                reasons.add(String.valueOf(done.terminationReason()));
                OptionalLong killed = kernel.killNanos(readLong(stamp, Long.BYTES));
                if (killed.isPresent()) {
                    afterKill.add(seen.receivedNanos() - killed.getAsLong());
                }
            }
        }
        Summary s = detection.summary();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("detection", s);
        details.put("limitBytes", limit);
        details.put("recorded", reasons);
        details.put("kernelLogClockOffsetNanos", kernel.offsetNanos());
        if (afterKill.size() == 0) {
            return FigureResult.measured("oom", figure, Samples.medianP95(s) + " (" + samples
                    + " × OUT_OF_MEMORY)", "—", s.medianMillis(), "median " + Numbers.format(s.medianMillis())
                    + " ms", Target.atMost(100, "median ms"), details);
        }
        // Between the hog's last allocation and the kill the kernel reclaims; only the part after the kill is ours.
        Summary k = afterKill.summary();
        details.put("afterKernelKill", k);
        return FigureResult.measured("oom", figure, "after the kernel's kill: " + Samples.medianP95(k)
                        + "; after the last allocation: " + Samples.medianP95(s) + " (" + samples
                        + " × OUT_OF_MEMORY)", "the kernel's OOM kill (its log, clock-calibrated)", k.medianMillis(),
                "median " + Numbers.format(k.medianMillis()) + " ms after the kill",
                Target.atMost(100, "median ms"), details);
    }

    // ---- helpers ----

    private void registerTrue() {
        register("true", new TaskTarget.Command(List.of("/bin/true")), ResourceLimits.defaults());
    }

    private void register(String trigger, TaskTarget target, ResourceLimits limits) {
        if (registered.add(trigger)) {
            client.register(APP, new TaskDefinition("bench-" + trigger, trigger, target, Set.of(), false, limits,
                    false, Duration.ofSeconds(1), null));
        }
    }

    private TriggerResponse trigger(String trigger, Map<String, ?> arguments) {
        return client.requestTrigger(new TriggerRequest(APP, trigger, ValueMapCodec.encode(arguments), null));
    }

    private void cycle(Failures failures) {
        TriggerResponse response = trigger("true", Map.of());
        requireAllowed(response);
        failures.check(completions.await(response.instanceId(), DEADLINE).instance());
    }

    private static long spawnTrue() throws IOException, InterruptedException {
        long start = System.nanoTime();
        Process process = new ProcessBuilder("/bin/true").redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        int exit = process.waitFor();
        long took = System.nanoTime() - start;
        if (exit != 0) {
            throw new IllegalStateException("/bin/true exited " + exit);
        }
        return took;
    }

    private static void waitFor(Process process) throws InterruptedException {
        if (!process.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("a baseline process did not end within " + DEADLINE);
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException("a baseline process exited " + process.exitValue());
        }
    }

    private static void requireAllowed(TriggerResponse response) {
        if (response.result() != ApplicationTriggerResult.ALLOWED) {
            throw new IllegalStateException("expected ALLOWED, got " + response.result());
        }
    }

    /**
     * Runs that did not succeed. One is left out of the samples and named in the row, so a rare failure on a busy
     * host neither hides nor voids the figure; more than a tenth of the runs failing voids it.
     */
    private final class Failures {
        private int runs;
        private final List<String> failed = new ArrayList<>();

        /** Counts the run; true when it succeeded. */
        boolean check(InstanceInfo info) {
            runs++;
            boolean ok = info.errorClass() == null && info.terminationReason() == null
                    && (info.exitCode() == null || info.exitCode() == 0);
            if (!ok) {
                failed.add(info.outcome() + ": " + info.errorMessage() + " (exit " + info.exitCode() + ", reason "
                        + info.terminationReason() + ")" + runLog(info));
                if (failed.size() * 10 > Math.max(runs, 10)) {
                    throw new IllegalStateException(failed.size() + " of " + runs + " runs failed: " + failed);
                }
            }
            return ok;
        }

        /** What the run printed (the sandbox's wrapper reports a failed cgroup join there), if anything. */
        private String runLog(InstanceInfo info) {
            Path log = broker.home().resolve("data").resolve("runs").resolve(info.instanceId() + ".log");
            try {
                String text = Files.exists(log) ? Files.readString(log).strip() : "";
                return text.isEmpty() ? "" : "; its log: " + text.substring(0, Math.min(text.length(), 300));
            } catch (IOException e) {
                return "";
            }
        }

        String note() {
            return failed.isEmpty() ? "" : "; " + failed.size() + " of " + runs + " runs failed: " + failed.get(0);
        }

        void describeIn(Map<String, Object> details) {
            details.put("runs", runs);
            details.put("failedRuns", failed);
        }
    }

    private static long readLong(Path file, long position) throws IOException {
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer value = ByteBuffer.allocate(Long.BYTES);
            while (value.hasRemaining() && in.read(value, position + value.position()) >= 0) {
                // read the 8 bytes at position
            }
            return value.hasRemaining() ? -1 : value.flip().getLong();
        }
    }

    private static long readStamp(Path file) throws IOException {
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer value = ByteBuffer.allocate(Long.BYTES);
            while (value.hasRemaining() && in.read(value) >= 0) {
                // read the 8 bytes the hog wrote last
            }
            if (value.hasRemaining()) {
                throw new IOException("the hog wrote no time stamp to " + file);
            }
            return value.flip().getLong();
        }
    }

    static Map<String, Object> details(Summary bgtasks, Summary baseline) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("bgtasks", bgtasks);
        details.put("baseline", baseline);
        return details;
    }

    /** The directory or jar holding this module's classes: all the helper mains need. */
    static Path codeSource() {
        try {
            return Path.of(EndToEnd.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The client, for the idle figure. */
    BrokerClient client() {
        return client;
    }
}
