package dev.bgtasks.windows.jna;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyByte;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.sun.jna.CallbackReference;
import com.sun.jna.Function;
import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.WinNT;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.mockito.ArgumentCaptor;

/** Issue 5: connectivity hints first, interface and route changes before Windows 10 2004, all cancelled on close. */
class NetworkIpHelperTest {
    private static final WinNT.HANDLE HINT = new WinNT.HANDLE(new Pointer(0x10));
    private static final WinNT.HANDLE INTERFACES = new WinNT.HANDLE(new Pointer(0x20));
    private static final WinNT.HANDLE ROUTES = new WinNT.HANDLE(new Pointer(0x30));

    private IphlpapiLibrary iphlpapi;
    private final AtomicInteger changes = new AtomicInteger();

    @BeforeEach
    void stubRegistrations() {
        iphlpapi = mock(IphlpapiLibrary.class);
        when(iphlpapi.NotifyNetworkConnectivityHintChange(any(), any(), anyByte(), any())).thenAnswer(inv -> {
            inv.<WinNT.HANDLEByReference>getArgument(3).setValue(HINT);
            return IphlpapiLibrary.NO_ERROR;
        });
        when(iphlpapi.NotifyIpInterfaceChange(eq(IphlpapiLibrary.AF_UNSPEC), any(), any(), anyByte(), any()))
                .thenAnswer(inv -> {
                    inv.<WinNT.HANDLEByReference>getArgument(4).setValue(INTERFACES);
                    return IphlpapiLibrary.NO_ERROR;
                });
        when(iphlpapi.NotifyRouteChange2(eq(IphlpapiLibrary.AF_UNSPEC), any(), any(), anyByte(), any()))
                .thenAnswer(inv -> {
                    inv.<WinNT.HANDLEByReference>getArgument(4).setValue(ROUTES);
                    return IphlpapiLibrary.NO_ERROR;
                });
    }

    @Test
    void connectivityHintsAreUsedWhereWindowsHasThem() throws IOException {
        NetworkIpHelper helper = new NetworkIpHelper(iphlpapi);
        assertThat(helper.start(changes::incrementAndGet)).isEqualTo(NetworkIpHelper.HINTS);
        ArgumentCaptor<IphlpapiLibrary.HintCallback> callback =
                ArgumentCaptor.forClass(IphlpapiLibrary.HintCallback.class);
        // No initial notification: the source reads once itself.
        verify(iphlpapi).NotifyNetworkConnectivityHintChange(callback.capture(), any(), eq((byte) 0), any());
        callback.getValue().callback(null, new IphlpapiLibrary.ConnectivityHint.ByValue());
        assertThat(changes).hasValue(1);
        verify(iphlpapi, never()).NotifyIpInterfaceChange(any(short.class), any(), any(), anyByte(), any());

        helper.close();
        verify(iphlpapi).CancelMibChangeNotify2(HINT);
    }

    @Test
    void beforeWindows10Version2004InterfaceAndRouteChangesAreUsed() throws IOException {
        doThrow(new UnsatisfiedLinkError("Error looking up function 'NotifyNetworkConnectivityHintChange'"))
                .when(iphlpapi).NotifyNetworkConnectivityHintChange(any(), any(), anyByte(), any());
        NetworkIpHelper helper = new NetworkIpHelper(iphlpapi);
        assertThat(helper.start(changes::incrementAndGet)).isEqualTo(NetworkIpHelper.INTERFACES_AND_ROUTES);
        ArgumentCaptor<IphlpapiLibrary.RowCallback> interfaces =
                ArgumentCaptor.forClass(IphlpapiLibrary.RowCallback.class);
        ArgumentCaptor<IphlpapiLibrary.RowCallback> routes =
                ArgumentCaptor.forClass(IphlpapiLibrary.RowCallback.class);
        verify(iphlpapi).NotifyIpInterfaceChange(eq(IphlpapiLibrary.AF_UNSPEC), interfaces.capture(), any(),
                eq((byte) 0), any());
        verify(iphlpapi).NotifyRouteChange2(eq(IphlpapiLibrary.AF_UNSPEC), routes.capture(), any(), eq((byte) 0),
                any());
        interfaces.getValue().callback(null, null, 1);
        routes.getValue().callback(null, null, 2);
        assertThat(changes).hasValue(2);

        helper.close();
        verify(iphlpapi).CancelMibChangeNotify2(INTERFACES);
        verify(iphlpapi).CancelMibChangeNotify2(ROUTES);
    }

    @Test
    void aFailedRouteRegistrationCancelsTheInterfaceOneAndSaysWhy() {
        doReturn(1).when(iphlpapi).NotifyNetworkConnectivityHintChange(any(), any(), anyByte(), any());
        doReturn(8).when(iphlpapi).NotifyRouteChange2(any(short.class), any(), any(), anyByte(), any());
        NetworkIpHelper helper = new NetworkIpHelper(iphlpapi);
        assertThatThrownBy(() -> helper.start(changes::incrementAndGet)).isInstanceOf(IOException.class)
                .hasMessageContaining("NotifyRouteChange2 failed with error 8");
        verify(iphlpapi).CancelMibChangeNotify2(INTERFACES);
    }

    @Test
    @EnabledOnOs(OS.WINDOWS)
    void theHintArrivesByValueThroughANativeCall() {
        // Native code calls the callback with the structure by value; here a JNA Function plays Windows' part.
        // A stdcall callback can be made only on Windows.
        int[] seen = new int[3];
        IphlpapiLibrary.HintCallback callback = (context, hint) -> {
            seen[0] = hint.ConnectivityLevel;
            seen[1] = hint.ConnectivityCost;
            seen[2] = hint.Roaming;
        };
        IphlpapiLibrary.ConnectivityHint.ByValue hint = new IphlpapiLibrary.ConnectivityHint.ByValue();
        hint.ConnectivityLevel = 3;
        hint.ConnectivityCost = 2;
        hint.Roaming = 1;
        Function.getFunction(CallbackReference.getFunctionPointer(callback)).invokeVoid(new Object[] {null, hint});
        assertThat(seen).containsExactly(3, 2, 1);
    }

    @Test
    void theHintStructureIsTwelveBytes() {
        // NL_NETWORK_CONNECTIVITY_HINT: two enums and three BOOLEANs, padded to the int alignment.
        assertThat(new IphlpapiLibrary.ConnectivityHint().size()).isEqualTo(12);
    }
}
