package dev.bgtasks.bench.chaos;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The counts of one chaos scenario: cycles run, invariants checked, violations found (the suite passes only with
 * none), named counters such as answers per result, and notes for the reader (a time bound that cut the count
 * short). Only the first violations are kept word for word; all are counted.
 */
final class ScenarioTally {
    static final int KEPT_MESSAGES = 25;

    private final String name;
    private final long plannedCycles;
    private long cycles;
    private long checks;
    private long violations;
    private final List<String> messages = new ArrayList<>();
    private final Map<String, Long> counters = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();
    private double seconds;

    ScenarioTally(String name, long plannedCycles) {
        this.name = name;
        this.plannedCycles = plannedCycles;
    }

    synchronized void cycle() {
        cycles++;
    }

    synchronized void cycles(long count) {
        cycles += count;
    }

    /** One invariant checked; a violation when {@code ok} is false. */
    synchronized void check(boolean ok, String violation) {
        checks++;
        if (!ok) {
            violation(violation);
        }
    }

    /** One invariant checked, whose check returned the problems it found (none when it holds). */
    synchronized void check(List<String> problems) {
        checks++;
        problems.forEach(this::violation);
    }

    /** A violation found outside a counted check (a failure the scenario met on its way). */
    synchronized void violation(String message) {
        violations++;
        if (messages.size() < KEPT_MESSAGES) {
            messages.add(message);
        }
    }

    synchronized void count(String counter, long amount) {
        counters.merge(counter, amount, Long::sum);
    }

    synchronized void note(String note) {
        notes.add(note);
    }

    synchronized void seconds(double elapsed) {
        this.seconds = elapsed;
    }

    String name() {
        return name;
    }

    long plannedCycles() {
        return plannedCycles;
    }

    synchronized long cycles() {
        return cycles;
    }

    synchronized long checks() {
        return checks;
    }

    synchronized long violations() {
        return violations;
    }

    synchronized List<String> messages() {
        return List.copyOf(messages);
    }

    synchronized Map<String, Long> counters() {
        return Map.copyOf(counters);
    }

    synchronized Map<String, Long> orderedCounters() {
        return new LinkedHashMap<>(counters);
    }

    synchronized List<String> notes() {
        return List.copyOf(notes);
    }

    synchronized double seconds() {
        return seconds;
    }
}
