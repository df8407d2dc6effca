package dev.bgtasks.testing.contract;

/**
 * The rules of {@link BackendContractTest}, each with the SPEC rule it checks. A sandbox that cannot hold one of
 * them says so in its own {@code describe()} or capabilities, and its contract subclass names the words it uses
 * ({@link BackendContractTest#declaredGaps()}); the kit then checks those words instead of the behaviour.
 *
 * <pre>{@code
 * protected Map<ContractRule, String> declaredGaps() {
 *     return Map.of(ContractRule.PROCESS_LIMIT, "no per-task cap");
 * }
 * }</pre>
 */
public enum ContractRule {
    /** SPEC X1: the task is inside its sandbox before its first instruction. */
    STARTS_INSIDE("X1", true),
    /** SPEC X4: the main process's exit code reaches the exit status; no sandbox may leave this out. */
    EXIT_STATUS("X4", false),
    /** SPEC S5: the task's environment is exactly its spec's, nothing of the broker's; no sandbox may leave it out. */
    EXACT_ENVIRONMENT("S5", false),
    /** SPEC X10: past its memory limit the tree ends {@code OUT_OF_MEMORY}, with its peak recorded. */
    MEMORY_LIMIT("X10", true),
    /** SPEC X12: a burst of children stops at the process limit and ends {@code PROCESS_LIMIT}. */
    PROCESS_LIMIT("X12", true),
    /** SPEC X13: a kill leaves nothing behind, not even a grandchild that called {@code setsid}. */
    TREE_KILL("X13", true),
    /** SPEC B3, B6: a second sandbox (a restarted broker) adopts a live task by its run token, and only by it. */
    ADOPT("B3, B6", true),
    /** SPEC B3: closing a sandbox leaves its tasks running; the next one kills them as orphans by run token. */
    ORPHAN_KILL("B3", true),
    /**
     * SPEC B5: a task that ends while no sandbox watches it (its broker is gone) leaves its true exit code in the
     * exit record beside its run log, written by its supervisor.
     */
    EXIT_RECORD("B5", true);

    private final String spec;
    private final boolean mayBeDeclaredMissing;

    ContractRule(String spec, boolean mayBeDeclaredMissing) {
        this.spec = spec;
        this.mayBeDeclaredMissing = mayBeDeclaredMissing;
    }

    /** {@return the SPEC rule(s) this checks, e.g. {@code X10}} */
    public String spec() {
        return spec;
    }

    /** {@return whether a sandbox may declare that it does not hold this rule} */
    public boolean mayBeDeclaredMissing() {
        return mayBeDeclaredMissing;
    }
}
