package dev.bgtasks.linux.netlink;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A kernel uevent as the {@code NETLINK_KOBJECT_UEVENT} socket delivers it: {@code ACTION@DEVPATH}, then
 * {@code KEY=VALUE} entries, each ended by NUL. Pure parsing.
 *
 * <pre>{@code
 * Optional<Uevent> event = Uevent.parse(datagram);
 * boolean power = event.map(e -> "power_supply".equals(e.subsystem())).orElse(false);
 * }</pre>
 *
 * @param action what happened: {@code add}, {@code change}, {@code remove}, ...
 * @param devpath the device below {@code /sys}
 * @param properties the {@code KEY=VALUE} entries
 */
public record Uevent(String action, String devpath, Map<String, String> properties) {
    /** The kernel's own uevent multicast group (udevd re-broadcasts on group 2). */
    public static final int KERNEL_GROUP = 1;

    // udevd re-broadcasts to group 2 with this binary header; a socket on group 1 should never see it.
    private static final String LIBUDEV_MAGIC = "libudev";

    /**
     * Copies the properties.
     *
     * @param action what happened
     * @param devpath the device below {@code /sys}
     * @param properties the {@code KEY=VALUE} entries
     */
    public Uevent {
        properties = Map.copyOf(properties);
    }

    /** {@return the {@code SUBSYSTEM} property, or empty text when the event has none} */
    public String subsystem() {
        return properties.getOrDefault("SUBSYSTEM", "");
    }

    /**
     * Parses one datagram; empty when it is not a kernel uevent (a libudev message, no {@code ACTION@DEVPATH}
     * header). Entries without {@code =} are skipped; a later duplicate key wins.
     *
     * @param datagram one datagram of a {@link NetlinkSocket#KOBJECT_UEVENT} socket
     * @return the event, or empty
     */
    public static Optional<Uevent> parse(byte[] datagram) {
        String text = new String(datagram, StandardCharsets.UTF_8);
        if (text.startsWith(LIBUDEV_MAGIC)) {
            return Optional.empty();
        }
        String[] parts = text.split("\0");
        if (parts.length == 0) {
            return Optional.empty();
        }
        int at = parts[0].indexOf('@');
        if (at <= 0 || at == parts[0].length() - 1) {
            return Optional.empty();
        }
        Map<String, String> properties = new LinkedHashMap<>();
        for (int i = 1; i < parts.length; i++) {
            int eq = parts[i].indexOf('=');
            if (eq > 0) {
                properties.put(parts[i].substring(0, eq), parts[i].substring(eq + 1));
            }
        }
        return Optional.of(new Uevent(parts[0].substring(0, at), parts[0].substring(at + 1), properties));
    }
}
