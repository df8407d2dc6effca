package dev.bgtasks.windows;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.platform.win32.WinNT;
import com.sun.jna.win32.StdCallLibrary;
import com.sun.jna.win32.W32APIOptions;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Network change notifications from the IP Helper API ({@code iphlpapi.dll}), hand-mapped: jna-platform has none
 * of them. Prefers {@code NotifyNetworkConnectivityHintChange} (Windows 10 2004, build 19041, and later), which
 * fires when Windows' own view of connectivity or cost changes; older systems get {@code NotifyIpInterfaceChange}
 * plus {@code NotifyRouteChange2}, which fire on interface and route changes (more often; each only prompts a
 * re-read). All are cancelled with {@code CancelMibChangeNotify2}.
 *
 * <pre>{@code
 * NetworkChangeNotifier notifier = new NetworkIpHelper(NetworkIpHelper.Iphlpapi.load());
 * notifier.start(() -> comThread.post(source::reread));
 * }</pre>
 */
final class NetworkIpHelper implements NetworkChangeNotifier {
    static final String HINTS = "NotifyNetworkConnectivityHintChange";
    static final String INTERFACES_AND_ROUTES = "NotifyIpInterfaceChange + NotifyRouteChange2";
    /** {@code AF_UNSPEC}: both IPv4 and IPv6. */
    static final short AF_UNSPEC = 0;
    static final int NO_ERROR = 0;

    private static final Logger LOG = LoggerFactory.getLogger(NetworkIpHelper.class);

    /** The functions of {@code netioapi.h} used here; callbacks are {@code NETIOAPI_API_} = WINAPI. */
    interface Iphlpapi extends StdCallLibrary {
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

        static Iphlpapi load() {
            return Native.load("iphlpapi", Iphlpapi.class, W32APIOptions.DEFAULT_OPTIONS);
        }
    }

    /** {@code NL_NETWORK_CONNECTIVITY_HINT}, passed by value to the hint callback. */
    @Structure.FieldOrder({"ConnectivityLevel", "ConnectivityCost", "ApproachingDataLimit", "OverDataLimit",
        "Roaming"})
    public static class ConnectivityHint extends Structure {
        /** 0 unknown, 1 none, 2 local access, 3 internet access, 4 constrained internet access, 5 hidden. */
        public int ConnectivityLevel;
        /** 0 unknown, 1 unrestricted, 2 fixed, 3 variable. */
        public int ConnectivityCost;
        public byte ApproachingDataLimit;
        public byte OverDataLimit;
        public byte Roaming;

        /** The by-value form the callback receives. */
        public static class ByValue extends ConnectivityHint implements Structure.ByValue {
        }
    }

    /** {@code PNETWORK_CONNECTIVITY_HINT_CHANGE_CALLBACK}. */
    interface HintCallback extends StdCallLibrary.StdCallCallback {
        void callback(Pointer context, ConnectivityHint.ByValue hint);
    }

    /** {@code PIPINTERFACE_CHANGE_CALLBACK} and {@code PIPFORWARD_CHANGE_CALLBACK}: the row is not read. */
    interface RowCallback extends StdCallLibrary.StdCallCallback {
        void callback(Pointer context, Pointer row, int notificationType);
    }

    private final Iphlpapi iphlpapi;
    private final List<WinNT.HANDLE> handles = new ArrayList<>();
    // Native code holds these callbacks; the fields keep them from being collected while registered.
    private HintCallback hintCallback;
    private RowCallback rowCallback;

    NetworkIpHelper(Iphlpapi iphlpapi) {
        this.iphlpapi = Objects.requireNonNull(iphlpapi, "iphlpapi");
    }

    @Override
    public synchronized String start(Runnable onChange) throws IOException {
        Objects.requireNonNull(onChange, "onChange");
        if (!handles.isEmpty()) {
            throw new IllegalStateException("already started");
        }
        hintCallback = (context, hint) -> {
            LOG.debug("connectivity hint: level {}, cost {}", hint.ConnectivityLevel, hint.ConnectivityCost);
            onChange.run();
        };
        try {
            WinNT.HANDLEByReference handle = new WinNT.HANDLEByReference();
            int status = iphlpapi.NotifyNetworkConnectivityHintChange(hintCallback, Pointer.NULL, (byte) 0, handle);
            if (status == NO_ERROR) {
                handles.add(handle.getValue());
                return HINTS;
            }
            LOG.info("NotifyNetworkConnectivityHintChange failed with error {}; using interface and route changes",
                    status);
        } catch (UnsatisfiedLinkError older) {
            LOG.info("no NotifyNetworkConnectivityHintChange before Windows 10 2004; using interface and route "
                    + "changes");
        }
        hintCallback = null;
        rowCallback = (context, row, type) -> onChange.run();
        WinNT.HANDLEByReference interfaces = new WinNT.HANDLEByReference();
        int status = iphlpapi.NotifyIpInterfaceChange(AF_UNSPEC, rowCallback, Pointer.NULL, (byte) 0, interfaces);
        if (status != NO_ERROR) {
            throw new IOException("NotifyIpInterfaceChange failed with error " + status);
        }
        handles.add(interfaces.getValue());
        WinNT.HANDLEByReference routes = new WinNT.HANDLEByReference();
        status = iphlpapi.NotifyRouteChange2(AF_UNSPEC, rowCallback, Pointer.NULL, (byte) 0, routes);
        if (status != NO_ERROR) {
            close();
            throw new IOException("NotifyRouteChange2 failed with error " + status);
        }
        handles.add(routes.getValue());
        return INTERFACES_AND_ROUTES;
    }

    @Override
    public synchronized void close() {
        for (WinNT.HANDLE handle : handles) {
            int status = iphlpapi.CancelMibChangeNotify2(handle);
            if (status != NO_ERROR) {
                LOG.warn("CancelMibChangeNotify2 failed with error {}", status);
            }
        }
        handles.clear();
        hintCallback = null;
        rowCallback = null;
    }
}
