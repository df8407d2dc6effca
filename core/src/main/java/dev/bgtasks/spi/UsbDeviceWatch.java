package dev.bgtasks.spi;

import java.io.IOException;
import java.util.Map;
import java.util.function.Consumer;

/**
 * An OS's USB arrival and removal notifications, as a backend offers them to a hardware source: IOKit matching
 * notifications on macOS, device-change notifications on Windows. A watch reports whole device sets, never single
 * events: the broker decides what changed (SPEC H8).
 *
 * <pre>{@code
 * try (AutoCloseable registration = watch.start(byLocation -> log.info("now {}", byLocation.values()))) {
 *     ...   // every arrival or removal hands on the new set
 * }
 * }</pre>
 */
public interface UsbDeviceWatch {
    /** {@return what the notifications are, for describe(): "IOKit notifications (IOUSBHostDevice)"} */
    String name();

    /**
     * Registers for the notifications, reads the devices attached now and hands them to {@code devices} before it
     * returns; after that, each arrival or removal hands on the new set, on a thread of the watch's.
     *
     * @param devices told each attached device's id ({@code vvvv:pppp[:serial]}) by where the watch found it
     * @return closing it unregisters the notifications and releases what the watch holds
     * @throws IOException when the notifications cannot be registered: the caller falls back and says why
     */
    AutoCloseable start(Consumer<Map<String, String>> devices) throws IOException;
}
