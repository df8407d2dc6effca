package dev.bgtasks.ipc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bgtasks.InstanceInfo;
import dev.bgtasks.arguments.JsonTrees;
import dev.bgtasks.broker.AppEvent;
import java.util.Collection;

/**
 * The completion event's tree written field by field, in the typed mapper's shape ({@code WireEventsTest} holds them
 * equal): an app hears of every completion through it, and the broker's mapper took about 0.4 ms a completion to
 * build it (databind in the broker's C1-only JVM, issue 15), between the durable commit and the event. Other events
 * go through the mapper.
 *
 * <pre>{@code
 * frame.set(Messages.EVENT, WireEvents.tree(new AppEvent.Completed(info)));
 * }</pre>
 */
final class WireEvents {
    private WireEvents() {
    }

    /** The event as the typed mapper writes it: {@code {"type": "completed", "instance": {...}}} for a completion. */
    static JsonNode tree(AppEvent event) {
        if (!(event instanceof AppEvent.Completed completed)) {
            return WireJson.MAPPER.valueToTree(event);
        }
        ObjectNode node = JsonTrees.object();
        node.put("type", "completed");
        node.set("instance", instance(completed.instance()));
        return node;
    }

    /** An instance in the record's order: enums by name, UUIDs and times as text, the result as base64. */
    static ObjectNode instance(InstanceInfo i) {
        ObjectNode n = JsonTrees.object();
        n.put("instanceId", text(i.instanceId()));
        n.put("taskId", text(i.taskId()));
        n.put("appId", i.appId());
        n.put("triggerName", i.triggerName());
        n.put("state", name(i.state()));
        n.put("progress", i.progress());
        n.put("outcome", name(i.outcome()));
        n.put("cancelReason", name(i.cancelReason()));
        n.put("terminationReason", name(i.terminationReason()));
        n.put("errorClass", i.errorClass());
        n.put("errorMessage", i.errorMessage());
        n.put("exitCode", i.exitCode());
        n.put("peakMemoryBytes", i.peakMemoryBytes());
        n.put("pid", i.pid());
        n.put("requestedAt", text(i.requestedAt()));
        n.put("startedAt", text(i.startedAt()));
        n.put("endedAt", text(i.endedAt()));
        names(n.putArray("waitingFor"), i.waitingFor());
        n.put("waitingForEnergySaver", i.waitingForEnergySaver());
        texts(n.putArray("waitingForHardware"), i.waitingForHardware());
        texts(n.putArray("waitingForFixtures"), i.waitingForFixtures());
        n.put("result", i.result());
        n.put("attempt", i.attempt());
        n.put("nextAttemptAt", text(i.nextAttemptAt()));
        return n;
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }

    private static String name(Enum<?> value) {
        return value == null ? null : value.name();
    }

    private static void names(ArrayNode array, Collection<? extends Enum<?>> values) {
        values.forEach(v -> array.add(v.name()));
    }

    private static void texts(ArrayNode array, Collection<String> values) {
        values.forEach(array::add);
    }
}
