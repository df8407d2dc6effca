package dev.bgtasks.nativetests.linux;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bgtasks.ApplicationTriggerResult;
import dev.bgtasks.HardwareCondition;
import dev.bgtasks.InstanceInfo;
import dev.bgtasks.InstanceState;
import dev.bgtasks.TriggerResponse;
import dev.bgtasks.arguments.ValueMapCodec;
import dev.bgtasks.broker.AppEvent;
import dev.bgtasks.broker.Broker;
import dev.bgtasks.broker.BrokerConfig;
import dev.bgtasks.broker.RigRequirements;
import dev.bgtasks.broker.TaskDefinition;
import dev.bgtasks.broker.TaskTarget;
import dev.bgtasks.broker.TriggerRequest;
import dev.bgtasks.broker.TriggerSpec;
import dev.bgtasks.daemon.BrokerLocation;
import dev.bgtasks.ipc.BrokerClient;
import dev.bgtasks.linux.LinuxPlatform;
import dev.bgtasks.linux.hardware.LinuxHardwareSource;
import dev.bgtasks.linux.netlink.NetlinkChannel;
import dev.bgtasks.nativetests.ArgumentsTask;
import dev.bgtasks.nativetests.TempHome;
import dev.bgtasks.spi.HardwareSource;
import dev.bgtasks.spi.HostPlatform;
import dev.bgtasks.spi.HostSignals;
import dev.bgtasks.spi.ProcessSandbox;
import dev.bgtasks.spi.ResourceLimits;
import dev.bgtasks.task.BackgroundTaskCancellationReason;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hardware conditions on the real host (SPEC H1, issue 17): a loop-mounted image mounted and unmounted gates a task
 * through the mount table's poll(2) events; an interface in a network namespace of the test's own going up and down
 * gates a task through rtnetlink; a USB device announced by a uevent in the kernel's own format (as the power-supply
 * tests feed theirs) starts a pending task, and fires a device trigger whose task reads the device from its arguments
 * (SPEC H8). Everything the tests create is removed, also when they fail.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(120)
class LinuxRigNativeTest {
    private static final String APP = "com.example.rig";
    private static final Duration WAIT = Duration.ofSeconds(30);
    @TempDir
    Path dir;

    private static TaskDefinition sleeper(String name, HardwareCondition condition) {
        return new TaskDefinition(name, "", new TaskTarget.Command(List.of("/bin/sleep", "60")), Set.of(), true,
                ResourceLimits.defaults(), true, Duration.ofSeconds(1), null, null,
                new RigRequirements(List.of(condition), Set.of(), false));
    }

    private static void requireOrSkip(boolean usable, String why) {
        if (usable) {
            return;
        }
        if ("1".equals(System.getenv("BGTASKS_REQUIRE_NATIVE"))) {
            Assertions.fail(why + ", and BGTASKS_REQUIRE_NATIVE=1 says this host must run the rig native tests");
        }
        Assumptions.abort(why);
    }

    @Test
    void aLoopMountedImageGatesATask() throws Exception { // SPEC H1, H7 (volume-mounted)
        Path image = dir.resolve("rig.img");
        Path mountPoint = Files.createDirectories(dir.resolve("rig mnt"));
        NetlinkNamespace.Run mkfs = NetlinkNamespace.run("sh", "-c", "truncate -s 8M '" + image + "' && mkfs.ext4 -q -F '"
                + image + "'");
        requireOrSkip(mkfs.exit() == 0, "cannot make an ext4 image: " + mkfs.output().strip());
        LinuxPlatform platform = new LinuxPlatform(Map.of("PATH", "/usr/bin:/bin"));
        Broker broker = Broker.start(BrokerConfig.builder().home(dir.resolve("state")).platform(platform)
                .policyFile(dir.resolve("policy.json")).environment(Map.of("PATH", "/usr/bin:/bin")).build());
        boolean mounted = false;
        try {
            BlockingQueue<AppEvent> events = new LinkedBlockingQueue<>();
            broker.subscribe(APP, events::add);
            broker.requestAccess(APP);
            broker.register(APP, sleeper("on-the-rig-volume", HardwareCondition.volumeMounted(mountPoint.toString())));
            UUID id = trigger(broker);
            assertThat(instance(broker, id).waitingForHardware())
                    .containsExactly("volume-mounted=" + mountPoint);

            NetlinkNamespace.Run mount = NetlinkNamespace.run("mount", "-o", "loop", image.toString(),
                    mountPoint.toString());
            requireOrSkip(mount.exit() == 0, "cannot loop-mount an image: " + mount.output().strip());
            mounted = true;
            await(() -> instance(broker, id).state() == InstanceState.RUNNING, "the task to start on the mount");
            System.out.printf("[mount] mounted -> task running after %.1f ms%n",
                    (System.nanoTime() - mount.returnNanos()) / 1e6);

            NetlinkNamespace.Run umount = NetlinkNamespace.run("umount", mountPoint.toString());
            assertThat(umount.exit()).as(umount.output()).isZero();
            mounted = false;
            assertThat(awaitCancel(events, id).reason()).isEqualTo(BackgroundTaskCancellationReason.CONDITION_LOSS);
        } finally {
            if (mounted) {
                NetlinkNamespace.run("umount", "-l", mountPoint.toString());
            }
            stop(broker, platform);
        }
    }

    @Test
    void anInterfaceGoingUpAndDownGatesATask() throws Exception { // SPEC H1, H7 (interface-up)
        try (NetlinkNamespace ns = NetlinkNamespace.create()) {
            // The dummy driver where the kernel has it; else a veth pair, whose rig0 has carrier once both ends are up.
            boolean dummy = NetlinkNamespace.run("ip", "-n", ns.name(), "link", "add", "rig0", "type", "dummy")
                    .exit() == 0;
            if (!dummy) {
                ns.ip("link", "add", "rig0", "type", "veth", "peer", "name", "rig1");
                ns.ip("link", "set", "rig1", "up");
            }
            System.out.println("[netns] rig0 is a " + (dummy ? "dummy" : "veth (this kernel has no dummy driver)"));
            Path home = TempHome.create();
            BrokerLocation where = BrokerLocation.underHome(home);
            Process daemon = new ProcessBuilder("ip", "netns", "exec", ns.name(),
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                    System.getProperty("java.class.path"), "dev.bgtasks.daemon.BrokerDaemon",
                    where.runtimeDirectory().toString(), where.stateDirectory().toString(),
                    where.logDirectory().toString())
                    .redirectErrorStream(true).redirectOutput(home.resolve("daemon.out").toFile()).start();
            BrokerClient client = null;
            try {
                client = connect(where, daemon);
                client.requestAccess(APP);
                BlockingQueue<AppEvent> events = new LinkedBlockingQueue<>();
                client.subscribe(APP, events::add);
                client.register(APP, sleeper("on-the-rig-link", HardwareCondition.interfaceUp("rig0")));
                BrokerClient c = client;
                UUID id = trigger(c);
                assertThat(instance(c, id).waitingForHardware()).containsExactly("interface-up=rig0");

                NetlinkNamespace.Run up = ns.ip("link", "set", "rig0", "up");
                await(() -> instance(c, id).state() == InstanceState.RUNNING, "the task to start on link up");
                System.out.printf("[netns] rig0 up -> task running after %.1f ms%n",
                        (System.nanoTime() - up.returnNanos()) / 1e6);
                ns.ip("link", "set", "rig0", "down");
                assertThat(awaitCancel(events, id).reason())
                        .isEqualTo(BackgroundTaskCancellationReason.CONDITION_LOSS);
            } finally {
                if (client != null) {
                    for (InstanceInfo i : client.instances(APP)) {
                        if (i.pid() != null) {
                            ProcessHandle.of(i.pid()).ifPresent(ProcessHandle::destroyForcibly);
                        }
                    }
                    client.close();
                }
                daemon.destroy();
                if (!daemon.waitFor(20, TimeUnit.SECONDS)) {
                    daemon.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
                TempHome.delete(home);
            }
        }
    }

    @Test
    void aUsbDeviceAnnouncedByAKernelUeventStartsAPendingTask() throws Exception { // SPEC H1 (usb-device)
        KernelUevents uevents = new KernelUevents();
        LinuxPlatform linux = new LinuxPlatform(Map.of("PATH", "/usr/bin:/bin"));
        HardwareSource hardware = LinuxHardwareSource.start(() -> uevents, Optional::empty, listener -> { });
        HostPlatform platform = new WithHardware(linux, hardware);
        Broker broker = Broker.start(BrokerConfig.builder().home(dir.resolve("state")).platform(platform)
                .policyFile(dir.resolve("policy.json")).environment(Map.of("PATH", "/usr/bin:/bin")).build());
        try {
            broker.requestAccess(APP);
            broker.register(APP, sleeper("with-the-scope", HardwareCondition.usbDevice("1d6b:0104")));
            UUID id = trigger(broker);
            assertThat(instance(broker, id).waitingForHardware()).containsExactly("usb-device=1d6b:0104");

            // What the kernel multicasts when a device enumerates (hotplug: usb_device, before its interfaces).
            String devpath = "/devices/pci0000:00/0000:00:14.0/usb3/3-9";
            uevents.push(("add@" + devpath + "\0ACTION=add\0DEVPATH=" + devpath + "\0SUBSYSTEM=usb\0"
                    + "MAJOR=189\0MINOR=262\0DEVNAME=bus/usb/003/007\0DEVTYPE=usb_device\0PRODUCT=1d6b/104/100\0"
                    + "TYPE=239/2/1\0BUSNUM=003\0DEVNUM=007\0SEQNUM=5102\0").getBytes(StandardCharsets.UTF_8));
            await(() -> instance(broker, id).state() == InstanceState.RUNNING, "the task to start on the device");
        } finally {
            stop(broker, linux);
            hardware.close();
        }
    }

    @Test
    void aSynthesisedAttachFiresADeviceTriggerAndTheTaskSeesTheDevice() throws Exception { // SPEC H8
        KernelUevents uevents = new KernelUevents();
        LinuxPlatform linux = new LinuxPlatform(Map.of("PATH", "/usr/bin:/bin"));
        HardwareSource hardware = LinuxHardwareSource.start(() -> uevents, Optional::empty, listener -> { });
        HostPlatform platform = new WithHardware(linux, hardware);
        Path state = dir.resolve("state");
        // A Java task's host reports back over the broker's socket, so this broker serves one.
        Path socket = dir.resolve("b.sock");
        Broker broker = Broker.start(BrokerConfig.builder().home(state).platform(platform).socketPath(socket)
                .policyFile(dir.resolve("policy.json")).environment(Map.of("PATH", "/usr/bin:/bin")).build());
        dev.bgtasks.ipc.BrokerServer server = dev.bgtasks.ipc.BrokerServer.start(broker, socket);
        try {
            broker.requestAccess(APP);
            // Maven's class path names target/classes even where this module has no main classes.
            List<String> classpath = java.util.Arrays.stream(System.getProperty("java.class.path")
                    .split(File.pathSeparator)).filter(entry -> Files.exists(Path.of(entry))).toList();
            broker.register(APP, new TaskDefinition("on-the-probe", "", new TaskTarget.JavaEntryPoint(
                    ArgumentsTask.class.getName(), classpath), Set.of(), false, ResourceLimits.defaults(), true,
                    Duration.ofSeconds(1), null, TriggerSpec.device("1d6b:0104", false, false)));
            assertThat(broker.instances(APP)).isEmpty();

            // What the kernel multicasts when a device enumerates: the usb_device event, then its interface's.
            String devpath = "/devices/pci0000:00/0000:00:14.0/usb3/3-7";
            uevents.push(("add@" + devpath + "\0ACTION=add\0DEVPATH=" + devpath + "\0SUBSYSTEM=usb\0"
                    + "MAJOR=189\0MINOR=262\0DEVNAME=bus/usb/003/007\0DEVTYPE=usb_device\0PRODUCT=1d6b/104/100\0"
                    + "TYPE=239/2/1\0BUSNUM=003\0DEVNUM=007\0SEQNUM=5102\0").getBytes(StandardCharsets.UTF_8));
            uevents.push(("add@" + devpath + "/3-7:1.0\0ACTION=add\0DEVPATH=" + devpath + "/3-7:1.0\0"
                    + "SUBSYSTEM=usb\0DEVTYPE=usb_interface\0PRODUCT=1d6b/104/100\0INTERFACE=255/0/0\0"
                    + "SEQNUM=5103\0").getBytes(StandardCharsets.UTF_8));
            await(() -> broker.instances(APP).stream().anyMatch(i -> i.state() == InstanceState.COMPLETED),
                    "the device trigger's task to run and complete");
            InstanceInfo done = broker.instances(APP).get(0);
            String log = runLog(state, done.instanceId());
            assertThat(done.outcome()).as(log).isEqualTo(dev.bgtasks.TaskOutcome.SUCCEEDED);
            assertThat(log.lines()).as(log).contains("event=attached", "deviceId=1d6b:0104", "vendorId=1d6b",
                    "productId=0104", "devicePath=" + devpath);
            assertThat(broker.instances(APP)).as("one fire for the device, none for its interface").hasSize(1);
        } finally {
            server.close();
            stop(broker, linux);
            hardware.close();
        }
    }

    /** The run log the broker kept of an instance, wherever under its home it keeps them. */
    private static String runLog(Path home, UUID instanceId) throws IOException {
        try (java.util.stream.Stream<Path> files = Files.walk(home)) {
            Path log = files.filter(p -> p.getFileName().toString().equals(instanceId + ".log")).findFirst()
                    .orElseThrow(() -> new AssertionError("no run log of " + instanceId + " under " + home));
            return Files.readString(log);
        }
    }

    private static UUID trigger(dev.bgtasks.broker.BrokerOperations broker) {
        TriggerResponse r = broker.requestTrigger(new TriggerRequest(APP, "", ValueMapCodec.encode(Map.of()), null));
        assertThat(r.result()).isEqualTo(ApplicationTriggerResult.ALLOWED);
        assertThat(instance(broker, r.instanceId()).state()).isEqualTo(InstanceState.PENDING);
        return r.instanceId();
    }

    private static InstanceInfo instance(dev.bgtasks.broker.BrokerOperations broker, UUID id) {
        return broker.instances(APP).stream().filter(i -> i.instanceId().equals(id)).findFirst().orElseThrow();
    }

    private static void stop(Broker broker, LinuxPlatform platform) throws Exception {
        for (InstanceInfo i : broker.instances(APP)) {
            if (i.pid() != null) {
                ProcessHandle.of(i.pid()).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
        await(() -> broker.instances(APP).stream().noneMatch(x -> x.state() == InstanceState.RUNNING),
                "every task to end");
        broker.close();
        platform.signals().close();
        platform.hardware().close();
        if (platform.sandbox() instanceof AutoCloseable sandbox) {
            sandbox.close();
        }
    }

    private static BrokerClient connect(BrokerLocation where, Process daemon) {
        long end = System.nanoTime() + WAIT.toNanos();
        while (true) {
            if (Files.exists(where.socket())) {
                try {
                    return BrokerClient.connect(where.socket());
                } catch (IOException notYet) {
                    // bound but not accepting yet
                }
            }
            if (!daemon.isAlive() || System.nanoTime() > end) {
                throw new AssertionError("the broker in the namespace did not answer; it "
                        + (daemon.isAlive() ? "is still starting" : "exited " + daemon.exitValue()));
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    private static AppEvent.Canceled awaitCancel(BlockingQueue<AppEvent> events, UUID id) throws Exception {
        long end = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < end) {
            AppEvent e = events.poll(end - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (e instanceof AppEvent.Canceled c && c.instanceId().equals(id)) {
                return c;
            }
        }
        throw new AssertionError("no cancellation within " + WAIT);
    }

    private static void await(BooleanSupplier condition, String what) {
        long end = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
        }
    }

    /** The kernel's uevent multicast as the hardware source reads it, fed by the test. */
    private static final class KernelUevents implements NetlinkChannel {
        private final BlockingQueue<byte[]> datagrams = new LinkedBlockingQueue<>();
        private volatile boolean woken;

        void push(byte[] datagram) {
            datagrams.add(datagram);
        }

        @Override
        public void send(byte[] message) {
            throw new UnsupportedOperationException("nobody sends on a uevent socket");
        }

        @Override
        public Optional<byte[]> receive(int timeoutMillis) throws IOException {
            try {
                while (!woken) {
                    byte[] next = datagrams.poll(50, TimeUnit.MILLISECONDS);
                    if (next != null) {
                        return Optional.of(next);
                    }
                }
                return Optional.empty();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }

        @Override
        public void wakeUp() {
            woken = true;
        }

        @Override
        public void close() {
            woken = true;
        }
    }

    /** The Linux platform with another hardware source. */
    private record WithHardware(LinuxPlatform linux, HardwareSource hardwareSource) implements HostPlatform {
        @Override
        public String name() {
            return linux.name();
        }

        @Override
        public int priority() {
            return linux.priority();
        }

        @Override
        public boolean isSupported() {
            return linux.isSupported();
        }

        @Override
        public Optional<Throwable> unavailabilityCause() {
            return linux.unavailabilityCause();
        }

        @Override
        public HostSignals signals() {
            return linux.signals();
        }

        @Override
        public HardwareSource hardware() {
            return hardwareSource;
        }

        @Override
        public ProcessSandbox sandbox() {
            return linux.sandbox();
        }
    }
}
