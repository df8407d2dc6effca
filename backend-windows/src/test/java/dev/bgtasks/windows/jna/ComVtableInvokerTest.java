package dev.bgtasks.windows.jna;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.Callback;
import com.sun.jna.CallbackReference;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.Guid;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 5: the invoker calls the slot it is asked for, through a real vtable of native function pointers, with the
 * object as the first argument. The vtable here is built from JNA callbacks, so the test runs on any OS.
 */
class ComVtableInvokerTest {
    private static final int SLOTS = 16;

    /** Every slot has the widest signature; unused arguments are ignored. */
    interface Method extends Callback {
        int invoke(Pointer self, Pointer first, Pointer second);
    }

    private final List<String> calls = new ArrayList<>();
    private final List<Method> keepAlive = new ArrayList<>();
    private Memory object;
    private Memory vtable;
    private Memory costObject;

    @BeforeEach
    void buildObject() {
        vtable = new Memory((long) SLOTS * Native.POINTER_SIZE);
        object = new Memory(Native.POINTER_SIZE);
        object.setPointer(0, vtable);
        costObject = new Memory(Native.POINTER_SIZE);
        costObject.setPointer(0, vtable);
        for (int slot = 0; slot < SLOTS; slot++) {
            int index = slot;
            Method method = (self, first, second) -> {
                calls.add(index + (self.equals(object) ? "@list" : self.equals(costObject) ? "@cost" : "@?"));
                if (index == NlmInterfaces.SLOT_GET_CONNECTIVITY) {
                    first.setInt(0, NlmInterfaces.NLM_CONNECTIVITY_IPV4_INTERNET);
                } else if (index == NlmInterfaces.SLOT_GET_COST) {
                    first.setInt(0, NlmInterfaces.NLM_CONNECTION_COST_VARIABLE);
                    return second == null ? 0 : 0x80070057; // E_INVALIDARG unless the destination is NULL
                } else if (index == NlmInterfaces.SLOT_QUERY_INTERFACE) {
                    Guid.GUID iid = new Guid.GUID(first);
                    if (!iid.equals(NlmInterfaces.IID_INETWORK_COST_MANAGER)) {
                        return 0x80004002; // E_NOINTERFACE
                    }
                    second.setPointer(0, costObject);
                } else if (index == NlmInterfaces.SLOT_RELEASE) {
                    return 0;
                }
                return 0;
            };
            keepAlive.add(method);
            vtable.setPointer((long) slot * Native.POINTER_SIZE, CallbackReference.getFunctionPointer(method));
        }
    }

    @Test
    void getConnectivityCallsSlotThirteenOnTheObject() {
        IntByReference connectivity = new IntByReference();
        int hr = new ComVtableInvoker().getConnectivity(object, connectivity);
        assertThat(hr).isZero();
        assertThat(connectivity.getValue()).isEqualTo(NlmInterfaces.NLM_CONNECTIVITY_IPV4_INTERNET);
        assertThat(calls).containsExactly("13@list");
    }

    @Test
    void queryInterfacePassesTheIidAndReturnsTheNewPointer() {
        PointerByReference out = new PointerByReference();
        ComVtableInvoker com = new ComVtableInvoker();
        assertThat(com.queryInterface(object, NlmInterfaces.IID_INETWORK_COST_MANAGER, out)).isZero();
        assertThat(out.getValue()).isEqualTo(costObject);
        assertThat(com.queryInterface(object, NlmInterfaces.IID_INETWORK_LIST_MANAGER, new PointerByReference()))
                .isEqualTo(0x80004002);
        assertThat(calls).containsExactly("0@list", "0@list");
    }

    @Test
    void getCostCallsSlotThreeWithANullDestination() {
        IntByReference cost = new IntByReference();
        assertThat(new ComVtableInvoker().getCost(costObject, cost)).isZero();
        assertThat(cost.getValue()).isEqualTo(NlmInterfaces.NLM_CONNECTION_COST_VARIABLE);
        assertThat(calls).containsExactly("3@cost");
    }

    @Test
    void releaseCallsSlotTwo() {
        new ComVtableInvoker().release(costObject);
        assertThat(calls).containsExactly("2@cost");
    }
}
