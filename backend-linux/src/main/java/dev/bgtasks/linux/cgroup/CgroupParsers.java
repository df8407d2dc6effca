package dev.bgtasks.linux.cgroup;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Pure parsers for the texts the cgroup sandbox reads: {@code /proc/<pid>/cgroup}, {@code /proc/self/mountinfo},
 * controller lists, flat-keyed files ({@code memory.events}, {@code pids.events}, {@code memory.oom_control}),
 * {@code cgroup.procs} and limit values. No I/O here, so every one is tested with fixtures on any OS.
 *
 * <pre>{@code
 * List<CgroupParsers.Membership> own = CgroupParsers.procCgroup(Files.readString(Path.of("/proc/self/cgroup")));
 * long oomKills = CgroupParsers.keyedValues(memoryEvents).getOrDefault("oom_kill", 0L);
 * }</pre>
 */
final class CgroupParsers {
    /** The kernel's task flag for a process that has begun to exit ({@code include/linux/sched.h}). */
    static final long PF_EXITING = 0x4;

    /** Any v1 value at or above this is the kernel's "unlimited" (PAGE_COUNTER_MAX times the page size). */
    static final long V1_UNLIMITED_FLOOR = 1L << 62;

    // Mount options of cgroup v1 that are not controllers.
    private static final Set<String> NON_CONTROLLER_OPTIONS = Set.of("noprefix", "clone_children", "xattr",
            "cpuset_v2_mode", "nsdelegate", "memory_localevents", "memory_recursiveprot", "favordynmods");

    private CgroupParsers() {
    }

    /**
     * One line of {@code /proc/<pid>/cgroup}: {@code hierarchy-id:controllers:path}. The v2 line has id 0 and no
     * controllers; a v1 line lists its controllers ({@code cpu,cpuacct}) or a name ({@code name=systemd}).
     */
    record Membership(int hierarchyId, List<String> controllers, String path) {
        Membership {
            controllers = List.copyOf(controllers);
        }

        boolean unified() {
            return hierarchyId == 0 && controllers.isEmpty();
        }
    }

    /**
     * A cgroup filesystem from {@code mountinfo}.
     *
     * @param mountPoint where it is mounted, unescaped
     * @param root the cgroup path that appears at the mount point ({@code /} unless a sub-tree was bind-mounted)
     * @param unified cgroup2 rather than cgroup v1
     * @param controllers the v1 controllers bound to it (from its super options); empty for cgroup2
     * @param readOnly mounted read-only
     */
    record Mount(String mountPoint, String root, boolean unified, Set<String> controllers, boolean readOnly) {
        Mount {
            controllers = Set.copyOf(controllers);
        }
    }

    /** The lines of a {@code /proc/<pid>/cgroup} text; malformed lines are skipped. */
    static List<Membership> procCgroup(String text) {
        List<Membership> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            int first = line.indexOf(':');
            int second = first < 0 ? -1 : line.indexOf(':', first + 1);
            if (first <= 0 || second < 0) {
                continue;
            }
            int id;
            try {
                id = Integer.parseInt(line.substring(0, first));
            } catch (NumberFormatException e) {
                continue;
            }
            String names = line.substring(first + 1, second);
            // The path is the rest of the line: it may itself hold ':'.
            String path = line.substring(second + 1);
            List<String> controllers = names.isEmpty() ? List.of() : Arrays.asList(names.split(","));
            out.add(new Membership(id, controllers, path));
        }
        return out;
    }

    /** The cgroup and cgroup2 mounts of a {@code mountinfo} text, in mount order. */
    static List<Mount> cgroupMounts(String mountInfo) {
        List<Mount> out = new ArrayList<>();
        for (String line : mountInfo.split("\n")) {
            String[] fields = line.trim().split(" ");
            int dash = Arrays.asList(fields).indexOf("-");
            // id parent major:minor root mount-point options [optional...] - fstype source super-options
            if (dash < 6 || fields.length < dash + 3) {
                continue;
            }
            String fsType = fields[dash + 1];
            boolean unified = fsType.equals("cgroup2");
            if (!unified && !fsType.equals("cgroup")) {
                continue;
            }
            String superOptions = fields.length > dash + 3 ? fields[dash + 3] : "";
            Set<String> controllers = new LinkedHashSet<>();
            if (!unified) {
                for (String option : superOptions.split(",")) {
                    if (!option.isEmpty() && !option.equals("rw") && !option.equals("ro") && !option.contains("=")
                            && !NON_CONTROLLER_OPTIONS.contains(option)) {
                        controllers.add(option);
                    }
                }
            }
            boolean readOnly = Arrays.asList(fields[5].split(",")).contains("ro");
            out.add(new Mount(unescape(fields[4]), unescape(fields[3]), unified, controllers, readOnly));
        }
        return out;
    }

    /** Undoes mountinfo's octal escapes ({@code \040} for a space, {@code \134} for a backslash, ...). */
    static String unescape(String field) {
        if (field.indexOf('\\') < 0) {
            return field;
        }
        byte[] out = new byte[field.length()];
        int n = 0;
        byte[] in = field.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < in.length; i++) {
            if (in[i] == '\\' && i + 3 < in.length && isOctal(in[i + 1]) && isOctal(in[i + 2])
                    && isOctal(in[i + 3])) {
                out[n++] = (byte) (((in[i + 1] - '0') << 6) | ((in[i + 2] - '0') << 3) | (in[i + 3] - '0'));
                i += 3;
            } else {
                out[n++] = in[i];
            }
        }
        return new String(out, 0, n, StandardCharsets.UTF_8);
    }

    private static boolean isOctal(byte b) {
        return b >= '0' && b <= '7';
    }

    /** A space-separated controller list ({@code cgroup.controllers}, {@code cgroup.subtree_control}). */
    static Set<String> controllers(String text) {
        Set<String> out = new LinkedHashSet<>();
        for (String name : text.trim().split("\\s+")) {
            if (!name.isEmpty()) {
                out.add(name);
            }
        }
        return out;
    }

    /**
     * A flat-keyed file, one {@code key value} pair a line ({@code memory.events}, {@code pids.events},
     * {@code memory.oom_control}, {@code cpu.stat}, {@code cgroup.events}); lines that do not parse are skipped.
     */
    static Map<String, Long> keyedValues(String text) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length != 2) {
                continue;
            }
            try {
                out.put(parts[0], Long.parseLong(parts[1]));
            } catch (NumberFormatException e) {
                continue;
            }
        }
        return out;
    }

    /**
     * Whether a {@code /proc/<pid>/stat} line is of a process that is not exiting: after the last {@code ')'}, its
     * state is neither {@code Z} (zombie) nor {@code X} (dead), and its flags (the seventh field from the state on)
     * do not hold the kernel's {@code PF_EXITING}.
     *
     * @return false also for a line that does not parse
     */
    static boolean running(String stat) {
        int close = stat.lastIndexOf(')');
        if (close < 0) {
            return false;
        }
        String[] fields = stat.substring(close + 1).trim().split("\\s+");
        if (fields.length < 7 || fields[0].isEmpty() || fields[0].charAt(0) == 'Z' || fields[0].charAt(0) == 'X') {
            return false;
        }
        try {
            return (Long.parseLong(fields[6]) & PF_EXITING) == 0;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /**
     * The parent pid in a {@code /proc/<pid>/stat} line: the field after the state, after the last {@code ')'} (the
     * command name in parentheses may hold anything, spaces and parentheses included).
     *
     * @return the parent pid; empty for a line that does not parse
     */
    static OptionalLong parentPid(String stat) {
        int close = stat.lastIndexOf(')');
        if (close < 0) {
            return OptionalLong.empty();
        }
        String[] fields = stat.substring(close + 1).trim().split("\\s+");
        if (fields.length < 2) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(fields[1]));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** The pids of a {@code cgroup.procs} text, one a line. */
    static List<Long> pids(String text) {
        List<Long> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            String t = line.trim();
            if (t.isEmpty()) {
                continue;
            }
            try {
                out.add(Long.parseLong(t));
            } catch (NumberFormatException e) {
                continue;
            }
        }
        return out;
    }

    /**
     * A limit or counter value: a number, or {@code max} (v2) for none. v1 writes "none" as a huge number near
     * {@code Long.MAX_VALUE} rounded down to a page ({@code 9223372036854771712}); that also reads as none.
     */
    static OptionalLong limit(String text) {
        String t = text.trim();
        if (t.isEmpty() || t.equals("max")) {
            return OptionalLong.empty();
        }
        long value = Long.parseLong(t);
        return value >= V1_UNLIMITED_FLOOR ? OptionalLong.empty() : OptionalLong.of(value);
    }

    /** A single number ({@code memory.current}, {@code pids.current}); 0 for an empty text. */
    static long number(String text) {
        String t = text.trim();
        return t.isEmpty() ? 0 : Long.parseLong(t);
    }

    /** The value of {@code freezer.state} ({@code THAWED}, {@code FREEZING}, {@code FROZEN}). */
    static Optional<String> freezerState(String text) {
        String t = text.trim();
        return t.isEmpty() ? Optional.empty() : Optional.of(t);
    }
}
