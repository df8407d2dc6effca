package dev.bgtasks;

import java.util.Objects;

/**
 * One condition of a registration (UWP {@code SystemCondition}).
 *
 * <pre>{@code
 * builder.addCondition(new SystemCondition(SystemConditionType.USER_NOT_PRESENT));
 * }</pre>
 *
 * @param conditionType what must hold
 */
public record SystemCondition(SystemConditionType conditionType) {
    /**
     * Rejects a null condition type.
     *
     * @param conditionType what must hold
     */
    public SystemCondition {
        Objects.requireNonNull(conditionType, "conditionType");
    }
}
