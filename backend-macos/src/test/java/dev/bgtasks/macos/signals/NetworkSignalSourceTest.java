package dev.bgtasks.macos.signals;

import static dev.bgtasks.macos.signals.CoreFoundationFake.entries;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.AdditionalAnswers.delegatesTo;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.sun.jna.Pointer;
import dev.bgtasks.macos.jna.CoreFoundationLib;
import dev.bgtasks.macos.jna.CoreFoundationValues;
import dev.bgtasks.macos.jna.SystemCalls;
import dev.bgtasks.macos.jna.SystemConfigurationLib;
import dev.bgtasks.spi.HostSignal;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The network source of issue 6: a network_change notification → a dynamic store re-read → the listener, called
 * once per actual change and never for an unchanged reading; close cancels the notification and releases the store.
 */
class NetworkSignalSourceTest {
    private final CoreFoundationFake fake = new CoreFoundationFake();
    private final CoreFoundationValues values = new CoreFoundationValues(mock(CoreFoundationLib.class,
            delegatesTo(fake)));
    private final SystemConfigurationLib sc = mock(SystemConfigurationLib.class);
    private final NotifyWatchTest.FakeNotify notify = new NotifyWatchTest.FakeNotify();
    /** The router configd has now; null is no primary service. */
    private final AtomicReference<String> router = new AtomicReference<>("192.168.1.1");

    private NetworkSignalSource source() throws Exception {
        Pointer session = fake.opaque();
        when(sc.SCDynamicStoreCreate(isNull(), any(), isNull(), isNull())).thenReturn(session);
        when(sc.SCDynamicStoreCopyValue(eq(session), any())).thenAnswer(i -> {
            String key = values.string(i.getArgument(1)).orElseThrow();
            String r = router.get();
            if (!key.equals(DynamicStore.IPV4) || r == null) {
                return null;
            }
            return fake.dictionary(true, entries("PrimaryInterface", fake.string(false, "en0"),
                    "Router", fake.string(false, r)));
        });
        return new NetworkSignalSource(DynamicStore.open(sc, values),
                new NotifyWatch(new SystemCalls(notify.lib), "test-network"));
    }

    @Test
    void aNotificationRereadsAndTellsOnlyActualChanges() throws Exception {
        NetworkSignalSource source = source();
        Semaphore changes = new Semaphore(0);
        source.start(changes::release);
        assertThat(source.current()).isEqualTo(Map.of(HostSignal.INTERNET, true, HostSignal.UNMETERED_NETWORK, true));

        // A notification with nothing changed: re-read, no call.
        notify.post(NetworkSignalSource.NETWORK_CHANGE);
        // The router went away: one call.
        awaitReread(() -> router.set(null));
        assertThat(changes.tryAcquire(5, TimeUnit.SECONDS)).isTrue();
        assertThat(source.current()).containsEntry(HostSignal.INTERNET, false);
        // Two more notifications, same state: no call.
        notify.post(NetworkSignalSource.NETWORK_CHANGE);
        notify.post(NetworkSignalSource.NETWORK_CHANGE);
        // Back online: one call.
        awaitReread(() -> router.set("10.0.0.1"));
        assertThat(changes.tryAcquire(5, TimeUnit.SECONDS)).isTrue();
        assertThat(source.current()).containsEntry(HostSignal.INTERNET, true);

        source.close();
        assertThat(changes.availablePermits()).isZero();
        // One read at start and one per notification (five), each of IPv4 and IPv6.
        org.mockito.Mockito.verify(sc, org.mockito.Mockito.times(12)).SCDynamicStoreCopyValue(any(), any());
        assertThat(notify.cancelled).containsExactlyInAnyOrderElementsOf(notify.tokens.values());
        assertThat(notify.tokens).containsKey(NetworkSignalSource.NETWORK_CHANGE);
        fake.assertAllReleased();
        assertThat(source.describe()).contains("State:/Network/Global/IPv4", NetworkSignalSource.NETWORK_CHANGE,
                "event-driven", "UNMETERED_NETWORK: always true");
    }

    /** Changes configd's state, posts the notification, and waits until the reader has consumed it. */
    private void awaitReread(Runnable change) throws InterruptedException {
        change.run();
        notify.post(NetworkSignalSource.NETWORK_CHANGE);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!notify.delivered.isEmpty() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
    }

    @Test
    void aStoreThatFailsToAnswerIsUnknownAndSaidSo() throws Exception {
        NetworkSignalSource source = source();
        when(sc.SCDynamicStoreCopyValue(any(), any())).thenThrow(new IllegalStateException("configd gone"));
        source.start(() -> { });
        assertThat(source.current()).isEmpty();
        assertThat(source.describe()).contains("unknown now", "configd gone");
        source.close();
    }
}
