/**
 * {@code bench/run}: end-to-end figures measured against a baseline in the same run (a raw JVM start, a bare
 * spawn and wait, an fsync), JMH micro benchmarks, and {@code bench/tables}, which writes the docs' tables from the
 * harness's JSON.
 *
 * <p>May use: every layer of bgtasks (it measures them all), JMH, Jackson and JNA.
 */
package dev.bgtasks.bench;
