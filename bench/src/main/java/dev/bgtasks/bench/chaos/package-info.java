/**
 * {@code bench/chaos}: the chaos suite. Brokers killed at random moments, a hammered trigger, fuzzed frames and a
 * full disk, each scenario checking the SPEC invariants that must survive it and reporting any violation.
 *
 * <p>May use: every layer of bgtasks, like the rest of the bench.
 */
package dev.bgtasks.bench.chaos;
