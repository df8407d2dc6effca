package dev.bgtasks.cli;

import java.util.Locale;

/** The service manager a {@code bgtask service} command writes for: one per desktop OS. */
enum ServiceOs {
    LINUX("systemd user unit", "systemctl"),
    MACOS("launchd agent", "launchctl"),
    WINDOWS("Task Scheduler logon task", "schtasks");

    private final String kind;
    private final String tool;

    ServiceOs(String kind, String tool) {
        this.kind = kind;
        this.tool = tool;
    }

    /** What gets registered, for messages. */
    String kind() {
        return kind;
    }

    /** The command-line tool of the service manager. */
    String tool() {
        return tool;
    }

    String optionValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The OS named by {@code os.name}.
     *
     * @throws IllegalArgumentException for an OS without a supported service manager
     */
    static ServiceOs fromOsName(String osName) {
        String name = osName.toLowerCase(Locale.ROOT);
        if (name.startsWith("linux")) {
            return LINUX;
        }
        if (name.startsWith("mac") || name.startsWith("darwin")) {
            return MACOS;
        }
        if (name.startsWith("windows")) {
            return WINDOWS;
        }
        throw new IllegalArgumentException("no service manager is supported on " + osName
                + "; run `bgtask daemon` from your session startup, or pass --os linux|macos|windows with --dry-run");
    }

    /** Parses the {@code --os} value: {@code linux}, {@code macos} or {@code windows}. */
    static ServiceOs parse(String text) {
        for (ServiceOs os : values()) {
            if (os.optionValue().equals(text.trim().toLowerCase(Locale.ROOT))) {
                return os;
            }
        }
        throw new IllegalArgumentException("unknown --os '" + text + "'; valid: linux, macos, windows");
    }
}
