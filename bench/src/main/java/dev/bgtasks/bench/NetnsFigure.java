package dev.bgtasks.bench;

import dev.bgtasks.ApplicationTriggerResult;
import dev.bgtasks.InstanceInfo;
import dev.bgtasks.SystemConditionType;
import dev.bgtasks.TriggerResponse;
import dev.bgtasks.arguments.ValueMapCodec;
import dev.bgtasks.broker.TaskDefinition;
import dev.bgtasks.broker.TaskTarget;
import dev.bgtasks.broker.TriggerRequest;
import dev.bgtasks.ipc.BrokerClient;
import dev.bgtasks.spi.HostSignal;
import dev.bgtasks.spi.ResourceLimits;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Condition flip → task start: a broker runs inside a fresh network namespace whose only route the harness adds
 * and removes; a pending INTERNET_AVAILABLE task must start when the default route appears. The kernel side is
 * {@code ip -ts monitor route} in the same namespace, an rtnetlink listener that stamps each message as it
 * receives it (wall clock, microseconds); the task side is the instance's {@code startedAt} (the broker's wall
 * clock when it launched the process, microseconds). Needs root and iproute2.
 *
 * <pre>{@code
 * FigureResult row = NetnsFigure.measure(30, 3);
 * }</pre>
 */
final class NetnsFigure {
    private static final String FIGURE = "condition flip → task start (netns: add default route)";
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    private NetnsFigure() {
    }

    /** Creates the namespace and its broker, measures, and removes both whatever happens. */
    public static FigureResult measure(int samples, int warmup) throws Exception {
        String namespace = "bgtb-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(4));
        Run add;
        try {
            add = run("ip", "netns", "add", namespace);
        } catch (IOException e) {
            return FigureResult.failed("netns", FIGURE, target(), "cannot run `ip netns add`: " + e.getMessage()
                    + " (needs iproute2 and root)");
        }
        if (add.exit() != 0) {
            return FigureResult.failed("netns", FIGURE, target(), "`ip netns add` exited " + add.exit() + ": "
                    + add.output().strip() + " (needs root and iproute2)");
        }
        Process monitor = null;
        try {
            ip(namespace, "link", "set", "lo", "up");
            ip(namespace, "link", "add", "v0", "type", "veth", "peer", "name", "v1");
            ip(namespace, "link", "set", "v1", "up");
            ip(namespace, "link", "set", "v0", "up");
            ip(namespace, "addr", "add", "10.200.0.2/24", "dev", "v0");
            awaitCarrier(namespace);
            monitor = new ProcessBuilder("ip", "-n", namespace, "-ts", "monitor", "route")
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            BlockingQueue<String> routes = readLines(monitor);
            try (BenchBroker broker = BenchBroker.startInNamespace(namespace)) {
                return measure(broker, namespace, routes, samples, warmup);
            }
        } finally {
            if (monitor != null) {
                monitor.destroyForcibly();
                monitor.waitFor(10, TimeUnit.SECONDS);
            }
            Run del = run("ip", "netns", "del", namespace);
            if (del.exit() != 0) {
                System.err.println("bench: could not delete network namespace " + namespace + ": " + del.output());
            }
        }
    }

    private static FigureResult measure(BenchBroker broker, String namespace, BlockingQueue<String> routes,
                                        int samples, int warmup) throws Exception {
        BrokerClient client = broker.client();
        broker.allow(EndToEnd.APP);
        Completions completions = new Completions();
        client.subscribe(EndToEnd.APP, completions);
        client.register(EndToEnd.APP, new TaskDefinition("bench-online", "online", new TaskTarget.Command(
                List.of("/bin/true")), Set.of(SystemConditionType.INTERNET_AVAILABLE), false,
                ResourceLimits.defaults(), false, Duration.ofSeconds(1), null));
        Samples flipToStart = new Samples(samples);
        Samples commandToEvent = new Samples(samples);
        for (int i = -warmup; i < samples; i++) {
            awaitInternet(client, false);
            TriggerResponse response = client.requestTrigger(new TriggerRequest(EndToEnd.APP, "online",
                    ValueMapCodec.encode(Map.of()), null));
            if (response.result() != ApplicationTriggerResult.ALLOWED) {
                throw new IllegalStateException("expected ALLOWED, got " + response.result());
            }
            routes.clear();
            Instant commandStart = Instant.now();
            ip(namespace, "route", "add", "default", "via", "10.200.0.1", "dev", "v0");
            Instant kernel = awaitRouteAdded(routes);
            InstanceInfo done = completions.await(response.instanceId(), DEADLINE).instance();
            if (done.startedAt() == null) {
                throw new IllegalStateException("the instance completed without starting: " + done);
            }
            if (i >= 0) {
                flipToStart.add(Duration.between(kernel, done.startedAt()).toNanos());
                commandToEvent.add(Duration.between(commandStart, kernel).toNanos());
            }
            ip(namespace, "route", "del", "default");
        }
        Summary s = flipToStart.summary();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("netlinkReceiptToStartedAt", s);
        details.put("ipRouteAddStartToNetlinkReceipt", commandToEvent.summary());
        return FigureResult.measured("netns", FIGURE, Samples.medianP95(s) + " after the netlink message",
                "netlink receipt by `ip monitor` (t = 0; `ip route add` start → receipt: median "
                        + Numbers.format(commandToEvent.summary().medianMillis()) + " ms)", s.p95Millis(),
                "p95 " + Numbers.format(s.p95Millis()) + " ms", target(), details);
    }

    private static Target target() {
        return Target.atMost(20, "p95 ms");
    }

    private static void awaitInternet(BrokerClient client, boolean value) {
        long end = System.nanoTime() + DEADLINE.toNanos();
        while (!client.signals().is(HostSignal.INTERNET, value)) {
            if (System.nanoTime() > end) {
                throw new IllegalStateException("the broker did not see INTERNET " + value + " within " + DEADLINE);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    /** The receipt stamp of the next "default via" line (an IPv6 address route may come in between). */
    private static Instant awaitRouteAdded(BlockingQueue<String> routes) throws InterruptedException {
        long end = System.nanoTime() + DEADLINE.toNanos();
        while (true) {
            String line = routes.poll(end - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new IllegalStateException("`ip monitor` printed no added default route within " + DEADLINE);
            }
            Instant stamp = monitorStamp(line);
            if (stamp != null && line.substring(line.indexOf(']') + 1).strip().startsWith("default via")) {
                return stamp;
            }
        }
    }

    /** The stamp of an {@code ip -ts monitor} line ({@code [2026-11-25T17:31:28.446477] ...}, local time). */
    static Instant monitorStamp(String line) {
        if (!line.startsWith("[") || line.indexOf(']') < 0) {
            return null;
        }
        return LocalDateTime.parse(line.substring(1, line.indexOf(']'))).atZone(ZoneId.systemDefault()).toInstant();
    }

    private static BlockingQueue<String> readLines(Process process) {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException ended) {
                // the monitor was stopped
            }
        }, "ip-monitor");
        reader.setDaemon(true);
        reader.start();
        return lines;
    }

    private static void awaitCarrier(String namespace) throws IOException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        // The kernel raises carrier asynchronously; each check is a real `ip` call.
        while (!ip(namespace, "-o", "link", "show", "v0").output().contains("state UP")) {
            if (System.nanoTime() > end) {
                throw new IOException("v0 did not come up in namespace " + namespace);
            }
        }
    }

    private record Run(int exit, String output) {
    }

    private static Run ip(String namespace, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("ip", "-n", namespace));
        command.addAll(List.of(args));
        Run result = run(command.toArray(new String[0]));
        if (result.exit() != 0) {
            throw new IOException(String.join(" ", command) + " exited " + result.exit() + ": " + result.output());
        }
        return result;
    }

    private static Run run(String... command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not end within 20 s");
            }
            return new Run(process.exitValue(), output);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted running " + String.join(" ", command), e);
        }
    }
}
