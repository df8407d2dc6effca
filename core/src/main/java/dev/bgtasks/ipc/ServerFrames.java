package dev.bgtasks.ipc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bgtasks.broker.HostAttachment;
import dev.bgtasks.task.BackgroundTaskCancellationReason;

/**
 * The frames only the server sends, encoded: the answers to hello ({@code hello-ok}, {@code busy}), responses,
 * an app's events, a task host's cancellation and take, and the error that ends a connection.
 *
 * <pre>{@code
 * output.offer(ServerFrames.busy(4096, "app connections", BrokerServer.BUSY_RETRY_AFTER.toMillis()));
 * }</pre>
 */
final class ServerFrames {
    private ServerFrames() {
    }

    static ObjectNode frame(String type) {
        ObjectNode frame = WireJson.MAPPER.createObjectNode();
        frame.put(Messages.TYPE, type);
        return frame;
    }

    /** {@code hello-ok}; a task host's carries its attachment, an app's none. */
    static byte[] helloOk(HostAttachment attachment) {
        ObjectNode frame = frame(Messages.HELLO_OK);
        frame.put(Messages.VERSION, Frames.PROTOCOL_VERSION);
        if (attachment != null) {
            frame.set(Messages.ATTACHMENT, WireJson.MAPPER.valueToTree(attachment));
        }
        return Frames.encode(frame);
    }

    /** {@code hello-ok} to a standby task host: the registration it waits for (SPEC W1). */
    static byte[] standbyOk(dev.bgtasks.broker.StandbyAttachment standby) {
        ObjectNode frame = frame(Messages.HELLO_OK);
        frame.put(Messages.VERSION, Frames.PROTOCOL_VERSION);
        frame.set(Messages.STANDBY, WireJson.MAPPER.valueToTree(standby));
        return Frames.encode(frame);
    }

    /** {@code take}: a standby host is handed its instance, and where to leave its result record (SPEC W1, B5). */
    static byte[] take(HostAttachment attachment, String resultFile) {
        ObjectNode frame = frame(Messages.PUSH_TAKE);
        frame.set(Messages.ATTACHMENT, WireJson.MAPPER.valueToTree(attachment));
        frame.put(Messages.RESULT_FILE, resultFile);
        return Frames.encode(frame);
    }

    /** The answer to hello when {@code limit} connections of the kind {@code limitOf} names are open. */
    static byte[] busy(int limit, String limitOf, long retryAfterMillis) {
        ObjectNode frame = frame(Messages.BUSY);
        frame.put(Messages.LIMIT, limit);
        frame.put(Messages.LIMIT_OF, limitOf);
        frame.put(Messages.RETRY_AFTER_MILLIS, retryAfterMillis);
        return Frames.encode(frame);
    }

    static byte[] cancel(BackgroundTaskCancellationReason reason) {
        ObjectNode frame = frame(Messages.PUSH_CANCEL);
        frame.put(Messages.REASON, reason.name());
        return Frames.encode(frame);
    }

    /** The error that belongs to no request; the connection ends after it. */
    static byte[] fatal(WireError error) {
        ObjectNode frame = frame(Messages.FATAL);
        frame.set(Messages.ERROR, error.toJson());
        return Frames.encode(frame);
    }

    /** An app's subscribed event (SPEC X2, X3). */
    static byte[] event(int subscription, dev.bgtasks.broker.AppEvent event) {
        ObjectNode frame = frame(Messages.PUSH_EVENT);
        frame.put(Messages.SUBSCRIPTION, subscription);
        frame.set(Messages.EVENT, WireEvents.tree(event));
        return Frames.encode(frame);
    }

    static byte[] signals(int subscription, dev.bgtasks.spi.SignalSnapshot signals) {
        ObjectNode frame = frame(Messages.PUSH_SIGNALS);
        frame.put(Messages.SUBSCRIPTION, subscription);
        frame.set(Messages.PUSH_SIGNALS, WireJson.MAPPER.valueToTree(signals));
        return Frames.encode(frame);
    }

    /**
     * The answer to request {@code id}.
     *
     * @throws IllegalArgumentException when the answer is larger than a frame may be
     */
    static byte[] response(int id, com.fasterxml.jackson.databind.JsonNode result) {
        ObjectNode frame = frame(Messages.RESPONSE);
        frame.put(Messages.ID, id);
        frame.set(Messages.RESULT, result == null ? com.fasterxml.jackson.databind.node.NullNode.getInstance()
                : result);
        return Frames.encode(frame);
    }

    /** The error answer to request {@code id}. */
    static byte[] error(int id, WireError error) {
        ObjectNode frame = frame(Messages.RESPONSE);
        frame.put(Messages.ID, id);
        frame.set(Messages.ERROR, error.toJson());
        return Frames.encode(frame);
    }
}
