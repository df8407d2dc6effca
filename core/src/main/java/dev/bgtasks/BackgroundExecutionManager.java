package dev.bgtasks;

import dev.bgtasks.broker.BrokerOperations;
import java.util.concurrent.CompletableFuture;

/**
 * Background access of one app (UWP {@code BackgroundExecutionManager}). Access never prompts: it follows the
 * machine's admin policy and the user's setting ({@code bgtask access allow|always|deny APP}).
 *
 * <pre>{@code
 * BackgroundAccessStatus s = bg.executionManager().requestAccess().join();
 * }</pre>
 */
public final class BackgroundExecutionManager {
    private final BrokerOperations broker;
    private final String appId;

    BackgroundExecutionManager(BrokerOperations broker, String appId) {
        this.broker = broker;
        this.appId = appId;
    }

    /**
     * SPEC A2: computes and stores the app's status.
     *
     * @return completes with the status the broker stored
     */
    public CompletableFuture<BackgroundAccessStatus> requestAccess() {
        return Futures.call(() -> broker.requestAccess(appId));
    }

    /**
     * SPEC A1: {@code UNSPECIFIED} before any request.
     *
     * @return the app's stored status
     */
    public BackgroundAccessStatus getAccessStatus() {
        return broker.accessStatus(appId);
    }

    /** SPEC A3: back to {@code UNSPECIFIED}; the app's tasks are unregistered and running ones cancelled. */
    public void removeAccess() {
        broker.removeAccess(appId);
    }
}
