package dev.bgtasks.ipc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bgtasks.arguments.JsonTrees;
import dev.bgtasks.broker.HostAttachment;
import dev.bgtasks.task.BackgroundWorkCost;

/**
 * A {@link HostAttachment} to and from the JSON tree Jackson parsed, field by field: the task host reads the hello
 * reply without building the typed mapper and a bean deserializer for one record (issue 15: about 50 ms of a Java
 * task's interpreted start). The shape is the typed mapper's ({@code HostAttachmentsTest} holds them equal): UUIDs
 * and the work cost as text, the arguments as base64, a missing field as null (false for {@code readopted}).
 *
 * <pre>{@code
 * HostAttachment attachment = HostAttachments.of(helloReply.path(Messages.ATTACHMENT));
 * }</pre>
 */
final class HostAttachments {
    private HostAttachments() {
    }

    /**
     * Reads an attachment.
     *
     * @param node the {@code attachment} field of a hello reply
     * @return the attachment; null when the node is missing or JSON null
     * @throws IllegalArgumentException when a field has the wrong type or is malformed
     */
    static HostAttachment of(JsonNode node) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException("the attachment is not an object");
        }
        String cost = JsonFields.text(node, "backgroundWorkCost");
        return new HostAttachment(JsonFields.uuid(node, "instanceId"), JsonFields.uuid(node, "taskId"), JsonFields.text(node, "appId"),
                JsonFields.text(node, "taskName"), JsonFields.text(node, "entryPoint"), JsonFields.bytes(node, "arguments"), bool(node, "readopted"),
                cost == null ? null : BackgroundWorkCost.valueOf(cost));
    }

    /**
     * The tree the typed mapper would write for {@code attachment}.
     *
     * @param attachment the attachment
     * @return its JSON object
     */
    static ObjectNode tree(HostAttachment attachment) {
        ObjectNode node = JsonTrees.object();
        node.put("instanceId", attachment.instanceId() == null ? null : attachment.instanceId().toString());
        node.put("taskId", attachment.taskId() == null ? null : attachment.taskId().toString());
        node.put("appId", attachment.appId());
        node.put("taskName", attachment.taskName());
        node.put("entryPoint", attachment.entryPoint());
        node.put("arguments", attachment.arguments());
        node.put("readopted", attachment.readopted());
        node.put("backgroundWorkCost", attachment.backgroundWorkCost() == null ? null
                : attachment.backgroundWorkCost().name());
        return node;
    }





    private static boolean bool(JsonNode node, String name) {
        JsonNode value = node.get(name);
        if (value == null) {
            return false;
        }
        if (!value.isBoolean()) {
            throw new IllegalArgumentException(name + " is not a boolean");
        }
        return value.booleanValue();
    }
}
