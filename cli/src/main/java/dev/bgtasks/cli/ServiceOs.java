package dev.bgtasks.cli;

import java.util.Locale;

/** The service manager a {@code bgtask service} command writes for: one per desktop OS. */
enum ServiceOs {
    LINUX("systemd user unit", "systemctl", "Linux"),
    MACOS("launchd agent", "launchctl", "Mac OS X"),
    WINDOWS("Task Scheduler logon task", "schtasks", "Windows");

    private final String kind;
    private final String tool;
    private final String osName;

    ServiceOs(String kind, String tool, String osName) {
        this.kind = kind;
        this.tool = tool;
        this.osName = osName;
    }

    /** An {@code os.name} value of this OS, to resolve the broker's locations there. */
    String osName() {
        return osName;
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
