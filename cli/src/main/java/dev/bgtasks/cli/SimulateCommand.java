package dev.bgtasks.cli;

import dev.bgtasks.ipc.BrokerClient;
import dev.bgtasks.HardwareCondition;
import dev.bgtasks.spi.HardwareReadings;
import dev.bgtasks.spi.HostSignal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code bgtask simulate}: overrides host signals in the running broker, for test rigs. */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = {"Override host signals in the running broker (test rigs); conditions are re-evaluated at once.",
                "SIGNAL: internet, unmetered-network, user-present, session-connected, ac-power, battery-low, "
                        + "storage-low, energy-saver. VALUE: true, false, or unknown (removes the override).",
                "Hardware (SPEC H5): a condition's verdict, CONDITION=VALUE (usb-device=1d6b:0002=true, "
                        + "volume-mounted=/mnt/rig=false, interface-up=eth0=unknown), or a reading: "
                        + "cpu-temperature=CELSIUS, cpu-idle=PERCENT."},
        footer = {"", "Examples:", "  bgtask simulate energy-saver=true", "  bgtask simulate internet=false ac-power=true",
                "  bgtask simulate usb-device=1d6b:0002=true cpu-temperature=45",
                "  bgtask simulate --clear"})
final class SimulateCommand implements Callable<Integer> {
    @Parameters(paramLabel = "SIGNAL=VALUE", arity = "0..*", description = "Signals to override.")
    List<String> overrides = new ArrayList<>();
    @Option(names = "--clear", description = "Drop every override.")
    boolean clear;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (clear == !overrides.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give SIGNAL=VALUE pairs or --clear");
        }
        try (BrokerClient broker = BrokerConnection.connect()) {
            if (clear) {
                broker.clearSimulation();
            } else {
                List<String> signals = new ArrayList<>();
                List<String> hardware = new ArrayList<>();
                for (String pair : overrides) {
                    (isHardware(pair) ? hardware : signals).add(pair);
                }
                if (!signals.isEmpty()) {
                    broker.simulate(parse(signals));
                }
                if (!hardware.isEmpty()) {
                    broker.simulateHardware(parseHardware(hardware));
                }
            }
            return 0;
        }
    }

    static Map<HostSignal, Boolean> parse(List<String> pairs) {
        Map<HostSignal, Boolean> values = new HashMap<>();
        for (String pair : pairs) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("'" + pair + "' is not SIGNAL=VALUE");
            }
            values.put(signal(pair.substring(0, eq)), value(pair.substring(eq + 1)));
        }
        return values;
    }

    private static final String CPU_TEMPERATURE = "cpu-temperature";
    private static final String CPU_IDLE = "cpu-idle";

    static boolean isHardware(String pair) {
        String key = pair.substring(0, Math.max(0, pair.indexOf('='))).trim().toLowerCase(Locale.ROOT);
        return key.equals(CPU_TEMPERATURE) || key.equals(CPU_IDLE) || HardwareCondition.isHardware(pair);
    }

    /** {@code usb-device=1d6b:0002=true} (a verdict, split at the last '='), {@code cpu-temperature=45} (a reading). */
    static HardwareReadings parseHardware(List<String> pairs) {
        HardwareReadings readings = HardwareReadings.UNKNOWN;
        Map<String, Boolean> verdicts = new HashMap<>();
        for (String pair : pairs) {
            int first = pair.indexOf('=');
            String key = pair.substring(0, Math.max(0, first)).trim().toLowerCase(Locale.ROOT);
            if (key.equals(CPU_TEMPERATURE) || key.equals(CPU_IDLE)) {
                double value = number(pair.substring(first + 1), pair);
                readings = key.equals(CPU_TEMPERATURE) ? readings.withCpuTemperature(value)
                        : readings.withCpuIdle(value);
                continue;
            }
            int last = pair.lastIndexOf('=');
            if (last == first) {
                throw new IllegalArgumentException("'" + pair + "' is not CONDITION=VALUE, e.g."
                        + " usb-device=1d6b:0002=true");
            }
            verdicts.put(HardwareCondition.parse(pair.substring(0, last)).spelling(), value(pair.substring(last + 1)));
        }
        return readings.withConditionOverrides(verdicts);
    }

    private static double number(String text, String pair) {
        try {
            return Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + pair + "' needs a number", e);
        }
    }

    private static HostSignal signal(String name) {
        String normalized = name.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        return Arrays.stream(HostSignal.values()).filter(s -> s.name().equals(normalized)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown signal '" + name + "'; known: "
                        + Arrays.stream(HostSignal.values()).map(SignalsCommand::name)
                        .collect(Collectors.joining(", "))));
    }

    private static Boolean value(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "true", "on", "yes", "1" -> Boolean.TRUE;
            case "false", "off", "no", "0" -> Boolean.FALSE;
            case "unknown", "clear" -> null;
            default -> throw new IllegalArgumentException("'" + text + "' is not true, false or unknown");
        };
    }
}
