package dev.bgtasks.broker;

import dev.bgtasks.InstanceState;
import dev.bgtasks.TerminationReason;
import dev.bgtasks.spi.SandboxedProcess;
import dev.bgtasks.store.InstanceRow;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A broker restart (SPEC B3, B6): instances the previous broker left running are taken back, a command by its pid
 * at once, a Java task when its host reconnects with its run token within the re-adoption window. What does not come
 * back in time is killed, if anything of it is left, and recorded as {@code BROKER_LOST}.
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
        List<InstanceRow> wasRunning = ctx.store.read(tx -> tx.instancesInState(InstanceState.RUNNING));
        for (InstanceRow row : wasRunning) {
            Optional<TaskDefinition> definition = definitionOf(row);
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
        InstanceRow row = awaitingReadoption.get(runToken);
        if (row == null) {
            throw new IllegalArgumentException("the run token belongs to no running instance");
        }
        Optional<TaskDefinition> definition = definitionOf(row);
        Optional<SandboxedProcess> process = definition.isEmpty() || row.pid() == null ? Optional.empty()
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

    private void killAsLost(InstanceRow row) {
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
