package dev.bgtasks.broker;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import dev.bgtasks.SystemTriggerType;
import java.time.Duration;
import java.util.Objects;

/**
 * What starts a registration's instances, as the broker receives and stores it: the app's {@code ApplicationTrigger}
 * (the default) or a time, maintenance, system or device trigger (SPEC Y1–Y3, H8). One flat record, so it travels and
 * is stored as plain JSON.
 *
 * <pre>{@code
 * TriggerSpec every6h = TriggerSpec.time(Duration.ofHours(6), false);
 * TriggerSpec online = TriggerSpec.system(SystemTriggerType.INTERNET_AVAILABLE, true);
 * TriggerSpec probe = TriggerSpec.device("1d6b:0002", true, false);
 * }</pre>
 *
 * @param kind which family of trigger
 * @param freshness the period of a time or maintenance trigger, else null
 * @param systemType the transition of a system trigger, else null
 * @param oneShot fires once and never again
 * @param device the USB device of a device trigger, {@code vvvv:pppp[:serial]}, else null
 * @param onDetach a device trigger fires when a matching device is detached, too
 */
public record TriggerSpec(Kind kind, Duration freshness, SystemTriggerType systemType, boolean oneShot,
                          // Left out of the JSON unless used, so the other triggers travel as before.
                          @JsonInclude(JsonInclude.Include.NON_NULL) String device,
                          // An older peer sends no onDetach: false, not a missing primitive.
                          @JsonInclude(JsonInclude.Include.NON_DEFAULT) @JsonSetter(nulls = Nulls.AS_EMPTY)
                          boolean onDetach) {
    /** The app's own trigger: the slot named by the registration's trigger name. */
    public static final TriggerSpec APPLICATION = new TriggerSpec(Kind.APPLICATION, null, null, false);

    /** The trigger families. */
    public enum Kind { APPLICATION, TIME, MAINTENANCE, SYSTEM, DEVICE }

    public TriggerSpec {
        Objects.requireNonNull(kind, "kind");
    }

    /** A trigger that is not a device trigger. */
    public TriggerSpec(Kind kind, Duration freshness, SystemTriggerType systemType, boolean oneShot) {
        this(kind, freshness, systemType, oneShot, null, false);
    }

    public static TriggerSpec time(Duration freshness, boolean oneShot) {
        return new TriggerSpec(Kind.TIME, freshness, null, oneShot);
    }

    public static TriggerSpec maintenance(Duration freshness, boolean oneShot) {
        return new TriggerSpec(Kind.MAINTENANCE, freshness, null, oneShot);
    }

    public static TriggerSpec system(SystemTriggerType type, boolean oneShot) {
        return new TriggerSpec(Kind.SYSTEM, null, type, oneShot);
    }

    /** SPEC H8: fires when a USB device matching {@code usbDevice} is attached (and detached, with onDetach). */
    public static TriggerSpec device(String usbDevice, boolean onDetach, boolean oneShot) {
        return new TriggerSpec(Kind.DEVICE, null, null, oneShot, usbDevice, onDetach);
    }

    /** Whether it fires on a schedule (time or maintenance). */
    public boolean scheduled() {
        return kind == Kind.TIME || kind == Kind.MAINTENANCE;
    }

    /** Whether the broker fires it by itself (anything but the app's trigger); such a registration has its own slot. */
    public boolean firedByBroker() {
        return kind != Kind.APPLICATION;
    }

    /**
     * How {@code bgtask tasks} names it: {@code every 6h}, {@code maintenance every 1d}, {@code on INTERNET_AVAILABLE},
     * {@code on usb-device=1d6b:0002 attached or detached}.
     */
    public String describe() {
        String once = oneShot ? " (one-shot)" : "";
        return switch (kind) {
            case APPLICATION -> "application";
            case TIME -> (oneShot ? "after " : "every ") + freshness + once;
            case MAINTENANCE -> "maintenance " + (oneShot ? "after " : "every ") + freshness + once;
            case SYSTEM -> "on " + systemType + once;
            case DEVICE -> "on usb-device=" + device + (onDetach ? " attached or detached" : " attached") + once;
        };
    }
}
