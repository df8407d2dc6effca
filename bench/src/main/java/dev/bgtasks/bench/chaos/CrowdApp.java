package dev.bgtasks.bench.chaos;

import dev.bgtasks.ApplicationTriggerResult;
import dev.bgtasks.BackgroundTaskCompletedEventArgs;
import dev.bgtasks.BackgroundTaskRegistration;
import dev.bgtasks.BackgroundTasks;
import dev.bgtasks.TaskOutcome;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * One process of the crowd scenario: {@code count} apps, a thread each, each with its own
 * {@code BackgroundTasks.open} (so its own connection, and the broker started by the first if none runs). Once
 * all are open it prints {@code READY <open> <failed>} and waits for a line on stdin; then every app registers a
 * short command task, triggers it and waits for its completion, app number {@code n} of {@code total} starting
 * {@code n * ramp / total} after that line. When all are done the process prints {@link HammerCounts} lines
 * ({@code COUNT SUCCEEDED n}, {@code COUNT FAILED n}), {@code LATENCY <max ms>}, the first errors and
 * {@code DONE}; the apps stay connected until a second line arrives, and then the process exits.
 *
 * <p>Arguments: {@code <BGTASKS_HOME> <first app number> <count> <total apps> <ramp millis> <task millis>
 * <deadline epoch millis>}.
 */
final class CrowdApp {
    static final String APP_PREFIX = "dev.bgtasks.chaos.crowd.a";
    static final String SUCCEEDED = "SUCCEEDED";
    static final String FAILED = "FAILED";

    private CrowdApp() {
    }

    public static void main(String[] args) throws Exception {
        Path home = Path.of(args[0]);
        int first = Integer.parseInt(args[1]);
        int count = Integer.parseInt(args[2]);
        int total = Integer.parseInt(args[3]);
        long rampMillis = Long.parseLong(args[4]);
        long taskMillis = Long.parseLong(args[5]);
        long deadline = Long.parseLong(args[6]);
        CountDownLatch opened = new CountDownLatch(count);
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch finished = new CountDownLatch(count);
        CountDownLatch release = new CountDownLatch(1);
        AtomicLong goNanos = new AtomicLong();
        AtomicLong slowest = new AtomicLong();
        AtomicInteger open = new AtomicInteger();
        AtomicInteger succeeded = new AtomicInteger();
        List<String> errors = Collections.synchronizedList(new ArrayList<>());
        List<Thread> apps = new ArrayList<>();
        for (int i = first; i < first + count; i++) {
            String appId = String.format(Locale.ROOT, "%s%04d", APP_PREFIX, i);
            long offsetNanos = TimeUnit.MILLISECONDS.toNanos(rampMillis * i / total);
            Thread app = new Thread(() -> {
                BackgroundTasks bg;
                try {
                    bg = BackgroundTasks.open(appId, home);
                    open.incrementAndGet();
                } catch (RuntimeException e) {
                    errors.add(appId + " open: " + e);
                    finished.countDown();
                    return;
                } finally {
                    opened.countDown();
                }
                try (bg) {
                    go.await();
                    long start = goNanos.get() + offsetNanos;
                    while (System.nanoTime() - start < 0) {
                        LockSupport.parkNanos(start - System.nanoTime());
                    }
                    if (runOnce(bg, taskMillis, deadline)) {
                        succeeded.incrementAndGet();
                        slowest.accumulateAndGet(System.nanoTime() - start, Math::max);
                    }
                    finished.countDown();
                    // Connected until every app of the crowd is done: the broker holds them all to the end.
                    release.await(Math.max(1, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
                } catch (Exception e) {
                    errors.add(appId + ": " + e);
                    finished.countDown();
                }
            }, "crowd-" + appId);
            app.setDaemon(true);
            app.start();
            apps.add(app);
        }
        opened.await(Math.max(0, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
        System.out.println("READY " + open.get() + " " + (count - open.get()));
        System.out.flush();
        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        stdin.readLine();
        goNanos.set(System.nanoTime());
        go.countDown();
        finished.await(Math.max(1, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
        System.out.println(HammerCounts.line(SUCCEEDED, succeeded.get()));
        System.out.println(HammerCounts.line(FAILED, count - succeeded.get()));
        System.out.println("LATENCY " + TimeUnit.NANOSECONDS.toMillis(slowest.get()));
        synchronized (errors) {
            errors.stream().limit(5).forEach(e -> System.out.println("ERROR " + e.replace('\n', ' ')));
        }
        System.out.println("DONE");
        System.out.flush();
        stdin.readLine();
        release.countDown();
        for (Thread app : apps) {
            app.join(Math.max(1, Math.min(10_000, deadline - System.currentTimeMillis())));
        }
        // App threads still waiting past the deadline are daemons: the process ends now, counted as failed.
        System.exit(0);
    }

    /** Register, trigger, completion: true when the task ran and succeeded within the deadline. */
    private static boolean runOnce(BackgroundTasks bg, long taskMillis, long deadline) throws Exception {
        bg.executionManager().requestAccess().join();
        BackgroundTaskRegistration registration = bg.newTask().name("crowd")
                .command(List.of("/bin/sleep", String.format(Locale.ROOT, "%.3f", taskMillis / 1000.0)))
                .setTrigger(bg.applicationTrigger()).register();
        CompletableFuture<BackgroundTaskCompletedEventArgs> completed = new CompletableFuture<>();
        registration.onCompleted(completed::complete);
        ApplicationTriggerResult result = bg.applicationTrigger().request(Map.of()).join().result();
        if (result != ApplicationTriggerResult.ALLOWED) {
            throw new IllegalStateException("the trigger was answered " + result);
        }
        BackgroundTaskCompletedEventArgs done = completed.get(Math.max(1, deadline - System.currentTimeMillis()),
                TimeUnit.MILLISECONDS);
        if (done.outcome() != TaskOutcome.SUCCEEDED) {
            throw new IllegalStateException("the task ended " + done.outcome() + " "
                    + done.terminationReason().map(Object::toString).orElse(""));
        }
        return true;
    }
}
