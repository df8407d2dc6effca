package dev.bgtasks.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bgtasks.ApplicationTriggerResult;
import dev.bgtasks.InstanceInfo;
import dev.bgtasks.InstanceState;
import dev.bgtasks.RetryPolicy;
import dev.bgtasks.SystemConditionType;
import dev.bgtasks.SystemTriggerType;
import dev.bgtasks.TaskOutcome;
import dev.bgtasks.TerminationReason;
import dev.bgtasks.TriggerResponse;
import dev.bgtasks.arguments.ValueMapCodec;
import dev.bgtasks.broker.RegistrationInfo;
import dev.bgtasks.broker.RigRequirements;
import dev.bgtasks.broker.TaskDefinition;
import dev.bgtasks.broker.TaskTarget;
import dev.bgtasks.broker.TriggerSpec;
import dev.bgtasks.ipc.WireRecords;
import dev.bgtasks.ipc.WireTrees;
import dev.bgtasks.spi.HardwareReadings;
import dev.bgtasks.spi.HostSignal;
import dev.bgtasks.spi.ResourceLimits;
import dev.bgtasks.spi.SignalSnapshot;
import dev.bgtasks.task.BackgroundTaskCancellationReason;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * {@code --json} written from the wire's trees without a mapper (issue 18) against what {@code bgtask} printed
 * before with {@link Output}'s mapper, for the same replies: byte for byte.
 */
class TreeOutputTest {
    private static final Instant T = Instant.parse("2026-12-07T17:10:49.123456789Z");

    private static String printed(Consumer<PrintWriter> print) {
        StringWriter text = new StringWriter();
        print.accept(new PrintWriter(text));
        return text.toString();
    }

    /** Every type a result map may hold (SPEC P2), nested, with the odd numbers and text. */
    private static Map<String, Object> everyValue() {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("text", "notes \"db\" ✓\n\ttab");
        values.put("yes", true);
        values.put("char", 'x');
        values.put("i8", (byte) -7);
        values.put("i16", (short) 300);
        values.put("i32", Integer.MIN_VALUE);
        values.put("i64", Long.MAX_VALUE);
        values.put("f32", 1.1f);
        values.put("f64", 0.1 + 0.2);
        values.put("nan", Double.NaN);
        values.put("inf", Float.NEGATIVE_INFINITY);
        values.put("negativeZero", -0.0);
        values.put("big", new BigInteger("123456789012345678901234567890"));
        values.put("decimal", new BigDecimal("1.2300"));
        values.put("exponent", new BigDecimal("1E+3"));
        values.put("uuid", UUID.fromString("00000000-0000-0000-0000-00000000002a"));
        values.put("instant", T);
        values.put("duration", Duration.ofMillis(90_061_001));
        values.put("bytes", new byte[] {0, 1, 2, (byte) 0xff});
        values.put("list", List.of(1, "two", List.of(), Map.of()));
        values.put("map", Map.of("nested", List.of(3L)));
        return values;
    }

    private static List<InstanceInfo> instances() {
        return List.of(
                new InstanceInfo(UUID.randomUUID(), UUID.randomUUID(), "com.example.notes", "nightly",
                        InstanceState.COMPLETED, 100, TaskOutcome.FAILED, BackgroundTaskCancellationReason.ABORT,
                        TerminationReason.values()[0], "java.io.IOException", "disk \"full\" ✓", 3, 1L << 40, 4242L,
                        T, T.plusSeconds(1), T.plusSeconds(2), Set.of(SystemConditionType.USER_NOT_PRESENT), true,
                        List.of("usb-device 1234:5678", "cpu-idle 80"), List.of("printer"),
                        ValueMapCodec.encode(everyValue()), 2, T.plusSeconds(60)),
                new InstanceInfo(UUID.randomUUID(), UUID.randomUUID(), "com.example.notes", "",
                        InstanceState.PENDING, 0, null, null, null, null, null, null, null, null, T, null, null,
                        Set.of(), false, List.of(), List.of(), null, 1, null),
                new InstanceInfo(UUID.randomUUID(), UUID.randomUUID(), "com.example.notes", "",
                        InstanceState.RUNNING, 42, null, null, null, null, null, null, null, 7L, T, T, null,
                        Set.of(), false, List.of(), List.of(), ValueMapCodec.encode(Map.of()), 1, null));
    }

    @Test
    void runsPrintsWhatTheMapperPrinted() {
        for (List<InstanceInfo> replies : List.of(instances(), List.<InstanceInfo>of())) {
            JsonNode wire = WireTrees.of(replies);
            assertThat(printed(out -> TreeOutput.instances(out, wire)))
                    .isEqualTo(printed(out -> Output.json(out, Output.instances(replies))));
        }
    }

    @Test
    void runsReadsTheRecordsItPrintsInText() {
        List<InstanceInfo> replies = instances();
        assertThat(WireRecords.instances(WireTrees.of(replies))).usingRecursiveComparison().isEqualTo(replies);
    }

    @Test
    void tasksPrintsWhatTheMapperPrinted() {
        TaskDefinition java = new TaskDefinition("export", "", new TaskTarget.JavaEntryPoint("tasks.Export",
                List.of("/opt/app/lib/app.jar")), Set.of(SystemConditionType.INTERNET_AVAILABLE,
                SystemConditionType.USER_NOT_PRESENT), true, ResourceLimits.builder().memoryBytes(64L << 20)
                .maxProcesses(32).wallClock(Duration.ofMinutes(3)).build(), false, Duration.ofSeconds(2),
                "/tmp", TriggerSpec.time(Duration.ofMinutes(15), false), Map.of("LANG", "C"), true,
                RigRequirements.NONE, RetryPolicy.exponential(Duration.ofSeconds(1), Duration.ofMinutes(1), 5));
        TaskDefinition command = new TaskDefinition("rsync", "nightly", new TaskTarget.Command(List.of("/bin/true",
                "--flag")), Set.of(), false, null, true, null, null,
                TriggerSpec.system(SystemTriggerType.values()[0], true), null, false, null, null);
        List<RegistrationInfo> replies = List.of(new RegistrationInfo(UUID.randomUUID(), "com.example.notes", T,
                java), new RegistrationInfo(UUID.randomUUID(), "com.example.notes", T, command));
        for (List<RegistrationInfo> reply : List.of(replies, List.<RegistrationInfo>of())) {
            JsonNode wire = WireTrees.of(reply);
            assertThat(printed(out -> TreeOutput.registrations(out, wire)))
                    .isEqualTo(printed(out -> Output.json(out, reply)));
        }
    }

    @Test
    void signalsPrintsWhatTheMapperPrinted() {
        SignalSnapshot full = new SignalSnapshot(Map.of(HostSignal.AC_POWER, false, HostSignal.USER_PRESENT, true,
                HostSignal.ENERGY_SAVER, true), new HardwareReadings(Set.of("1234:5678", "abcd:0001"),
                Set.of("/media/usb"), Set.of("eth0", "lo"), 51.5, 97.0, Map.of("usb-device 1234:5678", true),
                Map.of("1-2", "1234:5678")));
        for (SignalSnapshot reply : List.of(full, SignalSnapshot.empty())) {
            JsonNode wire = WireTrees.of(reply);
            SignalSnapshot read = WireRecords.signalSnapshot(wire);
            assertThat(printed(out -> TreeOutput.signals(out, read, wire.path("hardware"))))
                    .isEqualTo(printed(out -> Output.json(out, signalsAsBefore(reply))));
        }
    }

    /** What {@code SignalsCommand} printed with {@code --json} before issue 18, from the typed snapshot. */
    private static Map<String, Object> signalsAsBefore(SignalSnapshot snapshot) {
        Map<String, Boolean> values = new LinkedHashMap<>();
        for (HostSignal signal : HostSignal.values()) {
            values.put(SignalsCommand.name(signal), snapshot.get(signal).orElse(null));
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("signals", values);
        doc.put("energySaver", snapshot.is(HostSignal.ENERGY_SAVER, true));
        doc.put("backgroundWorkCost", snapshot.backgroundWorkCost());
        doc.put("hardware", snapshot.hardware());
        return doc;
    }

    @Test
    void triggerPrintsWhatTheMapperPrinted() {
        for (TriggerResponse response : List.of(new TriggerResponse(ApplicationTriggerResult.ALLOWED,
                UUID.randomUUID()), new TriggerResponse(ApplicationTriggerResult.DISABLED_BY_POLICY, null))) {
            for (Integer debug : new Integer[] {null, 5005}) {
                Map<String, Object> before = new LinkedHashMap<>();
                before.put("result", response.result());
                before.put("instanceId", response.instanceId());
                if (debug != null) {
                    // Before, a Map.of, whose order is the JVM's; the help text names host, then port.
                    Map<String, Object> where = new LinkedHashMap<>();
                    where.put("host", "127.0.0.1");
                    where.put("port", debug);
                    before.put("debug", where);
                }
                assertThat(printed(out -> TriggerCommand.json(out, response, debug)))
                        .isEqualTo(printed(out -> Output.json(out, before)));
            }
        }
    }
}
