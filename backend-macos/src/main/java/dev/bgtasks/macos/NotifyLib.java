package dev.bgtasks.macos;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.ptr.IntByReference;

/**
 * notify(3) of libSystem, hand-mapped, and {@code read(2)} for its file descriptor. {@code notify_register_dispatch}
 * takes a block, which JNA cannot make; {@code notify_register_file_descriptor} instead writes the token of each
 * delivered notification, as 4 bytes in network byte order, to a descriptor a plain thread reads.
 *
 * <pre>{@code
 * NotifyLib notify = NotifyLib.load();
 * notify.notify_register_file_descriptor("com.apple.system.config.network_change", fd, 0, token);
 * }</pre>
 */
interface NotifyLib extends Library {
    int STATUS_OK = 0;
    /** {@code NOTIFY_REUSE}: deliver to the descriptor already in {@code fd} instead of a new one. */
    int REUSE = 1;

    static NotifyLib load() {
        return Native.load("System", NotifyLib.class);
    }

    int notify_register_file_descriptor(String name, IntByReference fd, int flags, IntByReference token);

    int notify_post(String name);

    /** Cancelling the last token of a descriptor closes the descriptor. */
    int notify_cancel(int token);

    /** {@code ssize_t read(int, void*, size_t)}; blocks until a token arrives. */
    long read(int fd, byte[] buffer, long count);
}
