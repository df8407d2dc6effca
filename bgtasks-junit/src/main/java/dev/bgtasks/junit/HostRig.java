package dev.bgtasks.junit;

import dev.bgtasks.HardwareCondition;
import dev.bgtasks.SystemConditionType;
import dev.bgtasks.spi.HardwareReadings;
import dev.bgtasks.spi.HostPlatform;
import dev.bgtasks.spi.HostSignal;
import dev.bgtasks.spi.SignalSnapshot;
import dev.bgtasks.spi.SimulatedSignals;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A host whose signals a test can flip: {@link SimulatedSignals} over a host platform (this machine's, or a fake
 * one), injected as a test parameter, used by {@link RequiresCondition}, and given to an in-process broker as its
 * platform so the broker sees every flip as a host change. Overrides a test makes are undone after the test;
 * overrides made in {@code @BeforeAll} are undone after the class.
 *
 * <pre>{@code
 * class SyncRigTest {
 *     @RegisterExtension
 *     static final HostRig rig = HostRig.real();          // or HostRig.over(aFakePlatform)
 *
 *     @Test
 *     @RequiresCondition(SystemConditionType.ON_AC_POWER) // a real precondition of the rig
 *     void syncWaitsForTheNetwork(SimulatedSignals signals) {
 *         signals.override(Map.of(HostSignal.INTERNET, false));
 *         Broker broker = Broker.start(BrokerConfig.builder().platform(rig.platform())...build());
 *         ...
 *         rig.satisfy(SystemConditionType.INTERNET_AVAILABLE);
 *     }
 * }
 * }</pre>
 *
 * <p>Register it in a static field so {@code @RequiresCondition} judges by it: conditions are decided before a test
 * instance exists. {@code @ExtendWith(HostRig.class)} gives the real host too. Every rig over the real host shares
 * one layer per test run, the one {@code @RequiresCondition} uses when a class has no rig, so an override made
 * through any of them is seen by all.
 */
public final class HostRig implements ParameterResolver, BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        AfterEachCallback {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(HostRig.class);
    private volatile HostLayer layer;

    /** A rig over this host's platform, as {@code @ExtendWith(HostRig.class)} makes it. */
    public HostRig() {
        // Bound on first use to the run's shared layer over the real host.
    }

    private HostRig(HostPlatform platform) {
        this.layer = new HostLayer(Objects.requireNonNull(platform, "platform"), false);
    }

    /**
     * A rig over the platform the broker would select on this host ({@code HostPlatforms.select()}).
     *
     * @return a rig that binds to the test run's shared layer over the real host on first use
     */
    public static HostRig real() {
        return new HostRig();
    }

    /**
     * A rig over {@code platform}, typically a fake one; the rig never closes it.
     *
     * @param platform the host the overrides sit on
     * @return a rig of its own, independent of every other rig
     */
    public static HostRig over(HostPlatform platform) {
        return new HostRig(platform);
    }

    /**
     * The overrides over the host signals.
     *
     * @return the simulated signals: the host's, with the overrides on top
     * @throws IllegalStateException before JUnit has used a real-host rig (it binds to the run's shared layer then)
     */
    public SimulatedSignals signals() {
        return layer().signals();
    }

    /**
     * The host platform with the simulated signals in place of its own: give it to a broker.
     *
     * @return a platform whose {@code signals()} are {@link #signals()} and whose sandbox is the host's
     */
    public HostPlatform platform() {
        return layer().platform();
    }

    /**
     * Overrides one signal; {@code null} drops its override, so the host's value shows again.
     *
     * @param signal the signal to override
     * @param value its simulated value, or {@code null} for the host's own
     * @return this rig
     */
    public HostRig set(HostSignal signal, Boolean value) {
        Map<HostSignal, Boolean> change = new HashMap<>();
        change.put(signal, value);
        signals().override(change);
        return this;
    }

    /**
     * Overrides the signals {@code conditions} need so that they hold.
     *
     * @param conditions the conditions to make hold
     * @return this rig
     * @throws IllegalArgumentException for {@code INVALID}, or for conditions that contradict each other
     */
    public HostRig satisfy(SystemConditionType... conditions) {
        Map<HostSignal, Boolean> change = new HashMap<>();
        for (SystemConditionType condition : conditions) {
            ConditionSignals.requirements(condition).forEach((signal, value) -> {
                Boolean earlier = change.put(signal, value);
                if (earlier != null && !earlier.equals(value)) {
                    throw new IllegalArgumentException("the conditions contradict each other on " + signal);
                }
            });
        }
        signals().override(change);
        return this;
    }

    /**
     * Simulates a hardware condition's verdict (SPEC H5); {@code null} drops the override, so the host's reading
     * decides again.
     *
     * @param condition the condition, e.g. {@code HardwareCondition.usbDevice("1d6b:0002")}
     * @param verdict whether it holds, or {@code null} for the host's own reading
     * @return this rig
     */
    public HostRig set(HardwareCondition condition, Boolean verdict) {
        Map<String, Boolean> change = new HashMap<>();
        change.put(condition.spelling(), verdict);
        signals().overrideHardware(HardwareReadings.UNKNOWN.withConditionOverrides(change));
        return this;
    }

    /**
     * Makes hardware conditions hold, as {@code bgtask simulate usb-device=1d6b:0002=true} does.
     *
     * @param conditions the conditions to make hold
     * @return this rig
     */
    public HostRig satisfy(HardwareCondition... conditions) {
        for (HardwareCondition condition : conditions) {
            set(condition, true);
        }
        return this;
    }

    /**
     * Whether a hardware condition holds on the readings now, as the broker would judge it.
     *
     * @param condition the condition to judge
     * @return true when it holds; false when it does not or the reading is unknown
     */
    public boolean holds(HardwareCondition condition) {
        return condition.holdsUnder(signals().current());
    }

    /**
     * Whether {@code condition} holds on the signals now, as the broker would judge it.
     *
     * @param condition the condition to judge
     * @return true when it holds
     */
    public boolean holds(SystemConditionType condition) {
        return ConditionSignals.holds(condition, signals().current());
    }

    /** The layer, binding a real-host rig to the run's shared layer on first use. */
    HostLayer layer(ExtensionContext context) {
        if (layer == null) {
            synchronized (this) {
                if (layer == null) {
                    layer = HostLayer.realHost(context);
                }
            }
        }
        return layer;
    }

    private HostLayer layer() {
        HostLayer bound = layer;
        if (bound == null) {
            throw new IllegalStateException("this rig over the real host is not bound yet: register it with "
                    + "@RegisterExtension or @ExtendWith, and use it from a test or a callback");
        }
        return bound;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        remember(context);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        restore(context);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        remember(context);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        restore(context);
    }

    private void remember(ExtensionContext context) {
        context.getStore(NAMESPACE).put(this, layer(context).signals().overrides());
    }

    private void restore(ExtensionContext context) {
        SignalSnapshot saved = context.getStore(NAMESPACE).remove(this, SignalSnapshot.class);
        if (saved != null) {
            layer(context).restore(saved);
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == SimulatedSignals.class || type == HostRig.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        HostLayer bound = layer(context);
        return parameter.getParameter().getType() == HostRig.class ? this : bound.signals();
    }
}
