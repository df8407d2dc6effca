package dev.bgtasks.broker;

import dev.bgtasks.InstanceState;
import dev.bgtasks.TerminationReason;
import dev.bgtasks.spi.ResourceLimits;
import dev.bgtasks.spi.RunToken;
import dev.bgtasks.spi.SandboxedProcess;
import dev.bgtasks.spi.TaskEndRecords;
import dev.bgtasks.store.InstanceRow;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A broker restart (SPEC B3, B5, B6). Before it decides anything, the new broker reads what its instances' tasks
 * recorded themselves: an instance whose task ended while no broker ran is recorded with its true outcome, exit
 * code, peak memory and end time from its supervisor's exit record and, for a Java task, its host's result record
 * (B5). A pending instance whose process is alive (the previous broker started it and died before it stored that)
 * is found by its run token and taken back, never launched again (B6). The rest the previous broker left running
 * is taken back, a command by its pid at once, a Java task when its host reconnects with its run token within the
 * re-adoption window. What does not come back in time is killed, if anything of it is left, and recorded as
 * {@code BROKER_LOST}, unless its records show it ended on its own meanwhile.
 *
 * <pre>{@code
 * recovery.recover();                              // at start, under the broker's lock
 * RunningTask task = recovery.readopt(runToken);   // a host reconnects
 * }</pre>
 */
final class Recovery {
    private static final Logger LOG = LoggerFactory.getLogger(Broker.class);

    private final BrokerContext ctx;
    private final TaskRuns runs;
    // Guarded by the broker's lock.
    private final Map<String, InstanceRow> awaitingReadoption = new HashMap<>();
    private BrokerClock.Timer readoptTimer;

    Recovery(BrokerContext ctx, TaskRuns runs) {
        this.ctx = ctx;
        this.runs = runs;
    }

    /** Takes back what can be taken back now, and waits for the rest to reconnect. */
    void recover() {
        takeBackUnrecordedLaunches();
        List<InstanceRow> wasRunning = ctx.store.read(tx -> tx.instancesInState(InstanceState.RUNNING));
        for (InstanceRow row : wasRunning) {
            Optional<TaskDefinition> definition = definitionOf(row);
            if (recordEndedOnItsOwn(row, definition)) {
                continue;
            }
            if (definition.isEmpty()) {
                // Unregistered while it ran, to finish (SPEC R8): taken back by pid, whatever it runs.
                definition = Optional.of(unregistered(row, false));
            }
            if (definition.isPresent() && !(definition.get().target() instanceof TaskTarget.JavaEntryPoint)) {
                // A command has no host to reconnect: take it back by pid, if it is still ours.
                Optional<SandboxedProcess> process = row.pid() == null ? Optional.empty()
                        : ctx.sandbox.adopt(row.pid(), row.runToken(), definition.get().limits());
                if (process.isPresent()) {
                    runs.adopt(row, definition.get(), process.get());
                    continue;
                }
            }
            awaitingReadoption.put(row.runToken(), row);
        }
        if (!awaitingReadoption.isEmpty()) {
            if (ctx.sandbox.canReadopt()) {
                LOG.info("{} task(s) were running under the previous broker; waiting {} for them to reconnect",
                        awaitingReadoption.size(), ctx.config.readoptWindow());
                readoptTimer = ctx.clock.schedule(ctx.config.readoptWindow(), this::expireReadoption);
            } else {
                LOG.info("this platform cannot re-adopt tasks; {} task(s) of the previous broker are lost",
                        awaitingReadoption.size());
                expireReadoption();
            }
        }
    }

    /**
     * SPEC B6: a pending instance may have been started by the previous broker, which died before its running
     * record was stored. Its run token decides: a live process that carries it makes the instance RUNNING with that
     * pid (then taken back like any other), and end records show it ran and ended; only an instance with neither is
     * still to be launched.
     */
    private void takeBackUnrecordedLaunches() {
        for (InstanceRow row : ctx.store.read(tx -> tx.instancesInState(InstanceState.PENDING))) {
            if (lentByAStandbyThatNeverTookIt(row)) {
                continue;
            }
            boolean ended = EndRecords.exit(ctx.config, row).isPresent()
                    || EndRecords.result(ctx.config, row).isPresent();
            if (ended) {
                LOG.info("instance {} was started by the previous broker, which died before it stored that; it has"
                        + " ended since", row.instanceId());
                recordEndedOnItsOwn(row, definitionOf(row));
                continue;
            }
            OptionalLong pid = ctx.sandbox.findByToken(row.runToken());
            if (pid.isEmpty()) {
                continue;
            }
            Instant started = ProcessHandle.of(pid.getAsLong()).flatMap(p -> p.info().startInstant())
                    .orElse(ctx.clock.now());
            InstanceRow running = row.started(pid.getAsLong(), started);
            ctx.store.run(tx -> tx.updateInstance(running));
            LOG.info("instance {} was started by the previous broker, which died before it stored that; its process"
                    + " {} carries its run token: taking it back, not launching it again", row.instanceId(),
                    pid.getAsLong());
        }
    }

    /**
     * SPEC W3, B6: the pending instance carries the token a standby lent it at its trigger (B4), that standby left
     * its log or its exit record under the standby's name, and the instance has no run log: the take, which renames
     * the standby's log to the instance's before the standby hears of the instance, never came. Whatever of the
     * standby is left (a host that exits once its broker is gone, its exit record) is no run of this instance: it
     * goes, and the instance gets a token of its own, stored before it is launched.
     */
    private boolean lentByAStandbyThatNeverTookIt(InstanceRow row) {
        Path standbyLog = EndRecords.standbyLog(ctx.config, row.runToken());
        if (Files.exists(ctx.config.instanceLog(row.instanceId()))
                || !(Files.exists(standbyLog) || Files.exists(TaskEndRecords.exitFile(standbyLog)))) {
            return false;
        }
        OptionalLong pid = ctx.sandbox.findByToken(row.runToken());
        if (pid.isPresent()) {
            ctx.sandbox.killOrphan(pid.getAsLong(), row.runToken());
        }
        try {
            Files.deleteIfExists(TaskEndRecords.exitFile(standbyLog));
            Files.deleteIfExists(standbyLog);
        } catch (IOException e) {
            LOG.debug("could not delete what the standby of instance {} left: {}", row.instanceId(), e.toString());
        }
        ctx.store.run(tx -> tx.updateInstance(row.withRunToken(RunToken.newToken())));
        LOG.info("instance {} was to be taken by a standby host, which never took it before the previous broker died;"
                + " it starts cold", row.instanceId());
        return true;
    }

    /**
     * SPEC B5: records an instance whose task left an end record (it ended while no broker watched it), after
     * killing what may be left of its tree (grandchildren that outlived it). True when there was such a record.
     */
    private boolean recordEndedOnItsOwn(InstanceRow row, Optional<TaskDefinition> definition) {
        Optional<TaskEndRecords.Exit> exit = EndRecords.exit(ctx.config, row);
        Optional<TaskEndRecords.Result> result = EndRecords.result(ctx.config, row);
        boolean javaTask = definition.map(d -> d.target() instanceof TaskTarget.JavaEntryPoint)
                .orElse(result.isPresent());
        // A Java host writes its result before it exits: with no exit record its process may still be alive.
        boolean mainGone = row.pid() == null || ProcessHandle.of(row.pid()).map(p -> !p.isAlive()).orElse(true);
        if (exit.isEmpty() && !(javaTask && result.isPresent() && mainGone)) {
            return false;
        }
        if (row.pid() != null && ctx.sandbox.killOrphan(row.pid(), row.runToken())) {
            LOG.info("instance {} ended on its own; killed what was left of its process tree", row.instanceId());
        }
        runs.completeFromRecords(row, definition.orElse(null), exit.orElse(null), result.orElse(null));
        return true;
    }

    /**
     * What an instance whose registration was unregistered while it ran (SPEC R8) is taken back under: its
     * registration, limits included, is gone from the store, so the default limits hold it from now on. Taken back
     * by its pid it is watched as a command (a Java task's host still attaches to it by its token); taken back by
     * its host it is a Java task.
     */
    private static TaskDefinition unregistered(InstanceRow row, boolean javaHost) {
        LOG.warn("instance {} outlived its registration (unregistered while it ran); it is taken back under the"
                + " default limits", row.instanceId());
        TaskTarget target = javaHost ? new TaskTarget.JavaEntryPoint("(unregistered)", List.of())
                : new TaskTarget.Command(List.of());
        return new TaskDefinition("(unregistered)", row.triggerName(), target, Set.of(), false,
                ResourceLimits.defaults(), true, null, null);
    }

    private Optional<TaskDefinition> definitionOf(InstanceRow row) {
        return ctx.store.read(tx -> tx.registration(row.taskId())).map(DefinitionCodec::decode);
    }

    /**
     * The host of an instance the previous broker started reconnects with its token.
     *
     * @throws IllegalArgumentException for a token no such instance holds, or a process that cannot be taken back
     *     (then it is recorded as lost)
     */
    RunningTask readopt(String runToken) {
        InstanceRow waiting = awaitingReadoption.get(runToken);
        if (waiting == null) {
            throw new IllegalArgumentException("the run token belongs to no running instance");
        }
        // As stored now: a cancellation may have come while it waited (SPEC R8).
        InstanceRow row = ctx.store.read(tx -> tx.instance(waiting.instanceId())).orElse(waiting);
        // Its registration may have been unregistered while it waited, to finish or to be cancelled (SPEC R8).
        Optional<TaskDefinition> definition = Optional.of(definitionOf(row)
                .orElseGet(() -> unregistered(row, true)));
        Optional<SandboxedProcess> process = row.pid() == null ? Optional.empty()
                : ctx.sandbox.adopt(row.pid(), runToken, definition.get().limits());
        if (process.isEmpty()) {
            awaitingReadoption.remove(runToken);
            killAsLost(row);
            throw new IllegalArgumentException("instance " + row.instanceId()
                    + " could not be re-adopted and was recorded as lost");
        }
        awaitingReadoption.remove(runToken);
        return runs.adopt(row, definition.get(), process.get());
    }

    /** The window is over (a timer, or at once where the platform cannot re-adopt): takes the broker's lock. */
    private void expireReadoption() {
        synchronized (ctx.lock) {
            if (ctx.closed) {
                return;
            }
            for (InstanceRow row : List.copyOf(awaitingReadoption.values())) {
                killAsLost(row);
            }
            awaitingReadoption.clear();
        }
    }

    private void killAsLost(InstanceRow waiting) {
        // As stored now: a cancellation may have come while it waited (SPEC R8).
        InstanceRow row = ctx.store.read(tx -> tx.instance(waiting.instanceId())).orElse(waiting);
        // Its task may have ended during the window: its records, written before its tree emptied, say how.
        if (recordEndedOnItsOwn(row, definitionOf(row))) {
            return;
        }
        boolean killed = row.pid() != null && ctx.sandbox.killOrphan(row.pid(), row.runToken());
        LOG.warn("instance {} did not reconnect after the broker restarted; {}recorded as BROKER_LOST",
                row.instanceId(), killed ? "killed what was left of it and " : "");
        runs.complete(row, Completion.terminated(TerminationReason.BROKER_LOST,
                "the broker that started it died and it did not reconnect within " + ctx.config.readoptWindow()),
                null, null);
    }

    /** On close: the window's timer must not fire into a closed broker. */
    void stopTimer() {
        if (readoptTimer != null) {
            readoptTimer.cancel();
        }
    }
}
