/**
 * The JUnit 5 extension for test rigs: {@link dev.bgtasks.junit.RequiresCondition} runs a test only while the
 * host meets a system condition (and says why it did not), and {@link dev.bgtasks.junit.HostRig} drives simulated
 * signals in tests.
 *
 * <p>May use: the SPI (it reads host signals the way the broker does), JUnit and the public condition type.
 */
package dev.bgtasks.junit;
