package dev.bgtasks.host;

/**
 * What a {@link TaskRunner} tells the broker about the instance it runs. The task host implements it over the
 * task's own connection; tests use a mock.
 *
 * <pre>{@code
 * TaskReporter reporter = new TaskReporter() {
 *     public void progress(int value) { connection.send(new Progress(value)); }
 *     public void result(byte[] encoded) { connection.send(new SetResult(encoded)); }
 *     public void completed(TaskResult result) { connection.send(new Completed(result)); }
 * };
 * }</pre>
 *
 * <p>The runner never calls these methods concurrently, and calls {@code progress} in the order the task set
 * the values (SPEC X2). {@code completed} is called exactly once and nothing follows it (SPEC X3).
 */
public interface TaskReporter {
    /** The task set its progress to {@code value}, 0 to 100. Called on the thread that set it. */
    void progress(int value);

    /** The task set its result map (SPEC P2), encoded; it replaces an earlier one. Called on the setting thread. */
    void result(byte[] encoded);

    /** The instance completed: {@code run} returned and every deferral was completed, or {@code run} threw. */
    void completed(TaskResult result);
}
