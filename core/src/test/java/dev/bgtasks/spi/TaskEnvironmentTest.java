package dev.bgtasks.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.bgtasks.spi.TaskEnvironment.Os;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The per-OS base of a task's environment, on any OS (SPEC S5). */
class TaskEnvironmentTest {
    /** What a desktop shell holds: the user's variables, the session's, and plenty a task must not inherit. */
    private static final Map<String, String> LINUX_SHELL = linuxShell();

    private static Map<String, String> linuxShell() {
        Map<String, String> env = new HashMap<>();
        env.put("HOME", "/home/ann");
        env.put("USER", "ann");
        env.put("LOGNAME", "ann");
        env.put("SHELL", "/bin/bash");
        env.put("PATH", "/home/ann/bin:/usr/bin:/bin");
        env.put("LANG", "de_DE.UTF-8");
        env.put("LC_TIME", "en_GB.UTF-8");
        env.put("XDG_CONFIG_HOME", "/home/ann/.config");
        env.put("XDG_DATA_DIRS", "/usr/share");
        env.put("XDG_RUNTIME_DIR", "/run/user/1000");
        env.put("XDG_SESSION_TYPE", "wayland");
        env.put("XDG_CURRENT_DESKTOP", "GNOME");
        env.put("DISPLAY", ":0");
        env.put("WAYLAND_DISPLAY", "wayland-0");
        env.put("DBUS_SESSION_BUS_ADDRESS", "unix:path=/run/user/1000/bus");
        env.put("FOO_SECRET", "hunter2");
        env.put("JAVA_TOOL_OPTIONS", "-javaagent:/tmp/agent.jar");
        env.put("https_proxy", "http://proxy:3128");
        env.put("LD_PRELOAD", "/tmp/evil.so");
        env.put("BGTASKS_RUN_TOKEN", "someone-elses-token");
        env.put("BGTASKS_HOME", "/tmp/bgt");
        env.put("BGTASKS_POLICY", "/tmp/policy.json");
        env.put("DBUS_SYSTEM_BUS_ADDRESS", "unix:path=/tmp/system_bus");
        env.put("PWD", "/home/ann/src");
        return Map.copyOf(env);
    }

    @Test
    void linuxBaseIsIdentityDirectoriesPathAndLocaleAndNothingElse() { // SPEC S5
        assertThat(TaskEnvironment.base(Os.LINUX, LINUX_SHELL, Map.of(), "/home/other", "other")).containsExactly(
                entry("HOME", "/home/ann"), entry("USER", "ann"), entry("LOGNAME", "ann"), entry("SHELL", "/bin/bash"),
                entry("XDG_CONFIG_HOME", "/home/ann/.config"), entry("XDG_DATA_DIRS", "/usr/share"),
                entry("PATH", "/home/ann/bin:/usr/bin:/bin"), entry("LANG", "de_DE.UTF-8"),
                entry("LC_TIME", "en_GB.UTF-8"));
    }

    @Test
    void theUserManagersPathAndLocaleWinOverTheBrokersOwn() { // SPEC S5
        Map<String, String> login = Map.of("PATH", "/usr/local/bin:/usr/bin", "LANG", "C.UTF-8",
                "HOME", "/elsewhere", "DISPLAY", ":9");
        Map<String, String> base = TaskEnvironment.base(Os.LINUX, LINUX_SHELL, login, "/home/ann", "ann");
        assertThat(base).containsEntry("PATH", "/usr/local/bin:/usr/bin").containsEntry("LANG", "C.UTF-8")
                .containsEntry("HOME", "/home/ann")
                // The login's locale as a whole: the broker's LC_TIME is not mixed in.
                .doesNotContainKeys("LC_TIME", "DISPLAY");
    }

    @Test
    void anEmptyEnvironmentStillGetsTheAccountsIdentityAndADefaultPath() { // SPEC S5
        assertThat(TaskEnvironment.base(Os.LINUX, Map.of(), Map.of(), "/home/ann", "ann")).containsExactly(
                entry("HOME", "/home/ann"), entry("USER", "ann"), entry("LOGNAME", "ann"),
                entry("PATH", "/usr/local/bin:/usr/bin:/bin"));
        assertThat(TaskEnvironment.base(Os.MACOS, Map.of(), Map.of(), "/Users/ann", "ann"))
                .containsEntry("PATH", "/usr/bin:/bin:/usr/sbin:/sbin");
    }

    @Test
    void macosBaseAddsCoreFoundationsTextEncoding() { // SPEC S5
        Map<String, String> shell = Map.of("HOME", "/Users/ann", "USER", "ann", "LOGNAME", "ann",
                "TMPDIR", "/var/folders/xy/T/", "PATH", "/usr/bin:/bin", "LANG", "en_US.UTF-8",
                "__CF_USER_TEXT_ENCODING", "0x1F5:0x0:0x0", "SSH_AUTH_SOCK", "/private/tmp/launchd/Listeners",
                "FOO_SECRET", "hunter2");
        assertThat(TaskEnvironment.base(Os.MACOS, shell, Map.of(), "/Users/ann", "ann")).containsOnly(
                entry("HOME", "/Users/ann"), entry("USER", "ann"), entry("LOGNAME", "ann"),
                entry("TMPDIR", "/var/folders/xy/T/"), entry("__CF_USER_TEXT_ENCODING", "0x1F5:0x0:0x0"),
                entry("PATH", "/usr/bin:/bin"), entry("LANG", "en_US.UTF-8"));
    }

    @Test
    void windowsBaseHoldsWhatAProcessNeedsToLoadItsDlls() { // SPEC S5
        Map<String, String> shell = new HashMap<>();
        shell.put("SystemRoot", "C:\\Windows");
        shell.put("windir", "C:\\Windows");
        shell.put("SystemDrive", "C:");
        shell.put("ComSpec", "C:\\Windows\\system32\\cmd.exe");
        shell.put("PATHEXT", ".COM;.EXE;.BAT;.CMD");
        shell.put("Path", "C:\\Windows\\system32;C:\\Tools");
        shell.put("USERPROFILE", "C:\\Users\\ann");
        shell.put("APPDATA", "C:\\Users\\ann\\AppData\\Roaming");
        shell.put("LOCALAPPDATA", "C:\\Users\\ann\\AppData\\Local");
        shell.put("TEMP", "C:\\Users\\ann\\AppData\\Local\\Temp");
        shell.put("TMP", "C:\\Users\\ann\\AppData\\Local\\Temp");
        shell.put("USERNAME", "ann");
        shell.put("USERDOMAIN", "WORK");
        shell.put("SESSIONNAME", "Console");
        shell.put("FOO_SECRET", "hunter2");
        shell.put("JAVA_HOME", "C:\\jdk");
        Map<String, String> base = TaskEnvironment.base(Os.WINDOWS, shell, Map.of(), "C:\\Users\\x", "x");
        Map<String, String> expected = new HashMap<>(shell);
        expected.remove("SESSIONNAME");
        expected.remove("FOO_SECRET");
        expected.remove("JAVA_HOME");
        assertThat(base).isEqualTo(expected);
        assertThat(TaskEnvironment.session(Os.WINDOWS, shell, Map.of())).containsExactly(
                entry("SESSIONNAME", "Console"));
    }

    @Test
    void windowsNamesIgnoreCaseAndMissingSystemVariablesAreFilledIn() { // SPEC S5
        Map<String, String> base = TaskEnvironment.base(Os.WINDOWS, Map.of("PATH", "C:\\bin", "SYSTEMROOT", "D:\\Win"),
                Map.of(), "C:\\Users\\ann", "ann");
        assertThat(base).containsEntry("PATH", "C:\\bin").containsEntry("SYSTEMROOT", "D:\\Win")
                .doesNotContainKeys("Path", "SystemRoot")
                .containsEntry("windir", "D:\\Win").containsEntry("ComSpec", "D:\\Win\\system32\\cmd.exe")
                .containsEntry("PATHEXT", ".COM;.EXE;.BAT;.CMD").containsEntry("USERPROFILE", "C:\\Users\\ann")
                .containsEntry("USERNAME", "ann").containsEntry("LOCALAPPDATA", "C:\\Users\\ann\\AppData\\Local")
                .containsEntry("APPDATA", "C:\\Users\\ann\\AppData\\Roaming")
                .containsEntry("TEMP", "C:\\Users\\ann\\AppData\\Local\\Temp")
                .containsEntry("TMP", "C:\\Users\\ann\\AppData\\Local\\Temp");
    }

    @Test
    void theSessionIsTheDisplayAndTheBus() { // SPEC S5
        assertThat(TaskEnvironment.session(Os.LINUX, LINUX_SHELL, Map.of())).containsOnly(
                entry("DISPLAY", ":0"), entry("WAYLAND_DISPLAY", "wayland-0"),
                entry("DBUS_SESSION_BUS_ADDRESS", "unix:path=/run/user/1000/bus"),
                entry("XDG_RUNTIME_DIR", "/run/user/1000"), entry("XDG_CURRENT_DESKTOP", "GNOME"),
                entry("XDG_SESSION_TYPE", "wayland"));
    }

    @Test
    void aBrokerWithoutTheSessionTakesItFromTheUserManager() { // SPEC S5
        Map<String, String> login = Map.of("DISPLAY", ":1", "XAUTHORITY", "/run/user/1000/gdm/Xauthority",
                "XDG_RUNTIME_DIR", "/run/user/1000");
        assertThat(TaskEnvironment.session(Os.LINUX, Map.of("HOME", "/home/ann"), login)).containsOnly(
                entry("DISPLAY", ":1"), entry("XAUTHORITY", "/run/user/1000/gdm/Xauthority"),
                entry("XDG_RUNTIME_DIR", "/run/user/1000"));
        assertThat(TaskEnvironment.session(Os.LINUX, Map.of(), Map.of())).isEmpty();
    }

    @Test
    void anAutoStartedBrokerGetsTheBaseTheSessionAndItsOwnSettingsOnly() { // SPEC S5
        Map<String, String> broker = TaskEnvironment.forBroker(Os.LINUX, LINUX_SHELL, "/home/ann", "ann");
        assertThat(broker).containsKeys("HOME", "PATH", "LANG", "DISPLAY", "DBUS_SESSION_BUS_ADDRESS",
                        "XDG_RUNTIME_DIR", "DBUS_SYSTEM_BUS_ADDRESS", "BGTASKS_HOME", "BGTASKS_POLICY")
                .doesNotContainKeys("FOO_SECRET", "JAVA_TOOL_OPTIONS", "https_proxy", "LD_PRELOAD",
                        "BGTASKS_RUN_TOKEN", "PWD");
    }

    @Test
    void aBrokerOnLinuxKeepsToTwoMallocArenasUnlessTheUserChoseOtherwise() {
        assertThat(TaskEnvironment.forBroker(Os.LINUX, LINUX_SHELL, "/home/ann", "ann"))
                .containsEntry("MALLOC_ARENA_MAX", "2");
        Map<String, String> chosen = new HashMap<>(LINUX_SHELL);
        chosen.put("MALLOC_ARENA_MAX", "8");
        assertThat(TaskEnvironment.forBroker(Os.LINUX, chosen, "/home/ann", "ann"))
                .containsEntry("MALLOC_ARENA_MAX", "8");
        assertThat(TaskEnvironment.forBroker(Os.MACOS, LINUX_SHELL, "/Users/ann", "ann"))
                .doesNotContainKey("MALLOC_ARENA_MAX");
    }

    @Test
    void aTaskNeverGetsTheBrokersMallocSetting() { // SPEC S5
        Map<String, String> broker = TaskEnvironment.forBroker(Os.LINUX, LINUX_SHELL, "/home/ann", "ann");
        assertThat(TaskEnvironment.base(Os.LINUX, broker, Map.of(), "/home/ann", "ann"))
                .doesNotContainKey("MALLOC_ARENA_MAX");
    }

    @ParameterizedTest
    @ValueSource(strings = {"BGTASKS_SOCKET", "BGTASKS_RUN_TOKEN", "bgtasks_home", "LD_PRELOAD", "LD_LIBRARY_PATH",
            "LD_AUDIT", "DYLD_INSERT_LIBRARIES", "DYLD_LIBRARY_PATH"})
    void bgtasksAndLoaderVariablesAreRefused(String name) { // SPEC S5
        assertThat(TaskEnvironment.refusal(name)).get().asString().contains(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"PATH", "LANG", "NOTES_PROFILE", "LD_RUN_PATH", "LDFLAGS", "BGTASKS"})
    void otherVariablesMayBeSet(String name) { // SPEC S5
        assertThat(TaskEnvironment.refusal(name)).isEmpty();
    }

    @Test
    void theOsOfAnOsName() {
        assertThat(Os.of("Linux")).isEqualTo(Os.LINUX);
        assertThat(Os.of("Mac OS X")).isEqualTo(Os.MACOS);
        assertThat(Os.of("Windows 11")).isEqualTo(Os.WINDOWS);
        assertThat(Os.of("FreeBSD")).isEqualTo(Os.LINUX);
    }
}
