package dev.bgtasks.windows.signals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.Ole32;
import com.sun.jna.platform.win32.WinNT;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import dev.bgtasks.spi.HostSignal;
import dev.bgtasks.windows.jna.ComCalls;
import dev.bgtasks.windows.jna.NetworkChangeNotifier;
import dev.bgtasks.windows.jna.NetworkIpHelper;
import dev.bgtasks.windows.jna.NlmInterfaces;
import dev.bgtasks.windows.jna.NlmReader;
import dev.bgtasks.windows.jna.WinSignalMocks;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.InOrder;

/** Issue 5: a network notification leads to one re-read, and the listener hears only real changes. */
class NetworkSourceTest {
    private static final Pointer LIST_MANAGER = new Pointer(0x1000);
    private static final Pointer COST_MANAGER = new Pointer(0x2000);

    private Ole32 ole32;
    private ComCalls com;
    private final QueuedComThread comThread = new QueuedComThread();
    private final FakeNotifier notifier = new FakeNotifier();
    private final AtomicInteger changes = new AtomicInteger();
    private int connectivity = NlmInterfaces.NLM_CONNECTIVITY_IPV4_INTERNET;
    private int cost = NlmInterfaces.NLM_CONNECTION_COST_UNRESTRICTED;
    private NetworkSource source;

    @BeforeEach
    void mocks() {
        ole32 = WinSignalMocks.library(Ole32.class);
        com = mock(ComCalls.class);
        doReturn(new WinNT.HRESULT(0)).when(ole32).CoInitializeEx(any(), anyInt());
        when(ole32.CoCreateInstance(any(), any(), anyInt(), any(), any())).thenAnswer(inv -> {
            inv.<PointerByReference>getArgument(4).setValue(LIST_MANAGER);
            return new WinNT.HRESULT(0);
        });
        when(com.getConnectivity(any(), any())).thenAnswer(inv -> {
            inv.<IntByReference>getArgument(1).setValue(connectivity);
            return 0;
        });
        when(com.queryInterface(any(), any(), any())).thenAnswer(inv -> {
            inv.<PointerByReference>getArgument(2).setValue(COST_MANAGER);
            return 0;
        });
        when(com.getCost(any(), any())).thenAnswer(inv -> {
            inv.<IntByReference>getArgument(1).setValue(cost);
            return 0;
        });
        source = new NetworkSource(new NlmReader(ole32, com), comThread, notifier);
    }

    @Test
    void startReadsOnceAndRegistersForNotifications() {
        source.start(changes::incrementAndGet);
        assertThat(source.current()).isEqualTo(Map.of(HostSignal.INTERNET, true, HostSignal.UNMETERED_NETWORK, true));
        assertThat(notifier.onChange).isNotNull();
        assertThat(changes).hasValue(0);
        assertThat(source.describe()).contains("INTERNET: Network List Manager")
                .contains("event-driven (NotifyNetworkConnectivityHintChange");
    }

    @Test
    void aNotificationRereadsAndTheListenerHearsEachChangeOnce() {
        source.start(changes::incrementAndGet);

        connectivity = NlmInterfaces.NLM_CONNECTIVITY_IPV4_LOCALNETWORK;
        notifier.fire();
        comThread.runQueued();
        assertThat(source.current()).containsEntry(HostSignal.INTERNET, false);
        assertThat(changes).hasValue(1);

        // The same reading again: no call.
        notifier.fire();
        comThread.runQueued();
        assertThat(changes).hasValue(1);

        cost = NlmInterfaces.NLM_CONNECTION_COST_VARIABLE;
        notifier.fire();
        comThread.runQueued();
        assertThat(source.current()).containsEntry(HostSignal.UNMETERED_NETWORK, false);
        assertThat(changes).hasValue(2);
        // Three notifications after the first read: four reads, each releasing both pointers.
        verify(com, times(4)).release(LIST_MANAGER);
        verify(com, times(4)).release(COST_MANAGER);
    }

    @Test
    void aBurstOfNotificationsCostsOneReread() {
        source.start(changes::incrementAndGet);
        connectivity = NlmInterfaces.NLM_CONNECTIVITY_DISCONNECTED;
        for (int i = 0; i < 10; i++) {
            notifier.fire();
        }
        assertThat(comThread.queue).hasSize(1);
        comThread.runQueued();
        assertThat(changes).hasValue(1);
        verify(com, times(2)).getConnectivity(any(), any());
    }

    @Test
    void aFailedReadMakesTheSignalsUnknownAndSaysWhy() {
        source.start(changes::incrementAndGet);
        doReturn(0x800706BA).when(com).getConnectivity(any(), any()); // RPC_S_SERVER_UNAVAILABLE
        notifier.fire();
        comThread.runQueued();
        assertThat(source.current()).isEmpty();
        assertThat(changes).hasValue(1);
        assertThat(source.describe()).contains("unknown now").contains("0x800706BA");
    }

    @Test
    void withoutNotificationsItPollsAndSaysSo() {
        notifier.failure = new IOException("NotifyIpInterfaceChange failed with error 50");
        source.start(changes::incrementAndGet);
        assertThat(source.describe()).contains("polled every 30 s").contains("error 50");
        source.close();
    }

    @Test
    void withoutComNothingIsKnownAndNothingIsRegistered() {
        doReturn(new WinNT.HRESULT(NlmReader.RPC_E_CHANGED_MODE)).when(ole32).CoInitializeEx(any(), anyInt());
        source.start(changes::incrementAndGet);
        assertThat(source.current()).isEmpty();
        assertThat(notifier.onChange).isNull();
        assertThat(source.describe()).contains("CoInitializeEx");
    }

    @Test
    void closeCancelsNotificationsThenUninitialisesComOnItsThread() {
        source.start(changes::incrementAndGet);
        source.close();
        assertThat(notifier.closed).isTrue();
        assertThat(comThread.closed).isTrue();
        InOrder order = inOrder(ole32);
        order.verify(ole32).CoInitializeEx(any(), anyInt());
        order.verify(ole32).CoUninitialize();
        assertThat(comThread.ranAfterNotifierClosed).isTrue();
    }

    /** The COM thread, run by the test: calls run at once, posts wait for {@link #runQueued()}. */
    private final class QueuedComThread implements ComThread {
        final Queue<Runnable> queue = new ArrayDeque<>();
        boolean closed;
        boolean ranAfterNotifierClosed;

        @Override
        public <T> T call(Callable<T> work) throws Exception {
            return work.call();
        }

        @Override
        public void post(Runnable work) {
            if (!closed) {
                queue.add(work);
            }
        }

        void runQueued() {
            while (!queue.isEmpty()) {
                queue.remove().run();
            }
        }

        @Override
        public void close() {
            ranAfterNotifierClosed = notifier.closed;
            runQueued();
            closed = true;
        }
    }

    private static final class FakeNotifier implements NetworkChangeNotifier {
        Runnable onChange;
        IOException failure;
        boolean closed;
        final List<String> log = new ArrayList<>();

        @Override
        public String start(Runnable listener) throws IOException {
            if (failure != null) {
                throw failure;
            }
            onChange = listener;
            return NetworkIpHelper.HINTS;
        }

        void fire() {
            onChange.run();
        }

        @Override
        public void close() {
            closed = true;
            log.add("close");
        }
    }
}
