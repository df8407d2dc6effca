package dev.bgtasks.store;

import dev.bgtasks.BackgroundAccessStatus;
import dev.bgtasks.InstanceState;
import dev.bgtasks.UserAccessSetting;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The operations on the store inside one transaction. Only valid inside the {@code Store.read}/{@code write}
 * callback that received it; calling a mutating method inside {@code read} throws {@link StoreException}.
 *
 * <pre>{@code
 * store.write(tx -> {
 *     tx.activeInstance(appId, trigger).ifPresentOrElse(i -> {}, () -> tx.insertInstance(row));
 *     return null;
 * });
 * }</pre>
 */
public interface StoreTransaction {
    // Access (SPEC A): the last status requestAccess computed for an app, and the user's own settings.

    Optional<BackgroundAccessStatus> accessStatus(String appId);

    void setAccessStatus(String appId, BackgroundAccessStatus status);

    void clearAccessStatus(String appId);

    /** Every app with a stored access status. */
    List<String> appsWithAccessStatus();

    Optional<UserAccessSetting> userAccessSetting(String appId);

    void setUserAccessSetting(String appId, UserAccessSetting setting);

    void clearUserAccessSetting(String appId);

    // Registrations (SPEC R).

    /**
     * Stores a registration.
     *
     * @throws StoreException when (appId, triggerName) is already held by another registration (SPEC R3)
     */
    void insertRegistration(RegistrationRow row);

    Optional<RegistrationRow> registration(UUID taskId);

    Optional<RegistrationRow> registrationForTrigger(String appId, String triggerName);

    /** The app's registrations, oldest first. */
    List<RegistrationRow> registrations(String appId);

    /** @return true when it existed */
    boolean deleteRegistration(UUID taskId);

    // Instances (SPEC T, X).

    /**
     * Stores a new instance.
     *
     * @throws StoreException when another PENDING or RUNNING instance holds (appId, triggerName) (SPEC T4)
     */
    void insertInstance(InstanceRow row);

    /** Replaces the stored row of {@code row.instanceId()}. */
    void updateInstance(InstanceRow row);

    Optional<InstanceRow> instance(UUID instanceId);

    Optional<InstanceRow> instanceByRunToken(String runToken);

    /** The PENDING or RUNNING instance holding the trigger slot, if any. */
    Optional<InstanceRow> activeInstance(String appId, String triggerName);

    /** All instances in that state, oldest request first. */
    List<InstanceRow> instancesInState(InstanceState state);

    /** The app's instances, newest request first, at most {@code limit}. */
    List<InstanceRow> instances(String appId, int limit);

    /** COMPLETED instances of the app whose completion no listener has received, oldest end first (SPEC X5). */
    List<InstanceRow> undeliveredCompletions(String appId);

    /**
     * Ended instances that retention drops (SPEC B7), oldest end first, at most {@code limit}: per registration,
     * the delivered ones beyond the newest {@code keepNewest} ended ones, and any that ended before {@code
     * endedBefore}, undelivered or not. Pending and running instances are never among them.
     */
    List<EndedInstance> instancesToPrune(int keepNewest, Instant endedBefore, int limit);

    /**
     * Deletes ended instances with their earlier attempts; a pending or running one among them is left alone.
     *
     * @return how many were deleted
     */
    int deleteEndedInstances(List<UUID> instanceIds);

    /**
     * Marks a completion delivered.
     *
     * @return true only for the call that changed it from undelivered, so exactly one listener gets it
     */
    boolean markDelivered(UUID instanceId);

    // Earlier attempts of instances that were run again (SPEC P1).

    /** Records how an attempt ended, before its instance goes back to PENDING for the next. */
    void insertAttempt(AttemptRow row);

    /** The instance's recorded earlier attempts, first first. */
    List<AttemptRow> attempts(UUID instanceId);

    // Schedules of broker-fired triggers (SPEC Y5).

    /** Stores or replaces the schedule of {@code row.taskId()}. */
    void putSchedule(ScheduleRow row);

    Optional<ScheduleRow> schedule(UUID taskId);

    /** Every stored schedule. */
    List<ScheduleRow> schedules();

    void deleteSchedule(UUID taskId);
}
