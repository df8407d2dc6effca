package dev.bgtasks.ipc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.bgtasks.broker.HostOperations;
import java.util.Base64;

/**
 * Carries one task host request to the broker, for the run token the host attached with: progress, its result
 * (with a retry request, SPEC P1), the result map it set (SPEC P2), its memory. Nothing is decided here.
 *
 * <pre>{@code
 * JsonNode answer = HostRequests.handle(broker, runToken, Messages.PROGRESS, params);
 * }</pre>
 */
final class HostRequests {
    private HostRequests() {
    }

    /**
     * Hands one request of an attached task host to the broker.
     *
     * @param hostSide the broker's side for task hosts
     * @param runToken the token the host attached with
     * @param type the request type
     * @param p its fields
     * @return the {@code result} of the answer
     * @throws BadRequestException for an unknown type or a missing or wrongly typed field
     */
    static JsonNode handle(HostOperations hostSide, String runToken, String type, Params p) {
        switch (type) {
            case Messages.PROGRESS:
                hostSide.reportProgress(runToken, p.integer(Messages.PROGRESS));
                return NullNode.getInstance();
            case Messages.HOST_RESULT:
                hostSide.reportResult(runToken, p.text(Messages.ERROR_CLASS), p.text(Messages.ERROR_MESSAGE),
                        p.has(Messages.RETRY) && p.bool(Messages.RETRY));
                return NullNode.getInstance();
            case Messages.SET_RESULT:
                hostSide.setResult(runToken, base64(p.requiredText(Messages.ENCODED)));
                return NullNode.getInstance();
            case Messages.MEMORY:
                return WireJson.MAPPER.valueToTree(hostSide.memoryOf(runToken));
            case Messages.TAKEN:
                hostSide.confirmTaken(runToken);
                return NullNode.getInstance();
            case Messages.SET_MEMORY_LIMIT:
                return BooleanNode.valueOf(hostSide.trySetMemoryLimit(runToken, p.longValue(Messages.BYTES)));
            default:
                throw new BadRequestException(Messages.TYPE, "unknown request type \"" + Messages.brief(type)
                        + "\" for a task host: progress, result, setResult, memory or setMemoryLimit");
        }
    }

    private static byte[] base64(String text) {
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new BadRequestException(Messages.ENCODED, "field " + Messages.ENCODED + " is not Base64");
        }
    }
}
