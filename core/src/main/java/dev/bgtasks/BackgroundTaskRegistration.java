package dev.bgtasks;

import dev.bgtasks.broker.RegistrationInfo;
import dev.bgtasks.broker.TriggerSpec;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * A registered task (UWP {@code BackgroundTaskRegistration}).
 *
 * <pre>{@code
 * try (AutoCloseable p = reg.onProgress(e -> bar.setValue(e.progress()));
 *      AutoCloseable c = reg.onCompleted(e -> showResult(e))) {
 *     trigger.requestAsync().join();
 * }
 * reg.unregister(true);
 * }</pre>
 */
public final class BackgroundTaskRegistration {
    private final BackgroundTasks owner;
    private final RegistrationInfo info;

    BackgroundTaskRegistration(BackgroundTasks owner, RegistrationInfo info) {
        this.owner = owner;
        this.info = info;
    }

    /**
     * Unique per registration (SPEC R4).
     *
     * @return the registration's id
     */
    public UUID taskId() {
        return info.taskId();
    }

    /** {@return the task's name, unique within the app} */
    public String name() {
        return info.definition().name();
    }

    /** {@return the trigger that starts the task} */
    public ApplicationTrigger trigger() {
        return owner.applicationTrigger(info.definition().triggerName());
    }

    /**
     * The trigger the broker fires by itself, for a registration on a time, maintenance, system or device trigger.
     *
     * @return the trigger, or empty for a registration on an {@link ApplicationTrigger}
     */
    public Optional<BackgroundTrigger> backgroundTrigger() {
        TriggerSpec spec = info.definition().trigger();
        return switch (spec.kind()) {
            case APPLICATION -> Optional.empty();
            case TIME -> Optional.of(new TimeTrigger(spec.freshness(), spec.oneShot()));
            case MAINTENANCE -> Optional.of(new MaintenanceTrigger(spec.freshness(), spec.oneShot()));
            case SYSTEM -> Optional.of(new SystemTrigger(spec.systemType(), spec.oneShot()));
            case DEVICE -> Optional.of(new DeviceTrigger(spec.device(), spec.onDetach(), spec.oneShot()));
        };
    }

    /**
     * When a time or maintenance trigger is due next, as stored when this registration was read (SPEC Y5).
     *
     * @return the wall-clock time, or empty for other triggers and a one-shot trigger that has fired
     */
    public Optional<Instant> nextFireTime() {
        return Optional.ofNullable(info.nextFireAt());
    }

    /** {@return the conditions that must all hold for an instance to start} */
    public Set<SystemConditionType> conditions() {
        return info.definition().conditions();
    }

    /** {@return whether a running instance is cancelled when a condition turns false (SPEC X8)} */
    public boolean cancelOnConditionLoss() {
        return info.definition().cancelOnConditionLoss();
    }

    /** {@return when the broker stored the registration} */
    public Instant registeredAt() {
        return info.registeredAt();
    }

    /**
     * What the broker stored for this registration.
     *
     * @return the stored registration
     */
    RegistrationInfo info() {
        return info;
    }

    /**
     * Removes the registration (SPEC R8). {@code true} discards a pending instance and cancels a running one with
     * {@code ABORT}; {@code false} lets a running one finish.
     *
     * @param cancelTask whether to cancel a running instance
     */
    public void unregister(boolean cancelTask) {
        owner.unregister(this, cancelTask);
    }

    /**
     * Receives progress of this task's instances, in order (SPEC X2).
     *
     * @param listener runs for each progress report
     * @return closing it removes the listener
     */
    public AutoCloseable onProgress(Consumer<BackgroundTaskProgressEventArgs> listener) {
        return owner.addProgressListener(taskId(), listener);
    }

    /**
     * Receives completions of this task's instances, each once; completions no listener saw yet, even from
     * before this app started, arrive at once (SPEC X3, X5).
     *
     * @param listener runs once for each completion
     * @return closing it removes the listener
     */
    public AutoCloseable onCompleted(Consumer<BackgroundTaskCompletedEventArgs> listener) {
        return owner.addCompletionListener(taskId(), listener);
    }

    @Override
    public String toString() {
        return "BackgroundTaskRegistration[" + taskId() + " '" + name() + "']";
    }
}
