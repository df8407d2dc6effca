package dev.bgtasks.ipc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bgtasks.broker.HostAttachment;
import dev.bgtasks.task.BackgroundWorkCost;
import java.util.UUID;
import dev.bgtasks.arguments.JsonTrees;
import org.junit.jupiter.api.Test;

/**
 * The task host's field-by-field attachment codec against the typed mapper the broker writes it with (issue 15: the
 * host starts without that mapper). Same JSON both ways, or a host would misread what its broker said.
 */
class HostAttachmentsTest {
    private static final HostAttachment FULL = new HostAttachment(UUID.randomUUID(), UUID.randomUUID(),
            "com.example.notes", "sync", "tasks.Sync", new byte[] {1, 2, 3, (byte) 0xff}, true,
            BackgroundWorkCost.MEDIUM);
    private static final HostAttachment SPARSE = new HostAttachment(UUID.randomUUID(), UUID.randomUUID(),
            "com.example.notes", "", "tasks.Sync", new byte[0], false, null);

    @Test
    void writesWhatTheTypedMapperWrites() throws Exception {
        for (HostAttachment a : new HostAttachment[] {FULL, SPARSE}) {
            assertThat(new String(JsonTrees.write(HostAttachments.tree(a)), java.nio.charset.StandardCharsets.UTF_8))
                    .isEqualTo(new String(WireJson.MAPPER.writeValueAsBytes(a), java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    @Test
    void readsWhatTheTypedMapperWrites() throws Exception {
        for (HostAttachment a : new HostAttachment[] {FULL, SPARSE}) {
            JsonNode parsed = JsonTrees.read(WireJson.MAPPER.writeValueAsString(a));
            HostAttachment read = HostAttachments.of(parsed);
            assertThat(read).usingRecursiveComparison().isEqualTo(a);
            assertThat(read).usingRecursiveComparison()
                    .isEqualTo(WireJson.MAPPER.treeToValue(parsed, HostAttachment.class));
        }
    }

    @Test
    void aMissingAttachmentIsNullAndAWronglyTypedFieldIsRefused() throws Exception {
        assertThat(HostAttachments.of(JsonTrees.object().path("attachment"))).isNull();
        assertThat(HostAttachments.of(JsonTrees.read("null"))).isNull();
        assertThatThrownBy(() -> HostAttachments.of(JsonTrees.read("{\"readopted\":\"yes\"}")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("readopted");
        assertThatThrownBy(() -> HostAttachments.of(JsonTrees.read("{\"instanceId\":7}")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("instanceId");
        assertThatThrownBy(() -> HostAttachments.of(JsonTrees.read("[]")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
