package dev.bgtasks.bench.chaos;

import dev.bgtasks.ApplicationTriggerResult;
import dev.bgtasks.TriggerResponse;
import dev.bgtasks.arguments.ValueMapCodec;
import dev.bgtasks.broker.TriggerRequest;
import dev.bgtasks.ipc.BrokerClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One hammering app process: {@code threads} threads, each with a connection of its own, each calling
 * {@code requestAsync} on one trigger {@code calls} times, then prints a {@link HammerCounts} line per result.
 * A thread stops sending (counted as not sent, never as unanswered) once the deadline passes.
 *
 * <p>Arguments: {@code <socket> <app id> <trigger name> <threads> <calls> <deadline epoch millis>}.
 */
final class HammerClient {
    private HammerClient() {
    }

    public static void main(String[] args) throws Exception {
        Path socket = Path.of(args[0]);
        String app = args[1];
        String trigger = args[2];
        int threads = Integer.parseInt(args[3]);
        int calls = Integer.parseInt(args[4]);
        long deadline = Long.parseLong(args[5]);
        Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
        List<String> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> workers = new ArrayList<>();
        byte[] noArguments = ValueMapCodec.encode(Map.of());
        for (int t = 0; t < threads; t++) {
            Thread worker = new Thread(() -> {
                int sent = 0;
                try (BrokerClient client = BrokerClient.connect(socket)) {
                    for (; sent < calls && System.currentTimeMillis() < deadline; sent++) {
                        try {
                            TriggerResponse response = client.requestTrigger(
                                    new TriggerRequest(app, trigger, noArguments, null));
                            ApplicationTriggerResult result = response.result();
                            counts.computeIfAbsent(result.name(), k -> new AtomicLong()).incrementAndGet();
                        } catch (RuntimeException e) {
                            counts.computeIfAbsent(HammerCounts.UNANSWERED, k -> new AtomicLong()).incrementAndGet();
                            errors.add(e.toString());
                        }
                    }
                } catch (Exception e) {
                    errors.add("connect: " + e);
                } finally {
                    counts.computeIfAbsent(HammerCounts.NOT_SENT, k -> new AtomicLong()).addAndGet(calls - sent);
                }
            }, "hammer-" + t);
            worker.start();
            workers.add(worker);
        }
        for (Thread worker : workers) {
            worker.join();
        }
        counts.forEach((name, count) -> System.out.println(HammerCounts.line(name, count.get())));
        errors.stream().limit(5).forEach(e -> System.out.println("ERROR " + e.replace('\n', ' ')));
    }
}
