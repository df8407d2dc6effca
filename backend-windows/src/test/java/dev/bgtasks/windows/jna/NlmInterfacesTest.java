package dev.bgtasks.windows.jna;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.platform.win32.Guid;
import org.junit.jupiter.api.Test;

/**
 * Issue 5: the COM identities and vtable slots, against the Windows SDK's netlistmgr.h (as declared there and in
 * the win32metadata bindings generated from it).
 */
class NlmInterfacesTest {
    @Test
    void theGuidsAreTheSdkValuesFieldByField() {
        // netlistmgr.h: CLSID_NetworkListManager = {0xDCB00C01,0x570F,0x4A9B,{0x8D,0x69,0x19,0x9F,0xDB,0xA5,0x72,0x3B}}
        assertGuid(NlmInterfaces.CLSID_NETWORK_LIST_MANAGER, 0xDCB00C01);
        assertGuid(NlmInterfaces.IID_INETWORK_LIST_MANAGER, 0xDCB00000);
        assertGuid(NlmInterfaces.IID_INETWORK_COST_MANAGER, 0xDCB00008);
    }

    @Test
    void theGuidsAreLaidOutAsCoCreateInstanceReadsThem() {
        // A GUID in memory: Data1 little-endian, Data2 and Data3 little-endian, Data4 as is.
        Guid.GUID iid = NlmInterfaces.IID_INETWORK_COST_MANAGER;
        iid.write();
        byte[] bytes = iid.getPointer().getByteArray(0, 16);
        assertThat(bytes).containsExactly(0x08, 0x00, 0xB0, 0xDC, 0x0F, 0x57, 0x9B, 0x4A,
                0x8D, 0x69, 0x19, 0x9F, 0xDB, 0xA5, 0x72, 0x3B);
    }

    @Test
    void theVtableSlotsFollowTheDeclarationOrder() {
        // IUnknown: QueryInterface, AddRef, Release.
        assertThat(NlmInterfaces.SLOT_QUERY_INTERFACE).isZero();
        assertThat(NlmInterfaces.SLOT_ADD_REF).isEqualTo(1);
        assertThat(NlmInterfaces.SLOT_RELEASE).isEqualTo(2);
        // INetworkListManager : IDispatch (GetTypeInfoCount, GetTypeInfo, GetIDsOfNames, Invoke = 3..6), then
        // GetNetworks, GetNetwork, GetNetworkConnections, GetNetworkConnection, get_IsConnectedToInternet,
        // get_IsConnected, GetConnectivity.
        String[] listManager = {"QueryInterface", "AddRef", "Release", "GetTypeInfoCount", "GetTypeInfo",
            "GetIDsOfNames", "Invoke", "GetNetworks", "GetNetwork", "GetNetworkConnections", "GetNetworkConnection",
            "get_IsConnectedToInternet", "get_IsConnected", "GetConnectivity", "SetSimulatedProfileInfo",
            "ClearSimulatedProfileInfo"};
        assertThat(listManager[NlmInterfaces.SLOT_GET_CONNECTIVITY]).isEqualTo("GetConnectivity");
        // INetworkCostManager : IUnknown, then GetCost, GetDataPlanStatus, SetDestinationAddresses.
        String[] costManager = {"QueryInterface", "AddRef", "Release", "GetCost", "GetDataPlanStatus",
            "SetDestinationAddresses"};
        assertThat(costManager[NlmInterfaces.SLOT_GET_COST]).isEqualTo("GetCost");
        assertThat(NlmInterfaces.SLOT_GET_CONNECTIVITY).isEqualTo(13);
        assertThat(NlmInterfaces.SLOT_GET_COST).isEqualTo(3);
    }

    @Test
    void clsctxAllIsTheSdkValue() {
        assertThat(NlmInterfaces.CLSCTX_ALL).isEqualTo(0x17);
    }

    private static void assertGuid(Guid.GUID guid, int data1) {
        assertThat(guid.Data1).isEqualTo(data1);
        assertThat(guid.Data2).isEqualTo((short) 0x570F);
        assertThat(guid.Data3).isEqualTo((short) 0x4A9B);
        assertThat(guid.Data4).containsExactly(0x8D, 0x69, 0x19, 0x9F, 0xDB, 0xA5, 0x72, 0x3B);
    }
}
