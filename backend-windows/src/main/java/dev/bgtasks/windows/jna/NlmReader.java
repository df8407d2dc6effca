package dev.bgtasks.windows.jna;

import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.Ole32;
import com.sun.jna.platform.win32.WinNT;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import java.io.IOException;
import java.util.Objects;

/**
 * Reads the machine's internet connectivity and the cost of its internet connection from the Network List Manager.
 * Each read creates the manager, asks for its cost manager, reads both values and releases both pointers, so a
 * restart of the Network List service between two reads does no harm. Every method must run on one thread (a
 * {@link ComThread}), {@link #initialize()} first and {@link #close()} last.
 *
 * <pre>{@code
 * NlmReader reader = new NlmReader(Ole32.INSTANCE, new ComVtableInvoker());
 * comThread.call(() -> { reader.initialize(); return null; });
 * NlmReader.Reading now = comThread.call(reader::read);
 * }</pre>
 */
public final class NlmReader implements AutoCloseable {
    /** {@code RPC_E_CHANGED_MODE}: the thread was already initialised for another apartment. */
    public static final int RPC_E_CHANGED_MODE = 0x80010106;

    /**
     * One reading.
     *
     * @param connectivity NLM_CONNECTIVITY flags
     * @param cost NLM_CONNECTION_COST flags
     */
    public record Reading(int connectivity, int cost) {
    }

    private final Ole32 ole32;
    private final ComCalls com;
    private boolean initialized;

    /**
     * A reader over the given COM entry points.
     *
     * @param ole32 {@code CoInitializeEx}, {@code CoCreateInstance}, {@code CoUninitialize}
     * @param com the interface methods, called through their vtables
     */
    public NlmReader(Ole32 ole32, ComCalls com) {
        this.ole32 = Objects.requireNonNull(ole32, "ole32");
        this.com = Objects.requireNonNull(com, "com");
    }

    /**
     * The reader of this Windows host; loads ole32.
     *
     * @return a reader whose thread is not initialised yet
     */
    public static NlmReader system() {
        return new NlmReader(Win32Libraries.ole32(), new ComVtableInvoker());
    }

    /**
     * {@code CoInitializeEx(NULL, COINIT_MULTITHREADED)} on the calling thread.
     *
     * @throws IOException when COM cannot be initialised for this thread
     */
    public void initialize() throws IOException {
        if (initialized) {
            return;
        }
        int hr = hresult(ole32.CoInitializeEx(Pointer.NULL, Ole32.COINIT_MULTITHREADED));
        // S_FALSE (1): already initialised as MTA on this thread; it still needs its CoUninitialize.
        if (Win32Errors.failed(hr)) {
            throw new IOException("CoInitializeEx(COINIT_MULTITHREADED) failed: " + Win32Errors.hresult(hr)
                    + (hr == RPC_E_CHANGED_MODE ? " (the thread is already a single-threaded apartment)" : ""));
        }
        initialized = true;
    }

    /**
     * Connectivity and cost now; every pointer acquired on the way is released, also when a call fails.
     *
     * @return the reading
     * @throws IOException when a COM call failed, with its HRESULT
     */
    public Reading read() throws IOException {
        if (!initialized) {
            throw new IllegalStateException("COM is not initialised on this thread");
        }
        PointerByReference manager = new PointerByReference();
        check("CoCreateInstance(CLSID_NetworkListManager)", hresult(ole32.CoCreateInstance(
                NlmInterfaces.CLSID_NETWORK_LIST_MANAGER, Pointer.NULL, NlmInterfaces.CLSCTX_ALL,
                NlmInterfaces.IID_INETWORK_LIST_MANAGER, manager)));
        Pointer listManager = manager.getValue();
        if (listManager == null) {
            throw new IOException("CoCreateInstance(CLSID_NetworkListManager) succeeded without an object");
        }
        try {
            IntByReference connectivity = new IntByReference();
            check("INetworkListManager::GetConnectivity", com.getConnectivity(listManager, connectivity));
            PointerByReference costOut = new PointerByReference();
            check("QueryInterface(IID_INetworkCostManager)",
                    com.queryInterface(listManager, NlmInterfaces.IID_INETWORK_COST_MANAGER, costOut));
            Pointer costManager = costOut.getValue();
            if (costManager == null) {
                throw new IOException("QueryInterface(IID_INetworkCostManager) succeeded without an object");
            }
            try {
                IntByReference cost = new IntByReference();
                check("INetworkCostManager::GetCost", com.getCost(costManager, cost));
                return new Reading(connectivity.getValue(), cost.getValue());
            } finally {
                com.release(costManager);
            }
        } finally {
            com.release(listManager);
        }
    }

    /** {@code CoUninitialize} when {@link #initialize()} succeeded. */
    @Override
    public void close() {
        if (initialized) {
            initialized = false;
            ole32.CoUninitialize();
        }
    }

    private static int hresult(WinNT.HRESULT hr) {
        if (hr == null) {
            throw new IllegalStateException("a COM call returned no HRESULT");
        }
        return hr.intValue();
    }

    private static void check(String what, int hr) throws IOException {
        Win32Errors.checkHresult(what, hr);
    }
}
