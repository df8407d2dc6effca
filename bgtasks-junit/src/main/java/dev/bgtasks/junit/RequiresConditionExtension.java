package dev.bgtasks.junit;

import dev.bgtasks.HardwareCondition;
import dev.bgtasks.SystemConditionType;
import dev.bgtasks.spi.HostSignals;
import dev.bgtasks.spi.SignalSnapshot;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;
import org.junit.platform.commons.support.ReflectionSupport;

/**
 * Decides {@link RequiresCondition}: skips, waits for, or fails a test by the host signals of its {@link HostRig}.
 * The decision is an {@link ExecutionCondition}, so a skipped test is reported as skipped with the reason, and a
 * failed one fails with the {@link AssertionError} this throws.
 */
final class RequiresConditionExtension implements ExecutionCondition {
    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        List<RequiresCondition> required = conditionsOf(context);
        List<RequiresHardware> requiredHardware = hardwareOf(context);
        if (required.isEmpty() && requiredHardware.isEmpty()) {
            return ConditionEvaluationResult.enabled("no @RequiresCondition");
        }
        Set<SystemConditionType> types = new LinkedHashSet<>();
        Duration wait = Duration.ZERO;
        boolean failOnTimeout = false;
        for (RequiresCondition condition : required) {
            if (condition.value() == SystemConditionType.INVALID) {
                throw new IllegalArgumentException("@RequiresCondition(INVALID) on " + context.getDisplayName()
                        + ": INVALID is not a condition");
            }
            types.add(condition.value());
            Duration own = parseWait(condition.waitUpTo());
            wait = own.compareTo(wait) > 0 ? own : wait;
            failOnTimeout |= condition.onTimeout() == RequiresCondition.OnTimeout.FAIL;
        }
        Set<HardwareCondition> hardware = new LinkedHashSet<>();
        for (RequiresHardware condition : requiredHardware) {
            try {
                hardware.add(HardwareCondition.parse(condition.value()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("@RequiresHardware(\"" + condition.value() + "\") on "
                        + context.getDisplayName() + ": " + e.getMessage(), e);
            }
            Duration own = parseWait(condition.waitUpTo());
            wait = own.compareTo(wait) > 0 ? own : wait;
            failOnTimeout |= condition.onTimeout() == RequiresCondition.OnTimeout.FAIL;
        }
        HostSignals signals = rigOf(context).map(rig -> rig.layer(context))
                .orElseGet(() -> HostLayer.realHost(context)).signals();
        SignalSnapshot last = awaitAll(signals, types, hardware, wait);
        if (allHold(types, hardware, last)) {
            return ConditionEvaluationResult.enabled(describe(types, hardware) + " hold");
        }
        String reason = explain(types, hardware, last) + (wait.isZero() ? "" : " after waiting " + wait);
        if (failOnTimeout) {
            throw new AssertionError("@RequiresCondition with onTimeout = FAIL: " + reason);
        }
        return ConditionEvaluationResult.disabled(reason);
    }

    /**
     * The snapshot at which every condition held, or the last one seen when {@code wait} ran out. Listening starts
     * before the first look, so a change between the two is not missed.
     */
    static SignalSnapshot awaitAll(HostSignals signals, Set<SystemConditionType> types, Duration wait) {
        return awaitAll(signals, types, Set.of(), wait);
    }

    /** As {@link #awaitAll(HostSignals, Set, Duration)}, with hardware conditions too (SPEC H1). */
    static SignalSnapshot awaitAll(HostSignals signals, Set<SystemConditionType> types,
                                   Set<HardwareCondition> hardware, Duration wait) {
        CompletableFuture<SignalSnapshot> met = new CompletableFuture<>();
        AutoCloseable subscription = signals.subscribe(snapshot -> {
            if (allHold(types, hardware, snapshot)) {
                met.complete(snapshot);
            }
        });
        try {
            SignalSnapshot now = signals.current();
            if (allHold(types, hardware, now) || wait.isZero()) {
                return now;
            }
            try {
                return met.get(wait.toNanos(), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                return signals.current();
            } catch (ExecutionException e) {
                throw new IllegalStateException("waiting for " + types + " failed", e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + types, e);
            }
        } finally {
            try {
                subscription.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing the signal subscription failed", e);
            }
        }
    }

    private static boolean allHold(Set<SystemConditionType> types, Set<HardwareCondition> hardware,
                                   SignalSnapshot snapshot) {
        return types.stream().allMatch(type -> ConditionSignals.holds(type, snapshot))
                && hardware.stream().allMatch(condition -> condition.holdsUnder(snapshot));
    }

    private static String describe(Set<SystemConditionType> types, Set<HardwareCondition> hardware) {
        StringJoiner all = new StringJoiner(", ", "[", "]");
        types.forEach(type -> all.add(type.name()));
        hardware.forEach(condition -> all.add(condition.spelling()));
        return all.toString();
    }

    private static String explain(Set<SystemConditionType> types, Set<HardwareCondition> hardware,
                                  SignalSnapshot snapshot) {
        StringJoiner unmet = new StringJoiner("; ");
        types.stream().filter(type -> !ConditionSignals.holds(type, snapshot))
                .forEach(type -> unmet.add(ConditionSignals.explain(type, snapshot)));
        hardware.stream().filter(condition -> !condition.holdsUnder(snapshot))
                .forEach(condition -> unmet.add(ConditionSignals.explain(condition, snapshot)));
        return unmet.toString();
    }

    /**
     * Parses {@code waitUpTo}: empty, {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h} or ISO-8601 such as
     * {@code PT30S}.
     *
     * @throws IllegalArgumentException naming the accepted forms
     */
    static Duration parseWait(String text) {
        String trimmed = text.trim();
        if (trimmed.isEmpty()) {
            return Duration.ZERO;
        }
        Matcher shortForm = SHORT_DURATION.matcher(trimmed.toLowerCase(Locale.ROOT));
        if (shortForm.matches()) {
            long amount = Long.parseLong(shortForm.group(1));
            return switch (shortForm.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                default -> Duration.ofHours(amount);
            };
        }
        try {
            Duration parsed = Duration.parse(trimmed);
            if (!parsed.isNegative()) {
                return parsed;
            }
        } catch (DateTimeParseException e) {
            // Reported below with the accepted forms.
        }
        throw new IllegalArgumentException("@RequiresCondition waitUpTo = \"" + text + "\" is not a duration; use "
                + "500ms, 30s, 2m, 1h or ISO-8601 such as PT30S");
    }

    /** The conditions of the test and of its class and the classes around it (inherited and meta ones too). */
    private static List<RequiresCondition> conditionsOf(ExtensionContext context) {
        List<RequiresCondition> found = new ArrayList<>();
        context.getTestMethod().ifPresent(method -> found.addAll(annotations(method)));
        for (Class<?> type = context.getTestClass().orElse(null); type != null; type = type.getEnclosingClass()) {
            found.addAll(annotations(type));
        }
        return found;
    }

    private static List<RequiresHardware> hardwareOf(ExtensionContext context) {
        List<RequiresHardware> found = new ArrayList<>();
        context.getTestMethod().ifPresent(method -> found.addAll(
                AnnotationSupport.findRepeatableAnnotations(method, RequiresHardware.class)));
        for (Class<?> type = context.getTestClass().orElse(null); type != null; type = type.getEnclosingClass()) {
            found.addAll(AnnotationSupport.findRepeatableAnnotations(type, RequiresHardware.class));
        }
        return found;
    }

    private static List<RequiresCondition> annotations(AnnotatedElement element) {
        return AnnotationSupport.findRepeatableAnnotations(element, RequiresCondition.class);
    }

    /**
     * The rig in a static field of the test class, its superclasses or the classes around it.
     *
     * @throws IllegalStateException when the only rig is in an instance field, which conditions cannot see, or
     *     when a class has several
     */
    private static Optional<HostRig> rigOf(ExtensionContext context) {
        for (Class<?> type = context.getTestClass().orElse(null); type != null; type = type.getEnclosingClass()) {
            List<Field> fields = ReflectionSupport.findFields(type,
                    field -> HostRig.class.isAssignableFrom(field.getType()), HierarchyTraversalMode.TOP_DOWN);
            List<Field> statics = fields.stream().filter(f -> Modifier.isStatic(f.getModifiers())).toList();
            if (statics.size() > 1) {
                throw new IllegalStateException(type.getName() + " has several static HostRig fields "
                        + statics.stream().map(Field::getName).toList() + "; @RequiresCondition needs exactly one");
            }
            if (statics.size() == 1) {
                Object rig = ReflectionSupport.tryToReadFieldValue(statics.get(0), null).getOrThrow(
                        e -> new IllegalStateException("cannot read " + statics.get(0), e));
                if (rig == null) {
                    throw new IllegalStateException("static HostRig field " + statics.get(0).getName() + " of "
                            + type.getName() + " is null");
                }
                return Optional.of((HostRig) rig);
            }
            if (!fields.isEmpty()) {
                throw new IllegalStateException("make HostRig field " + fields.get(0).getName() + " of "
                        + type.getName() + " static: @RequiresCondition is decided before the test instance exists");
            }
        }
        return Optional.empty();
    }
}
