package dev.bgtasks.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs a test only when a hardware condition holds on this host (SPEC H1), judged from the same readings and with the
 * same rule as the broker ({@code HardwareCondition.holdsUnder}): an unknown reading satisfies nothing. Combines with
 * {@link RequiresCondition}: a test runs when all of its conditions, system and hardware, hold at one moment; the
 * wait and {@code onTimeout} work as there.
 *
 * <pre>{@code
 * @Test
 * @RequiresHardware(value = "usb-device=1d6b:0002", waitUpTo = "2m", onTimeout = OnTimeout.FAIL)
 * @RequiresHardware("cpu-temperature-below=70")
 * void capturesATraceFromTheScope() { ... }
 * }</pre>
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Repeatable(RequiresHardwareConditions.class)
@ExtendWith(RequiresConditionExtension.class)
public @interface RequiresHardware {
    /**
     * The condition as the command line spells it: {@code usb-device=VID:PID[:SERIAL]},
     * {@code volume-mounted=MOUNT_POINT|LABEL}, {@code interface-up=NAME}, {@code cpu-temperature-below=CELSIUS},
     * {@code cpu-idle-above=PERCENT}.
     *
     * @return the condition
     */
    String value();

    /**
     * How long to wait for it, as {@link RequiresCondition#waitUpTo()}; empty does not wait.
     *
     * @return the longest wait
     */
    String waitUpTo() default "";

    /**
     * What a test whose conditions did not hold in time does.
     *
     * @return skip or fail
     */
    RequiresCondition.OnTimeout onTimeout() default RequiresCondition.OnTimeout.SKIP;
}
