package dev.bgtasks.broker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bgtasks.SystemConditionType;
import dev.bgtasks.spi.ResourceLimits;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The stored form of a registration, old rows included (SPEC R5, S5). */
class DefinitionCodecTest {
    private static final TaskDefinition PLAIN = new TaskDefinition("sync", "", new TaskTarget.Command(
            List.of("/usr/bin/rsync", "-a")), Set.of(SystemConditionType.INTERNET_AVAILABLE), true,
            new ResourceLimits(64L << 20, 32, Duration.ofMinutes(3)), false, Duration.ofSeconds(2), "/home/ann");

    @Test
    void aRowStoredBeforeEnvironmentsExistedReadsAsTheBaseAlone() { // SPEC R5, S5
        String version1 = "{\"version\":1,\"entryPoint\":null,\"classpath\":null,\"command\":[\"/usr/bin/rsync\","
                + "\"-a\"],\"conditions\":[\"INTERNET_AVAILABLE\"],\"cancelOnConditionLoss\":true,"
                + "\"memoryBytes\":67108864,\"maxProcesses\":32,\"wallClockMillis\":180000,\"bestEffortLimits\":false,"
                + "\"graceMillis\":2000,\"workingDirectory\":\"/home/ann\"}";
        TaskDefinition decoded = DefinitionCodec.decode("sync", "", version1);
        assertThat(decoded).isEqualTo(PLAIN);
        assertThat(decoded.environment()).isEmpty();
        assertThat(decoded.sessionEnvironment()).isFalse();
        // And a definition without variables is still written as version 1, without the new fields.
        assertThat(DefinitionCodec.encode(PLAIN)).startsWith("{\"version\":1,").doesNotContain("environment");
    }

    @Test
    void aBrokerFiredTriggersRowWithVariablesIsVersion3AndReadsBack() { // SPEC S5, Y5
        TaskDefinition timed = new TaskDefinition(PLAIN.name(), "t", PLAIN.target(), PLAIN.conditions(), true,
                PLAIN.limits(), false, PLAIN.cancellationGrace(), "/home/ann",
                TriggerSpec.time(Duration.ofHours(1), false), Map.of("A", "1"), false);
        String json = DefinitionCodec.encode(timed);
        assertThat(json).startsWith("{\"version\":3,");
        assertThat(DefinitionCodec.decode("sync", "t", json)).isEqualTo(timed);
        TaskDefinition withoutVariables = new TaskDefinition(PLAIN.name(), "t", PLAIN.target(), PLAIN.conditions(),
                true, PLAIN.limits(), false, PLAIN.cancellationGrace(), "/home/ann",
                TriggerSpec.time(Duration.ofHours(1), false));
        assertThat(DefinitionCodec.encode(withoutVariables)).startsWith("{\"version\":2,")
                .doesNotContain("environment");
    }

    @Test
    void theRegistrationsVariablesAndSessionFlagAreStoredInOrder() { // SPEC S5
        Map<String, String> env = new LinkedHashMap<>();
        env.put("Z_FIRST", "1");
        env.put("A_SECOND", "");
        TaskDefinition rich = new TaskDefinition(PLAIN.name(), PLAIN.triggerName(), PLAIN.target(),
                PLAIN.conditions(), true, PLAIN.limits(), false, PLAIN.cancellationGrace(), "/home/ann", TriggerSpec.APPLICATION, env,
                true);
        String json = DefinitionCodec.encode(rich);
        assertThat(json).startsWith("{\"version\":3,");
        TaskDefinition back = DefinitionCodec.decode("sync", "", json);
        assertThat(back).isEqualTo(rich);
        assertThat(back.environment().keySet()).containsExactly("Z_FIRST", "A_SECOND");
    }
}
