package dev.bgtasks.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One row of the results: a figure measured against its baseline, the value its target compares, and the raw
 * numbers behind it for the JSON.
 *
 * <pre>{@code
 * FigureResult row = FigureResult.measured("command", "trigger → exit of /bin/true",
 *         "median 6.1 ms, p95 9 ms", "median 2.3 ms, p95 4 ms", 3.8, "overhead 3.8 ms",
 *         Target.atMost(3, "median overhead ms"), Map.of());
 * row.status();   // "MISS"
 * }</pre>
 *
 * @param id the figure's flag name, such as {@code "command"}
 * @param figure what is measured
 * @param bgtasks the bgtasks side, as text
 * @param baseline the baseline measured in the same run, as text ("—" when the figure has none)
 * @param value the number the target is evaluated on (NaN when not measured)
 * @param result the value as text
 * @param target the goal, or null for a figure that only reports (JMH)
 * @param error why the figure could not be measured, or null
 * @param details raw numbers for the JSON
 */
record FigureResult(String id, String figure, String bgtasks, String baseline, double value, String result,
                           Target target, String error, Map<String, Object> details) {
    public FigureResult {
        details = details == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }

    /** A figure measured with a target. */
    public static FigureResult measured(String id, String figure, String bgtasks, String baseline, double value,
                                        String result, Target target, Map<String, Object> details) {
        return new FigureResult(id, figure, bgtasks, baseline, value, result, target, null, details);
    }

    /** A figure that could not be measured, and why. */
    public static FigureResult failed(String id, String figure, Target target, String error) {
        return new FigureResult(id, figure, "—", "—", Double.NaN, "not measured", target, error, Map.of());
    }

    /** PASS or MISS against the target; ERROR when not measured; "—" when there is no target. */
    public String status() {
        if (error != null) {
            return "ERROR";
        }
        if (target == null) {
            return "—";
        }
        return target.evaluate(value).name();
    }
}
