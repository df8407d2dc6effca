package dev.bgtasks.broker;

import dev.bgtasks.task.BackgroundWorkCost;
import java.util.UUID;

/**
 * What a task host learns when it attaches with its run token: which instance it runs and with what.
 *
 * <pre>{@code
 * HostAttachment a = broker.attachHost(token, control);
 * runner.run(loadTask(a.entryPoint()));
 * }</pre>
 *
 * @param instanceId the instance
 * @param taskId the registration
 * @param appId the app
 * @param taskName the registration's name
 * @param entryPoint the class to run, or null for a command task
 * @param arguments the encoded trigger arguments
 * @param readopted true when a new broker took the task back after a crash (SPEC B3)
 * @param backgroundWorkCost the cost of background work when the host attached
 */
public record HostAttachment(UUID instanceId, UUID taskId, String appId, String taskName, String entryPoint,
                             byte[] arguments, boolean readopted, BackgroundWorkCost backgroundWorkCost) {
}
