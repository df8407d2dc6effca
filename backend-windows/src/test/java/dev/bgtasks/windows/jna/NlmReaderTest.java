package dev.bgtasks.windows.jna;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.Ole32;
import com.sun.jna.platform.win32.WinNT;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import java.io.IOException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.InOrder;

/** Issue 5: the COM call sequence, and every acquired pointer released, also on failure. */
class NlmReaderTest {
    private static final Pointer LIST_MANAGER = new Pointer(0x1000);
    private static final Pointer COST_MANAGER = new Pointer(0x2000);
    private static final WinNT.HRESULT S_OK = new WinNT.HRESULT(0);

    private Ole32 ole32;
    private ComCalls com;
    private NlmReader reader;

    @BeforeEach
    void mocks() {
        ole32 = WinSignalMocks.library(Ole32.class);
        com = mock(ComCalls.class);
        reader = new NlmReader(ole32, com);
        when(ole32.CoInitializeEx(any(), anyInt())).thenReturn(S_OK);
        when(ole32.CoCreateInstance(any(), any(), anyInt(), any(), any())).thenAnswer(inv -> {
            inv.<PointerByReference>getArgument(4).setValue(LIST_MANAGER);
            return S_OK;
        });
        when(com.getConnectivity(eq(LIST_MANAGER), any())).thenAnswer(inv -> {
            inv.<IntByReference>getArgument(1).setValue(NlmInterfaces.NLM_CONNECTIVITY_IPV6_INTERNET);
            return 0;
        });
        when(com.queryInterface(eq(LIST_MANAGER), eq(NlmInterfaces.IID_INETWORK_COST_MANAGER), any()))
                .thenAnswer(inv -> {
                    inv.<PointerByReference>getArgument(2).setValue(COST_MANAGER);
                    return 0;
                });
        when(com.getCost(eq(COST_MANAGER), any())).thenAnswer(inv -> {
            inv.<IntByReference>getArgument(1).setValue(NlmInterfaces.NLM_CONNECTION_COST_UNRESTRICTED);
            return 0;
        });
    }

    @Test
    void readsInTheDocumentedOrderAndReleasesBothPointers() throws IOException {
        reader.initialize();
        NlmReader.Reading reading = reader.read();
        reader.close();

        assertThat(reading).isEqualTo(new NlmReader.Reading(NlmInterfaces.NLM_CONNECTIVITY_IPV6_INTERNET,
                NlmInterfaces.NLM_CONNECTION_COST_UNRESTRICTED));
        InOrder order = inOrder(ole32, com);
        order.verify(ole32).CoInitializeEx(isNull(), eq(Ole32.COINIT_MULTITHREADED));
        order.verify(ole32).CoCreateInstance(eq(NlmInterfaces.CLSID_NETWORK_LIST_MANAGER), isNull(),
                eq(NlmInterfaces.CLSCTX_ALL), eq(NlmInterfaces.IID_INETWORK_LIST_MANAGER), any());
        order.verify(com).getConnectivity(eq(LIST_MANAGER), any());
        order.verify(com).queryInterface(eq(LIST_MANAGER), eq(NlmInterfaces.IID_INETWORK_COST_MANAGER), any());
        order.verify(com).getCost(eq(COST_MANAGER), any());
        order.verify(com).release(COST_MANAGER);
        order.verify(com).release(LIST_MANAGER);
        order.verify(ole32).CoUninitialize();
    }

    @Test
    void aFailedGetCostStillReleasesBoth() throws IOException {
        doReturn(0x80070005).when(com).getCost(eq(COST_MANAGER), any()); // E_ACCESSDENIED
        reader.initialize();
        assertThatThrownBy(reader::read).isInstanceOf(IOException.class)
                .hasMessageContaining("GetCost").hasMessageContaining("0x80070005");
        verify(com).release(COST_MANAGER);
        verify(com).release(LIST_MANAGER);
    }

    @Test
    void aFailedQueryInterfaceReleasesTheListManager() throws IOException {
        doReturn(0x80004002).when(com).queryInterface(any(), any(), any()); // E_NOINTERFACE
        reader.initialize();
        assertThatThrownBy(reader::read).isInstanceOf(IOException.class).hasMessageContaining("QueryInterface");
        verify(com).release(LIST_MANAGER);
        verify(com, never()).release(COST_MANAGER);
        verify(com, never()).getCost(any(), any());
    }

    @Test
    void aFailedGetConnectivityReleasesTheListManager() throws IOException {
        doAnswer(inv -> 0x8001010E).when(com).getConnectivity(any(), any()); // RPC_E_WRONG_THREAD
        reader.initialize();
        assertThatThrownBy(reader::read).isInstanceOf(IOException.class).hasMessageContaining("GetConnectivity");
        verify(com).release(LIST_MANAGER);
        verify(com, never()).queryInterface(any(), any(), any());
    }

    @Test
    void aFailedCoCreateInstanceReleasesNothing() throws IOException {
        doReturn(new WinNT.HRESULT(0x80040154)) // REGDB_E_CLASSNOTREG
                .when(ole32).CoCreateInstance(any(), any(), anyInt(), any(), any());
        reader.initialize();
        assertThatThrownBy(reader::read).isInstanceOf(IOException.class).hasMessageContaining("0x80040154");
        verify(com, never()).release(any());
    }

    @Test
    void aThreadAlreadyInAnotherApartmentIsAClearError() {
        doReturn(new WinNT.HRESULT(NlmReader.RPC_E_CHANGED_MODE)).when(ole32).CoInitializeEx(any(), anyInt());
        assertThatThrownBy(reader::initialize).isInstanceOf(IOException.class)
                .hasMessageContaining("single-threaded apartment");
        reader.close();
        verify(ole32, never()).CoUninitialize();
    }

    @Test
    void sFalseFromCoInitializeExStillNeedsItsCoUninitialize() throws IOException {
        doReturn(new WinNT.HRESULT(1)).when(ole32).CoInitializeEx(any(), anyInt());
        reader.initialize();
        reader.close();
        verify(ole32).CoUninitialize();
    }

    @Test
    void readingBeforeInitialisingIsAnError() {
        assertThatThrownBy(reader::read).isInstanceOf(IllegalStateException.class);
    }
}
