package dev.bgtasks.linux.hardware;

import dev.bgtasks.linux.netlink.Uevent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The USB devices attached, by sysfs device path: read from {@code /sys/bus/usb/devices} at start, then kept by
 * kernel uevents of the {@code usb} subsystem ({@code DEVTYPE=usb_device}; interfaces are skipped). Ids are
 * {@code vvvv:pppp}, with {@code :serial} when the device has one. Pure apart from the sysfs reads, which a test points
 * at a fixture tree.
 *
 * <pre>{@code
 * UsbDevices usb = UsbDevices.scan(Path.of("/sys"));
 * Uevent.parse(datagram).ifPresent(event -> usb.apply(event, Path.of("/sys")));
 * Set<String> ids = Set.copyOf(usb.ids().values());
 * }</pre>
 */
final class UsbDevices {
    private final Map<String, String> byDevpath = new TreeMap<>();

    private UsbDevices() {
    }

    /** The devices under {@code sysRoot/bus/usb/devices}; none when there is no USB bus. */
    static UsbDevices scan(Path sysRoot) throws IOException {
        UsbDevices devices = new UsbDevices();
        Path dir = sysRoot.resolve("bus/usb/devices");
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            Path root = sysRoot.toRealPath();
            for (Path entry : entries) {
                Path device = entry.toRealPath();
                readId(device).ifPresent(id -> devices.byDevpath.put(devpath(root, device), id));
            }
        } catch (NoSuchFileException e) {
            // No USB bus at all (a VM, a container): no devices, and that is known.
        }
        return devices;
    }

    /**
     * Applies one uevent; true when the set of devices changed. An {@code add} reads the device's sysfs files, and
     * falls back to the event's {@code PRODUCT} ({@code vid/pid/bcd}, hex without leading zeros) when they are gone
     * or not there.
     */
    boolean apply(Uevent event, Path sysRoot) {
        if (!"usb".equals(event.subsystem()) || !"usb_device".equals(event.properties().get("DEVTYPE"))) {
            return false;
        }
        String devpath = event.devpath();
        switch (event.action()) {
            case "add", "bind", "change" -> {
                Optional<String> id = readId(sysRoot.resolve(devpath.startsWith("/") ? devpath.substring(1) : devpath))
                        .or(() -> fromProduct(event.properties().get("PRODUCT")));
                if (id.isEmpty()) {
                    return false;
                }
                return !id.get().equals(byDevpath.put(devpath, id.get()));
            }
            case "remove" -> {
                return byDevpath.remove(devpath) != null;
            }
            default -> {
                return false;
            }
        }
    }

    /** {@return each attached device's id by its sysfs path} */
    Map<String, String> ids() {
        return Map.copyOf(byDevpath);
    }

    /** {@code 1d6b/2/510} → {@code 1d6b:0002}. */
    static Optional<String> fromProduct(String product) {
        if (product == null) {
            return Optional.empty();
        }
        String[] parts = product.split("/");
        if (parts.length < 2 || !isHex(parts[0]) || !isHex(parts[1])) {
            return Optional.empty();
        }
        return Optional.of(pad(parts[0]) + ":" + pad(parts[1]));
    }

    private static Optional<String> readId(Path device) {
        Optional<String> vendor = read(device.resolve("idVendor"));
        Optional<String> product = read(device.resolve("idProduct"));
        if (vendor.isEmpty() || product.isEmpty() || !isHex(vendor.get()) || !isHex(product.get())) {
            return Optional.empty();
        }
        String id = pad(vendor.get()) + ":" + pad(product.get());
        return Optional.of(read(device.resolve("serial")).filter(s -> !s.isEmpty()).map(s -> id + ":" + s)
                .orElse(id));
    }

    private static Optional<String> read(Path file) {
        try {
            return Optional.of(Files.readString(file, StandardCharsets.UTF_8).strip());
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static boolean isHex(String text) {
        return !text.isEmpty() && text.length() <= 4 && text.chars().allMatch(c -> Character.digit(c, 16) >= 0);
    }

    private static String pad(String hex) {
        String h = hex.toLowerCase(Locale.ROOT);
        return "0".repeat(4 - h.length()) + h;
    }

    private static String devpath(Path sysRoot, Path device) {
        return "/" + sysRoot.relativize(device).toString();
    }
}
