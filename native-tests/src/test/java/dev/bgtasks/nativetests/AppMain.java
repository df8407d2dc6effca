package dev.bgtasks.nativetests;

import dev.bgtasks.ApplicationTriggerResult;
import dev.bgtasks.BackgroundTaskRegistration;
import dev.bgtasks.BackgroundTasks;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * An app process for the cross-process tests: {@code BackgroundTasks.open} with the {@code BGTASKS_HOME} its
 * test gave it, then one scripted action, then exit.
 */
public final class AppMain {
    private AppMain() {
    }

    public static void main(String[] args) throws Exception {
        String appId = args[1];
        try (BackgroundTasks bg = BackgroundTasks.open(appId)) {
            switch (args[0]) {
                case "access" -> System.out.println("ACCESS " + bg.executionManager().requestAccess().join());
                case "register-and-trigger" -> registerAndTrigger(bg, args[2]);
                case "register-env" -> registerEnv(bg, args[2], java.util.Arrays.copyOfRange(args, 3, args.length));
                case "receive" -> receive(bg, Integer.parseInt(args[2]));
                case "hammer" -> hammer(bg, Integer.parseInt(args[2]), Integer.parseInt(args[3]));
                case "hammer-slots" -> hammerSlots(bg, Integer.parseInt(args[2]), Integer.parseInt(args[3]),
                        args[4].split(","));
                case "hammer-policy" -> hammerPolicy(bg, dev.bgtasks.IfRunning.valueOf(args[2]),
                        Integer.parseInt(args[3]), Integer.parseInt(args[4]));
                case "register-results" -> registerResults(bg, java.util.Arrays.copyOfRange(args, 2, args.length));
                case "receive-results" -> receiveResults(bg, Integer.parseInt(args[2]), Integer.parseInt(args[3]));
                default -> throw new IllegalArgumentException(args[0]);
            }
        }
        System.out.flush();
        // Event threads are daemons; exit at once so "the app exits" really means its process is gone.
        System.exit(0);
    }

    private static void registerAndTrigger(BackgroundTasks bg, String taskClass) {
        bg.executionManager().requestAccess().join();
        bg.ensureRegistered("sleepy", bg.newTask().taskEntryPoint(taskClass).setTrigger(bg.applicationTrigger()));
        var response = bg.applicationTrigger().request(Map.of("steps", 4)).join();
        System.out.println("TRIGGERED " + response.result() + " " + response.instanceId());
    }

    /**
     * Registers a task that prints its environment, with {@code NAME=VALUE} variables of its own, and triggers it.
     * {@code kind} is {@code command} ({@code /usr/bin/env}) or {@code java} ({@link EnvTask}).
     */
    private static void registerEnv(BackgroundTasks bg, String kind, String[] variables) {
        bg.executionManager().requestAccess().join();
        Map<String, String> own = new java.util.LinkedHashMap<>();
        for (String pair : variables) {
            own.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
        }
        var builder = bg.newTask().setTrigger(bg.applicationTrigger()).environment(own);
        bg.ensureRegistered("env", kind.equals("java") ? builder.taskEntryPoint(EnvTask.class.getName())
                : builder.command(List.of("/usr/bin/env")));
        var response = bg.applicationTrigger().request(Map.of()).join();
        System.out.println("TRIGGERED " + response.result() + " " + response.instanceId());
    }

    /**
     * Registers a Java task that sets a result ({@link ResultTask}, slot {@code java}) and a command task whose
     * argv is {@code commandArgv} (slot {@code command}), and triggers both (SPEC P2).
     */
    private static void registerResults(BackgroundTasks bg, String[] commandArgv) {
        bg.executionManager().requestAccess().join();
        bg.ensureRegistered("java-result", bg.newTask().taskEntryPoint(ResultTask.class.getName())
                .setTrigger(bg.applicationTrigger("java")));
        bg.ensureRegistered("command-result", bg.newTask().command(List.of(commandArgv))
                .setTrigger(bg.applicationTrigger("command")));
        for (String slot : List.of("java", "command")) {
            var response = bg.applicationTrigger(slot).request(Map.of()).join();
            System.out.println("TRIGGERED " + slot + " " + response.result() + " " + response.instanceId());
        }
    }

    /** Prints each completion with its result map, in key order, until {@code count} arrived or time is up. */
    private static void receiveResults(BackgroundTasks bg, int count, int seconds) throws InterruptedException {
        CountDownLatch arrived = new CountDownLatch(count);
        for (BackgroundTaskRegistration reg : bg.allTasks().values()) {
            reg.onCompleted(e -> {
                System.out.println("COMPLETED " + e.instanceId() + " " + e.outcome() + " "
                        + new java.util.TreeMap<>(e.result()));
                arrived.countDown();
            });
        }
        arrived.await(seconds, TimeUnit.SECONDS);
    }

    /** Attaches a completion listener to every registration and prints what arrives within the time given. */
    private static void receive(BackgroundTasks bg, int seconds) throws InterruptedException {
        CountDownLatch never = new CountDownLatch(1);
        for (BackgroundTaskRegistration reg : bg.allTasks().values()) {
            reg.onCompleted(e -> System.out.println("COMPLETED " + e.instanceId() + " " + e.outcome()));
        }
        never.await(seconds, TimeUnit.SECONDS);
    }

    /**
     * {@code threads} threads, thread {@code t} triggering slot {@code slots[t % slots.length]} {@code calls} times
     * as fast as it can; prints {@code ALLOWED SLOT INSTANCE} for each instance created and {@code RESULT R N} for
     * the count of each answer.
     */
    private static void hammerSlots(BackgroundTasks bg, int threads, int calls, String[] slots) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<List<String>>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            String slot = slots[t % slots.length];
            futures.add(pool.submit(() -> {
                List<String> answers = new ArrayList<>();
                go.await();
                for (int i = 0; i < calls; i++) {
                    var response = bg.applicationTrigger(slot).request(Map.of()).join();
                    answers.add(response.result() == ApplicationTriggerResult.ALLOWED
                            ? "ALLOWED " + slot + " " + response.instanceId() : "RESULT " + response.result());
                }
                return answers;
            }));
        }
        go.countDown();
        Map<ApplicationTriggerResult, Integer> total = new EnumMap<>(ApplicationTriggerResult.class);
        for (var f : futures) {
            for (String answer : f.get(300, TimeUnit.SECONDS)) {
                if (answer.startsWith("ALLOWED")) {
                    System.out.println(answer);
                    total.merge(ApplicationTriggerResult.ALLOWED, 1, Integer::sum);
                } else {
                    total.merge(ApplicationTriggerResult.valueOf(answer.substring("RESULT ".length())), 1,
                            Integer::sum);
                }
            }
        }
        pool.shutdown();
        total.forEach((k, v) -> System.out.println("RESULT " + k + " " + v));
    }

    /** As {@link #hammer}, each request with {@code policy} (SPEC P3). */
    private static void hammerPolicy(BackgroundTasks bg, dev.bgtasks.IfRunning policy, int threads, int calls)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Map<ApplicationTriggerResult, Integer>>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            futures.add(pool.submit(() -> {
                Map<ApplicationTriggerResult, Integer> counts = new EnumMap<>(ApplicationTriggerResult.class);
                go.await();
                for (int i = 0; i < calls; i++) {
                    counts.merge(bg.applicationTrigger().requestAsync(Map.of(), policy).join(), 1, Integer::sum);
                }
                return counts;
            }));
        }
        go.countDown();
        Map<ApplicationTriggerResult, Integer> total = new EnumMap<>(ApplicationTriggerResult.class);
        for (var f : futures) {
            f.get(120, TimeUnit.SECONDS).forEach((k, v) -> total.merge(k, v, Integer::sum));
        }
        pool.shutdown();
        total.forEach((k, v) -> System.out.println("RESULT " + k + " " + v));
    }

    private static void hammer(BackgroundTasks bg, int threads, int calls) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Map<ApplicationTriggerResult, Integer>>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            futures.add(pool.submit(() -> {
                Map<ApplicationTriggerResult, Integer> counts = new EnumMap<>(ApplicationTriggerResult.class);
                go.await();
                for (int i = 0; i < calls; i++) {
                    counts.merge(bg.applicationTrigger().requestAsync().join(), 1, Integer::sum);
                }
                return counts;
            }));
        }
        go.countDown();
        Map<ApplicationTriggerResult, Integer> total = new EnumMap<>(ApplicationTriggerResult.class);
        for (var f : futures) {
            f.get(120, TimeUnit.SECONDS).forEach((k, v) -> total.merge(k, v, Integer::sum));
        }
        pool.shutdown();
        total.forEach((k, v) -> System.out.println("RESULT " + k + " " + v));
    }
}
