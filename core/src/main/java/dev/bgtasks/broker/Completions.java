package dev.bgtasks.broker;

import dev.bgtasks.BackgroundAccessStatus;
import dev.bgtasks.HardwareCondition;
import dev.bgtasks.InstanceInfo;
import dev.bgtasks.InstanceState;
import dev.bgtasks.SystemConditionType;
import dev.bgtasks.spi.SignalSnapshot;
import dev.bgtasks.store.InstanceRow;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an app sees of its instances (SPEC X5): the listing, the completions no listener has received yet, the claim
 * that delivers each of them once, and the app's event subscribers.
 *
 * <pre>{@code
 * for (InstanceInfo done : completions.undelivered(appId)) {
 *     if (completions.claim(appId, done.instanceId())) { listener.accept(done); }
 * }
 * }</pre>
 *
 * <p>Reads need no broker lock: the store serializes them. {@link #publish} runs under it, on the thread whose
 * change it tells of.
 */
final class Completions {
    private static final Logger LOG = LoggerFactory.getLogger(Broker.class);
    private static final int INSTANCE_LIST_LIMIT = 200;

    private final BrokerContext ctx;
    private final Map<String, List<Consumer<AppEvent>>> subscribers = new ConcurrentHashMap<>();

    Completions(BrokerContext ctx) {
        this.ctx = ctx;
    }

    /** The app's instances, newest first; a pending one says what it waits for. */
    List<InstanceInfo> instances(String appId) {
        SignalSnapshot now = ctx.signals.current();
        return ctx.store.read(tx -> {
            List<InstanceInfo> infos = new ArrayList<>();
            // Few instances run at a time: who holds which fixture is cheap to read once per listing.
            Map<String, UUID> held = SharedFixtures.holders(tx);
            for (InstanceRow row : tx.instances(appId, INSTANCE_LIST_LIMIT)) {
                if (row.state() != InstanceState.PENDING) {
                    infos.add(toInfo(row, null, null));
                    continue;
                }
                Optional<TaskDefinition> definition = tx.registration(row.taskId()).map(DefinitionCodec::decode);
                Set<SystemConditionType> unmet = definition
                        .map(d -> ConditionRules.unmet(d.conditions(), now)).orElse(Set.of());
                BackgroundAccessStatus status = tx.accessStatus(appId).orElse(BackgroundAccessStatus.UNSPECIFIED);
                List<String> hardware = definition.map(d -> ConditionRules.unmetHardware(
                        d.rig().hardwareConditions(), now).stream().map(HardwareCondition::spelling).toList())
                        .orElse(List.of());
                List<String> busy = definition.map(d -> SharedFixtures.busy(d, held)).orElse(List.of());
                InstanceInfo info = toInfo(row, unmet, BrokerContext.energySaverHoldsBack(now, status));
                infos.add(new InstanceInfo(info.instanceId(), info.taskId(), info.appId(), info.triggerName(),
                        info.state(), info.progress(), info.outcome(), info.cancelReason(), info.terminationReason(),
                        info.errorClass(), info.errorMessage(), info.exitCode(), info.peakMemoryBytes(), info.pid(),
                        info.requestedAt(), info.startedAt(), info.endedAt(), info.waitingFor(),
                        info.waitingForEnergySaver(), hardware, busy, info.result(), info.attempt(),
                        info.nextAttemptAt()));
            }
            return infos;
        });
    }

    List<InstanceInfo> undelivered(String appId) {
        return ctx.store.read(tx -> tx.undeliveredCompletions(appId)).stream()
                .map(row -> toInfo(row, null, null)).toList();
    }

    /** True for exactly one caller, who then delivers the completion. */
    boolean claim(String appId, UUID instanceId) {
        return ctx.store.write(tx -> tx.instance(instanceId)
                .filter(row -> row.appId().equals(appId) && row.state() == InstanceState.COMPLETED)
                .map(row -> tx.markDelivered(instanceId))
                .orElse(false));
    }

    static InstanceInfo toInfo(InstanceRow row, Set<SystemConditionType> waitingFor, Boolean energySaver) {
        return new InstanceInfo(row.instanceId(), row.taskId(), row.appId(), row.triggerName(), row.state(),
                row.progress(), row.outcome(), row.cancelReason(), row.terminationReason(), row.errorClass(),
                row.errorMessage(), row.exitCode(), row.peakMemoryBytes(),
                row.state() == InstanceState.RUNNING ? row.pid() : null, row.requestedAt(), row.startedAt(),
                row.endedAt(), waitingFor, Boolean.TRUE.equals(energySaver), List.of(), List.of(), row.result(),
                row.attempt(), row.nextAttemptAt());
    }

    AutoCloseable subscribe(String appId, Consumer<AppEvent> listener) {
        List<Consumer<AppEvent>> list = subscribers.computeIfAbsent(appId, id -> new CopyOnWriteArrayList<>());
        list.add(listener);
        return () -> list.remove(listener);
    }

    /** Tells the app's listeners, after the change is in the store (SPEC B4); a failing listener fails alone. */
    void publish(String appId, AppEvent event) {
        for (Consumer<AppEvent> listener : subscribers.getOrDefault(appId, List.of())) {
            try {
                listener.accept(event);
            } catch (RuntimeException e) {
                LOG.warn("an event listener of {} failed on {}", appId, event, e);
            }
        }
    }
}
