package dev.bgtasks.bench;

import dev.bgtasks.InstanceInfo;
import dev.bgtasks.broker.AppEvent;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Completion events as they reach the app, each stamped with the monotonic clock on receipt. A completion that
 * arrives before anyone waits for it (a fast task can end before its trigger's answer is read) is kept.
 *
 * <pre>{@code
 * Completions completions = new Completions();
 * client.subscribe(appId, completions);
 * Completions.Seen seen = completions.await(response.instanceId(), Duration.ofSeconds(60));
 * }</pre>
 */
final class Completions implements Consumer<AppEvent> {
    private final ConcurrentHashMap<UUID, CompletableFuture<Seen>> seen = new ConcurrentHashMap<>();

    /**
     * A completion and when it arrived.
     *
     * @param instance the completed instance
     * @param receivedNanos {@link System#nanoTime()} on receipt
     */
    public record Seen(InstanceInfo instance, long receivedNanos) {
    }

    @Override
    public void accept(AppEvent event) {
        if (event instanceof AppEvent.Completed completed) {
            long now = System.nanoTime();
            future(completed.instanceId()).complete(new Seen(completed.instance(), now));
        }
    }

    /** Waits for the completion of an instance; fails after the deadline. */
    public Seen await(UUID instanceId, Duration deadline) {
        try {
            return future(instanceId).get(deadline.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("instance " + instanceId + " did not complete within " + deadline, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for " + instanceId, e);
        } finally {
            seen.remove(instanceId);
        }
    }

    private CompletableFuture<Seen> future(UUID instanceId) {
        return seen.computeIfAbsent(instanceId, id -> new CompletableFuture<>());
    }
}
