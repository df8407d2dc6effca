package dev.bgtasks.windows;

import dev.bgtasks.generic.OshiHardware;
import dev.bgtasks.generic.UsbWatchedHardware;
import dev.bgtasks.spi.HardwareSource;
import dev.bgtasks.spi.HostPlatform;
import dev.bgtasks.spi.HostSignals;
import dev.bgtasks.spi.PolledHardwareSource;
import dev.bgtasks.spi.ProcessSandbox;
import dev.bgtasks.windows.sandbox.WindowsJobSandbox;
import dev.bgtasks.windows.signals.UsbDeviceChangeWatch;
import java.util.List;
import java.util.Optional;

/**
 * The Windows backend: tasks in job objects ({@link WindowsJobSandbox}), host signals from Win32 notifications
 * ({@link WindowsSignals}). Found by {@link java.util.ServiceLoader}.
 *
 * <pre>{@code
 * HostPlatform windows = new WindowsPlatform();
 * if (windows.isSupported()) { ProcessSandbox sandbox = windows.sandbox(); }
 * }</pre>
 *
 * <p>Constructing it does nothing: every JVM that lists the platforms (apps, {@code bgtask doctor}) builds one, and
 * only the broker's may create a completion port or start signal threads; both start on first use.
 */
public final class WindowsPlatform implements HostPlatform {
    private final String osName;
    private WindowsJobSandbox sandbox;
    private HostSignals signals;
    private HardwareSource hardware;

    /** The backend for this host (as {@link java.util.ServiceLoader} builds it). */
    public WindowsPlatform() {
        this(System.getProperty("os.name", ""));
    }

    WindowsPlatform(String osName) {
        this.osName = osName;
    }

    @Override
    public String name() {
        return "windows";
    }

    @Override
    public int priority() {
        return 10;
    }

    @Override
    public boolean isSupported() {
        return osName.startsWith("Windows");
    }

    @Override
    public Optional<Throwable> unavailabilityCause() {
        return isSupported() ? Optional.empty()
                : Optional.of(new UnsupportedOperationException("this is " + osName + ", not Windows"));
    }

    @Override
    public synchronized ProcessSandbox sandbox() {
        requireSupported();
        if (sandbox == null) {
            sandbox = WindowsJobSandbox.open();
        }
        return sandbox;
    }

    /**
     * USB devices from device-change notifications ({@link UsbDeviceChangeWatch}), registered while a registration
     * needs them, the list read through OSHI; the other readings through OSHI, polled every 5 s while needed (SPEC
     * H4). When the notifications cannot be registered, USB devices are polled through OSHI too, and
     * {@code describe()} says why.
     */
    @Override
    public synchronized HardwareSource hardware() {
        if (hardware == null) {
            hardware = UsbWatchedHardware.withOshi(UsbDeviceChangeWatch.system(OshiHardware::usbDevicesByLocation),
                    PolledHardwareSource.DEFAULT_PERIOD);
        }
        return hardware;
    }

    @Override
    public synchronized HostSignals signals() {
        requireSupported();
        if (signals == null) {
            signals = WindowsSignals.start();
        }
        return signals;
    }

    private void requireSupported() {
        if (!isSupported()) {
            throw new UnsupportedOperationException("the Windows backend runs on Windows only; this is " + osName);
        }
    }

    /** jna-platform's kernel32 mappings; JNA itself is core's already. */
    @Override
    public List<String> runtimeResources() {
        return List.of("com/sun/jna/platform/win32/Kernel32.class");
    }
}
