package dev.bgtasks.linux.cgroup;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The cgroup parsers and the discovery over recorded v1, hybrid and v2 hosts; pure, so they run on every OS. */
class CgroupParsersTest {
    private static final Path ROOT = Path.of("/");

    static String fixture(String name) {
        try (InputStream in = CgroupParsersTest.class.getResourceAsStream("/cgroup/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing fixture cgroup/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void procCgroupSplitsIdControllersAndPathKeepingColonsInThePath() {
        List<CgroupParsers.Membership> lines = CgroupParsers.procCgroup(
                "11:cpu,cpuacct:/user.slice\n1:name=systemd:/a:b\n0::/x/y\ngarbage\n\n");
        assertThat(lines).containsExactly(
                new CgroupParsers.Membership(11, List.of("cpu", "cpuacct"), "/user.slice"),
                new CgroupParsers.Membership(1, List.of("name=systemd"), "/a:b"),
                new CgroupParsers.Membership(0, List.of(), "/x/y"));
        assertThat(lines.get(2).unified()).isTrue();
        assertThat(lines.get(0).unified()).isFalse();
    }

    @Test
    void mountInfoFindsCgroupMountsWithControllersFromSuperOptionsAndUnescapes() {
        List<CgroupParsers.Mount> mounts = CgroupParsers.cgroupMounts(fixture("mountinfo-hybrid.txt")
                + "99 32 0:50 /sub /mnt/odd\\040dir ro,relatime - cgroup cgroup rw,pids\n");
        assertThat(mounts).hasSize(14);
        assertThat(mounts.get(0))
                .isEqualTo(new CgroupParsers.Mount("/sys/fs/cgroup/unified", "/", true, Set.of(), false));
        assertThat(mounts).filteredOn(m -> m.mountPoint().equals("/sys/fs/cgroup/systemd")).singleElement()
                .satisfies(m -> assertThat(m.controllers()).isEmpty());
        assertThat(mounts).filteredOn(m -> m.mountPoint().equals("/sys/fs/cgroup/cpu,cpuacct")).singleElement()
                .satisfies(m -> assertThat(m.controllers()).containsExactlyInAnyOrder("cpu", "cpuacct"));
        CgroupParsers.Mount odd = mounts.get(mounts.size() - 1);
        assertThat(odd.mountPoint()).isEqualTo("/mnt/odd dir");
        assertThat(odd.root()).isEqualTo("/sub");
        assertThat(odd.readOnly()).isTrue();
    }

    @Test
    void v1HostHasV1MemoryPidsFreezerAndAnUnifiedMountWithoutOwnControllers() {
        CgroupHost host = CgroupHost.resolve(fixture("proc-self-cgroup-v1.txt"), fixture("mountinfo-v1.txt"), ROOT);
        assertThat(host.unified()).hasValueSatisfying(u -> {
            assertThat(u.mountPoint()).isEqualTo(Path.of("/sys/fs/cgroup/unified"));
            assertThat(u.ownDir()).isEqualTo(Path.of("/sys/fs/cgroup/unified"));
            assertThat(u.ownPath()).isEqualTo("/");
        });
        assertThat(host.v1().get("memory").ownDir())
                .isEqualTo(Path.of("/sys/fs/cgroup/memory/process_api/5e2a83e49acaf50a7b1eef7a605e41cd"));
        assertThat(host.v1().get("pids").ownDir()).isEqualTo(Path.of("/sys/fs/cgroup/pids"));
        assertThat(host.v1().get("freezer").ownDir()).isEqualTo(Path.of("/sys/fs/cgroup/freezer"));
        assertThat(host.v1().get("cpuacct").ownDir()).isEqualTo(Path.of("/sys/fs/cgroup/cpuacct"));
        assertThat(host.v1()).doesNotContainKey("name=systemd");
        assertThat(host.problems()).isEmpty();
    }

    @Test
    void hybridHostMapsCoMountedControllersToOneHierarchy() {
        CgroupHost host = CgroupHost.resolve(fixture("proc-self-cgroup-hybrid.txt"), fixture("mountinfo-hybrid.txt"),
                ROOT);
        assertThat(host.unified().orElseThrow().ownDir()).isEqualTo(Path.of("/sys/fs/cgroup/unified"
                + "/user.slice/user-1000.slice/user@1000.service/app.slice/bgtasks-broker.service"));
        assertThat(host.v1().get("memory").ownDir())
                .isEqualTo(Path.of("/sys/fs/cgroup/memory/user.slice/user-1000.slice/user@1000.service"));
        assertThat(host.v1().get("cpu")).isSameAs(host.v1().get("cpuacct"));
        assertThat(host.v1().get("cpuacct").ownDir()).isEqualTo(Path.of("/sys/fs/cgroup/cpu,cpuacct/user.slice"));
        assertThat(host.v1().get("net_prio").mountPoint()).isEqualTo(Path.of("/sys/fs/cgroup/net_cls,net_prio"));
    }

    @Test
    void pureV2HostHasOnlyTheUnifiedHierarchy() {
        CgroupHost host = CgroupHost.resolve(fixture("proc-self-cgroup-v2.txt"), fixture("mountinfo-v2.txt"),
                Path.of("/tmp/recorded"));
        assertThat(host.v1()).isEmpty();
        CgroupHost.Hierarchy v2 = host.unified().orElseThrow();
        assertThat(v2.mountPoint()).isEqualTo(Path.of("/tmp/recorded/sys/fs/cgroup"));
        assertThat(v2.ownDir()).isEqualTo(Path.of("/tmp/recorded/sys/fs/cgroup/user.slice/user-1000.slice"
                + "/user@1000.service/app.slice/bgtasks-broker.service"));
        assertThat(v2.ownPath()).isEqualTo(
                "/user.slice/user-1000.slice/user@1000.service/app.slice/bgtasks-broker.service");
    }

    @Test
    void containerWithItsOwnCgroupNamespaceOwnsTheMountRoot() {
        CgroupHost host = CgroupHost.resolve(fixture("proc-self-cgroup-v2-container.txt"),
                fixture("mountinfo-v2-container.txt"), ROOT);
        assertThat(host.unified().orElseThrow().ownDir()).isEqualTo(Path.of("/sys/fs/cgroup"));
    }

    @Test
    void aCgroupOutsideTheMountOrNamespaceIsAProblemNotADirectory() {
        CgroupHost outside = CgroupHost.resolve("0::/elsewhere\n",
                "30 23 0:26 /mine /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n", ROOT);
        assertThat(outside.unified()).isEmpty();
        assertThat(outside.problems()).singleElement().asString().contains("/elsewhere").contains("outside");
        CgroupHost escaped = CgroupHost.resolve("0::/../sibling\n",
                "30 23 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n", ROOT);
        assertThat(escaped.unified()).isEmpty();
        CgroupHost unmounted = CgroupHost.resolve("4:memory:/a\n", "", ROOT);
        assertThat(unmounted.v1()).isEmpty();
        assertThat(unmounted.problems()).singleElement().asString().contains("memory").contains("not mounted");
    }

    @Test
    void relativeStripsTheMountRoot() {
        assertThat(CgroupHost.relative("/", "/")).hasValue("");
        assertThat(CgroupHost.relative("/", "/a/b")).hasValue("a/b");
        assertThat(CgroupHost.relative("/a", "/a/b")).hasValue("b");
        assertThat(CgroupHost.relative("/a", "/a")).hasValue("");
        assertThat(CgroupHost.relative("/a", "/ab")).isEmpty();
    }

    @Test
    void keyedFilesOfTheKernel() {
        assertThat(CgroupParsers.keyedValues(fixture("v2-task/memory.events")))
                .containsEntry("oom_kill", 0L).containsEntry("max", 0L).hasSize(6);
        assertThat(CgroupParsers.keyedValues("oom_kill_disable 0\nunder_oom 0\noom_kill 3\n"))
                .isEqualTo(Map.of("oom_kill_disable", 0L, "under_oom", 0L, "oom_kill", 3L));
        assertThat(CgroupParsers.keyedValues(fixture("v1-pids-task/pids.events"))).containsEntry("max", 0L);
        assertThat(CgroupParsers.keyedValues("populated 1\nfrozen 0\nbogus\nx y\n"))
                .isEqualTo(Map.of("populated", 1L, "frozen", 0L));
    }

    @Test
    void limitsReadMaxAndTheV1HugeValueAsNone() {
        assertThat(CgroupParsers.limit("max\n")).isEmpty();
        assertThat(CgroupParsers.limit(fixture("v1-memory-task/memory.limit_in_bytes"))).isEmpty();
        assertThat(CgroupParsers.limit("67108864\n")).isEqualTo(OptionalLong.of(64L << 20));
        assertThat(CgroupParsers.number("1234\n")).isEqualTo(1234);
        assertThat(CgroupParsers.number("")).isZero();
    }

    @Test
    void procsControllersAndFreezerState() {
        assertThat(CgroupParsers.pids("12\n345\n\n")).containsExactly(12L, 345L);
        assertThat(CgroupParsers.pids("")).isEmpty();
        assertThat(CgroupParsers.controllers("cpuset cpu io memory pids\n"))
                .containsExactly("cpuset", "cpu", "io", "memory", "pids");
        assertThat(CgroupParsers.controllers("\n")).isEmpty();
        assertThat(CgroupParsers.freezerState("FROZEN\n")).hasValue("FROZEN");
    }
}
