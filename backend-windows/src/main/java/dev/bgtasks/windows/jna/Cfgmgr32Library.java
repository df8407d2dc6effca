package dev.bgtasks.windows.jna;

import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.platform.win32.Guid;
import com.sun.jna.ptr.PointerByReference;
import com.sun.jna.win32.StdCallLibrary;

/**
 * The device notifications of {@code cfgmgr32.dll} ({@code cfgmgr32.h}, Windows 8 and later), hand-mapped:
 * jna-platform's {@code Cfgmgr32} has the device tree walk but not {@code CM_Register_Notification}. Unlike
 * {@code RegisterDeviceNotification} it needs no window: the callback runs on a thread of the system thread pool.
 * Every function returns a {@code CONFIGRET}, {@link #CR_SUCCESS} on success.
 *
 * <pre>{@code
 * Cfgmgr32Library cfgmgr32 = Win32Libraries.cfgmgr32();
 * Cfgmgr32Library.NotifyFilter filter = Cfgmgr32Library.NotifyFilter.deviceInterface(DBT.GUID_DEVINTERFACE_USB_DEVICE);
 * PointerByReference handle = new PointerByReference();
 * int cr = cfgmgr32.CM_Register_Notification(filter, null, callback, handle);
 * }</pre>
 */
public interface Cfgmgr32Library extends StdCallLibrary {
    /** {@code CR_SUCCESS}. */
    int CR_SUCCESS = 0;
    /** {@code CM_NOTIFY_FILTER_TYPE_DEVICEINTERFACE}: arrivals and removals of interfaces of one class. */
    int CM_NOTIFY_FILTER_TYPE_DEVICEINTERFACE = 0;
    /** {@code CM_NOTIFY_ACTION_DEVICEINTERFACEARRIVAL}. */
    int CM_NOTIFY_ACTION_DEVICEINTERFACEARRIVAL = 0;
    /** {@code CM_NOTIFY_ACTION_DEVICEINTERFACEREMOVAL}. */
    int CM_NOTIFY_ACTION_DEVICEINTERFACEREMOVAL = 1;
    /** {@code ERROR_SUCCESS}: what a notification callback returns. */
    int ERROR_SUCCESS = 0;

    /**
     * {@code CONFIGRET CM_Register_Notification(PCM_NOTIFY_FILTER, PVOID, PCM_NOTIFY_CALLBACK, PHCMNOTIFICATION)}.
     *
     * @return {@link #CR_SUCCESS} or a {@code CR_*} code
     */
    int CM_Register_Notification(NotifyFilter filter, Pointer context, NotifyCallback callback,
                                 PointerByReference notification);

    /**
     * {@code CONFIGRET CM_Unregister_Notification(HCMNOTIFICATION)}: waits for callbacks in progress, so it must
     * never be called from the callback itself.
     */
    int CM_Unregister_Notification(Pointer notification);

    /**
     * {@code DWORD CALLBACK (HCMNOTIFICATION, PVOID Context, CM_NOTIFY_ACTION, PCM_NOTIFY_EVENT_DATA, DWORD)}; the
     * event data is Windows's only while the call lasts.
     */
    interface NotifyCallback extends StdCallCallback {
        int callback(Pointer notification, Pointer context, int action, Pointer eventData, int eventDataSize);
    }

    /**
     * {@code CM_NOTIFY_FILTER} for a device interface class: the header's union is the class GUID here, followed by
     * the rest of its largest member ({@code WCHAR InstanceId[MAX_DEVICE_ID_LEN]}), so {@code cbSize} is the
     * header's {@code sizeof} (416).
     */
    @Structure.FieldOrder({"cbSize", "Flags", "FilterType", "Reserved", "ClassGuid", "Rest"})
    final class NotifyFilter extends Structure {
        /** {@code MAX_DEVICE_ID_LEN} WCHARs of {@code DeviceInstance.InstanceId}, less the GUID's 16 bytes. */
        static final int REST_BYTES = 200 * 2 - 16;

        public int cbSize;
        public int Flags;
        public int FilterType;
        public int Reserved;
        public Guid.GUID ClassGuid;
        public byte[] Rest = new byte[REST_BYTES];

        /**
         * A filter for the arrivals and removals of interfaces of {@code interfaceClass}.
         *
         * @param interfaceClass the device interface class
         * @return the filter, written
         */
        public static NotifyFilter deviceInterface(Guid.GUID interfaceClass) {
            NotifyFilter filter = new NotifyFilter();
            filter.cbSize = filter.size();
            filter.FilterType = CM_NOTIFY_FILTER_TYPE_DEVICEINTERFACE;
            filter.ClassGuid = new Guid.GUID(interfaceClass);
            filter.write();
            return filter;
        }
    }
}
