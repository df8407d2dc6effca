/**
 * The JUnit 5 extension for test rigs: {@link dev.bgtasks.junit.RequiresCondition} runs a test only while the
 * host meets a system condition (and says why it did not), and {@link dev.bgtasks.junit.HostRig} drives simulated
 * signals in tests. {@link dev.bgtasks.junit.TaskRun} runs a {@code BackgroundTask} in the test's JVM with a fake
 * instance, so a task's logic can be unit-tested without a broker.
 *
 * <p>May use: the SPI (it reads host signals the way the broker does), JUnit, the public condition type, the task
 * API, the argument codec and the task host's runner (so a test run has the host's instance semantics).
 */
package dev.bgtasks.junit;
