package dev.bgtasks.ipc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bgtasks.InstanceInfo;
import dev.bgtasks.arguments.JsonTrees;
import dev.bgtasks.broker.AppEvent;
import dev.bgtasks.task.BackgroundTaskCancellationReason;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The completion event written field by field (issue 15) against the typed mapper: the same JSON on the wire, and the
 * app's client reads it back as the same instance (SPEC X3, X5: the completion an app hears of).
 */
class WireEventsTest {
    private static JsonNode onTheWire(JsonNode tree) throws Exception {
        return JsonTrees.read(new String(JsonTrees.write(tree), java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void aCompletionIsWrittenAsTheTypedMapperWritesIt() throws Exception { // SPEC X3
        for (InstanceInfo i : List.of(WireRecordsTest.fullInstance(), WireRecordsTest.sparseInstance())) {
            AppEvent event = new AppEvent.Completed(i);
            JsonNode byHand = onTheWire(WireEvents.tree(event));
            assertThat(byHand).isEqualTo(JsonTrees.read(WireJson.MAPPER.writeValueAsString(event)));
            AppEvent back = WireJson.MAPPER.treeToValue(byHand, AppEvent.class);
            assertThat(((AppEvent.Completed) back).instance()).usingRecursiveComparison().isEqualTo(i);
        }
    }

    @Test
    void otherEventsGoThroughTheMapper() throws Exception {
        AppEvent canceled = new AppEvent.Canceled(UUID.randomUUID(), UUID.randomUUID(),
                BackgroundTaskCancellationReason.ABORT);
        assertThat(onTheWire(WireEvents.tree(canceled)))
                .isEqualTo(JsonTrees.read(WireJson.MAPPER.writeValueAsString(canceled)));
    }
}
