package dev.bgtasks.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The container of repeated {@link RequiresHardware} annotations; the compiler writes it, tests need not.
 *
 * <pre>{@code
 * @RequiresHardware("usb-device=1d6b:0002")
 * @RequiresHardware("volume-mounted=/mnt/rig")
 * class ScopeRigTest { ... }
 * }</pre>
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@ExtendWith(RequiresConditionExtension.class)
public @interface RequiresHardwareConditions {
    /**
     * The repeated annotations.
     *
     * @return them, in source order
     */
    RequiresHardware[] value();
}
