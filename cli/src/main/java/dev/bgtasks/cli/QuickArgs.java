package dev.bgtasks.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The options of the quick commands, as their annotated commands declare them, and a parser of the plain forms
 * scripts write: {@code --name value}, {@code --name=value} and flags. picocli, even through its programmatic API,
 * was about 50 ms of CPU per call (its model's classes initialise on every start), so a quick call does without it;
 * anything this parser is not sure of it declines, and picocli's annotated tree answers instead, with its errors
 * and help. {@code QuickCallsTest} holds these declarations equal to the annotated ones and the parses equal to
 * picocli's.
 *
 * <pre>{@code
 * Map<String, Object> values = QuickArgs.parse(QuickArgs.RUNS, List.of("--app", "com.example.notes", "--json"));
 * String app = (String) values.get("--app");   // null from parse: not sure, ask picocli
 * }</pre>
 */
final class QuickArgs {
    /** How an option takes its value: a flag, one value, a value per occurrence, or an optional port. */
    enum Kind { FLAG, VALUE, REPEATED, OPTIONAL_PORT, HELP }

    /**
     * One option.
     *
     * @param names its names, longest last, as picocli lists them
     * @param kind how it takes a value
     * @param label its parameter label; empty for a flag
     * @param required whether the command fails without it
     * @param defaultValue its value when absent; null for none
     */
    record Option(List<String> names, Kind kind, String label, boolean required, String defaultValue) {
    }

    private static final Option APP = new Option(List.of("--app"), Kind.VALUE, "APP", true, null);
    private static final Option JSON = flag("--json");
    private static final List<Option> HELP = List.of(new Option(List.of("-h", "--help"), Kind.HELP, "", false, null),
            new Option(List.of("-V", "--version"), Kind.HELP, "", false, null));

    static final List<Option> RUNS = with(APP, JSON);
    static final List<Option> TASKS = with(APP, JSON);
    static final List<Option> SIGNALS = with(flag("--watch"), JSON);
    static final List<Option> DOCTOR = with();
    static final List<Option> ACCESS_STATUS = with(APP);
    static final List<Option> TRIGGER = with(APP,
            new Option(List.of("--trigger"), Kind.VALUE, "SLOT", false, ""),
            new Option(List.of("--arg"), Kind.REPEATED, "KEY=VALUE", false, null),
            new Option(List.of("--if-running"), Kind.VALUE, "POLICY", false, "keep"),
            flag("--wait"), JSON,
            new Option(List.of("--debug"), Kind.OPTIONAL_PORT, "PORT", false, null));

    private QuickArgs() {
    }

    private static Option flag(String name) {
        return new Option(List.of(name), Kind.FLAG, "", false, null);
    }

    private static List<Option> with(Option... options) {
        List<Option> all = new ArrayList<>(List.of(options));
        all.addAll(HELP);
        return List.copyOf(all);
    }

    /**
     * Parses a command's arguments (the words after its name).
     *
     * @param options the command's options
     * @param args its arguments
     * @return each option's value by its longest name (a flag: true; {@code --arg}: a list; an absent option: its
     *     default, or null), or null when the arguments are not in one of the plain forms, ask for help, repeat an
     *     option, lack a required one, or hold anything picocli might read otherwise ({@code @files}, {@code --},
     *     short options, a value that starts with {@code -})
     */
    static Map<String, Object> parse(List<Option> options, List<String> args) {
        Map<String, Object> values = new HashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("--") || arg.equals("--")) {
                return null;
            }
            int equals = arg.indexOf('=');
            String name = equals < 0 ? arg : arg.substring(0, equals);
            Option option = named(options, name);
            if (option == null || option.kind() == Kind.HELP
                    || values.containsKey(name) && option.kind() != Kind.REPEATED) {
                return null;
            }
            String value;
            if (equals >= 0) {
                value = option.kind() == Kind.FLAG ? null : arg.substring(equals + 1);
            } else if (option.kind() == Kind.FLAG) {
                value = "";
            } else if (option.kind() == Kind.OPTIONAL_PORT) {
                // An optional value is only sure when it is attached: picocli may take the next word or not.
                value = i + 1 < args.size() ? null : "";
            } else {
                value = i + 1 < args.size() ? args.get(++i) : null;
            }
            if (value == null || !accepts(option, value)) {
                return null;
            }
            switch (option.kind()) {
                case FLAG -> values.put(name, true);
                case REPEATED -> {
                    @SuppressWarnings("unchecked")
                    List<String> list = (List<String>) values.computeIfAbsent(name, n -> new ArrayList<String>());
                    list.add(value);
                }
                case OPTIONAL_PORT -> values.put(name, value.isEmpty() ? 0 : Integer.parseInt(value));
                default -> values.put(name, value);
            }
        }
        for (Option option : options) {
            String name = option.names().get(option.names().size() - 1);
            if (!values.containsKey(name)) {
                if (option.required()) {
                    return null;
                }
                values.put(name, option.kind() == Kind.FLAG ? Boolean.FALSE
                        : option.kind() == Kind.REPEATED ? List.of() : option.defaultValue());
            }
        }
        return values;
    }

    private static Option named(List<Option> options, String name) {
        for (Option option : options) {
            if (option.names().contains(name)) {
                return option;
            }
        }
        return null;
    }

    /** Values picocli reads the same way: no option-like or @file words; a flag takes none; a port is decimal. */
    private static boolean accepts(Option option, String value) {
        if (value.startsWith("-") || value.startsWith("@")) {
            return false;
        }
        return switch (option.kind()) {
            case FLAG -> value.isEmpty();
            case OPTIONAL_PORT -> value.isEmpty() || value.matches("0|[1-9][0-9]{0,4}");
            default -> true;
        };
    }
}
