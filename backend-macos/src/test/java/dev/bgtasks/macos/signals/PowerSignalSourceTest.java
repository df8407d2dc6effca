package dev.bgtasks.macos.signals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.AdditionalAnswers.delegatesTo;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.Mockito.atLeastOnce;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.sun.jna.Pointer;
import dev.bgtasks.macos.jna.CoreFoundationLib;
import dev.bgtasks.macos.jna.CoreFoundationValues;
import dev.bgtasks.macos.jna.IOKitLib;
import dev.bgtasks.spi.HostSignal;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

/**
 * The power source of issue 6 over mocked IOKit: type and warning level mapping, a notification → re-read → one call
 * per actual change, every snapshot released, and close stopping the run loop and releasing its source.
 */
class PowerSignalSourceTest {
    private final CoreFoundationFake fake = new CoreFoundationFake();
    private final CoreFoundationLib cf = mock(CoreFoundationLib.class, delegatesTo(fake));
    private final CoreFoundationValues values = new CoreFoundationValues(cf);
    private final IOKitLib iokit = mock(IOKitLib.class);
    private final AtomicReference<String> providing = new AtomicReference<>("AC Power");
    private final AtomicReference<Optional<Boolean>> lowPower = new AtomicReference<>(Optional.of(false));
    private volatile Pointer runLoopSource;

    private final PowerModeReader lowPowerMode = new PowerModeReader() {
        @Override
        public Optional<Boolean> lowPowerMode() {
            return lowPower.get();
        }

        @Override
        public String describe() {
            return "a test reader";
        }
    };

    private PowerSignalSource source() {
        when(iokit.IOPSCopyPowerSourcesInfo()).thenAnswer(i -> fake.other(true));
        when(iokit.IOPSGetProvidingPowerSourceType(any())).thenAnswer(i -> providing.get() == null ? null
                : fake.string(false, providing.get()));
        when(iokit.IOPSGetBatteryWarningLevel()).thenReturn(IOKitLib.WARNING_NONE);
        when(iokit.IOPSNotificationCreateRunLoopSource(any(), isNull())).thenAnswer(i -> {
            runLoopSource = fake.opaque();
            return runLoopSource;
        });
        return new PowerSignalSource(iokit, values, new CoreFoundationRunLoop(cf, "test-power"), lowPowerMode,
                Duration.ofHours(1));
    }

    private IOKitLib.PowerSourcesChanged callback() {
        ArgumentCaptor<IOKitLib.PowerSourcesChanged> captor = ArgumentCaptor.forClass(IOKitLib.PowerSourcesChanged.class);
        verify(iokit).IOPSNotificationCreateRunLoopSource(captor.capture(), isNull());
        return captor.getValue();
    }

    @Test
    void aNotificationRereadsEverythingAndTellsOncePerChange() {
        PowerSignalSource source = source();
        AtomicInteger changes = new AtomicInteger();
        source.start(changes::incrementAndGet);
        assertThat(source.current()).isEqualTo(Map.of(HostSignal.AC_POWER, true, HostSignal.BATTERY_LOW, false,
                HostSignal.ENERGY_SAVER, false));
        IOKitLib.PowerSourcesChanged callback = callback();

        callback.invoke(null);                     // nothing changed
        assertThat(changes).hasValue(0);
        providing.set("Battery Power");            // unplugged
        callback.invoke(null);
        assertThat(changes).hasValue(1);
        assertThat(source.current()).containsEntry(HostSignal.AC_POWER, false);
        when(iokit.IOPSGetBatteryWarningLevel()).thenReturn(IOKitLib.WARNING_EARLY);
        lowPower.set(Optional.of(true));           // two signals in one notification: one call
        callback.invoke(null);
        assertThat(changes).hasValue(2);
        assertThat(source.current()).containsEntry(HostSignal.BATTERY_LOW, true)
                .containsEntry(HostSignal.ENERGY_SAVER, true);
        callback.invoke(null);
        assertThat(changes).hasValue(2);

        source.close();
        // The run loop stopped, and its thread invalidated and released the source and the mode string.
        verify(cf, atLeastOnce()).CFRunLoopStop(CoreFoundationFake.RUN_LOOP);
        assertThat(fake.addedSources).containsExactly(runLoopSource);
        assertThat(fake.invalidatedSources).containsExactly(runLoopSource);
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("test-power"));
        assertThat(Thread.getAllStackTraces().keySet())
                .noneMatch(t -> t.getName().equals("bgtasks-macos-lowpowermode"));
        fake.assertAllReleased();
        callback.invoke(null);                     // after close: ignored
        assertThat(changes).hasValue(2);
    }

    @Test
    void anUnknownProvidingTypeLeavesAcPowerUnknownAndTheSnapshotIsStillReleased() {
        providing.set(null);
        lowPower.set(Optional.empty());
        PowerSignalSource source = source();
        MacSignalRules.PowerReading reading = source.reading();
        assertThat(reading).isEqualTo(new MacSignalRules.PowerReading(null, IOKitLib.WARNING_NONE, null));
        fake.assertAllReleased();
    }

    @Test
    void aMissingSnapshotIsNotReleased() {
        PowerSignalSource source = source();
        doReturn(null).when(iokit).IOPSCopyPowerSourcesInfo();
        assertThat(source.reading().providingType()).isNull();
        fake.assertAllReleased();
    }

    @Test
    void withoutARunLoopSourceStartFailsAndSaysWhy() {
        PowerSignalSource source = source();
        doReturn(null).when(iokit).IOPSNotificationCreateRunLoopSource(any(), isNull());
        assertThatThrownBy(() -> source.start(() -> { })).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no power source notifications");
        assertThat(source.describe()).contains("unknown or stale now");
        source.close();
        assertThat(runLoopSource).isNull();
        fake.assertAllReleased();
    }

    @Test
    void describeNamesTheMechanisms() {
        String text = source().describe();
        assertThat(text).contains("IOPSGetProvidingPowerSourceType", "IOPSNotificationCreateRunLoopSource",
                "IOPSGetBatteryWarningLevel", "a test reader", "polled every 3600 s", "event-driven");
    }
}
