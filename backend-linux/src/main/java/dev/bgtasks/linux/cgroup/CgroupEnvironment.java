package dev.bgtasks.linux.cgroup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * What the cgroup sandbox starts from: this process's {@code /proc/self/cgroup} and {@code mountinfo}, the
 * file-system root the mount points are under, this process's pid and the file layer. The host's own by
 * {@link #host()}; a test puts a recorded cgroup tree in a temp directory instead.
 *
 * <pre>{@code
 * CgroupSandbox sandbox = CgroupSandbox.open(new CgroupEnvironment(tempDir, procSelfCgroup, mountInfo, 4242, fakeFs));
 * }</pre>
 *
 * @param fsRoot what {@code /} of the mount points is
 * @param procSelfCgroup the text of {@code /proc/self/cgroup}
 * @param mountInfo the text of {@code /proc/self/mountinfo}
 * @param selfPid the broker's pid (moved into the broker leaf on cgroup2)
 * @param fs reads and writes the cgroup files
 */
record CgroupEnvironment(Path fsRoot, String procSelfCgroup, String mountInfo, long selfPid, CgroupFs fs) {
    CgroupEnvironment {
        Objects.requireNonNull(fsRoot, "fsRoot");
        Objects.requireNonNull(procSelfCgroup, "procSelfCgroup");
        Objects.requireNonNull(mountInfo, "mountInfo");
        Objects.requireNonNull(fs, "fs");
    }

    /** This host, as this process sees it. */
    static CgroupEnvironment host() throws CgroupUnavailableException {
        Path cgroup = Path.of("/proc/self/cgroup");
        Path mounts = Path.of("/proc/self/mountinfo");
        try {
            return new CgroupEnvironment(Path.of("/"), Files.readString(cgroup, StandardCharsets.UTF_8),
                    Files.readString(mounts, StandardCharsets.UTF_8), ProcessHandle.current().pid(), new CgroupFs());
        } catch (IOException e) {
            throw new CgroupUnavailableException("cannot read " + cgroup + " and " + mounts + " (" + e
                    + "): not Linux, or no /proc", e);
        }
    }
}
