package dev.bgtasks.linux.hardware;

import dev.bgtasks.generic.OshiHardware;
import dev.bgtasks.linux.netlink.NetlinkChannel;
import dev.bgtasks.linux.netlink.NetlinkSocket;
import dev.bgtasks.linux.netlink.ReaderStop;
import dev.bgtasks.linux.netlink.Uevent;
import dev.bgtasks.spi.HardwareReadings;
import dev.bgtasks.spi.HardwareSignal;
import dev.bgtasks.spi.HardwareSource;
import dev.bgtasks.spi.PolledHardwareSource;
import dev.bgtasks.spi.PolledSignalSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Linux hardware readings (SPEC H1, H4): USB devices from kernel uevents over the sysfs list read at start,
 * volumes from {@code /proc/self/mountinfo} re-read when poll(2) reports a change, interfaces up from the rtnetlink
 * source that already watches links, and the CPU temperature and idle share from OSHI, polled only while a
 * registration needs them. Only the broker's platform builds one; the event sources start with it.
 *
 * <pre>{@code
 * RtnetlinkInternetSource rtnetlink = ...;   // the INTERNET source, started
 * HardwareSource hw = LinuxHardwareSource.start(rtnetlink::interfacesUp, rtnetlink::onLinksChanged);
 * hw.current().usbDevicePresent("1d6b:0002");
 * }</pre>
 */
public final class LinuxHardwareSource implements HardwareSource {
    private static final Logger LOG = LoggerFactory.getLogger(LinuxHardwareSource.class);
    private static final long CLOSE_WAIT_MILLIS = 1500;
    private static final Duration MOUNT_FALLBACK_POLL = Duration.ofSeconds(2);

    private final Path sysRoot;
    private final Path mountinfo;
    private final Path byLabel;
    private final NetlinkChannel.Opener ueventOpener;
    private final Supplier<Optional<Set<String>>> interfaces;
    private final HardwareSource cpu;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final Object lock = new Object();
    /** The attached devices' ids by sysfs path; null when unknown. */
    private volatile Map<String, String> usb;
    private volatile Set<String> volumes;
    private volatile String usbFailure;
    private volatile String mountFailure;
    private volatile boolean closed;
    private UsbDevices usbDevices;
    private NetlinkChannel channel;
    private MountWatch mountWatch;
    private Thread usbReader;
    private Thread mountReader;

    private LinuxHardwareSource(Path sysRoot, Path mountinfo, Path byLabel, NetlinkChannel.Opener ueventOpener,
                                Supplier<Optional<Set<String>>> interfaces, HardwareSource cpu) {
        this.sysRoot = sysRoot;
        this.mountinfo = mountinfo;
        this.byLabel = byLabel;
        this.ueventOpener = Objects.requireNonNull(ueventOpener, "ueventOpener");
        this.interfaces = Objects.requireNonNull(interfaces, "interfaces");
        this.cpu = cpu;
    }

    /**
     * The host's readings, started: a uevent socket of its own, a mount watcher, the CPU poller (idle until needed).
     *
     * @param interfacesUp the interfaces up, as the rtnetlink source knows them
     * @param onLinksChanged registers the listener the rtnetlink source calls when links go up or down
     * @return the started source
     */
    public static LinuxHardwareSource start(Supplier<Optional<Set<String>>> interfacesUp,
                                            java.util.function.Consumer<Runnable> onLinksChanged) {
        return start(() -> NetlinkSocket.open("uevent-usb", NetlinkSocket.KOBJECT_UEVENT, Uevent.KERNEL_GROUP),
                interfacesUp, onLinksChanged);
    }

    /**
     * The host's readings with uevents from {@code ueventOpener}: the real socket, or a channel a rig or a test
     * feeds with uevents in the kernel's format (as {@code PowerSupplySource}'s tests do).
     *
     * @param ueventOpener the uevent channel
     * @param interfacesUp the interfaces up
     * @param onLinksChanged registers the link change listener
     * @return the started source
     */
    public static LinuxHardwareSource start(NetlinkChannel.Opener ueventOpener,
                                            Supplier<Optional<Set<String>>> interfacesUp,
                                            java.util.function.Consumer<Runnable> onLinksChanged) {
        LinuxHardwareSource source = new LinuxHardwareSource(Path.of("/sys"), Path.of("/proc/self/mountinfo"),
                Path.of("/dev/disk/by-label"), ueventOpener, interfacesUp,
                OshiHardware.polled(OshiHardware.cpu(), PolledHardwareSource.DEFAULT_PERIOD));
        onLinksChanged.accept(source::changed);
        source.startUsb();
        source.startMounts(true);
        return source;
    }

    /** For tests: fixture trees and a scripted channel; no mount watcher (they call {@link #rereadMounts()}). */
    static LinuxHardwareSource forTest(Path sysRoot, Path mountinfo, Path byLabel, NetlinkChannel.Opener opener,
                                       Supplier<Optional<Set<String>>> interfaces, HardwareSource cpu) {
        LinuxHardwareSource source = new LinuxHardwareSource(sysRoot, mountinfo, byLabel, opener, interfaces, cpu);
        source.startUsb();
        source.startMounts(false);
        return source;
    }

    private void startUsb() {
        synchronized (lock) {
            try {
                usbDevices = UsbDevices.scan(sysRoot);
                usb = usbDevices.ids();
            } catch (IOException e) {
                usbFailure = "cannot list " + sysRoot.resolve("bus/usb/devices") + ": " + e.getMessage();
                LOG.warn("USB devices unknown: {}", usbFailure);
                return;
            }
            try {
                channel = ueventOpener.open();
            } catch (IOException e) {
                usbFailure = "no kernel uevents: " + e.getMessage();
                usb = null;
                LOG.warn("USB devices unknown: {}", usbFailure);
                return;
            }
            usbReader = new Thread(this::readUevents, "bgtasks-usb-uevents");
            usbReader.setDaemon(true);
            usbReader.start();
        }
    }

    private void readUevents() {
        try {
            while (!closed) {
                Optional<byte[]> datagram;
                try {
                    datagram = channel.receive(NetlinkChannel.FOREVER);
                } catch (NetlinkSocket.OverflowException e) {
                    LOG.info("{}; listing the USB devices again", e.getMessage());
                    UsbDevices fresh = UsbDevices.scan(sysRoot);
                    synchronized (lock) {
                        usbDevices = fresh;
                    }
                    publishUsb();
                    continue;
                }
                if (datagram.isEmpty() || closed) {
                    continue;
                }
                Optional<Uevent> event = Uevent.parse(datagram.get());
                boolean changed;
                synchronized (lock) {
                    changed = event.isPresent() && usbDevices.apply(event.get(), sysRoot);
                }
                if (changed) {
                    LOG.info("USB {} {}", event.get().action(), event.get().devpath());
                    publishUsb();
                }
            }
        } catch (IOException | RuntimeException e) {
            if (!closed) {
                LOG.error("the USB uevent reader stopped; USB devices are unknown from now on", e);
                usbFailure = String.valueOf(e.getMessage());
                usb = null;
                changed();
            }
        } finally {
            channel.close();
        }
    }

    private void publishUsb() {
        Map<String, String> now;
        synchronized (lock) {
            now = usbDevices.ids();
        }
        if (!now.equals(usb)) {
            usb = now;
            changed();
        }
    }

    private void startMounts(boolean watch) {
        rereadMounts();
        if (!watch) {
            return;
        }
        try {
            mountWatch = MountWatch.open(mountinfo.toString());
        } catch (IOException e) {
            mountFailure = e.getMessage();
            LOG.warn("cannot watch {} ({}); re-reading it every {}", mountinfo, e.getMessage(),
                    MOUNT_FALLBACK_POLL);
        }
        mountReader = new Thread(this::watchMounts, "bgtasks-mountinfo");
        mountReader.setDaemon(true);
        mountReader.start();
    }

    private void watchMounts() {
        try {
            while (!closed) {
                if (mountWatch == null) {
                    Thread.sleep(MOUNT_FALLBACK_POLL.toMillis());
                } else if (!mountWatch.awaitChange()) {
                    return;
                }
                rereadMounts();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            if (!closed) {
                LOG.error("the mount watcher stopped; volumes are unknown from now on", e);
                mountFailure = String.valueOf(e.getMessage());
                volumes = null;
                changed();
            }
        } finally {
            if (mountWatch != null) {
                mountWatch.release();
            }
        }
    }

    /** Reads the mount table again; tells listeners when the volumes changed. */
    void rereadMounts() {
        Set<String> now;
        try {
            now = MountTable.volumes(Files.readString(mountinfo), MountTable.labels(byLabel));
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot read {}: {}", mountinfo, e.toString());
            now = null;
        }
        if (!Objects.equals(now, volumes)) {
            Set<String> before = volumes;
            volumes = now;
            if (before != null && now != null) {
                Set<String> added = new HashSet<>(now);
                added.removeAll(before);
                Set<String> removed = new HashSet<>(before);
                removed.removeAll(now);
                LOG.info("mounts: {} appeared, {} went", added, removed);
            }
            changed();
        }
    }

    private void changed() {
        for (Runnable listener : listeners) {
            try {
                listener.run();
            } catch (RuntimeException e) {
                LOG.error("a hardware change listener failed", e);
            }
        }
    }

    @Override
    public HardwareReadings current() {
        HardwareReadings polled = cpu == null ? HardwareReadings.UNKNOWN : cpu.current();
        // The sysfs path goes with each device, so a device trigger tells two identical devices apart (SPEC H8).
        return HardwareReadings.UNKNOWN.withUsbDeviceLocations(usb).withVolumes(volumes)
                .withInterfacesUp(interfaces.get().orElse(null))
                .withCpuTemperature(polled.cpuTemperatureCelsius()).withCpuIdle(polled.cpuIdlePercent());
    }

    @Override
    public AutoCloseable subscribe(Runnable listener) {
        listeners.add(listener);
        AutoCloseable cpuSubscription = cpu == null ? () -> { } : cpu.subscribe(listener);
        return () -> {
            listeners.remove(listener);
            cpuSubscription.close();
        };
    }

    @Override
    public Set<HardwareSignal> readable() {
        Set<HardwareSignal> readable = EnumSet.of(HardwareSignal.USB_DEVICES, HardwareSignal.VOLUMES,
                HardwareSignal.INTERFACES);
        if (cpu != null) {
            readable.addAll(cpu.readable());
        }
        return readable;
    }

    /** The event sources run regardless; only the CPU readings are polled, and only while needed. */
    @Override
    public void need(Set<HardwareSignal> signals) {
        if (cpu != null) {
            cpu.need(signals);
        }
    }

    @Override
    public String describe() {
        String usbLine = usbFailure == null
                ? "kernel uevents (usb, usb_device) over " + sysRoot.resolve("bus/usb/devices") + " at start; "
                        + (usb == null ? "unknown" : usb.size() + " attached")
                : "unknown: " + usbFailure;
        String mountLine = mountFailure == null
                ? mountinfo + " watched with poll(2) (POLLPRI), labels from " + byLabel
                : mountinfo + " re-read every " + PolledSignalSource.human(MOUNT_FALLBACK_POLL) + " (cannot watch it: "
                        + mountFailure + ")";
        return "  USB_DEVICES: " + usbLine + "\n"
                + "  VOLUMES: " + mountLine + "\n"
                + "  INTERFACES: rtnetlink link events (the INTERNET source's socket)"
                + (interfaces.get().isEmpty() ? "; unknown now" : "") + "\n"
                + (cpu == null ? "" : cpu.describe());
    }

    /** Stops the readers and the CPU poller; idempotent. */
    @Override
    public void close() {
        closed = true;
        Thread usbThread;
        Thread mountThread;
        synchronized (lock) {
            usbThread = usbReader;
            mountThread = mountReader;
            if (channel != null) {
                channel.wakeUp();
            }
        }
        if (mountWatch != null) {
            mountWatch.close();
        }
        if (mountThread != null) {
            mountThread.interrupt();
        }
        ReaderStop.await(usbThread, CLOSE_WAIT_MILLIS, "usb uevent", LOG);
        ReaderStop.await(mountThread, CLOSE_WAIT_MILLIS, "mountinfo", LOG);
        if (cpu != null) {
            cpu.close();
        }
    }
}
