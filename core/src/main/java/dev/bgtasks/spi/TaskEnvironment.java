package dev.bgtasks.spi;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * What a task's environment is made of (SPEC S5), per OS, in one place: the user's <em>base</em> (identity,
 * directories, {@code PATH}, locale; on Windows also the system variables without which many DLLs do not load),
 * the desktop <em>session</em>'s display and bus (only for tasks that ask for the session), and the names a
 * registration may not set. Never the rest of the environment of whichever process started the broker.
 *
 * <pre>{@code
 * TaskEnvironment.Os os = TaskEnvironment.Os.current();
 * Map<String, String> env = TaskEnvironment.base(os, System.getenv(), loginDefaults, userHome, userName);
 * if (wantsSession) {
 *     env.putAll(TaskEnvironment.session(os, System.getenv(), loginDefaults));
 * }
 * TaskEnvironment.refusal("LD_PRELOAD");   // Optional["LD_PRELOAD steers the dynamic loader ..."]
 * }</pre>
 *
 * <p>Each name is taken from the broker's own environment, except {@code PATH} and the locale, which come from the
 * user's login defaults where the OS keeps them (on Linux with systemd: the user manager's environment), and
 * identity and {@code PATH} fall back to the OS's account data and a fixed default when even the broker lacks them.
 */
public final class TaskEnvironment {
    /** Every variable whose name starts with this is bgtasks' own; registrations cannot set them. */
    public static final String RESERVED_PREFIX = "BGTASKS_";
    /**
     * The variables the broker sets for one task; every other {@code BGTASKS_*} variable configures the broker
     * ({@code BGTASKS_HOME}, {@code BGTASKS_POLICY}, ...) and is passed to an auto-started broker, never to a task.
     */
    public static final List<String> PER_TASK = List.of("BGTASKS_RUN_TOKEN", "BGTASKS_INSTANCE_ID",
            "BGTASKS_TASK_ID", "BGTASKS_SOCKET");
    /**
     * glibc's malloc arenas for the broker on Linux, unless the user set their own: by default glibc makes up to
     * eight per core as threads contend, and each keeps the pages it touched; the broker's few dozen mostly idle
     * threads need two. About 4 MB less idle RSS (the idle-broker figure of {@code bench/run}).
     */
    public static final Map.Entry<String, String> BROKER_MALLOC_ARENAS = Map.entry("MALLOC_ARENA_MAX", "2");

    /** Identity and directories on Linux and macOS. */
    static final List<String> UNIX_USER = List.of("HOME", "USER", "LOGNAME", "SHELL", "TMPDIR");
    /** The locale on Linux and macOS: {@code LANG}, {@code LANGUAGE} and every {@code LC_*}. */
    static final Predicate<String> UNIX_LOCALE =
            name -> name.equals("LANG") || name.equals("LANGUAGE") || name.startsWith("LC_");
    /** The XDG base directories: {@code XDG_CONFIG_HOME}, {@code XDG_DATA_DIRS} and the like. */
    static final Predicate<String> XDG_DIRECTORIES =
            name -> name.startsWith("XDG_") && (name.endsWith("_HOME") || name.endsWith("_DIRS"));
    /** CoreFoundation's text encoding, which macOS sets for every login process. */
    static final List<String> MACOS_EXTRA = List.of("__CF_USER_TEXT_ENCODING");
    /** The desktop session on Linux and macOS (X11, Wayland, the session bus, logind's session). */
    static final List<String> UNIX_SESSION = List.of("DISPLAY", "WAYLAND_DISPLAY", "XAUTHORITY",
            "DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR", "XDG_CURRENT_DESKTOP", "XDG_SEAT", "XDG_VTNR");
    static final Predicate<String> XDG_SESSION = name -> name.startsWith("XDG_SESSION_");
    /**
     * The Windows base: the system's directories (a process without {@code SystemRoot} cannot load many DLLs,
     * Winsock among them), the processor, the user's profile and identity, temp, {@code PATH}, {@code PATHEXT} and
     * {@code ComSpec}.
     */
    static final List<String> WINDOWS_BASE = List.of("SystemRoot", "windir", "SystemDrive", "ComSpec", "PATHEXT",
            "Path", "OS", "PROCESSOR_ARCHITECTURE", "PROCESSOR_IDENTIFIER", "PROCESSOR_LEVEL", "PROCESSOR_REVISION",
            "NUMBER_OF_PROCESSORS", "ProgramData", "ProgramFiles", "ProgramFiles(x86)", "ProgramW6432",
            "CommonProgramFiles", "CommonProgramFiles(x86)", "CommonProgramW6432", "ALLUSERSPROFILE", "PUBLIC",
            "USERPROFILE", "HOMEDRIVE", "HOMEPATH", "APPDATA", "LOCALAPPDATA", "TEMP", "TMP", "USERNAME",
            "USERDOMAIN", "USERDOMAIN_ROAMINGPROFILE", "COMPUTERNAME", "LOGONSERVER");
    /** The Windows session: the terminal-services session a desktop task may want to know. */
    static final List<String> WINDOWS_SESSION = List.of("SESSIONNAME", "CLIENTNAME");
    /** Loader variables run code before the task's first instruction, in the sandbox's own wrapper (SPEC X1). */
    static final List<String> LOADER_VARIABLES = List.of("LD_PRELOAD", "LD_LIBRARY_PATH", "LD_AUDIT");
    static final String LOADER_PREFIX = "DYLD_";
    static final String LINUX_DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin";
    static final String MACOS_DEFAULT_PATH = "/usr/bin:/bin:/usr/sbin:/sbin";

    /** The OS whose rules apply; pure functions take it so every OS's rules are tested on any OS. */
    public enum Os {
        /** Linux, and any OS that is neither macOS nor Windows. */
        LINUX,
        /** macOS. */
        MACOS,
        /** Windows: names ignore case, and the base holds the system's variables. */
        WINDOWS;

        /**
         * The OS of an {@code os.name} value; anything not macOS or Windows follows the Linux rules.
         *
         * @param osName e.g. {@code Linux}, {@code Mac OS X}, {@code Windows 11}
         * @return the OS
         */
        public static Os of(String osName) {
            String os = osName.toLowerCase(Locale.ROOT);
            return os.startsWith("windows") ? WINDOWS : os.contains("mac") || os.contains("darwin") ? MACOS : LINUX;
        }

        /**
         * This JVM's OS.
         *
         * @return the OS
         */
        public static Os current() {
            return of(System.getProperty("os.name", ""));
        }
    }

    private TaskEnvironment() {
    }

    /**
     * The user's base environment: identity, directories, {@code PATH} and locale (on Windows, the system and
     * profile variables instead of a locale, which Windows does not keep in the environment).
     *
     * @param os whose rules
     * @param own the broker's own environment
     * @param loginDefaults the user's login defaults (the systemd user manager's environment on Linux); empty
     *     where the OS keeps none, then {@code PATH} and the locale are the broker's own
     * @param userHome the account's home directory, for a missing {@code HOME} / {@code USERPROFILE}
     * @param userName the account's name, for a missing {@code USER} / {@code USERNAME}
     * @return a new modifiable map, in a stable order
     */
    public static Map<String, String> base(Os os, Map<String, String> own, Map<String, String> loginDefaults,
                                           String userHome, String userName) {
        Map<String, String> env = new LinkedHashMap<>();
        if (os == Os.WINDOWS) {
            windowsBase(own, loginDefaults, userHome, userName, env);
            return env;
        }
        for (String name : UNIX_USER) {
            copy(own, name, env);
        }
        env.putIfAbsent("HOME", userHome);
        env.putIfAbsent("USER", userName);
        env.putIfAbsent("LOGNAME", env.get("USER"));
        copyMatching(own, XDG_DIRECTORIES, env);
        if (os == Os.MACOS) {
            for (String name : MACOS_EXTRA) {
                copy(own, name, env);
            }
        }
        String path = Optional.ofNullable(loginDefaults.get("PATH")).or(() -> Optional.ofNullable(own.get("PATH")))
                .orElse(os == Os.MACOS ? MACOS_DEFAULT_PATH : LINUX_DEFAULT_PATH);
        env.put("PATH", path);
        // The login's locale as a whole when it has one: mixing its LANG with the broker's LC_* would make a locale
        // nobody chose.
        boolean loginHasLocale = loginDefaults.keySet().stream().anyMatch(UNIX_LOCALE);
        copyMatching(loginHasLocale ? loginDefaults : own, UNIX_LOCALE, env);
        return env;
    }

    private static void windowsBase(Map<String, String> own, Map<String, String> loginDefaults, String userHome,
                                    String userName, Map<String, String> env) {
        for (String name : WINDOWS_BASE) {
            Optional<Map.Entry<String, String>> found = name.equals("Path")
                    ? findIgnoringCase(loginDefaults, name).or(() -> findIgnoringCase(own, name))
                    : findIgnoringCase(own, name);
            found.ifPresent(e -> env.put(e.getKey(), e.getValue()));
        }
        String systemRoot = putIfMissing(env, "SystemRoot", "C:\\Windows");
        putIfMissing(env, "windir", systemRoot);
        putIfMissing(env, "ComSpec", systemRoot + "\\system32\\cmd.exe");
        putIfMissing(env, "PATHEXT", ".COM;.EXE;.BAT;.CMD");
        putIfMissing(env, "Path", systemRoot + "\\system32;" + systemRoot + ";" + systemRoot + "\\System32\\Wbem");
        String profile = putIfMissing(env, "USERPROFILE", userHome);
        putIfMissing(env, "USERNAME", userName);
        String local = putIfMissing(env, "LOCALAPPDATA", profile + "\\AppData\\Local");
        putIfMissing(env, "APPDATA", profile + "\\AppData\\Roaming");
        String temp = putIfMissing(env, "TEMP", local + "\\Temp");
        putIfMissing(env, "TMP", temp);
    }

    /**
     * The desktop session's display and bus variables, for a task whose conditions or registration ask for the
     * session: the broker's own where it has them, else the login defaults' (a systemd user manager holds what the
     * desktop imported into it).
     *
     * @param os whose rules
     * @param own the broker's own environment
     * @param loginDefaults the user's login defaults, possibly empty
     * @return a new modifiable map; empty when there is no session
     */
    public static Map<String, String> session(Os os, Map<String, String> own, Map<String, String> loginDefaults) {
        Map<String, String> env = new LinkedHashMap<>();
        if (os == Os.WINDOWS) {
            for (String name : WINDOWS_SESSION) {
                findIgnoringCase(own, name).ifPresent(e -> env.put(e.getKey(), e.getValue()));
            }
            return env;
        }
        Map<String, String> source = own.containsKey("DISPLAY") || own.containsKey("WAYLAND_DISPLAY")
                || own.containsKey("DBUS_SESSION_BUS_ADDRESS") ? own : loginDefaults;
        for (String name : UNIX_SESSION) {
            copy(source, name, env);
        }
        copyMatching(source, XDG_SESSION, env);
        // The runtime directory is the user's, not the session's: take it from wherever it is known.
        if (!env.containsKey("XDG_RUNTIME_DIR")) {
            copy(source == own ? loginDefaults : own, "XDG_RUNTIME_DIR", env);
        }
        return env;
    }

    /**
     * The environment an auto-started broker gets from the app that starts it: the base and the session (the
     * broker watches the session's signals and hands them to tasks that ask), the broker's own settings (every
     * {@code BGTASKS_*} variable but the {@link #PER_TASK} ones, which would be the app's own if it runs as a task),
     * the system bus address where a test rig moved it, and on Linux {@link #BROKER_MALLOC_ARENAS}. Nothing else of
     * the app's: its secrets, proxies and {@code JAVA_TOOL_OPTIONS} stay its own.
     *
     * @param os whose rules
     * @param app the starting app's environment
     * @param userHome the account's home directory
     * @param userName the account's name
     * @return a new modifiable map
     */
    public static Map<String, String> forBroker(Os os, Map<String, String> app, String userHome, String userName) {
        Map<String, String> env = base(os, app, Map.of(), userHome, userName);
        env.putAll(session(os, app, Map.of()));
        if (os != Os.WINDOWS) {
            copy(app, "DBUS_SYSTEM_BUS_ADDRESS", env);
        }
        copyMatching(app, name -> name.startsWith(RESERVED_PREFIX) && !PER_TASK.contains(name), env);
        if (os == Os.LINUX) {
            env.put(BROKER_MALLOC_ARENAS.getKey(), app.getOrDefault(BROKER_MALLOC_ARENAS.getKey(),
                    BROKER_MALLOC_ARENAS.getValue()));
        }
        return env;
    }

    /**
     * Why a registration may not set {@code name}, if it may not: bgtasks' own variables and the loader variables.
     *
     * @param name a variable name
     * @return the rule it breaks, or empty when a registration may set it
     */
    public static Optional<String> refusal(String name) {
        String upper = name.toUpperCase(Locale.ROOT);
        if (upper.startsWith(RESERVED_PREFIX)) {
            return Optional.of(name + " is reserved: " + RESERVED_PREFIX + "* variables are set by bgtasks alone");
        }
        if (LOADER_VARIABLES.contains(upper) || upper.startsWith(LOADER_PREFIX)) {
            return Optional.of(name + " steers the dynamic loader, which would run code in the sandbox's wrapper"
                    + " before the task is inside its limits; LD_PRELOAD, LD_LIBRARY_PATH, LD_AUDIT and DYLD_* are"
                    + " refused");
        }
        return Optional.empty();
    }

    private static void copy(Map<String, String> from, String name, Map<String, String> to) {
        String value = from.get(name);
        if (value != null) {
            to.put(name, value);
        }
    }

    private static void copyMatching(Map<String, String> from, Predicate<String> names, Map<String, String> to) {
        from.entrySet().stream().filter(e -> names.test(e.getKey())).sorted(Map.Entry.comparingByKey())
                .forEach(e -> to.put(e.getKey(), e.getValue()));
    }

    /** Windows names ignore case; the spelling found is kept. */
    private static Optional<Map.Entry<String, String>> findIgnoringCase(Map<String, String> from, String name) {
        String exact = from.get(name);
        if (exact != null) {
            return Optional.of(Map.entry(name, exact));
        }
        return from.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).findFirst()
                .map(e -> Map.entry(e.getKey(), e.getValue()));
    }

    private static String putIfMissing(Map<String, String> env, String name, String value) {
        Optional<Map.Entry<String, String>> found = findIgnoringCase(env, name);
        if (found.isPresent()) {
            return found.get().getValue();
        }
        env.put(name, value);
        return value;
    }
}
