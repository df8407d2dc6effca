package dev.bgtasks.bench;


/**
 * A figure's goal from issue 8 and whether a measured value meets it.
 *
 * <pre>{@code
 * Target t = Target.atMost(1.10, "ratio");
 * t.describe();            // "ratio ≤ 1.10"
 * t.evaluate(1.25);        // Verdict.MISS
 * }</pre>
 *
 * @param bound the limit
 * @param upper whether the value must stay at or below the bound (else at or above it)
 * @param quantity what is compared, with its unit, as the table shows it
 */
record Target(double bound, boolean upper, String quantity) {
    /** Met or not. */
    public enum Verdict {
        PASS,
        MISS
    }

    public Target {
        if (Double.isNaN(bound)) {
            throw new IllegalArgumentException("a target needs a number, got NaN");
        }
        if (quantity == null || quantity.isBlank()) {
            throw new IllegalArgumentException("a target must say what it compares");
        }
    }

    /** The value must be at most {@code bound}. */
    public static Target atMost(double bound, String quantity) {
        return new Target(bound, true, quantity);
    }

    /** The value must be at least {@code bound}. */
    public static Target atLeast(double bound, String quantity) {
        return new Target(bound, false, quantity);
    }

    /** PASS when the value is on the right side of the bound (the bound itself passes); NaN misses. */
    public Verdict evaluate(double value) {
        if (Double.isNaN(value)) {
            return Verdict.MISS;
        }
        boolean met = upper ? value <= bound : value >= bound;
        return met ? Verdict.PASS : Verdict.MISS;
    }

    /** For example {@code "p95 ≤ 20 ms"}. */
    public String describe() {
        return quantity + (upper ? " ≤ " : " ≥ ") + Numbers.format(bound);
    }
}
