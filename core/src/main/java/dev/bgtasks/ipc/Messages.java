package dev.bgtasks.ipc;

/**
 * The names of the protocol: frame types and the fields every frame shares. Operation names are the
 * {@code BrokerOperations} method names; their fields are read by {@link AppRequests} and written by
 * {@link BrokerClient}.
 */
final class Messages {
    static final String TYPE = "type";
    static final String ID = "id";
    static final String VERSION = "version";
    static final String ROLE = "role";
    static final String RUN_TOKEN = "runToken";
    static final String RESULT = "result";
    static final String ERROR = "error";
    static final String ATTACHMENT = "attachment";
    static final String SUBSCRIPTION = "subscription";
    static final String EVENT = "event";
    static final String REASON = "reason";

    static final String ROLE_APP = "app";
    static final String ROLE_HOST = "host";
    /** A standby task host (SPEC W1): waits for a {@code take} before it is an instance's host. */
    static final String ROLE_STANDBY = "standby";
    /** In a standby's {@code hello-ok}: the registration it waits for. */
    static final String STANDBY = "standby";
    /** Pushed to a standby host: the instance it now runs ({@code attachment}) and its {@code resultFile}. */
    static final String PUSH_TAKE = "take";
    static final String RESULT_FILE = "resultFile";
    /** A standby host's request once it took its instance, before it runs anything of the task (SPEC W3). */
    static final String TAKEN = "taken";

    static final String HELLO = "hello";
    static final String HELLO_OK = "hello-ok";
    /** An error that belongs to no request: a refused hello or an unreadable frame; the connection then ends. */
    static final String FATAL = "error";
    static final String RESPONSE = "response";
    /**
     * The answer to hello when a limit is reached: the connection then ends, and the client tries again after
     * {@link #RETRY_AFTER_MILLIS} or later (issue 20).
     */
    static final String BUSY = "busy";
    static final String LIMIT = "limit";
    static final String LIMIT_OF = "limitOf";
    static final String RETRY_AFTER_MILLIS = "retryAfterMillis";
    static final String PUSH_EVENT = "event";
    static final String PUSH_CANCEL = "cancel";

    static final String SUBSCRIBE = "subscribe";
    /** Opens a subscription to the broker's signals; each change is pushed as {@link #PUSH_SIGNALS} (issue 18). */
    static final String SUBSCRIBE_SIGNALS = "subscribeSignals";
    /** Pushed on a signals subscription: {@code {"type":"signals","subscription":7,"signals":{...}}}. */
    static final String PUSH_SIGNALS = "signals";
    static final String UNSUBSCRIBE = "unsubscribe";
    static final String PROGRESS = "progress";
    static final String HOST_RESULT = "result";
    static final String MEMORY = "memory";
    static final String SET_MEMORY_LIMIT = "setMemoryLimit";
    /** SPEC P2: the task's result map, {@code "encoded"} as Base64 of what {@code ValueMapCodec} wrote. */
    static final String SET_RESULT = "setResult";
    static final String ENCODED = "encoded";
    /** SPEC P1: in a host's {@code result}, present and true when the task asked for another attempt. */
    static final String RETRY = "retry";
    static final String BYTES = "bytes";

    // Operation fields: the parameter names of BrokerOperations and the broker's host-side methods.
    static final String APP_ID = "appId";
    static final String SETTING = "setting";
    static final String DEFINITION = "definition";
    static final String TASK_ID = "taskId";
    static final String CANCEL_TASK = "cancelTask";
    static final String REQUEST = "request";
    static final String INSTANCE_ID = "instanceId";
    static final String OVERRIDES = "overrides";
    static final String ERROR_CLASS = "errorClass";
    static final String ERROR_MESSAGE = "errorMessage";

    private Messages() {
    }

    /** Peer input quoted in an error message: short, so an error never outgrows a frame. */
    static String brief(Object value) {
        String text = String.valueOf(value);
        return text.length() <= 80 ? text : text.substring(0, 80) + "...";
    }
}
