package dev.bgtasks.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bgtasks.ipc.BrokerProtocolException;
import dev.bgtasks.ipc.BrokerTreeClient;
import dev.bgtasks.ipc.WireRecords;
import dev.bgtasks.spi.HardwareReadings;
import dev.bgtasks.spi.HostSignal;
import dev.bgtasks.spi.SignalSnapshot;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code bgtask signals}: the host signals the broker sees, once or as they change. */
@Command(name = "signals", mixinStandardHelpOptions = true,
        description = "Show the host signals the broker decides with (simulated overrides included), "
                + "energy saver and the background work cost.")
final class SignalsCommand implements Callable<Integer> {
    @Option(names = "--watch", description = "Keep printing each change until interrupted.")
    boolean watch;
    @Option(names = "--json", description = "Print JSON: {signals: {name: true|false|null}, energySaver, "
            + "backgroundWorkCost, hardware: {usbDevices, volumes, interfacesUp, cpuTemperatureCelsius, "
            + "cpuIdlePercent, conditionOverrides} (null: unknown)}; one object per line with --watch.")
    boolean json;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return run(watch, json, spec.commandLine().getOut());
    }

    /** The command itself, for this class's model and for {@link QuickCalls}' alike. */
    static int run(boolean watch, boolean json, PrintWriter out) {
        BlockingQueue<JsonNode> changes = new LinkedBlockingQueue<>();
        // One look needs no threads; watching needs the reader thread that takes the broker's pushes.
        try (BrokerTreeClient broker = watch ? BrokerConnection.trees() : BrokerConnection.oneShot();
             // The broker pushes each change (issue 18); subscribed before the first look, so none is missed.
             BrokerTreeClient.Subscription pushed = watch ? broker.subscribeSignals(changes::add) : () -> { }) {
            JsonNode last = broker.signals();
            print(out, last, json);
            while (watch) {
                JsonNode now = changes.take();
                if (now.isMissingNode()) {
                    throw new BrokerProtocolException("lost the connection to the broker at " + broker.socket());
                }
                if (!WireRecords.signalSnapshot(now).equals(WireRecords.signalSnapshot(last))) {
                    last = now;
                    print(out, now, json);
                }
            }
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    private static void print(PrintWriter out, JsonNode answer, boolean json) {
        SignalSnapshot snapshot = WireRecords.signalSnapshot(answer);
        if (json) {
            TreeOutput.signals(out, snapshot, answer.path("hardware"));
            return;
        }
        Map<String, Boolean> values = new LinkedHashMap<>();
        for (HostSignal signal : HostSignal.values()) {
            values.put(name(signal), snapshot.get(signal).orElse(null));
        }
        values.forEach((k, v) -> out.printf("%-18s %s%n", k, v == null ? "unknown" : v));
        out.printf("%-18s %s%n", "work-cost", snapshot.backgroundWorkCost());
        HardwareReadings hw = snapshot.hardware();
        out.printf("%-18s %s%n", "usb-devices", listed(hw.usbDevices()));
        out.printf("%-18s %s%n", "volumes", listed(hw.volumes()));
        out.printf("%-18s %s%n", "interfaces-up", listed(hw.interfacesUp()));
        out.printf("%-18s %s%n", "cpu-temperature", hw.cpuTemperatureCelsius() == null
                ? "unknown (read only while a registration needs it)" : hw.cpuTemperatureCelsius() + " °C");
        out.printf("%-18s %s%n", "cpu-idle", hw.cpuIdlePercent() == null
                ? "unknown (read only while a registration needs it)" : hw.cpuIdlePercent() + " %");
        hw.conditionOverrides().forEach((condition, verdict) ->
                out.printf("%-18s %s=%s%n", "simulated", condition, verdict));
        out.flush();
    }

    private static String listed(java.util.Set<String> values) {
        return values == null ? "unknown" : values.isEmpty() ? "none" : String.join(", ", values);
    }

    static String name(HostSignal signal) {
        return signal.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
