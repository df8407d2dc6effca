package dev.bgtasks.windows.jna;

import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.platform.win32.WinNT;
import com.sun.jna.win32.StdCallLibrary;

/**
 * The network change notifications of {@code iphlpapi.dll} ({@code netioapi.h}), hand-mapped: jna-platform has none
 * of them. Callbacks are {@code NETIOAPI_API_}, that is {@code WINAPI}; every function returns a
 * {@code NETIO_STATUS}, {@link #NO_ERROR} on success.
 *
 * <pre>{@code
 * IphlpapiLibrary iphlpapi = Win32Libraries.iphlpapi();
 * WinNT.HANDLEByReference handle = new WinNT.HANDLEByReference();
 * int status = iphlpapi.NotifyNetworkConnectivityHintChange(callback, Pointer.NULL, (byte) 0, handle);
 * }</pre>
 */
public interface IphlpapiLibrary extends StdCallLibrary {
    /** {@code AF_UNSPEC}: both IPv4 and IPv6. */
    short AF_UNSPEC = 0;
    /** The {@code NETIO_STATUS} of success. */
    int NO_ERROR = 0;

    /** {@code NETIO_STATUS NotifyNetworkConnectivityHintChange(cb, PVOID ctx, BOOLEAN initial, HANDLE*)}. */
    int NotifyNetworkConnectivityHintChange(HintCallback callback, Pointer context, byte initialNotification,
            WinNT.HANDLEByReference handle);

    /** {@code NotifyIpInterfaceChange(ADDRESS_FAMILY, cb, PVOID ctx, BOOLEAN initial, HANDLE*)}. */
    int NotifyIpInterfaceChange(short family, RowCallback callback, Pointer context, byte initialNotification,
            WinNT.HANDLEByReference handle);

    /** {@code NotifyRouteChange2(ADDRESS_FAMILY, cb, PVOID ctx, BOOLEAN initial, HANDLE*)}. */
    int NotifyRouteChange2(short family, RowCallback callback, Pointer context, byte initialNotification,
            WinNT.HANDLEByReference handle);

    /** {@code CancelMibChangeNotify2(HANDLE)}: waits for a callback in progress to return. */
    int CancelMibChangeNotify2(WinNT.HANDLE handle);

    /**
     * {@code NL_NETWORK_CONNECTIVITY_HINT} (Windows 10 2004), passed by value to the hint callback.
     *
     * <pre>{@code
     * IphlpapiLibrary.HintCallback callback = (context, hint) -> log.debug("level {}", hint.ConnectivityLevel);
     * }</pre>
     */
    @Structure.FieldOrder({"ConnectivityLevel", "ConnectivityCost", "ApproachingDataLimit", "OverDataLimit",
        "Roaming"})
    class ConnectivityHint extends Kernel32Library.LayoutStructure {
        /** 0 unknown, 1 none, 2 local access, 3 internet access, 4 constrained internet access, 5 hidden. */
        public int ConnectivityLevel;
        /** 0 unknown, 1 unrestricted, 2 fixed, 3 variable. */
        public int ConnectivityCost;
        /** A {@code BOOLEAN}: nonzero when the plan nears its data limit. */
        public byte ApproachingDataLimit;
        /** A {@code BOOLEAN}: nonzero when the plan is over its data limit. */
        public byte OverDataLimit;
        /** A {@code BOOLEAN}: nonzero when roaming. */
        public byte Roaming;

        /**
         * The by-value form the callback receives.
         *
         * <pre>{@code
         * void callback(Pointer context, IphlpapiLibrary.ConnectivityHint.ByValue hint);
         * }</pre>
         */
        public static class ByValue extends ConnectivityHint implements Structure.ByValue {
        }
    }

    /** {@code PNETWORK_CONNECTIVITY_HINT_CHANGE_CALLBACK}. */
    interface HintCallback extends StdCallLibrary.StdCallCallback {
        /** One change of Windows' connectivity hint. */
        void callback(Pointer context, ConnectivityHint.ByValue hint);
    }

    /** {@code PIPINTERFACE_CHANGE_CALLBACK} and {@code PIPFORWARD_CHANGE_CALLBACK}: the row is not read. */
    interface RowCallback extends StdCallLibrary.StdCallCallback {
        /** One interface or route change. */
        void callback(Pointer context, Pointer row, int notificationType);
    }
}
