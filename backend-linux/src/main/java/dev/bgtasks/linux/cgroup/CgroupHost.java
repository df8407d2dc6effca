package dev.bgtasks.linux.cgroup;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where this process's cgroups are: the cgroup2 hierarchy and each cgroup v1 hierarchy, with this process's own
 * cgroup directory in each. Made by a pure function over the texts of {@code /proc/self/cgroup} and
 * {@code /proc/self/mountinfo}; nothing is read or written here, so v1, hybrid and pure v2 hosts are tested with
 * fixtures.
 *
 * <pre>{@code
 * CgroupHost host = CgroupHost.resolve(procSelfCgroup, mountInfo, Path.of("/"));
 * host.unified().ifPresent(v2 -> log.info("own cgroup2 directory {}", v2.ownDir()));
 * }</pre>
 *
 * @param unified the cgroup2 hierarchy, when mounted and this process's cgroup in it lies under the mount
 * @param v1 the cgroup v1 hierarchies by controller name ({@code memory}, {@code pids}, ...); a hierarchy that
 *           binds several controllers appears under each
 * @param problems why a hierarchy this process is in could not be placed, for error messages
 */
record CgroupHost(Optional<Hierarchy> unified, Map<String, Hierarchy> v1, List<String> problems) {
    CgroupHost {
        v1 = Map.copyOf(v1);
        problems = List.copyOf(problems);
    }

    /**
     * One mounted hierarchy with this process's cgroup in it.
     *
     * @param mountPoint where the hierarchy is mounted (below the file-system root given to {@link #resolve})
     * @param ownPath this process's cgroup as {@code /proc/self/cgroup} names it
     * @param ownDir the directory of that cgroup
     * @param controllers the v1 controllers of the hierarchy; empty for cgroup2
     * @param readOnly mounted read-only
     */
    record Hierarchy(Path mountPoint, String ownPath, Path ownDir, Set<String> controllers, boolean readOnly) {
        Hierarchy {
            controllers = Set.copyOf(controllers);
        }
    }

    /**
     * Places this process's cgroups on the mounts.
     *
     * @param procSelfCgroup the text of {@code /proc/self/cgroup}
     * @param mountInfo the text of {@code /proc/self/mountinfo}
     * @param fsRoot what {@code /} of the mount points is: the real root, or a test's recorded tree
     */
    static CgroupHost resolve(String procSelfCgroup, String mountInfo, Path fsRoot) {
        List<CgroupParsers.Membership> memberships = CgroupParsers.procCgroup(procSelfCgroup);
        List<CgroupParsers.Mount> mounts = CgroupParsers.cgroupMounts(mountInfo);
        List<String> problems = new ArrayList<>();
        Optional<Hierarchy> unified = Optional.empty();
        Map<String, Hierarchy> v1 = new LinkedHashMap<>();
        for (CgroupParsers.Membership m : memberships) {
            if (m.unified()) {
                Optional<Hierarchy> found = place(m, mounts.stream().filter(CgroupParsers.Mount::unified).toList(),
                        fsRoot, problems, "cgroup2");
                if (found.isPresent()) {
                    unified = found;
                }
                continue;
            }
            List<String> controllers = m.controllers().stream().filter(c -> !c.startsWith("name=")).toList();
            if (controllers.isEmpty()) {
                continue;
            }
            List<CgroupParsers.Mount> candidates = mounts.stream()
                    .filter(mount -> !mount.unified() && mount.controllers().containsAll(controllers)
                            && controllers.containsAll(mount.controllers()))
                    .toList();
            Optional<Hierarchy> found = place(m, candidates, fsRoot, problems,
                    "cgroup1 " + String.join(",", controllers));
            found.ifPresent(h -> controllers.forEach(c -> v1.put(c, h)));
        }
        return new CgroupHost(unified, v1, problems);
    }

    private static Optional<Hierarchy> place(CgroupParsers.Membership m, List<CgroupParsers.Mount> candidates,
                                             Path fsRoot, List<String> problems, String what) {
        if (candidates.isEmpty()) {
            problems.add(what + ": this process is in " + m.path() + " but the hierarchy is not mounted");
            return Optional.empty();
        }
        // Prefer a writable mount of the whole hierarchy; a bind mount of a sub-tree works when it holds us.
        List<CgroupParsers.Mount> ordered = new ArrayList<>(candidates);
        ordered.sort((a, b) -> Boolean.compare(a.readOnly(), b.readOnly()));
        for (CgroupParsers.Mount mount : ordered) {
            Optional<String> relative = relative(mount.root(), m.path());
            if (relative.isPresent()) {
                Path point = fsRoot.resolve(stripLeadingSlash(mount.mountPoint()));
                Path own = relative.get().isEmpty() ? point : point.resolve(relative.get());
                return Optional.of(new Hierarchy(point, m.path(), own, mount.controllers(), mount.readOnly()));
            }
        }
        problems.add(what + ": this process's cgroup " + m.path() + " is outside every mount of the hierarchy"
                + " (mounted roots " + candidates.stream().map(CgroupParsers.Mount::root).toList() + ")");
        return Optional.empty();
    }

    /** {@code path} relative to {@code root} without a leading slash, or empty when it is not beneath it. */
    static Optional<String> relative(String root, String path) {
        String r = trimTrailingSlash(root);
        String p = trimTrailingSlash(path);
        // A cgroup namespace shows cgroups outside it as "/.." paths: never a directory we may use.
        if (p.equals("/..") || p.startsWith("/../") || p.contains("/../") || p.endsWith("/..")) {
            return Optional.empty();
        }
        if (r.isEmpty()) {
            return p.startsWith("/") || p.isEmpty() ? Optional.of(stripLeadingSlash(p)) : Optional.empty();
        }
        if (p.equals(r)) {
            return Optional.of("");
        }
        if (p.startsWith(r + "/")) {
            return Optional.of(p.substring(r.length() + 1));
        }
        return Optional.empty();
    }

    private static String trimTrailingSlash(String s) {
        String t = s;
        while (t.endsWith("/")) {
            t = t.substring(0, t.length() - 1);
        }
        return t;
    }

    private static String stripLeadingSlash(String s) {
        String t = s;
        while (t.startsWith("/")) {
            t = t.substring(1);
        }
        return t;
    }
}
