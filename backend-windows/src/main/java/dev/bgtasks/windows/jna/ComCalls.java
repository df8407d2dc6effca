package dev.bgtasks.windows.jna;

import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.Guid;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;

/**
 * The COM methods the network source calls, each on an interface pointer and returning its HRESULT. The real one,
 * {@link ComVtableInvoker}, calls through the object's vtable; tests give a mock and check the call sequence.
 *
 * <pre>{@code
 * IntByReference connectivity = new IntByReference();
 * int hr = com.getConnectivity(networkListManager, connectivity);
 * com.release(networkListManager);
 * }</pre>
 */
public interface ComCalls {
    /** {@code IUnknown::QueryInterface}: on success {@code out} holds a pointer the caller must release. */
    int queryInterface(Pointer object, Guid.GUID iid, PointerByReference out);

    /** {@code IUnknown::Release}: the remaining reference count. */
    int release(Pointer object);

    /** {@code INetworkListManager::GetConnectivity(NLM_CONNECTIVITY*)}. */
    int getConnectivity(Pointer networkListManager, IntByReference connectivity);

    /** {@code INetworkCostManager::GetCost(DWORD*, NLM_SOCKADDR* = NULL)}: the cost of the machine's internet route. */
    int getCost(Pointer costManager, IntByReference cost);
}
