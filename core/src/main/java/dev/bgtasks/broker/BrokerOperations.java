package dev.bgtasks.broker;

import dev.bgtasks.BackgroundAccessStatus;
import dev.bgtasks.InstanceInfo;
import dev.bgtasks.TriggerResponse;
import dev.bgtasks.UserAccessSetting;
import dev.bgtasks.spi.HardwareReadings;
import dev.bgtasks.spi.HostSignal;
import dev.bgtasks.spi.SignalSnapshot;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * What an app (or the {@code bgtask} command) can ask of a broker. The in-process {@link Broker} implements it,
 * and so does the socket client, so the public API works the same over both.
 *
 * <pre>{@code
 * BrokerOperations broker = Broker.start(config);
 * broker.requestAccess("com.example.notes");
 * RegistrationInfo r = broker.register("com.example.notes", definition);
 * }</pre>
 *
 * <p>Every state change is in the store before the call returns (SPEC B4).
 */
public interface BrokerOperations {
    /** SPEC A2: computes, stores and returns the app's access status. Never prompts. */
    BackgroundAccessStatus requestAccess(String appId);

    /** SPEC A1: the stored status, {@code UNSPECIFIED} before any request. */
    BackgroundAccessStatus accessStatus(String appId);

    /** SPEC A3: status back to {@code UNSPECIFIED}; the app's tasks are unregistered, running ones cancelled. */
    void removeAccess(String appId);

    /** SPEC A4: the user's own setting for an app; takes effect at once. */
    void setUserAccess(String appId, UserAccessSetting setting);

    /** Forgets the user's setting for an app; takes effect at once. */
    void clearUserAccess(String appId);

    /**
     * SPEC R1–R9: validates and stores a registration.
     *
     * @throws dev.bgtasks.InvalidRegistrationException for a definition that breaks a rule
     * @throws IllegalStateException when access is denied (R2) or the trigger slot is taken (R3)
     */
    RegistrationInfo register(String appId, TaskDefinition definition);

    /** SPEC R4: the app's registrations, oldest first. */
    List<RegistrationInfo> registrations(String appId);

    /**
     * SPEC R8: removes a registration.
     *
     * @return false when the app has no such registration
     */
    boolean unregister(String appId, UUID taskId, boolean cancelTask);

    /** SPEC T1–T7. */
    TriggerResponse requestTrigger(TriggerRequest request);

    /**
     * {@link #requestTrigger(TriggerRequest)}, its answer handed to {@code answer} once it is durable, which may be
     * before the new instance's process has started (SPEC B4: the start is a transition no client is told of at that
     * moment). For a caller that relays the answer, as the broker's socket server does: the app does not wait for
     * the launch. This default answers when {@code requestTrigger} returns.
     *
     * @param answer called once, on this thread, before this method returns; not when the request fails
     */
    default void requestTrigger(TriggerRequest request, Consumer<TriggerResponse> answer) {
        answer.accept(requestTrigger(request));
    }

    /** The app's instances, newest first. */
    List<InstanceInfo> instances(String appId);

    /**
     * Cancels an instance with {@code ABORT}: a pending one completes as cancelled, a running one is asked to stop
     * and killed after its grace period (SPEC X6).
     *
     * @return false when the instance is not the app's, already completed, or already cancelled
     */
    boolean cancel(String appId, UUID instanceId);

    /** SPEC X5: completions of the app that no listener has received yet, oldest first. */
    List<InstanceInfo> undeliveredCompletions(String appId);

    /**
     * Claims one completion for delivery to a listener.
     *
     * @return true for exactly one caller, who then delivers it (SPEC X5)
     */
    boolean claimCompletion(String appId, UUID instanceId);

    /**
     * Receives the app's events. The listener runs on the broker's thread and must not block.
     *
     * @return closing it ends the subscription
     */
    AutoCloseable subscribe(String appId, Consumer<AppEvent> listener);

    /** The host signals in force, simulated overrides included. */
    SignalSnapshot signals();

    /**
     * Receives the host signals in force (as {@link #signals()} gives them) each time they change, until the
     * returned handle is closed: {@code bgtask signals --watch} is pushed, not polled (issue 18). The listener runs
     * on the thread that noticed the change and must not block.
     *
     * @param listener called with each new snapshot
     * @return closing it ends the subscription
     */
    AutoCloseable subscribeSignals(Consumer<SignalSnapshot> listener);

    /** Overrides host signals, for test rigs ({@code bgtask simulate}); conditions are re-evaluated at once. */
    void simulate(Map<HostSignal, Boolean> overrides);

    /**
     * Overrides hardware readings or condition verdicts (SPEC H5, {@code bgtask simulate usb-device=1d6b:0002=true});
     * conditions are re-evaluated at once. Overrides merge with those in force.
     *
     * @param overrides the readings and verdicts that win
     */
    void simulateHardware(HardwareReadings overrides);

    /** Drops every simulated override. */
    void clearSimulation();

    /** The broker's platform: backend, mechanism per limit, source per signal (for {@code bgtask doctor}). */
    String describePlatform();
}
