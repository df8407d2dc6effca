package dev.bgtasks.macos;

import dev.bgtasks.generic.UsbWatchedHardware;
import dev.bgtasks.macos.sandbox.MacWatchdogSandbox;
import dev.bgtasks.macos.signals.IOKitUsbWatch;
import dev.bgtasks.macos.signals.MacSignals;
import dev.bgtasks.spi.HardwareSource;
import dev.bgtasks.spi.HostPlatform;
import dev.bgtasks.spi.HostSignals;
import dev.bgtasks.spi.PolledHardwareSource;
import dev.bgtasks.spi.ProcessSandbox;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The macOS backend: tasks under a footprint watchdog over their own process group ({@link MacWatchdogSandbox}),
 * host signals from SystemConfiguration, IOKit and the Objective-C runtime ({@link MacSignals}). Found by
 * {@link java.util.ServiceLoader}; it wins over the generic platform where {@code os.name} starts with "Mac".
 *
 * <pre>{@code
 * HostPlatform mac = new MacPlatform();
 * if (mac.isSupported()) { ProcessSandbox sandbox = mac.sandbox(); }
 * }</pre>
 *
 * <p>Constructing it does nothing: every JVM that lists the platforms builds one, and only the broker's may load
 * libSystem, start the watchdog or subscribe to notifications. The sandbox and the signals start on first use.
 */
public final class MacPlatform implements HostPlatform {
    private final String osName;
    private ProcessSandbox sandbox;
    private HostSignals signals;
    private HardwareSource hardware;

    /** The backend for this JVM's OS (as {@link java.util.ServiceLoader} builds it). */
    public MacPlatform() {
        this(System.getProperty("os.name", ""));
    }

    MacPlatform(String osName) {
        this.osName = osName;
    }

    @Override
    public String name() {
        return "macos";
    }

    @Override
    public int priority() {
        return 10;
    }

    @Override
    public boolean isSupported() {
        return osName.toLowerCase(Locale.ROOT).startsWith("mac");
    }

    @Override
    public Optional<Throwable> unavailabilityCause() {
        return isSupported() ? Optional.empty()
                : Optional.of(new UnsupportedOperationException("this is " + osName + ", not macOS"));
    }

    @Override
    public synchronized ProcessSandbox sandbox() {
        requireSupported();
        if (sandbox == null) {
            sandbox = MacWatchdogSandbox.open();
        }
        return sandbox;
    }

    /**
     * USB devices from IOKit matching notifications ({@link IOKitUsbWatch}), registered while a registration needs
     * them; the other readings through OSHI, polled every 5 s while needed (SPEC H4). When the notifications cannot
     * be registered, USB devices are polled through OSHI too, and {@code describe()} says why.
     */
    @Override
    public synchronized HardwareSource hardware() {
        if (hardware == null) {
            hardware = UsbWatchedHardware.withOshi(IOKitUsbWatch.system(), PolledHardwareSource.DEFAULT_PERIOD);
        }
        return hardware;
    }

    @Override
    public synchronized HostSignals signals() {
        requireSupported();
        if (signals == null) {
            signals = MacSignals.start();
        }
        return signals;
    }

    /** commons-exec, for the {@code pmset} fallback of the signals; JNA and jna-platform come with core's OSHI. */
    @Override
    public List<String> runtimeResources() {
        return List.of("org/apache/commons/exec/CommandLine.class");
    }

    @Override
    public String describe() {
        return name() + "\n  sandbox: " + sandbox().describe() + "\n  signals:\n" + signals().describe();
    }

    private void requireSupported() {
        if (!isSupported()) {
            throw new UnsupportedOperationException("the macOS backend cannot run on " + osName);
        }
    }
}
