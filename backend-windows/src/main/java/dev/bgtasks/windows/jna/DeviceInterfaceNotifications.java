package dev.bgtasks.windows.jna;

import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.DBT;
import com.sun.jna.platform.win32.Guid;
import com.sun.jna.ptr.PointerByReference;
import java.io.IOException;
import java.util.Locale;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Arrivals and removals of device interfaces of one class through {@code CM_Register_Notification}: no window and
 * no thread of ours, the callback runs on the system thread pool and only tells a listener, which must return
 * quickly. Closing the registration unregisters it; Windows waits for a callback in progress, so it is never
 * closed from the listener.
 *
 * <pre>{@code
 * DeviceInterfaceNotifications notifications = DeviceInterfaceNotifications.system();
 * try (AutoCloseable usb = notifications.register(DeviceInterfaceNotifications.USB_DEVICE, rereadSoon)) { ... }
 * }</pre>
 */
public final class DeviceInterfaceNotifications {
    /** {@code GUID_DEVINTERFACE_USB_DEVICE}: one interface per USB device, none per function (jna-platform's). */
    public static final Guid.GUID USB_DEVICE = DBT.GUID_DEVINTERFACE_USB_DEVICE;

    private static final Logger LOG = LoggerFactory.getLogger(DeviceInterfaceNotifications.class);

    private final Cfgmgr32Library cfgmgr32;

    /** @param cfgmgr32 the binding with {@code CM_Register_Notification} */
    public DeviceInterfaceNotifications(Cfgmgr32Library cfgmgr32) {
        this.cfgmgr32 = Objects.requireNonNull(cfgmgr32, "cfgmgr32");
    }

    /**
     * The notifications of this Windows host; loads cfgmgr32.
     *
     * @return the notifications, none registered yet
     */
    public static DeviceInterfaceNotifications system() {
        return new DeviceInterfaceNotifications(Win32Libraries.cfgmgr32());
    }

    /**
     * Registers for the arrivals and removals of interfaces of {@code interfaceClass}.
     *
     * @param interfaceClass the device interface class, such as {@link #USB_DEVICE}
     * @param onChange told of each arrival and removal, on a thread-pool thread
     * @return closing it unregisters
     * @throws IOException when Windows refuses the registration (its {@code CR_*} code is in the message)
     */
    public AutoCloseable register(Guid.GUID interfaceClass, Runnable onChange) throws IOException {
        Objects.requireNonNull(onChange, "onChange");
        Cfgmgr32Library.NotifyFilter filter = Cfgmgr32Library.NotifyFilter.deviceInterface(interfaceClass);
        Registration registration = new Registration(onChange);
        PointerByReference handle = new PointerByReference();
        int cr = cfgmgr32.CM_Register_Notification(filter, null, registration.callback, handle);
        if (cr != Cfgmgr32Library.CR_SUCCESS || handle.getValue() == null) {
            throw new IOException(String.format(Locale.ROOT, "CM_Register_Notification(%s) failed: CONFIGRET 0x%x",
                    interfaceClass.toGuidString(), cr));
        }
        registration.handle = handle.getValue();
        return registration;
    }

    private final class Registration implements AutoCloseable {
        // Windows calls this; the field keeps it alive while the notification is registered.
        private final Cfgmgr32Library.NotifyCallback callback;
        private Pointer handle;

        Registration(Runnable onChange) {
            callback = (notification, context, action, eventData, size) -> {
                if (action == Cfgmgr32Library.CM_NOTIFY_ACTION_DEVICEINTERFACEARRIVAL
                        || action == Cfgmgr32Library.CM_NOTIFY_ACTION_DEVICEINTERFACEREMOVAL) {
                    try {
                        onChange.run();
                    } catch (RuntimeException e) {
                        LOG.error("a device notification listener failed", e);
                    }
                }
                return Cfgmgr32Library.ERROR_SUCCESS;
            };
        }

        @Override
        public synchronized void close() {
            if (handle == null) {
                return;
            }
            int cr = cfgmgr32.CM_Unregister_Notification(handle);
            handle = null;
            if (cr != Cfgmgr32Library.CR_SUCCESS) {
                LOG.warn("CM_Unregister_Notification failed: CONFIGRET 0x{}", Integer.toHexString(cr));
            }
        }
    }
}
