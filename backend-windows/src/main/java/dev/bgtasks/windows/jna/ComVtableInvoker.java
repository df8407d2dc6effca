package dev.bgtasks.windows.jna;

import com.sun.jna.Function;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.Guid;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import java.util.Objects;

/**
 * Calls COM methods through the object's vtable: the object's first word points at a table of function pointers,
 * and slot {@code n} is the n-th method in declaration order, IUnknown's three first. jna-platform's
 * {@code COM.Unknown} does the same through protected methods bound to IDispatch-style use; this small invoker keeps
 * the slot numbers in one tested place ({@link NlmInterfaces}) and works for IUnknown-only interfaces such as
 * INetworkCostManager.
 *
 * <pre>{@code
 * ComCalls com = new ComVtableInvoker();
 * int hr = com.getConnectivity(networkListManager, connectivity);
 * }</pre>
 */
public final class ComVtableInvoker implements ComCalls {
    /** COM methods are {@code __stdcall}; only 32-bit x86 tells it apart from the C convention. */
    private static final int CONVENTION = Platform.isWindows() && !Platform.is64Bit()
            ? Function.ALT_CONVENTION : Function.C_CONVENTION;

    /** Calls slot {@code slot} of {@code object}'s vtable with {@code object} as the hidden first argument. */
    static int invoke(Pointer object, int slot, Object... args) {
        Objects.requireNonNull(object, "COM object pointer");
        if (slot < 0) {
            throw new IllegalArgumentException("vtable slot must not be negative: " + slot);
        }
        Pointer vtable = object.getPointer(0);
        Pointer method = vtable.getPointer((long) slot * Native.POINTER_SIZE);
        Object[] withThis = new Object[args.length + 1];
        withThis[0] = object;
        System.arraycopy(args, 0, withThis, 1, args.length);
        return Function.getFunction(method, CONVENTION).invokeInt(withThis);
    }

    @Override
    public int queryInterface(Pointer object, Guid.GUID iid, PointerByReference out) {
        // JNA writes the structure to native memory and passes its address: the REFIID.
        return invoke(object, NlmInterfaces.SLOT_QUERY_INTERFACE, iid, out);
    }

    @Override
    public int release(Pointer object) {
        return invoke(object, NlmInterfaces.SLOT_RELEASE);
    }

    @Override
    public int getConnectivity(Pointer networkListManager, IntByReference connectivity) {
        return invoke(networkListManager, NlmInterfaces.SLOT_GET_CONNECTIVITY, connectivity);
    }

    @Override
    public int getCost(Pointer costManager, IntByReference cost) {
        return invoke(costManager, NlmInterfaces.SLOT_GET_COST, cost, Pointer.NULL);
    }
}
