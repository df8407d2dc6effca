package dev.bgtasks.linux.hardware;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What is mounted, from {@code /proc/self/mountinfo}: every mount point, and the label of every mounted device that
 * has one ({@code /dev/disk/by-label}). Parsing is pure.
 *
 * <pre>{@code
 * Set<String> volumes = MountTable.volumes(Files.readString(Path.of("/proc/self/mountinfo")),
 *         MountTable.labels(Path.of("/dev/disk/by-label")));
 * }</pre>
 */
final class MountTable {
    private MountTable() {
    }

    /**
     * Mount points and labels of the mounts in {@code mountinfo} (the format of proc(5): the fifth field is the
     * mount point, the source follows the {@code -} separator and the filesystem type; octal escapes undone).
     *
     * @param mountinfo the file's text
     * @param labelsByDevice labels by the real path of their device ({@code /dev/loop0} → {@code RIG})
     * @return mount points and labels
     */
    static Set<String> volumes(String mountinfo, Map<String, String> labelsByDevice) {
        Set<String> volumes = new TreeSet<>();
        for (String line : mountinfo.split("\n")) {
            String[] fields = line.trim().split(" ");
            if (fields.length < 5) {
                continue;
            }
            volumes.add(unescape(fields[4]));
            for (int i = 5; i + 2 < fields.length; i++) {
                if (fields[i].equals("-")) {
                    String label = labelsByDevice.get(unescape(fields[i + 2]));
                    if (label != null) {
                        volumes.add(label);
                    }
                    break;
                }
            }
        }
        return volumes;
    }

    /** Labels by device, from the symlinks udev keeps; none where there is no udev. */
    static Map<String, String> labels(Path byLabel) {
        Map<String, String> labels = new HashMap<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(byLabel)) {
            for (Path link : entries) {
                try {
                    labels.put(link.toRealPath().toString(), unescapeUdev(link.getFileName().toString()));
                } catch (IOException e) {
                    // a dangling link: the device is gone
                }
            }
        } catch (NoSuchFileException e) {
            return Map.of();
        } catch (IOException e) {
            return Map.of();
        }
        return labels;
    }

    /** proc(5) writes space, tab, newline and backslash as {@code \040}, {@code \011}, {@code \012}, {@code \134}. */
    static String unescape(String field) {
        StringBuilder out = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && isOctal(field, i + 1)) {
                out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static boolean isOctal(String s, int from) {
        if (from + 3 > s.length()) {
            return false;
        }
        for (int i = from; i < from + 3; i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '7') {
                return false;
            }
        }
        return true;
    }

    /** udev writes unsafe characters of a label as {@code \x20}. */
    static String unescapeUdev(String name) {
        StringBuilder out = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            if (name.startsWith("\\x", i) && i + 4 <= name.length()) {
                try {
                    out.append((char) Integer.parseInt(name.substring(i + 2, i + 4), 16));
                    i += 3;
                    continue;
                } catch (NumberFormatException e) {
                    // not an escape: keep it as it is
                }
            }
            out.append(name.charAt(i));
        }
        return out.toString();
    }
}
