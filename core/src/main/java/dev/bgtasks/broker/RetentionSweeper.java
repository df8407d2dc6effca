package dev.bgtasks.broker;

import dev.bgtasks.store.EndedInstance;
import dev.bgtasks.store.StoreException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounded history (SPEC B7): deletes the ended instances {@link Retention} does not keep, with their run logs, and
 * gives the space back to the file system.
 *
 * <pre>{@code
 * sweeper.start();          // after recovery: one sweep now, then one per interval
 * sweeper.onCompletion();   // from each completion, under the broker's lock: a sweep every N of them
 * }</pre>
 *
 * <p>Sweeps stay off the trigger path: a completion only counts, and every {@value #SWEEP_EVERY_COMPLETIONS}th
 * schedules a sweep on the broker's clock. A sweep deletes in batches of {@value #BATCH} rows, each its own
 * transaction with the next batch scheduled after it, so a trigger never waits for more than one batch; then it
 * compacts the store ({@code incremental_vacuum}, WAL checkpoint). Its fsyncs are its own, never a trigger's.
 */
final class RetentionSweeper {
    static final int SWEEP_EVERY_COMPLETIONS = 50;
    /** Also what an idle broker waits between sweeps, so old instances go without new completions. */
    static final Duration SWEEP_INTERVAL = Duration.ofHours(1);
    static final int BATCH = 200;
    private static final Logger LOG = LoggerFactory.getLogger(Broker.class);

    private final BrokerContext ctx;
    private final Retention retention;
    // Guarded by the broker's lock.
    private int completionsSinceSweep;
    private boolean sweepScheduled;
    private boolean orphansChecked;
    private BrokerClock.Timer nextSweep;
    // Touched only by the sweep, one batch at a time.
    private long deletedThisSweep;

    RetentionSweeper(BrokerContext ctx) {
        this.ctx = ctx;
        this.retention = ctx.config.retention();
    }

    /** Under the broker's lock, after recovery: a store from before (an upgrade, a long outage) is swept at once. */
    void start() {
        requestSweep();
    }

    /** Under the broker's lock, after a completion is stored. */
    void onCompletion() {
        completionsSinceSweep++;
        if (completionsSinceSweep >= SWEEP_EVERY_COMPLETIONS) {
            requestSweep();
        }
    }

    private void requestSweep() {
        if (sweepScheduled || ctx.closed) {
            return;
        }
        sweepScheduled = true;
        completionsSinceSweep = 0;
        if (nextSweep != null) {
            nextSweep.cancel();
        }
        ctx.clock.schedule(Duration.ZERO, this::sweepBatch);
    }

    /** On close: no sweep starts on a closed store. */
    void stop() {
        if (nextSweep != null) {
            nextSweep.cancel();
        }
    }

    private void sweepBatch() {
        synchronized (ctx.lock) {
            if (ctx.closed) {
                return;
            }
        }
        Instant cutoff = ctx.clock.now().minus(retention.maxAge());
        List<EndedInstance> batch;
        try {
            batch = ctx.store.write(tx -> {
                List<EndedInstance> found = tx.instancesToPrune(retention.keepEnded(), cutoff, BATCH);
                tx.deleteEndedInstances(found.stream().map(EndedInstance::instanceId).toList());
                return found;
            });
        } catch (StoreException e) {
            finish(e);
            return;
        }
        for (EndedInstance gone : batch) {
            if (!gone.delivered()) {
                LOG.warn("dropped the completion of instance {} of {} (ended {}): no listener of the app took it "
                        + "within {}", gone.instanceId(), gone.appId(), gone.endedAt(), retention.maxAge());
            }
            deleteRunLog(gone.instanceId());
        }
        deletedThisSweep += batch.size();
        if (batch.size() == BATCH) {
            ctx.clock.schedule(Duration.ZERO, this::sweepBatch);
            return;
        }
        try {
            deleteOrphanedRunLogs();
            if (deletedThisSweep > 0) {
                long freedPages = ctx.store.compact();
                LOG.info("retention: deleted {} ended instance(s) and their run logs, gave back {} page(s) of the "
                        + "database (keeping {} per registration, {} at most)", deletedThisSweep, freedPages,
                        retention.keepEnded(), retention.maxAge());
            }
            finish(null);
        } catch (StoreException e) {
            finish(e);
        }
    }

    private void finish(StoreException failure) {
        deletedThisSweep = 0;
        synchronized (ctx.lock) {
            sweepScheduled = false;
            if (ctx.closed) {
                return;
            }
            if (failure != null) {
                LOG.warn("retention: the sweep failed; the next one tries again: {}", failure.getMessage());
            }
            nextSweep = ctx.clock.schedule(SWEEP_INTERVAL, () -> {
                synchronized (ctx.lock) {
                    requestSweep();
                }
            });
        }
    }

    private void deleteRunLog(UUID instanceId) {
        Path log = ctx.config.instanceLog(instanceId);
        try {
            Files.deleteIfExists(log);
        } catch (IOException e) {
            LOG.warn("retention: could not delete the run log {}: {}", log, e.toString());
        }
    }

    /**
     * Once per broker: run logs whose instance is gone (a crash between a sweep's commit and its file deletions)
     * are deleted too. An instance is stored before its process can write a log, so a live one is never taken.
     */
    private void deleteOrphanedRunLogs() {
        synchronized (ctx.lock) {
            if (orphansChecked) {
                return;
            }
            orphansChecked = true;
        }
        Path dir = ctx.config.runLogDirectory();
        List<UUID> logged = new ArrayList<>();
        try (DirectoryStream<Path> logs = Files.newDirectoryStream(dir, "*.log")) {
            for (Path log : logs) {
                instanceIdOf(log).ifPresent(logged::add);
            }
        } catch (NoSuchFileException e) {
            return;
        } catch (IOException e) {
            LOG.warn("retention: could not list the run logs in {}: {}", dir, e.toString());
            return;
        }
        List<UUID> orphans = ctx.store.read(tx -> logged.stream().filter(id -> tx.instance(id).isEmpty()).toList());
        orphans.forEach(this::deleteRunLog);
        if (!orphans.isEmpty()) {
            LOG.info("retention: deleted {} run log(s) of instances no longer stored", orphans.size());
        }
    }

    private static Optional<UUID> instanceIdOf(Path log) {
        String name = log.getFileName().toString();
        try {
            return Optional.of(UUID.fromString(name.substring(0, name.length() - ".log".length())));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
