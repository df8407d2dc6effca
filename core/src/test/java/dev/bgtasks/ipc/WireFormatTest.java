package dev.bgtasks.ipc;

import static dev.bgtasks.ipc.IpcFixtures.commandTask;
import static dev.bgtasks.ipc.IpcFixtures.javaTask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bgtasks.InstanceInfo;
import dev.bgtasks.InstanceState;
import dev.bgtasks.InvalidRegistrationException;
import dev.bgtasks.SystemConditionType;
import dev.bgtasks.TaskOutcome;
import dev.bgtasks.broker.AppEvent;
import dev.bgtasks.broker.HostAttachment;
import dev.bgtasks.broker.TaskDefinition;
import dev.bgtasks.task.BackgroundTaskCancellationReason;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The shapes the broker's records take on the wire, and how errors map to exceptions and back. */
class WireFormatTest {
    private static final Path SOCKET = Path.of("/run/user/1000/bgtasks/broker.sock");

    private static <T> T roundTrip(Object value, Class<T> type) throws Exception {
        return WireJson.MAPPER.treeToValue(WireJson.MAPPER.valueToTree(value), type);
    }

    @Test
    void taskTargetsCarryTheirKindAndTimesAreIsoText() throws Exception { // SPEC R4
        TaskDefinition java = javaTask("export", SystemConditionType.INTERNET_AVAILABLE);
        JsonNode tree = WireJson.MAPPER.valueToTree(java);
        assertThat(tree.path("target").path("type").asText()).isEqualTo("java");
        assertThat(tree.path("cancellationGrace").asText()).isEqualTo("PT5S");
        assertThat(roundTrip(java, TaskDefinition.class)).isEqualTo(java);
        TaskDefinition command = commandTask("rsync");
        assertThat(WireJson.MAPPER.valueToTree(command).path("target").path("type").asText()).isEqualTo("command");
        assertThat(roundTrip(command, TaskDefinition.class)).isEqualTo(command);
    }

    @Test
    void aRegistrationsEnvironmentTravelsAndAnOlderClientsDefinitionHasNone() throws Exception { // SPEC S5
        TaskDefinition plain = commandTask("rsync");
        java.util.Map<String, String> env = new java.util.LinkedHashMap<>();
        env.put("B_FIRST", "1");
        env.put("A_SECOND", "two words");
        TaskDefinition withEnvironment = new TaskDefinition(plain.name(), plain.triggerName(), plain.target(),
                plain.conditions(), false, plain.limits(), false, null, "/tmp", dev.bgtasks.broker.TriggerSpec.APPLICATION, env, true);
        TaskDefinition back = roundTrip(withEnvironment, TaskDefinition.class);
        assertThat(back).isEqualTo(withEnvironment);
        assertThat(back.environment().keySet()).containsExactly("B_FIRST", "A_SECOND");

        com.fasterxml.jackson.databind.node.ObjectNode older = WireJson.MAPPER.valueToTree(plain);
        older.remove("environment");
        older.remove("sessionEnvironment");
        assertThat(WireJson.MAPPER.treeToValue(older, TaskDefinition.class)).isEqualTo(plain)
                .satisfies(d -> assertThat(d.environment()).isEmpty());
    }

    @Test
    void eventsCarryTheirKind() throws Exception { // SPEC X2, X6, X3
        UUID task = UUID.randomUUID();
        UUID instance = UUID.randomUUID();
        Instant at = Instant.parse("2026-11-25T12:00:00.123456789Z");
        InstanceInfo info = new InstanceInfo(instance, task, "com.example.notes", "", InstanceState.COMPLETED, 100,
                TaskOutcome.FAILED, null, null, "java.io.IOException", "disk full", 1, 1L << 30, null, at, at, at,
                Set.of(), false);
        for (AppEvent event : new AppEvent[] {new AppEvent.Progress(task, instance, 42),
            new AppEvent.Canceled(task, instance, BackgroundTaskCancellationReason.ENERGY_SAVER),
            new AppEvent.Completed(info)}) {
            JsonNode tree = WireJson.MAPPER.valueToTree(event);
            assertThat(tree.path("type").asText()).isIn("progress", "canceled", "completed");
            assertThat(roundTrip(event, AppEvent.class)).isEqualTo(event);
        }
        assertThat(WireJson.MAPPER.valueToTree(new AppEvent.Completed(info)).path("instance").path("requestedAt")
                .asText()).isEqualTo("2026-11-25T12:00:00.123456789Z");
    }

    @Test
    void bytesTravelAsBase64() throws Exception { // SPEC T6
        byte[] arguments = {0, 1, 2, (byte) 0xFF};
        HostAttachment attachment = WireJson.MAPPER.treeToValue(IpcFixtures.json("{\"instanceId\":\""
                + UUID.randomUUID() + "\",\"taskId\":\"" + UUID.randomUUID() + "\",\"appId\":\"a\",\"taskName\":\"t\","
                + "\"entryPoint\":null,\"arguments\":\"" + Base64.getEncoder().encodeToString(arguments)
                + "\",\"readopted\":true}"), HostAttachment.class);
        assertThat(attachment.arguments()).containsExactly(arguments);
        assertThat(WireJson.MAPPER.valueToTree(attachment).path("arguments").asText())
                .isEqualTo(Base64.getEncoder().encodeToString(arguments));
    }

    @Test
    void errorsMapToTheirExceptionsBothWays() { // SPEC R1, R2
        RuntimeException invalid = WireError.fromJson(WireError.of(
                new InvalidRegistrationException("classpath", "is empty")).toJson()).toException(SOCKET);
        assertThat(invalid).isExactlyInstanceOf(InvalidRegistrationException.class).hasMessage("classpath: is empty");
        assertThat(((InvalidRegistrationException) invalid).field()).isEqualTo("classpath");

        assertThat(across(new IllegalStateException("denied"))).isExactlyInstanceOf(IllegalStateException.class)
                .hasMessage("denied");
        assertThat(across(new IllegalArgumentException("bad id"))).isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("bad id");
        assertThat(across(new UnsupportedOperationException("boom"))).isExactlyInstanceOf(
                BrokerProtocolException.class).hasMessageContaining(SOCKET.toString()).hasMessageContaining("boom");
        assertThat(across(new dev.bgtasks.store.StoreException("/d/bgtasks.db: the disk is full; could not commit")))
                .isExactlyInstanceOf(IllegalStateException.class)
                .hasMessage("the broker could not save this, so nothing changed: /d/bgtasks.db: the disk is full;"
                        + " could not commit");
        assertThat(across(new BadRequestException("appId", "missing field appId")))
                .isExactlyInstanceOf(BrokerProtocolException.class).hasMessageContaining("missing field appId");
        assertThat(WireError.fromJson(IpcFixtures.json("{\"kind\":\"from-the-future\",\"message\":\"?\"}"))
                .toException(SOCKET)).isExactlyInstanceOf(BrokerProtocolException.class);
        assertThat(WireError.of(new IllegalStateException("x".repeat(100_000))).toJson().path("message").asText())
                .hasSizeLessThan(WireError.MAX_MESSAGE_CHARS + 10);
        assertThatThrownBy(() -> {
            throw across(new IllegalStateException("thrown"));
        }).isInstanceOf(IllegalStateException.class);
    }

    private static RuntimeException across(RuntimeException thrown) {
        return WireError.fromJson(WireError.of(thrown).toJson()).toException(SOCKET);
    }
}
