package dev.bgtasks.broker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bgtasks.HardwareCondition;
import dev.bgtasks.RetryPolicy;
import dev.bgtasks.SystemConditionType;
import dev.bgtasks.spi.ResourceLimits;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The stored form of a registration, old rows included (SPEC R5, S5, H6, P1); hardware conditions, fixtures
 * and retry policies are stored with the registration and older rows read unchanged. */
class DefinitionCodecTest {
    private static final TaskDefinition PLAIN = new TaskDefinition("sync", "", new TaskTarget.Command(
            List.of("/usr/bin/rsync", "-a")), Set.of(SystemConditionType.INTERNET_AVAILABLE), true,
            new ResourceLimits(64L << 20, 32, Duration.ofMinutes(3)), false, Duration.ofSeconds(2), "/home/ann");
    private static final TaskDefinition ON_POWER = new TaskDefinition("t", "",
            new TaskTarget.Command(List.of("/bin/true")),
            Set.of(SystemConditionType.ON_AC_POWER), false, null, false, null, "/tmp");

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
    void aDeviceTriggerIsVersion4AndTheOtherTriggersAreWrittenAsBefore() { // SPEC H8, H6
        TaskDefinition onDevice = new TaskDefinition(PLAIN.name(), "t", PLAIN.target(), PLAIN.conditions(), true,
                PLAIN.limits(), false, PLAIN.cancellationGrace(), "/home/ann",
                TriggerSpec.device("1d6b:0002:SN 1", true, false));
        String json = DefinitionCodec.encode(onDevice);
        assertThat(json).startsWith("{\"version\":4,").contains("\"triggerKind\":\"DEVICE\"",
                "\"device\":\"1d6b:0002:SN 1\"", "\"onDetach\":true");
        assertThat(DefinitionCodec.decode("sync", "t", json)).isEqualTo(onDevice);
        TaskDefinition attachOnly = new TaskDefinition(PLAIN.name(), "t", PLAIN.target(), PLAIN.conditions(), true,
                PLAIN.limits(), false, PLAIN.cancellationGrace(), "/home/ann",
                TriggerSpec.device("1d6b:0002", false, true));
        assertThat(DefinitionCodec.encode(attachOnly)).doesNotContain("onDetach");
        assertThat(DefinitionCodec.decode("sync", "t", DefinitionCodec.encode(attachOnly))).isEqualTo(attachOnly);
        // A system trigger, which uses none of version 4's fields, is written byte for byte as before.
        TaskDefinition online = new TaskDefinition(PLAIN.name(), "t", PLAIN.target(), PLAIN.conditions(), true,
                PLAIN.limits(), false, PLAIN.cancellationGrace(), "/home/ann",
                TriggerSpec.system(dev.bgtasks.SystemTriggerType.INTERNET_AVAILABLE, false));
        assertThat(DefinitionCodec.encode(online)).isEqualTo("{\"version\":2,\"entryPoint\":null,\"classpath\":null,"
                + "\"command\":[\"/usr/bin/rsync\",\"-a\"],\"conditions\":[\"INTERNET_AVAILABLE\"],"
                + "\"cancelOnConditionLoss\":true,\"memoryBytes\":67108864,\"maxProcesses\":32,"
                + "\"wallClockMillis\":180000,\"bestEffortLimits\":false,\"graceMillis\":2000,"
                + "\"workingDirectory\":\"/home/ann\",\"triggerKind\":\"SYSTEM\",\"systemTrigger\":"
                + "\"INTERNET_AVAILABLE\",\"oneShot\":false}");
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

    @Test
    void aStandbyOptOutIsStoredAndAnOlderRowAllowsStandbys() { // SPEC W2
        TaskTarget.JavaEntryPoint java = new TaskTarget.JavaEntryPoint("tasks.Export", List.of("/opt/app.jar"));
        TaskDefinition allowed = new TaskDefinition("export", "", java, Set.of(), false, null, false, null, "/tmp");
        assertThat(DefinitionCodec.encode(allowed)).doesNotContain("noStandby").startsWith("{\"version\":1,");
        TaskDefinition optedOut = new TaskDefinition("export", "", java.withStandby(false), Set.of(), false, null,
                false, null, "/tmp");
        String json = DefinitionCodec.encode(optedOut);
        assertThat(json).contains("\"noStandby\":true");
        assertThat(DefinitionCodec.decode("export", "", json)).isEqualTo(optedOut);
        assertThat(((TaskTarget.JavaEntryPoint) DefinitionCodec.decode("export", "", json).target()).noStandby())
                .isTrue();
    }

    @Test
    void aDefinitionWithoutRigPartsIsWrittenAsBefore() { // SPEC H6
        String json = DefinitionCodec.encode(ON_POWER);
        assertThat(json).contains("\"version\":1").doesNotContain("hardwareConditions").doesNotContain("uses")
                .doesNotContain("bestEffortConditions");
        assertThat(DefinitionCodec.decode("t", "", json)).isEqualTo(ON_POWER);
    }

    @Test
    void aRowWrittenBeforeHardwareConditionsReadsWithNone() { // SPEC H6
        String v1 = "{\"version\":1,\"entryPoint\":null,\"classpath\":null,\"command\":[\"/bin/true\"],"
                + "\"conditions\":[\"ON_AC_POWER\"],\"cancelOnConditionLoss\":false,\"memoryBytes\":null,"
                + "\"maxProcesses\":null,\"wallClockMillis\":null,\"bestEffortLimits\":false,\"graceMillis\":5000,"
                + "\"workingDirectory\":\"/tmp\"}";
        TaskDefinition decoded = DefinitionCodec.decode("t", "", v1);
        assertThat(decoded.rig()).isEqualTo(RigRequirements.NONE);
        assertThat(decoded).isEqualTo(ON_POWER);
    }

    @Test
    void hardwareConditionsAndFixturesRoundTripAsVersionThree() { // SPEC H6
        TaskDefinition rig = ON_POWER.withRig(new RigRequirements(List.of(HardwareCondition.usbDevice("1d6b:0002", "S/N 1"),
                HardwareCondition.volumeMounted("/mnt/rig"), HardwareCondition.cpuIdleAbove(80)),
                Set.of("scope-1", "psu"), true));
        String json = DefinitionCodec.encode(rig);
        assertThat(json).contains("\"version\":3").contains("\"usb-device=1d6b:0002:S/N 1\"");
        assertThat(DefinitionCodec.decode("t", "", json)).isEqualTo(rig);
    }

    @Test
    void anEnvironmentAndHardwareConditionsAreStoredTogether() { // SPEC S5, H6
        TaskDefinition both = new TaskDefinition(PLAIN.name(), PLAIN.triggerName(), PLAIN.target(),
                PLAIN.conditions(), true, PLAIN.limits(), false, PLAIN.cancellationGrace(), "/home/ann",
                TriggerSpec.APPLICATION, Map.of("A", "1"), true,
                new RigRequirements(List.of(HardwareCondition.volumeMounted("/mnt/rig")), Set.of("scope-1"), false));
        String json = DefinitionCodec.encode(both);
        assertThat(json).startsWith("{\"version\":3,");
        assertThat(DefinitionCodec.decode("sync", "", json)).isEqualTo(both);
    }

    @Test
    void aRetryPolicyOrJvmOptionsAloneMakeVersion3AndEverythingReadsBackTogether() { // SPEC P1, S5
        RetryPolicy retry = RetryPolicy.exponential(Duration.ofSeconds(30), Duration.ofMinutes(10), 5)
                .retryingBrokerLost();
        TaskDefinition retried = new TaskDefinition(PLAIN.name(), "", PLAIN.target(), PLAIN.conditions(), true,
                PLAIN.limits(), false, PLAIN.cancellationGrace(), "/home/ann", TriggerSpec.APPLICATION, retry);
        assertThat(DefinitionCodec.encode(retried)).startsWith("{\"version\":3,").doesNotContain("environment");
        assertThat(DefinitionCodec.decode("sync", "", DefinitionCodec.encode(retried))).isEqualTo(retried);

        TaskTarget.JavaEntryPoint tuned = new TaskTarget.JavaEntryPoint("m.tasks.Export", List.of("/opt/app/mods"),
                "m", List.of("-Xmx64m", "-Dapp.trace=true"));
        TaskDefinition optionsOnly = new TaskDefinition(PLAIN.name(), "", tuned, Set.of(), false, PLAIN.limits(),
                false, PLAIN.cancellationGrace(), "/home/ann");
        assertThat(DefinitionCodec.encode(optionsOnly)).startsWith("{\"version\":3,");

        TaskDefinition all = new TaskDefinition(PLAIN.name(), "t", tuned, PLAIN.conditions(), true, PLAIN.limits(),
                false, PLAIN.cancellationGrace(), "/home/ann", TriggerSpec.time(Duration.ofHours(1), false),
                Map.of("A", "1"), true,
                new RigRequirements(List.of(HardwareCondition.volumeMounted("/mnt/rig")), Set.of("psu"), false), retry);
        TaskDefinition back = DefinitionCodec.decode("sync", "t", DefinitionCodec.encode(all));
        assertThat(back).isEqualTo(all);
        assertThat(back.target()).isEqualTo(tuned);
        assertThat(back.retry()).isEqualTo(retry);
    }
}
