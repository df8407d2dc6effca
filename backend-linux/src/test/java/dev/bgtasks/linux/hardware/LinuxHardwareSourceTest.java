package dev.bgtasks.linux.hardware;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bgtasks.linux.netlink.NetlinkScriptedChannel;
import dev.bgtasks.linux.netlink.Uevent;
import dev.bgtasks.spi.HardwareSignal;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Linux hardware readings on fixture trees and a scripted uevent channel (SPEC H1): USB devices from the sysfs
 * list, then from {@code usb} uevents in the kernel's format; volumes and labels from a mountinfo fixture.
 */
class LinuxHardwareSourceTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String MOUNTINFO = """
            22 27 0:21 / /proc rw,relatime - proc proc rw
            27 1 259:1 / / rw,relatime - ext4 /dev/vda rw
            88 27 7:0 / /mnt/rig\\040bench rw,relatime - ext4 /dev/loop0 rw
            """;
    @TempDir
    Path dir;
    private LinuxHardwareSource source;

    @AfterEach
    void close() {
        if (source != null) {
            source.close();
        }
    }

    private void device(String name, String vendor, String product, String serial) throws IOException {
        Path device = dir.resolve("sys/devices/pci0000:00/usb1/" + name);
        Files.createDirectories(device);
        Files.writeString(device.resolve("idVendor"), vendor + "\n");
        Files.writeString(device.resolve("idProduct"), product + "\n");
        if (serial != null) {
            Files.writeString(device.resolve("serial"), serial + "\n");
        }
        Path list = dir.resolve("sys/bus/usb/devices");
        Files.createDirectories(list);
        Files.createSymbolicLink(list.resolve(name), device);
    }

    static byte[] usbUevent(String action, String devpath, String product) {
        return (action + "@" + devpath + "\0ACTION=" + action + "\0DEVPATH=" + devpath + "\0SUBSYSTEM=usb\0"
                + "DEVTYPE=usb_device\0PRODUCT=" + product + "\0TYPE=9/0/1\0BUSNUM=001\0DEVNUM=007\0SEQNUM=4711\0")
                .getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void usbDevicesFromSysfsThenFromUevents() throws Exception { // SPEC H1
        device("1-1", "1d6b", "0002", null);
        device("1-2", "046D", "c52b", "ABC123");
        Files.createDirectories(dir.resolve("sys/devices/pci0000:00/usb1/1-2/1-2:1.0")); // an interface: no ids
        Path mountinfo = dir.resolve("mountinfo");
        Files.writeString(mountinfo, MOUNTINFO);
        NetlinkScriptedChannel channel = NetlinkScriptedChannel.silent();
        Semaphore changed = new Semaphore(0);
        source = LinuxHardwareSource.forTest(dir.resolve("sys"), mountinfo, dir.resolve("by-label"),
                () -> channel, () -> Optional.of(Set.of("lo", "eth0")), null);
        source.subscribe(changed::release);
        assertThat(source.current().usbDevices()).containsExactly("046d:c52b:ABC123", "1d6b:0002");
        assertThat(source.current().usbDevicePresent("046d:c52b:ABC123")).contains(true);

        // A device the kernel announces, its sysfs files already gone or not readable: PRODUCT gives the ids.
        channel.push(usbUevent("add", "/devices/pci0000:00/usb1/1-3", "1a86/7523/264"));
        assertThat(changed.tryAcquire(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThat(source.current().usbDevicePresent("1a86:7523")).contains(true);
        // SPEC H8: each device's sysfs path goes with it, for a device trigger's arguments.
        assertThat(source.current().usbDeviceLocations()).containsEntry("/devices/pci0000:00/usb1/1-3", "1a86:7523")
                .containsEntry("/devices/pci0000:00/usb1/1-2", "046d:c52b:ABC123").hasSize(3);

        // Another subsystem, and a USB interface, change nothing.
        channel.push(("add@/devices/virtual/net/d0\0ACTION=add\0SUBSYSTEM=net\0").getBytes(StandardCharsets.UTF_8));
        channel.push(("add@/devices/pci0000:00/usb1/1-3/1-3:1.0\0ACTION=add\0SUBSYSTEM=usb\0DEVTYPE=usb_interface\0"
                + "PRODUCT=1a86/7523/264\0").getBytes(StandardCharsets.UTF_8));
        channel.awaitIdle(WAIT);
        assertThat(changed.availablePermits()).isZero();

        channel.push(usbUevent("remove", "/devices/pci0000:00/usb1/1-1", "1d6b/2/510"));
        assertThat(changed.tryAcquire(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThat(source.current().usbDevicePresent("1d6b:0002")).contains(false);
        assertThat(source.current().interfaceUp("eth0")).contains(true);
        assertThat(source.readable()).containsExactlyInAnyOrder(HardwareSignal.USB_DEVICES, HardwareSignal.VOLUMES,
                HardwareSignal.INTERFACES);
        assertThat(source.describe()).contains("USB_DEVICES: kernel uevents (usb, usb_device)")
                .contains("VOLUMES: " + mountinfo);
    }

    @Test
    void noUsbBusIsKnownToHaveNoDevices() throws Exception { // SPEC H1
        Path mountinfo = dir.resolve("mountinfo");
        Files.writeString(mountinfo, MOUNTINFO);
        source = LinuxHardwareSource.forTest(dir.resolve("sys"), mountinfo, dir.resolve("by-label"),
                NetlinkScriptedChannel::silent, Optional::empty, null);
        assertThat(source.current().usbDevices()).isEmpty();
        assertThat(source.current().knows(HardwareSignal.INTERFACES)).isFalse();
    }

    @Test
    void volumesByMountPointAndLabelAndTheirChanges() throws Exception { // SPEC H1
        Path mountinfo = dir.resolve("mountinfo");
        Files.writeString(mountinfo, MOUNTINFO);
        Path byLabel = Files.createDirectories(dir.resolve("by-label"));
        Path loop0 = Files.createFile(dir.resolve("loop0"));
        Files.createSymbolicLink(byLabel.resolve("RIG\\x20DATA"), loop0);
        Map<String, String> labels = MountTable.labels(byLabel);
        assertThat(labels).containsEntry(loop0.toRealPath().toString(), "RIG DATA");
        assertThat(MountTable.volumes(MOUNTINFO.replace("/dev/loop0", loop0.toRealPath().toString()), labels))
                .contains("/", "/proc", "/mnt/rig bench", "RIG DATA");

        source = LinuxHardwareSource.forTest(dir.resolve("sys"), mountinfo, byLabel,
                NetlinkScriptedChannel::silent, Optional::empty, null);
        Semaphore changed = new Semaphore(0);
        source.subscribe(changed::release);
        assertThat(source.current().volumeMounted("/mnt/rig bench")).contains(true);
        Files.writeString(mountinfo, MOUNTINFO.lines().limit(2).map(l -> l + "\n").reduce("", String::concat));
        source.rereadMounts();
        assertThat(changed.tryAcquire()).isTrue();
        assertThat(source.current().volumeMounted("/mnt/rig bench")).contains(false);
        source.rereadMounts();
        assertThat(changed.tryAcquire()).as("the same table is no change").isFalse();
    }

    @Test
    void productStringsBecomePaddedIds() { // SPEC H1
        assertThat(UsbDevices.fromProduct("1d6b/2/510")).contains("1d6b:0002");
        assertThat(UsbDevices.fromProduct("nonsense")).isEmpty();
        assertThat(MountTable.unescape("/mnt/a\\040b\\134c")).isEqualTo("/mnt/a b\\c");
        assertThat(Uevent.parse(usbUevent("add", "/devices/x", "1/2/3"))).isPresent();
    }
}
