package dev.bgtasks;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/** Wraps a broker call in a future that carries its exception instead of throwing it. */
final class Futures {
    private Futures() {
    }

    static <T> CompletableFuture<T> call(Supplier<T> call) {
        try {
            return CompletableFuture.completedFuture(call.get());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
