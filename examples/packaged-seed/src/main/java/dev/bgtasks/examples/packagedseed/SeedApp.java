package dev.bgtasks.examples.packagedseed;

import dev.bgtasks.BackgroundTaskRegistration;
import dev.bgtasks.BackgroundTasks;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The seed scenario as a headless app to ship with jpackage: it registers {@link SeedTask}, triggers it with an
 * argument and exits; started again, it receives the completion. The task runs in a JVM of its own, started by
 * the broker from the app image's runtime, which (with jpackage's default options) has no {@code bin/java}.
 *
 * <pre>{@code
 * SeedApp trigger "hello"     // prints TRIGGERED ALLOWED <instance id>, then AGAIN CURRENTLY_RUNNING
 * SeedApp receive 30          // prints COMPLETED <instance id> SUCCEEDED when it arrives, within 30 s
 * SeedApp                     // both: trigger "hello", then wait for the completion
 * }</pre>
 */
public final class SeedApp {
    /** The app id the broker knows this app by. */
    public static final String APP_ID = "dev.bgtasks.examples.packagedseed";

    private SeedApp() {
    }

    /**
     * Runs one of the commands above, then exits.
     *
     * @param args {@code trigger NOTE [SECONDS]}, {@code receive SECONDS}, or nothing for both
     * @throws InterruptedException when interrupted while waiting for a completion
     */
    public static void main(String[] args) throws InterruptedException {
        String command = args.length > 0 ? args[0] : "both";
        try (BackgroundTasks bg = BackgroundTasks.open(APP_ID)) {
            switch (command) {
                case "trigger" -> trigger(bg, args.length > 1 ? args[1] : "hello", seconds(args, 4));
                case "receive" -> receive(bg, Integer.parseInt(args.length > 1 ? args[1] : "30"), false);
                case "both" -> {
                    trigger(bg, "hello", 4);
                    receive(bg, 60, true);
                }
                default -> {
                    System.err.println("usage: SeedApp [trigger NOTE [SECONDS] | receive SECONDS]");
                    System.exit(2);
                }
            }
        }
        System.out.flush();
        // Event threads are daemons; exit at once so that "the app exits" means its process is gone.
        System.exit(0);
    }

    private static int seconds(String[] args, int otherwise) {
        return args.length > 2 ? Integer.parseInt(args[2]) : otherwise;
    }

    private static void trigger(BackgroundTasks bg, String note, int seconds) {
        System.out.println("ACCESS " + bg.executionManager().requestAccess().join());
        bg.ensureRegistered("seed", bg.newTask().taskEntryPoint(SeedTask.class.getName())
                .setTrigger(bg.applicationTrigger()));
        var response = bg.applicationTrigger().request(Map.of(SeedTask.NOTE, note, SeedTask.SECONDS, seconds))
                .join();
        System.out.println("TRIGGERED " + response.result() + " " + response.instanceId());
        // The first is pending or running: a second request finds it (SPEC T4).
        System.out.println("AGAIN " + bg.applicationTrigger().requestAsync().join());
    }

    /** Prints every completion that arrives within {@code seconds}; with {@code firstOnly}, stops at the first. */
    private static void receive(BackgroundTasks bg, int seconds, boolean firstOnly) throws InterruptedException {
        CountDownLatch first = new CountDownLatch(1);
        for (BackgroundTaskRegistration registration : bg.allTasks().values()) {
            registration.onProgress(e -> System.out.println("PROGRESS " + e.instanceId() + " " + e.progress()));
            registration.onCompleted(e -> {
                System.out.println("COMPLETED " + e.instanceId() + " " + e.outcome());
                first.countDown();
            });
        }
        if (firstOnly) {
            first.await(seconds, TimeUnit.SECONDS);
        } else {
            Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
        }
    }
}
