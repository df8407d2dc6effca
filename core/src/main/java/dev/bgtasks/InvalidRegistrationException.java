package dev.bgtasks;

/**
 * A registration that breaks a rule; nothing was stored. Names the field and the rule (SPEC R1, R7, R9).
 *
 * <pre>{@code
 * try { builder.register(); } catch (InvalidRegistrationException e) { log.error("{}: {}", e.field(), e.getMessage()); }
 * }</pre>
 */
public class InvalidRegistrationException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    /** The builder field at fault. */
    private final String field;

    /**
     * Creates it for {@code field} breaking {@code rule}; the message names both.
     *
     * @param field the builder field at fault
     * @param rule what the field must satisfy
     */
    public InvalidRegistrationException(String field, String rule) {
        super(field + ": " + rule);
        this.field = field;
    }

    /**
     * The builder field at fault, e.g. {@code taskEntryPoint}.
     *
     * @return the field's builder method name
     */
    public String field() {
        return field;
    }
}
