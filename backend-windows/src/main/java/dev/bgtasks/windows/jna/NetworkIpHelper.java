package dev.bgtasks.windows.jna;

import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.WinNT;
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
 * NetworkChangeNotifier notifier = NetworkIpHelper.system();
 * notifier.start(() -> comThread.post(source::reread));
 * }</pre>
 */
public final class NetworkIpHelper implements NetworkChangeNotifier {
    /** What {@link #start} returns when Windows' connectivity hints are used. */
    public static final String HINTS = "NotifyNetworkConnectivityHintChange";
    /** What {@link #start} returns when interface and route changes are used. */
    public static final String INTERFACES_AND_ROUTES = "NotifyIpInterfaceChange + NotifyRouteChange2";
    private static final short AF_UNSPEC = IphlpapiLibrary.AF_UNSPEC;
    private static final int NO_ERROR = IphlpapiLibrary.NO_ERROR;

    private static final Logger LOG = LoggerFactory.getLogger(NetworkIpHelper.class);

    private final IphlpapiLibrary iphlpapi;
    private final List<WinNT.HANDLE> handles = new ArrayList<>();
    // Native code holds these callbacks; the fields keep them from being collected while registered.
    private IphlpapiLibrary.HintCallback hintCallback;
    private IphlpapiLibrary.RowCallback rowCallback;

    /**
     * Notifications through {@code iphlpapi}.
     *
     * @param iphlpapi the library; tests give a mock
     */
    public NetworkIpHelper(IphlpapiLibrary iphlpapi) {
        this.iphlpapi = Objects.requireNonNull(iphlpapi, "iphlpapi");
    }

    /**
     * The notifier of this Windows host; loads {@code iphlpapi.dll}.
     *
     * @return a notifier that has registered nothing yet
     */
    public static NetworkIpHelper system() {
        return new NetworkIpHelper(Win32Libraries.iphlpapi());
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
            LOG.info("{}; using interface and route changes",
                    Win32Errors.failedWith("NotifyNetworkConnectivityHintChange", status));
        } catch (UnsatisfiedLinkError older) {
            LOG.info("no NotifyNetworkConnectivityHintChange before Windows 10 2004; using interface and route "
                    + "changes");
        }
        hintCallback = null;
        rowCallback = (context, row, type) -> onChange.run();
        WinNT.HANDLEByReference interfaces = new WinNT.HANDLEByReference();
        int status = iphlpapi.NotifyIpInterfaceChange(AF_UNSPEC, rowCallback, Pointer.NULL, (byte) 0, interfaces);
        if (status != NO_ERROR) {
            throw new IOException(Win32Errors.failedWith("NotifyIpInterfaceChange", status));
        }
        handles.add(interfaces.getValue());
        WinNT.HANDLEByReference routes = new WinNT.HANDLEByReference();
        status = iphlpapi.NotifyRouteChange2(AF_UNSPEC, rowCallback, Pointer.NULL, (byte) 0, routes);
        if (status != NO_ERROR) {
            close();
            throw new IOException(Win32Errors.failedWith("NotifyRouteChange2", status));
        }
        handles.add(routes.getValue());
        return INTERFACES_AND_ROUTES;
    }

    @Override
    public synchronized void close() {
        for (WinNT.HANDLE handle : handles) {
            int status = iphlpapi.CancelMibChangeNotify2(handle);
            if (status != NO_ERROR) {
                LOG.warn("{}", Win32Errors.failedWith("CancelMibChangeNotify2", status));
            }
        }
        handles.clear();
        hintCallback = null;
        rowCallback = null;
    }
}
