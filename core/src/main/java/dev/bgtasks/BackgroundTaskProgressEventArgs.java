package dev.bgtasks;

import java.util.UUID;

/**
 * A task instance reported progress (UWP {@code BackgroundTaskProgressEventArgs}, SPEC X2).
 *
 * <pre>{@code
 * registration.onProgress(e -> progressBar.setValue(e.progress()));
 * }</pre>
 *
 * @param instanceId the instance
 * @param progress 0 to 100
 */
public record BackgroundTaskProgressEventArgs(UUID instanceId, int progress) {
}
