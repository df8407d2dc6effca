package dev.bgtasks.bench.chaos;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The answers of hammering processes, per result, as they print them ({@code COUNT <result> <n>}) and as the
 * scenario adds them up. Every call sent must be answered: {@code sent == answered}, no {@code UNANSWERED}.
 */
final class HammerCounts {
    static final String UNANSWERED = "UNANSWERED";
    static final String NOT_SENT = "NOT_SENT";
    private static final String PREFIX = "COUNT ";

    private final Map<String, Long> byResult = new TreeMap<>();

    static String line(String result, long count) {
        return PREFIX + result + " " + count;
    }

    /** Adds the {@code COUNT} lines of one process's output; other lines are ignored. */
    void add(String output) {
        for (String line : output.lines().toList()) {
            if (!line.startsWith(PREFIX)) {
                continue;
            }
            String[] parts = line.substring(PREFIX.length()).trim().split(" ");
            if (parts.length == 2) {
                byResult.merge(parts[0], Long.parseLong(parts[1]), Long::sum);
            }
        }
    }

    Map<String, Long> byResult() {
        return Map.copyOf(byResult);
    }

    long get(String result) {
        return byResult.getOrDefault(result, 0L);
    }

    long answered() {
        return byResult.entrySet().stream().filter(e -> !e.getKey().equals(UNANSWERED)
                && !e.getKey().equals(NOT_SENT)).mapToLong(Map.Entry::getValue).sum();
    }

    /**
     * The violations for {@code planned} calls: calls neither answered nor reported as not sent (a lost process),
     * unanswered calls, and answers other than the two a free-for-all may give.
     */
    List<String> problems(long planned, List<String> allowedResults) {
        List<String> problems = new java.util.ArrayList<>();
        long accounted = answered() + get(UNANSWERED) + get(NOT_SENT);
        if (accounted != planned) {
            problems.add(planned + " calls planned but " + accounted + " accounted for (answered, unanswered or"
                    + " not sent): a hammering process was lost");
        }
        if (get(UNANSWERED) > 0) {
            problems.add(get(UNANSWERED) + " calls were not answered");
        }
        byResult.forEach((result, count) -> {
            if (!allowedResults.contains(result) && !result.equals(UNANSWERED) && !result.equals(NOT_SENT)) {
                problems.add(count + " calls answered " + result);
            }
        });
        return problems;
    }
}
