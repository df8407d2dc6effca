package dev.bgtasks.ipc;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bgtasks.InstanceInfo;
import dev.bgtasks.InstanceState;
import dev.bgtasks.SystemConditionType;
import dev.bgtasks.TaskOutcome;
import dev.bgtasks.TerminationReason;
import dev.bgtasks.spi.HardwareReadings;
import dev.bgtasks.spi.HostSignal;
import dev.bgtasks.spi.SignalSnapshot;
import dev.bgtasks.task.BackgroundTaskCancellationReason;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A few of the wire's records read field by field from the trees {@link BrokerTreeClient} returns, without the
 * typed mapper (issue 18), for the {@code bgtask} command's text output. The shape is the typed mapper's
 * ({@code WireRecordsTest} holds them equal): enums by name, UUIDs and times as text, {@code byte[]} as base64, a
 * missing field as null (zero, false or empty for a primitive or a collection).
 *
 * <pre>{@code
 * List<InstanceInfo> runs = WireRecords.instances(broker.instances("com.example.notes"));
 * }</pre>
 */
public final class WireRecords {
    private WireRecords() {
    }

    /**
     * Reads an array of instances.
     *
     * @param array the answer to {@code instances}
     * @return the instances, in the array's order
     * @throws IllegalArgumentException when a field has the wrong type or is malformed
     */
    public static List<InstanceInfo> instances(JsonNode array) {
        List<InstanceInfo> all = new ArrayList<>();
        for (JsonNode node : array) {
            all.add(instance(node));
        }
        return all;
    }

    /**
     * Reads one instance.
     *
     * @param node an {@code InstanceInfo} object
     * @return the instance
     * @throws IllegalArgumentException when a field has the wrong type or is malformed
     */
    public static InstanceInfo instance(JsonNode node) {
        Set<SystemConditionType> waitingFor = EnumSet.noneOf(SystemConditionType.class);
        for (String name : texts(node, "waitingFor")) {
            waitingFor.add(SystemConditionType.valueOf(name));
        }
        return new InstanceInfo(JsonFields.uuid(node, "instanceId"), JsonFields.uuid(node, "taskId"), JsonFields.text(node, "appId"),
                JsonFields.text(node, "triggerName"), named(node, "state", InstanceState::valueOf), integer(node, "progress"),
                named(node, "outcome", TaskOutcome::valueOf),
                named(node, "cancelReason", BackgroundTaskCancellationReason::valueOf),
                named(node, "terminationReason", TerminationReason::valueOf), JsonFields.text(node, "errorClass"),
                JsonFields.text(node, "errorMessage"), boxedInteger(node, "exitCode"), boxedLong(node, "peakMemoryBytes"),
                boxedLong(node, "pid"), instant(node, "requestedAt"), instant(node, "startedAt"),
                instant(node, "endedAt"), waitingFor, bool(node, "waitingForEnergySaver"),
                texts(node, "waitingForHardware"), texts(node, "waitingForFixtures"), JsonFields.bytes(node, "result"),
                integer(node, "attempt"), instant(node, "nextAttemptAt"));
    }

    /**
     * Reads a signal snapshot.
     *
     * @param node the answer to {@code signals}
     * @return the snapshot
     * @throws IllegalArgumentException when a field has the wrong type or is malformed
     */
    public static SignalSnapshot signalSnapshot(JsonNode node) {
        Map<HostSignal, Boolean> known = new EnumMap<>(HostSignal.class);
        JsonNode values = JsonFields.field(node, "known");
        if (values != null) {
            for (Iterator<Map.Entry<String, JsonNode>> it = values.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                if (!entry.getValue().isNull()) {
                    known.put(HostSignal.valueOf(entry.getKey()), bool(values, entry.getKey()));
                }
            }
        }
        JsonNode hw = JsonFields.field(node, "hardware");
        return new SignalSnapshot(known, hw == null ? null : hardware(hw));
    }

    private static HardwareReadings hardware(JsonNode node) {
        return new HardwareReadings(textSet(node, "usbDevices"), textSet(node, "volumes"),
                textSet(node, "interfacesUp"), decimal(node, "cpuTemperatureCelsius"),
                decimal(node, "cpuIdlePercent"), map(node, "conditionOverrides", v -> bool(v)),
                map(node, "usbDeviceLocations", v -> JsonFields.textOf(v, "usbDeviceLocations")));
    }




    private static <E> E named(JsonNode node, String name, Function<String, E> valueOf) {
        String value = JsonFields.text(node, name);
        return value == null ? null : valueOf.apply(value);
    }


    private static Instant instant(JsonNode node, String name) {
        String value = JsonFields.text(node, name);
        return value == null ? null : Instant.parse(value);
    }

    private static Long boxedLong(JsonNode node, String name) {
        JsonNode value = JsonFields.field(node, name);
        if (value == null) {
            return null;
        }
        if (!value.canConvertToLong() || !value.isIntegralNumber()) {
            throw new IllegalArgumentException(name + " is not a whole number");
        }
        return value.longValue();
    }

    private static Integer boxedInteger(JsonNode node, String name) {
        JsonNode value = JsonFields.field(node, name);
        if (value == null) {
            return null;
        }
        if (!value.canConvertToInt() || !value.isIntegralNumber()) {
            throw new IllegalArgumentException(name + " is not an int");
        }
        return value.intValue();
    }

    private static int integer(JsonNode node, String name) {
        Integer value = boxedInteger(node, name);
        return value == null ? 0 : value;
    }

    private static Double decimal(JsonNode node, String name) {
        JsonNode value = JsonFields.field(node, name);
        if (value == null) {
            return null;
        }
        if (!value.isNumber()) {
            throw new IllegalArgumentException(name + " is not a number");
        }
        return value.doubleValue();
    }

    private static boolean bool(JsonNode node, String name) {
        JsonNode value = JsonFields.field(node, name);
        return value != null && bool(value);
    }

    private static boolean bool(JsonNode value) {
        if (!value.isBoolean()) {
            throw new IllegalArgumentException(value + " is not a boolean");
        }
        return value.booleanValue();
    }

    private static List<String> texts(JsonNode node, String name) {
        JsonNode value = JsonFields.field(node, name);
        List<String> all = new ArrayList<>();
        if (value == null) {
            return all;
        }
        if (!value.isArray()) {
            throw new IllegalArgumentException(name + " is not an array");
        }
        for (JsonNode element : value) {
            all.add(JsonFields.textOf(element, name));
        }
        return all;
    }

    private static Set<String> textSet(JsonNode node, String name) {
        return JsonFields.field(node, name) == null ? null : new LinkedHashSet<>(texts(node, name));
    }

    private static <V> Map<String, V> map(JsonNode node, String name, Function<JsonNode, V> value) {
        JsonNode object = JsonFields.field(node, name);
        if (object == null) {
            return null;
        }
        if (!object.isObject()) {
            throw new IllegalArgumentException(name + " is not an object");
        }
        Map<String, V> map = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            map.put(entry.getKey(), value.apply(entry.getValue()));
        }
        return map;
    }

}
