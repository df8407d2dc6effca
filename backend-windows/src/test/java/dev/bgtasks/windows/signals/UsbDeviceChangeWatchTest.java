package dev.bgtasks.windows.signals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Windows USB watch over a mocked registrar and a scripted executor: registration, one read per burst of
 * notifications, the release on stop (issue 17). The executor runs nothing by itself: the test runs each scheduled
 * read, so no test waits on a clock.
 */
class UsbDeviceChangeWatchTest {
    private static final Map<String, String> ONE = Map.of("USB\\VID_1D6B&PID_0002\\1", "1d6b:0002");
    private static final Map<String, String> TWO = Map.of("USB\\VID_1D6B&PID_0002\\1", "1d6b:0002",
            "USB\\VID_046D&PID_C52B\\7", "046d:c52b");

    private final UsbDeviceChangeWatch.Registrar registrar = mock(UsbDeviceChangeWatch.Registrar.class);
    private final AutoCloseable registration = mock(AutoCloseable.class);
    private final ScheduledExecutorService executor = mock(ScheduledExecutorService.class);
    private final AtomicReference<Runnable> notify = new AtomicReference<>();
    private final List<Runnable> scheduled = new ArrayList<>();
    private final AtomicReference<Map<String, String>> attached = new AtomicReference<>(ONE);
    private final List<Map<String, String>> handedOn = new CopyOnWriteArrayList<>();
    private int reads;

    @BeforeEach
    void mocks() throws IOException {
        when(registrar.register(any())).thenAnswer(i -> {
            notify.set(i.getArgument(0));
            return registration;
        });
        when(executor.schedule(any(Runnable.class), anyLong(), any())).thenAnswer(i -> {
            scheduled.add(i.getArgument(0));
            return null;
        });
    }

    private UsbDeviceChangeWatch watch() {
        return new UsbDeviceChangeWatch(registrar, () -> {
            reads++;
            return attached.get();
        }, () -> executor, Duration.ofMillis(250));
    }

    private void runScheduled() {
        List<Runnable> now = new ArrayList<>(scheduled);
        scheduled.clear();
        now.forEach(Runnable::run);
    }

    @Test
    void itRegistersAndHandsOnTheInitialList() throws Exception { // SPEC H1
        try (AutoCloseable started = watch().start(handedOn::add)) {
            verify(registrar).register(any());
            assertThat(handedOn).containsExactly(ONE);
            assertThat(watch().name()).isEqualTo(
                    "device-change notifications (CM_Register_Notification, GUID_DEVINTERFACE_USB_DEVICE)");
        }
    }

    @Test
    void aBurstOfArrivalsIsOneReadingAfterTheDebounce() throws Exception { // SPEC H1, H8
        try (AutoCloseable started = watch().start(handedOn::add)) {
            attached.set(TWO);
            for (int i = 0; i < 5; i++) {
                notify.get().run();   // a device and its hub's interfaces, within milliseconds
            }
            verify(executor, times(1)).schedule(any(Runnable.class), eq(250L), eq(TimeUnit.MILLISECONDS));
            runScheduled();
            assertThat(reads).isEqualTo(2);
            assertThat(handedOn).containsExactly(ONE, TWO);

            attached.set(ONE);
            notify.get().run();   // a removal after the burst is read again
            runScheduled();
            assertThat(handedOn).containsExactly(ONE, TWO, ONE);
        }
    }

    @Test
    void aFailedReadAfterANotificationKeepsTheLastList() throws Exception {
        UsbDeviceChangeWatch failingLater = new UsbDeviceChangeWatch(registrar, () -> {
            if (reads++ > 0) {
                throw new IllegalStateException("OSHI failed");
            }
            return ONE;
        }, () -> executor, Duration.ofMillis(250));
        try (AutoCloseable started = failingLater.start(handedOn::add)) {
            notify.get().run();
            runScheduled();
            assertThat(reads).isEqualTo(2);
            assertThat(handedOn).containsExactly(ONE);
            notify.get().run();   // the next notification is read again
            assertThat(scheduled).hasSize(1);
        }
    }

    @Test
    void aFailedInitialReadFailsTheStartAndUnregisters() throws Exception {
        UsbDeviceChangeWatch failing = new UsbDeviceChangeWatch(registrar, () -> {
            throw new IllegalStateException("OSHI failed");
        }, () -> executor, Duration.ofMillis(250));
        assertThatThrownBy(() -> failing.start(handedOn::add)).isInstanceOf(IOException.class)
                .hasMessageContaining("cannot list the USB devices");
        verify(registration).close();
        verify(executor).shutdownNow();
        assertThat(handedOn).isEmpty();
    }

    @Test
    void stopUnregistersShutsTheReadsDownAndIgnoresLateNotifications() throws Exception {
        AutoCloseable started = watch().start(handedOn::add);
        notify.get().run();
        started.close();
        verify(registration).close();
        verify(executor).shutdownNow();
        runScheduled();   // a read that was already scheduled hands nothing on
        notify.get().run();
        assertThat(scheduled).isEmpty();
        assertThat(handedOn).containsExactly(ONE);
    }

    @Test
    void aRefusedRegistrationFailsTheStartAndReadsNothing() throws Exception {
        doThrow(new IOException("CM_Register_Notification failed: CONFIGRET 0x1f")).when(registrar).register(any());
        assertThatThrownBy(() -> watch().start(handedOn::add)).isInstanceOf(IOException.class)
                .hasMessage("CM_Register_Notification failed: CONFIGRET 0x1f");
        verify(executor).shutdownNow();
        verify(executor, never()).schedule(any(Runnable.class), anyLong(), any());
        assertThat(handedOn).isEmpty();
        assertThat(reads).isZero();
    }
}
