package dev.bgtasks.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.AclEntryPermission;
import java.nio.file.attribute.AclEntryType;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

class BrokerLocationTest {
    private static final Path HOME = Path.of("/home/ann");
    private static final Path TMP = Path.of("/tmp");

    @Test
    void linuxFollowsXdg() { // DESIGN: where things live
        BrokerLocation l = BrokerLocation.resolve(Map.of("XDG_RUNTIME_DIR", "/run/user/1000"), "Linux", HOME, "ann",
                TMP);
        assertThat(l.socket()).isEqualTo(Path.of("/run/user/1000/bgtasks/broker.sock"));
        assertThat(l.stateDirectory()).isEqualTo(Path.of("/home/ann/.local/share/bgtasks"));
        assertThat(l.logFile()).isEqualTo(Path.of("/home/ann/.local/state/bgtasks/broker.log"));
    }

    @Test
    void linuxWithoutARuntimeDirUsesAPrivateTempDir() {
        BrokerLocation l = BrokerLocation.resolve(Map.of("XDG_RUNTIME_DIR", "relative/ignored"), "Linux", HOME,
                "ann", TMP);
        assertThat(l.runtimeDirectory()).isEqualTo(Path.of("/tmp/bgtasks-ann"));
    }

    @Test
    void macOsAndWindowsFollowTheirConventions() {
        BrokerLocation mac = BrokerLocation.resolve(Map.of("TMPDIR", "/var/folders/xy/T"), "Mac OS X",
                Path.of("/Users/ann"), "ann", TMP);
        assertThat(mac.socket()).isEqualTo(Path.of("/var/folders/xy/T/bgtasks-ann/broker.sock"));
        assertThat(mac.stateDirectory()).isEqualTo(Path.of("/Users/ann/Library/Application Support/bgtasks"));
        assertThat(mac.logDirectory()).isEqualTo(Path.of("/Users/ann/Library/Logs/bgtasks"));
        BrokerLocation win = BrokerLocation.resolve(Map.of("LOCALAPPDATA", "/c/Users/ann/AppData/Local"),
                "Windows 11", Path.of("/c/Users/ann"), "ann", TMP);
        assertThat(win.runtimeDirectory()).isEqualTo(Path.of("/c/Users/ann/AppData/Local/bgtasks/run"));
    }

    @Test
    void bgtasksHomeMovesEverything() {
        BrokerLocation l = BrokerLocation.resolve(Map.of("BGTASKS_HOME", "/srv/bgt"), "Linux", HOME, "ann", TMP);
        assertThat(l).isEqualTo(new BrokerLocation(Path.of("/srv/bgt/run"), Path.of("/srv/bgt/data"),
                Path.of("/srv/bgt/logs")));
    }

    @Test
    void aSocketPathTooLongForMacOsMovesToAShortDirectory() { // SPEC S1, macOS's 104-byte sun_path
        String deep = "/srv/" + "x".repeat(120);
        BrokerLocation l = BrokerLocation.resolve(Map.of("BGTASKS_HOME", deep), "Mac OS X", HOME, "ann", TMP);
        assertThat(l.socket().toString().length()).isLessThanOrEqualTo(BrokerLocation.MAX_SOCKET_PATH_BYTES);
        assertThat(l.stateDirectory()).isEqualTo(Path.of(deep, "data"));
    }

    @Test
    @EnabledOnOs({OS.LINUX, OS.MAC})
    void theRuntimeDirectoryIsPrivateAndASymlinkIsRefused(@TempDir Path dir) throws Exception { // SPEC S1, S4
        Path runtime = dir.resolve("run");
        BrokerLocation.ensurePrivateDirectory(runtime);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(runtime))).isEqualTo("rwx------");
        Files.setPosixFilePermissions(runtime, PosixFilePermissions.fromString("rwxr-xr-x"));
        BrokerLocation.ensurePrivateDirectory(runtime);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(runtime))).isEqualTo("rwx------");

        Path planted = Files.createSymbolicLink(dir.resolve("planted"), runtime);
        assertThatThrownBy(() -> BrokerLocation.ensurePrivateDirectory(planted))
                .hasMessageContaining("symbolic link");
    }

    @Test
    void theWindowsAclGivesTheOwnerAloneFullControl(@TempDir Path dir) throws Exception { // SPEC S1
        var owner = Files.getOwner(dir);
        var acl = BrokerLocation.ownerOnlyAcl(owner);
        assertThat(acl).singleElement().satisfies(entry -> {
            assertThat(entry.principal()).isEqualTo(owner);
            assertThat(entry.type()).isEqualTo(AclEntryType.ALLOW);
            assertThat(entry.permissions()).contains(AclEntryPermission.WRITE_DATA, AclEntryPermission.READ_DATA,
                    AclEntryPermission.WRITE_ACL);
        });
    }
}
