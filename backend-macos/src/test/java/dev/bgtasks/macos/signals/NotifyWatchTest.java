package dev.bgtasks.macos.signals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.sun.jna.ptr.IntByReference;
import dev.bgtasks.macos.jna.SystemCalls;
import dev.bgtasks.macos.jna.SystemLib;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * notify(3) over a mocked libSystem: registration on one descriptor, tokens read in network byte order, close wakes
 * the reader, joins it and cancels every registration (issue 6: close() stops threads and cancels notifications).
 */
class NotifyWatchTest {
    static final int FD = 42;

    /** A mocked libSystem whose descriptor delivers tokens put into {@link #delivered}; notify_post delivers too. */
    static final class FakeNotify {
        final SystemLib lib = mock(SystemLib.class);
        final BlockingQueue<Integer> delivered = new LinkedBlockingQueue<>();
        final Map<String, Integer> tokens = new HashMap<>();
        final List<Integer> cancelled = new ArrayList<>();
        final List<Integer> flags = new ArrayList<>();

        FakeNotify() {
            when(lib.notify_register_file_descriptor(anyString(), any(IntByReference.class), anyInt(),
                    any(IntByReference.class))).thenAnswer(i -> {
                        String name = i.getArgument(0);
                        IntByReference fd = i.getArgument(1);
                        int flag = i.getArgument(2);
                        flags.add(flag);
                        if (flag == 0) {
                            fd.setValue(FD);
                        } else if (fd.getValue() != FD) {
                            return 1_000_000;   // REUSE without our descriptor: NOTIFY_STATUS_INVALID_FILE
                        }
                        int token = 100 + tokens.size();
                        tokens.put(name, token);
                        ((IntByReference) i.getArgument(3)).setValue(token);
                        return SystemLib.NOTIFY_STATUS_OK;
                    });
            when(lib.notify_post(anyString())).thenAnswer(i -> {
                Integer token = tokens.get((String) i.getArgument(0));
                if (token != null) {
                    delivered.add(token);
                }
                return SystemLib.NOTIFY_STATUS_OK;
            });
            when(lib.notify_cancel(anyInt())).thenAnswer(i -> {
                synchronized (cancelled) {
                    cancelled.add(i.getArgument(0));
                }
                return SystemLib.NOTIFY_STATUS_OK;
            });
            when(lib.read(eq(FD), any(byte[].class), anyLong())).thenAnswer(i -> {
                int token = delivered.take();
                if (token < 0) {
                    return -1L;
                }
                ByteBuffer.wrap((byte[]) i.getArgument(1)).putInt(token);   // big-endian: network order
                return 4L;
            });
        }

        void post(String name) {
            lib.notify_post(name);
        }
    }

    @Test
    void eachDeliveredTokenOfAWatchedNameCallsTheListenerOnce() throws Exception {
        FakeNotify notify = new FakeNotify();
        Semaphore calls = new Semaphore(0);
        NotifyWatch watch = new NotifyWatch(new SystemCalls(notify.lib), "test-notify");
        watch.start(List.of("com.apple.system.config.network_change"), calls::release);

        notify.post("com.apple.system.config.network_change");
        notify.post("com.apple.system.config.network_change");
        notify.delivered.add(7);   // a token that is not ours: ignored

        assertThat(calls.tryAcquire(2, 5, TimeUnit.SECONDS)).isTrue();
        watch.close();
        assertThat(calls.availablePermits()).isZero();
        // The first registration makes the descriptor, the rest (the wake name) reuse it.
        assertThat(notify.flags).containsExactly(0, SystemLib.NOTIFY_REUSE);
        assertThat(notify.cancelled).containsExactlyInAnyOrderElementsOf(notify.tokens.values());
        assertThat(notify.tokens.keySet()).anyMatch(n -> n.startsWith("dev.bgtasks.notify-wake."));
    }

    @Test
    void closeWakesTheBlockedReaderAndJoinsIt() throws Exception {
        FakeNotify notify = new FakeNotify();
        NotifyWatch watch = new NotifyWatch(new SystemCalls(notify.lib), "test-notify-close");
        watch.start(List.of("a.name"), () -> { });
        Thread reader = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("test-notify-close")).findFirst().orElseThrow();
        assertThat(reader.isAlive()).isTrue();

        watch.close();

        assertThat(reader.isAlive()).isFalse();
        assertThat(notify.cancelled).hasSize(2);
        watch.close();   // twice is harmless
        assertThat(notify.cancelled).hasSize(2);
    }

    @Test
    void aFailedRegistrationCancelsWhatWasRegistered() {
        FakeNotify notify = new FakeNotify();
        when(notify.lib.notify_register_file_descriptor(eq("bad.name"), any(IntByReference.class), anyInt(),
                any(IntByReference.class))).thenReturn(2);
        NotifyWatch watch = new NotifyWatch(new SystemCalls(notify.lib), "test-notify-fail");
        assertThatThrownBy(() -> watch.start(List.of("good.name", "bad.name"), () -> { }))
                .isInstanceOf(IOException.class).hasMessageContaining("bad.name");
        assertThat(notify.cancelled).containsExactly(notify.tokens.get("good.name"));
        verify(notify.lib, never()).read(anyInt(), any(byte[].class), anyLong());
    }

    @Test
    void aFailingReadStopsTheReaderAndIsReported() throws Exception {
        FakeNotify notify = new FakeNotify();
        NotifyWatch watch = new NotifyWatch(new SystemCalls(notify.lib), "test-notify-broken");
        watch.start(List.of("a.name"), () -> { });
        notify.delivered.add(-1);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (watch.failure() == null && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(watch.failure()).contains("returned -1");
        watch.close();
        assertThat(notify.cancelled).hasSize(2);
    }
}
