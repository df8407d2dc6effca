package dev.bgtasks.bench.chaos;

import dev.bgtasks.ApplicationTriggerResult;
import dev.bgtasks.BackgroundTaskRegistration;
import dev.bgtasks.BackgroundTasks;
import dev.bgtasks.TaskOutcome;
import dev.bgtasks.broker.Retention;
import dev.bgtasks.daemon.BrokerLog;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Scenario 6, the soak (issue 14, SPEC B7): N trigger → completion cycles of one registration, a {@code /bin/true}
 * command task, through the Java API with a completion listener, against a real broker with its defaults. At 10 %,
 * 50 % and 100 % it samples the data directory, its files, the broker log and the broker's RSS ({@link SoakSample});
 * each must grow less than 10 % from 50 % to 100 %, the WAL and the broker log stay within their bounds, and at the
 * end the history holds at most the retention bound. Samples are taken at rest, two seconds after the cycle, so
 * that the sweep the cycle may have scheduled is over (with marks at multiples of 50, each sample follows one).
 * Last, it times the listing {@code bgtask runs} makes.
 */
final class SoakScenario {
    static final String APP = "dev.bgtasks.chaos.soak";
    /** Checkpoints come every 1000 pages (4 MiB) and are cut back to the journal size limit (4 MiB) after. */
    static final long WAL_BOUND = 5L * 1024 * 1024;
    private static final int LISTINGS = 20;
    private static final long SETTLE_MILLIS = 2000;

    private final ChaosOptions options;
    private final ScenarioTally tally;

    SoakScenario(ChaosOptions options, ScenarioTally tally) {
        this.options = options;
        this.tally = tally;
    }

    void run() throws Exception {
        int cycles = options.soakCycles();
        Path home = ChaosBroker.newHome();
        TaskProcesses processes = TaskProcesses.host();
        try (ChaosBroker broker = ChaosBroker.start(home, processes);
             BackgroundTasks app = BackgroundTasks.open(APP, broker.home())) {
            app.executionManager().requestAccess().join();
            BackgroundTaskRegistration registration = app.newTask().name("soak").command(List.of("/bin/true"))
                    .setTrigger(app.applicationTrigger()).register();
            LinkedBlockingQueue<TaskOutcome> completed = new LinkedBlockingQueue<>();
            registration.onCompleted(done -> completed.add(done.outcome()));
            Path data = broker.location().stateDirectory();
            Path logs = broker.location().logDirectory();
            long logBound = (long) BrokerLog.DEFAULT.files() * (BrokerLog.DEFAULT.maxFileBytes() + 1024 * 1024)
                    + 1024 * 1024;
            List<Integer> marks = List.of(Math.max(1, cycles / 10), Math.max(1, cycles / 2), cycles);
            List<SoakSample> samples = new ArrayList<>();
            long start = System.nanoTime();
            for (int i = 1; i <= cycles; i++) {
                ApplicationTriggerResult result = app.applicationTrigger().requestAsync().join();
                if (result != ApplicationTriggerResult.ALLOWED) {
                    tally.violation("cycle " + i + ": the trigger answered " + result);
                    break;
                }
                TaskOutcome outcome = completed.poll(60, TimeUnit.SECONDS);
                if (outcome != TaskOutcome.SUCCEEDED) {
                    tally.violation("cycle " + i + ": the task ended " + (outcome == null ? "not within 60 s" : outcome)
                            + "; broker log: " + broker.logTail(20));
                    break;
                }
                tally.cycle();
                if (marks.contains(i)) {
                    // At rest: the sweep that every 50th completion schedules has finished, so each sample sees
                    // the history at its bound rather than up to 49 runs over it, whenever the timer ran.
                    Thread.sleep(SETTLE_MILLIS);
                    long rss = broker.pid().flatMap(RssBound::vmRssKib).orElse(0L);
                    SoakSample sample = SoakSample.take(i, data, logs, rss);
                    samples.add(sample);
                    String at = (100L * i / cycles) + " %";
                    System.out.printf("chaos: soak %s, %.0f s%n", sample.describe(at), (System.nanoTime() - start) / 1e9);
                    record(at, sample);
                }
            }
            if (samples.size() == marks.size()) {
                tally.check(SoakSample.problems(samples.get(1), samples.get(2), WAL_BOUND, logBound));
            }
            int kept = app.instances().size();
            tally.count("instances kept at the end", kept);
            tally.check(kept <= Retention.DEFAULT_KEEP_ENDED + 50, kept + " instances kept after " + cycles
                    + " cycles: retention keeps " + Retention.DEFAULT_KEEP_ENDED + " ended (plus up to 49 before the"
                    + " next sweep)");
            long[] listing = new long[LISTINGS];
            for (int i = 0; i < LISTINGS; i++) {
                long t = System.nanoTime();
                broker.client().instances(APP);
                listing[i] = System.nanoTime() - t;
            }
            Arrays.sort(listing);
            long medianMicros = listing[LISTINGS / 2] / 1000;
            tally.count("runs listing median us", medianMicros);
            tally.check(medianMicros < 100_000, "listing the runs took " + medianMicros + " us (median of "
                    + LISTINGS + "), not milliseconds");
            tally.count("seconds per 1000 cycles", Math.round((System.nanoTime() - start) / 1e9 * 1000 / cycles));
        }
    }

    private void record(String at, SoakSample sample) {
        String suffix = " at " + at;
        tally.count("data KiB" + suffix, sample.dataBytes() / 1024);
        tally.count("WAL KiB" + suffix, sample.walBytes() / 1024);
        tally.count("files" + suffix, sample.files());
        tally.count("broker log KiB" + suffix, sample.logBytes() / 1024);
        tally.count("broker RSS KiB" + suffix, sample.rssKib());
    }
}
