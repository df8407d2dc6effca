/**
 * The backend contract kit, shipped in core's test-jar: {@link dev.bgtasks.testing.contract.BackendContractTest}
 * holds the rules every {@code ProcessSandbox} meets with real processes, and each sandbox's test subclasses it
 * with the sandbox and its OS's task commands ({@link dev.bgtasks.testing.contract.ShellTasks} for Linux shells,
 * {@link dev.bgtasks.testing.contract.ContractTasks} where only a JVM will do). Uses the SPI, JUnit 5, AssertJ and
 * SLF4J only.
 */
package dev.bgtasks.testing.contract;
