package dev.bgtasks.junit;

import dev.bgtasks.SystemConditionType;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs a test (or every test of a class) only when a {@link SystemConditionType} holds on this host, judged from the
 * same host signals the broker uses ({@code HostPlatforms.select().signals()}) with the broker's mapping from
 * condition to signals. An unknown signal satisfies nothing, as in the broker.
 *
 * <pre>{@code
 * @Test
 * @RequiresCondition(SystemConditionType.INTERNET_AVAILABLE)
 * @RequiresCondition(value = SystemConditionType.ON_AC_POWER, waitUpTo = "30s", onTimeout = OnTimeout.FAIL)
 * void uploadsTheNightlyBackup() { ... }
 * }</pre>
 *
 * <p>Without {@code waitUpTo} a test whose condition does not hold is skipped at once, with the signals that
 * failed as the reason. With {@code waitUpTo} the extension subscribes to the signals and waits, up to that long,
 * for every condition of the test to hold at the same moment; the wait of a test is the longest {@code waitUpTo}
 * among its conditions. When the wait ends without them, the test is skipped, or fails when any of its conditions
 * says {@link OnTimeout#FAIL} (for a hardware rig where a missing condition is itself a fault). On a class, the
 * conditions are checked once for the class (a class whose conditions never hold is skipped whole, without waiting
 * per test) and again before each test.
 *
 * <p>The signals come from a {@link HostRig} in a static field of the test class when there is one (a simulated or
 * fake host), else from this host's platform, shared by the whole test run. Overrides made through the rig's
 * {@code SimulatedSignals} count, as they do in the broker.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Repeatable(RequiresConditions.class)
@ExtendWith(RequiresConditionExtension.class)
public @interface RequiresCondition {
    /**
     * The condition that must hold; {@code INVALID} is rejected, as {@code register()} rejects it.
     *
     * @return the condition
     */
    SystemConditionType value();

    /**
     * How long to wait for the condition, e.g. {@code "30s"}, {@code "500ms"}, {@code "2m"}, {@code "1h"} or ISO-8601
     * {@code "PT30S"}; empty (the default) does not wait.
     *
     * @return the longest wait
     */
    String waitUpTo() default "";

    /**
     * What a test whose conditions did not hold in time does: skip (the default) or fail.
     *
     * @return skip or fail
     */
    OnTimeout onTimeout() default OnTimeout.SKIP;

    /**
     * What happens to a test whose conditions do not hold within its wait.
     *
     * <pre>{@code
     * @RequiresCondition(value = SystemConditionType.ON_AC_POWER, waitUpTo = "1m", onTimeout = OnTimeout.FAIL)
     * }</pre>
     */
    enum OnTimeout {
        /** Report the test as skipped, with the signals that failed as the reason. */
        SKIP,
        /** Report the test as failed with an {@link AssertionError} naming the signals that failed. */
        FAIL
    }
}
