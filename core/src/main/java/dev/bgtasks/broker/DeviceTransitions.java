package dev.bgtasks.broker;

import dev.bgtasks.arguments.ValueMapCodec;
import dev.bgtasks.spi.HardwareReadings;
import dev.bgtasks.spi.SignalSnapshot;
import dev.bgtasks.store.RegistrationRow;
import dev.bgtasks.store.ScheduleRow;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Device triggers (SPEC H8): each signal change the broker hears of is compared with the last one seen, as
 * {@link SystemTransitions} does for system triggers. A matching device present now and not before fires once, with
 * its identity in the arguments; one gone fires when the trigger asks for detaches too. A device is told from another
 * by its id and, where the source names one, its location (the sysfs path), so a second identical device fires too.
 * Readings that are unknown before or after are no transition, and a device attached before the broker or the
 * registration saw it never fires.
 *
 * <pre>{@code
 * devices.onSignalsChanged();   // under the broker's lock, after each signal change
 * }</pre>
 */
final class DeviceTransitions {
    private static final Logger LOG = LoggerFactory.getLogger(Broker.class);
    /** The location of the stand-in device a simulated verdict ({@code usb-device=…=true}) attaches. */
    static final String SIMULATED = "simulated";

    private final BrokerContext ctx;
    private final TriggerDecisions decisions;
    /** The hardware as last seen; guarded by the broker's lock. */
    private HardwareReadings last;

    DeviceTransitions(BrokerContext ctx, TriggerDecisions decisions) {
        this.ctx = ctx;
        this.decisions = decisions;
        this.last = ctx.signals.current().hardware();
    }

    /** One attached device as the trigger sees it: its id ({@code vvvv:pppp[:serial]}) and where it is, if known. */
    record Device(String id, String location) implements Comparable<Device> {
        @Override
        public int compareTo(Device other) {
            int byId = id.compareTo(other.id);
            return byId != 0 ? byId : String.valueOf(location).compareTo(String.valueOf(other.location));
        }
    }

    /** Under the broker's lock. */
    void onSignalsChanged() {
        SignalSnapshot now = ctx.signals.current();
        HardwareReadings before = last;
        last = now.hardware();
        if (ctx.closed || before.equals(last)) {
            return;
        }
        for (ScheduleRow schedule : ctx.store.read(tx -> tx.schedules())) {
            if (schedule.spent() || schedule.nextFireAt() != null) {
                continue;
            }
            Optional<RegistrationRow> registration = ctx.store.read(tx -> tx.registration(schedule.taskId()));
            if (registration.isEmpty()) {
                continue;
            }
            TriggerSpec trigger = DefinitionCodec.decode(registration.get()).trigger();
            if (trigger.kind() != TriggerSpec.Kind.DEVICE) {
                continue;
            }
            Set<Device> was = matching(before, trigger.device());
            Set<Device> is = matching(last, trigger.device());
            if (was == null || is == null) {
                continue;
            }
            boolean fired = fireEach(registration.get(), trigger, is, was, "attached");
            if (trigger.onDetach() && !(fired && trigger.oneShot())) {
                fired |= fireEach(registration.get(), trigger, was, is, "detached");
            }
            if (fired && trigger.oneShot()) {
                ctx.store.write(tx -> {
                    tx.putSchedule(new ScheduleRow(schedule.taskId(), null, true));
                    return null;
                });
            }
        }
    }

    /** Fires once for each device in {@code now} and not in {@code then}; a one-shot trigger once in all. */
    private boolean fireEach(RegistrationRow registration, TriggerSpec trigger, Set<Device> now, Set<Device> then,
                             String event) {
        boolean fired = false;
        for (Device device : now) {
            if (then.contains(device)) {
                continue;
            }
            decisions.fire(registration, "usb-device=" + device.id() + " " + event
                    + (device.location() == null ? "" : " at " + device.location()),
                    ValueMapCodec.encode(arguments(device, event)));
            fired = true;
            if (trigger.oneShot()) {
                return true;
            }
        }
        return fired;
    }

    /**
     * The matching devices under these readings; null when unknown. A simulated verdict on the trigger's own spelling
     * stands in for the real devices: {@code true} attaches one stand-in, {@code false} detaches them all.
     */
    static Set<Device> matching(HardwareReadings readings, String wanted) {
        Boolean simulated = readings.conditionOverrides().get("usb-device=" + wanted);
        Set<Device> devices = new TreeSet<>();
        if (simulated != null) {
            if (simulated) {
                devices.add(new Device(wanted, SIMULATED));
            }
            return devices;
        }
        if (readings.usbDevices() == null) {
            return null;
        }
        if (readings.usbDeviceLocations() != null) {
            readings.usbDeviceLocations().forEach((location, id) -> {
                if (HardwareReadings.usbIdMatches(id, wanted)) {
                    devices.add(new Device(id, location));
                }
            });
        } else {
            for (String id : readings.usbDevices()) {
                if (HardwareReadings.usbIdMatches(id, wanted)) {
                    devices.add(new Device(id, null));
                }
            }
        }
        return devices;
    }

    /** The device's identity as the task reads it from its arguments. */
    static Map<String, Object> arguments(Device device, String event) {
        String[] parts = device.id().split(":", 3);
        Map<String, Object> arguments = new LinkedHashMap<>();
        arguments.put("event", event);
        arguments.put("deviceId", device.id());
        arguments.put("vendorId", parts[0]);
        arguments.put("productId", parts[1]);
        if (parts.length == 3) {
            arguments.put("serialNumber", parts[2]);
        }
        if (SIMULATED.equals(device.location())) {
            arguments.put("simulated", true);
        } else if (device.location() != null) {
            arguments.put("devicePath", device.location());
        }
        return arguments;
    }
}
