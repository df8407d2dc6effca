package app;

import dev.bgtasks.ApplicationTriggerResult;
import dev.bgtasks.BackgroundTaskRegistration;
import dev.bgtasks.BackgroundTasks;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The seed scenario as a modular app: a command task and a Java task, each triggered once, both completions
 * received. Prints one line per step for the test to read. Argument: the file the command task creates.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws Exception {
        try (BackgroundTasks bg = BackgroundTasks.open("com.example.modular")) {
            System.out.println("ACCESS " + bg.executionManager().requestAccess().join());
            BackgroundTaskRegistration java = bg.ensureRegistered("echo",
                    bg.newTask().taskEntryPoint("app.tasks.EchoTask").setTrigger(bg.applicationTrigger()));
            BackgroundTaskRegistration command = bg.ensureRegistered("touch",
                    bg.newTask().command(List.of("/usr/bin/touch", args[0]))
                            .setTrigger(bg.applicationTrigger("touch")));
            CountDownLatch done = new CountDownLatch(2);
            java.onCompleted(e -> {
                System.out.println("COMPLETED java " + e.outcome() + " " + e.progress());
                done.countDown();
            });
            command.onCompleted(e -> {
                System.out.println("COMPLETED command " + e.outcome());
                done.countDown();
            });
            ApplicationTriggerResult javaResult = bg.applicationTrigger().requestAsync(Map.of("word", "hello")).join();
            System.out.println("TRIGGERED java " + javaResult);
            System.out.println("TRIGGERED command " + bg.applicationTrigger("touch").requestAsync().join());
            System.out.println("AGAIN java " + bg.applicationTrigger().requestAsync(Map.of("word", "again")).join());
            System.out.println(done.await(60, TimeUnit.SECONDS) ? "DONE" : "TIMEOUT");
        }
        System.out.flush();
        System.exit(0);
    }
}
