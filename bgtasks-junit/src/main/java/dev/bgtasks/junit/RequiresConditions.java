package dev.bgtasks.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The container of repeated {@link RequiresCondition} annotations; the compiler writes it, tests need not.
 *
 * <pre>{@code
 * @RequiresCondition(SystemConditionType.INTERNET_AVAILABLE)
 * @RequiresCondition(SystemConditionType.ON_AC_POWER)
 * class NightlySyncRigTest { ... }
 * }</pre>
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@ExtendWith(RequiresConditionExtension.class)
public @interface RequiresConditions {
    /**
     * The repeated annotations.
     *
     * @return them, in source order
     */
    RequiresCondition[] value();
}
