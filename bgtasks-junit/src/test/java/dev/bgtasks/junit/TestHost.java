package dev.bgtasks.junit;

import dev.bgtasks.spi.HardwareReadings;
import dev.bgtasks.spi.HostPlatform;
import dev.bgtasks.spi.HostSignal;
import dev.bgtasks.spi.HostSignals;
import dev.bgtasks.spi.ProcessSandbox;
import dev.bgtasks.spi.SignalSnapshot;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * A host whose signals the test sets, and which can flip a signal from another thread the next time it is read:
 * that is how a test proves a waiting condition wakes on the event, without sleeping.
 */
final class TestHost implements HostPlatform, HostSignals {
    private final List<Consumer<SignalSnapshot>> listeners = new CopyOnWriteArrayList<>();
    private final AtomicReference<Runnable> onNextRead = new AtomicReference<>();
    private final AtomicInteger subscriptions = new AtomicInteger();
    private volatile SignalSnapshot snapshot = SignalSnapshot.empty();

    TestHost with(HostSignal signal, Boolean value) {
        snapshot = snapshot.with(signal, value);
        return this;
    }

    TestHost withHardware(HardwareReadings readings) {
        snapshot = snapshot.withHardware(readings);
        return this;
    }

    /** Sets the hardware readings and tells the listeners on this thread. */
    void setHardware(HardwareReadings readings) {
        snapshot = snapshot.withHardware(readings);
        listeners.forEach(listener -> listener.accept(snapshot));
    }

    /** Sets a signal and tells the listeners on this thread. */
    void set(HostSignal signal, Boolean value) {
        snapshot = snapshot.with(signal, value);
        listeners.forEach(listener -> listener.accept(snapshot));
    }

    /** The next read of the signals sets {@code signal} from another thread. */
    void flipOnNextRead(HostSignal signal, Boolean value) {
        onNextRead.set(() -> CompletableFuture.runAsync(() -> set(signal, value)));
    }

    int subscriptions() {
        return subscriptions.get();
    }

    int listenerCount() {
        return listeners.size();
    }

    @Override
    public SignalSnapshot current() {
        SignalSnapshot now = snapshot;
        Runnable action = onNextRead.getAndSet(null);
        if (action != null) {
            action.run();
        }
        return now;
    }

    @Override
    public AutoCloseable subscribe(Consumer<SignalSnapshot> listener) {
        subscriptions.incrementAndGet();
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    @Override
    public String describe() {
        return "  all signals: set by the test\n";
    }

    @Override
    public String name() {
        return "test";
    }

    @Override
    public int priority() {
        return -1;
    }

    @Override
    public boolean isSupported() {
        return true;
    }

    @Override
    public Optional<Throwable> unavailabilityCause() {
        return Optional.empty();
    }

    @Override
    public HostSignals signals() {
        return this;
    }

    @Override
    public ProcessSandbox sandbox() {
        throw new UnsupportedOperationException("the test host runs no processes");
    }
}
