package dev.bgtasks.windows.jna;

import com.sun.jna.platform.win32.Guid;

/**
 * The Network List Manager's COM identities, vtable slots and flag values, as in the Windows SDK's
 * {@code netlistmgr.h}. The interfaces are called through their vtables by slot number, so every number here is
 * checked by a unit test against the header's declaration order.
 *
 * <pre>{@code
 * ole32.CoCreateInstance(NlmInterfaces.CLSID_NETWORK_LIST_MANAGER, null, NlmInterfaces.CLSCTX_ALL,
 *         NlmInterfaces.IID_INETWORK_LIST_MANAGER, out);
 * }</pre>
 */
public final class NlmInterfaces {
    /** {@code CLSID_NetworkListManager}. */
    public static final String CLSID_NETWORK_LIST_MANAGER_TEXT = "{DCB00C01-570F-4A9B-8D69-199FDBA5723B}";
    /** {@code IID_INetworkListManager}: a dual interface (IDispatch). */
    public static final String IID_INETWORK_LIST_MANAGER_TEXT = "{DCB00000-570F-4A9B-8D69-199FDBA5723B}";
    /** {@code IID_INetworkCostManager}: IUnknown only, reached by QueryInterface on the list manager. */
    public static final String IID_INETWORK_COST_MANAGER_TEXT = "{DCB00008-570F-4A9B-8D69-199FDBA5723B}";

    public static final Guid.GUID CLSID_NETWORK_LIST_MANAGER = Guid.GUID.fromString(CLSID_NETWORK_LIST_MANAGER_TEXT);
    public static final Guid.GUID IID_INETWORK_LIST_MANAGER = Guid.GUID.fromString(IID_INETWORK_LIST_MANAGER_TEXT);
    public static final Guid.GUID IID_INETWORK_COST_MANAGER = Guid.GUID.fromString(IID_INETWORK_COST_MANAGER_TEXT);

    /** {@code CLSCTX_INPROC_SERVER | CLSCTX_INPROC_HANDLER | CLSCTX_LOCAL_SERVER | CLSCTX_REMOTE_SERVER}. */
    public static final int CLSCTX_ALL = 0x1 | 0x2 | 0x4 | 0x10;

    /** IUnknown: QueryInterface, AddRef, Release are slots 0, 1, 2 of every COM vtable. */
    public static final int SLOT_QUERY_INTERFACE = 0;
    public static final int SLOT_ADD_REF = 1;
    public static final int SLOT_RELEASE = 2;
    /**
     * INetworkListManager: after IUnknown (0-2) and IDispatch (3 GetTypeInfoCount, 4 GetTypeInfo, 5 GetIDsOfNames,
     * 6 Invoke) come 7 GetNetworks, 8 GetNetwork, 9 GetNetworkConnections, 10 GetNetworkConnection,
     * 11 get_IsConnectedToInternet, 12 get_IsConnected, 13 GetConnectivity.
     */
    public static final int SLOT_GET_CONNECTIVITY = 13;
    /** INetworkCostManager: after IUnknown (0-2) come 3 GetCost, 4 GetDataPlanStatus, 5 SetDestinationAddresses. */
    public static final int SLOT_GET_COST = 3;

    /** {@code NLM_CONNECTIVITY} flags. */
    public static final int NLM_CONNECTIVITY_DISCONNECTED = 0;
    public static final int NLM_CONNECTIVITY_IPV4_NOTRAFFIC = 0x1;
    public static final int NLM_CONNECTIVITY_IPV6_NOTRAFFIC = 0x2;
    public static final int NLM_CONNECTIVITY_IPV4_SUBNET = 0x10;
    public static final int NLM_CONNECTIVITY_IPV4_LOCALNETWORK = 0x20;
    public static final int NLM_CONNECTIVITY_IPV4_INTERNET = 0x40;
    public static final int NLM_CONNECTIVITY_IPV6_SUBNET = 0x100;
    public static final int NLM_CONNECTIVITY_IPV6_LOCALNETWORK = 0x200;
    public static final int NLM_CONNECTIVITY_IPV6_INTERNET = 0x400;

    /** {@code NLM_CONNECTION_COST}: the low 16 bits are the level, the high 16 bits flags. */
    public static final int NLM_CONNECTION_COST_UNKNOWN = 0;
    public static final int NLM_CONNECTION_COST_UNRESTRICTED = 0x1;
    public static final int NLM_CONNECTION_COST_FIXED = 0x2;
    public static final int NLM_CONNECTION_COST_VARIABLE = 0x4;
    public static final int NLM_CONNECTION_COST_OVERDATALIMIT = 0x10000;
    public static final int NLM_CONNECTION_COST_CONGESTED = 0x20000;
    public static final int NLM_CONNECTION_COST_ROAMING = 0x40000;
    public static final int NLM_CONNECTION_COST_APPROACHINGDATALIMIT = 0x80000;
    public static final int NLM_CONNECTION_COST_LEVELS = 0xFFFF;

    private NlmInterfaces() {
    }
}
