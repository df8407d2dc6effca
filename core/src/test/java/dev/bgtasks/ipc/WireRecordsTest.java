package dev.bgtasks.ipc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bgtasks.InstanceInfo;
import dev.bgtasks.InstanceState;
import dev.bgtasks.SystemConditionType;
import dev.bgtasks.TaskOutcome;
import dev.bgtasks.TerminationReason;
import dev.bgtasks.arguments.JsonTrees;
import dev.bgtasks.arguments.ValueMapCodec;
import dev.bgtasks.spi.HardwareReadings;
import dev.bgtasks.spi.HostSignal;
import dev.bgtasks.spi.SignalSnapshot;
import dev.bgtasks.task.BackgroundTaskCancellationReason;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The field-by-field readers of the {@code bgtask} command (issue 18) against the typed mapper: what the broker
 * writes, each reads back as the same record.
 */
class WireRecordsTest {
    static InstanceInfo fullInstance() {
        Instant t = Instant.parse("2026-12-07T17:10:49.123456789Z");
        return new InstanceInfo(UUID.randomUUID(), UUID.randomUUID(), "com.example.notes", "nightly",
                InstanceState.COMPLETED, 100, TaskOutcome.FAILED, BackgroundTaskCancellationReason.ABORT,
                TerminationReason.values()[0], "java.io.IOException", "disk \"full\" ✓", 3, 1L << 40, 4242L, t,
                t.plusSeconds(1), t.plusSeconds(2), Set.of(SystemConditionType.USER_NOT_PRESENT), true,
                List.of("usb-device 1234:5678"), List.of("printer"),
                ValueMapCodec.encode(Map.of("rows", 1200)), 2, t.plusSeconds(60));
    }

    static InstanceInfo sparseInstance() {
        return new InstanceInfo(UUID.randomUUID(), UUID.randomUUID(), "com.example.notes", "",
                InstanceState.PENDING, 0, null, null, null, null, null, null, null, null,
                Instant.parse("2026-12-07T17:10:49Z"), null, null, Set.of(), false, List.of(), List.of(), null, 1,
                null);
    }

    private static JsonNode wire(Object value) throws Exception {
        return JsonTrees.read(WireJson.MAPPER.writeValueAsString(value));
    }

    @Test
    void readsInstancesAsTheTypedMapperDoes() throws Exception {
        for (InstanceInfo i : List.of(fullInstance(), sparseInstance())) {
            JsonNode tree = wire(i);
            assertThat(WireRecords.instance(tree)).usingRecursiveComparison().isEqualTo(i)
                    .isEqualTo(WireJson.MAPPER.treeToValue(tree, InstanceInfo.class));
        }
        assertThat(WireRecords.instances(wire(List.of(fullInstance(), sparseInstance())))).hasSize(2);
    }

    @Test
    void readsSignalSnapshotsAsTheTypedMapperDoes() throws Exception {
        SignalSnapshot full = new SignalSnapshot(Map.of(HostSignal.AC_POWER, false, HostSignal.USER_PRESENT, true),
                new HardwareReadings(Set.of("1234:5678", "abcd:0001"), Set.of("/media/usb"), Set.of("eth0"), 51.5,
                        97.25, Map.of("usb-device 1234:5678", true), Map.of("1-2", "1234:5678")));
        for (SignalSnapshot s : List.of(full, SignalSnapshot.empty())) {
            JsonNode tree = wire(s);
            assertThat(WireRecords.signalSnapshot(tree)).isEqualTo(s)
                    .isEqualTo(WireJson.MAPPER.treeToValue(tree, SignalSnapshot.class));
        }
    }

    @Test
    void aWronglyTypedFieldIsRefused() throws Exception {
        assertThatThrownBy(() -> WireRecords.instance(JsonTrees.read("{\"progress\":\"half\"}")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("progress");
        assertThatThrownBy(() -> WireRecords.instance(JsonTrees.read("{\"state\":7}")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("state");
    }
}
