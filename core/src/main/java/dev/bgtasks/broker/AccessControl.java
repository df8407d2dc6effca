package dev.bgtasks.broker;

import dev.bgtasks.BackgroundAccessStatus;
import dev.bgtasks.UserAccessSetting;
import dev.bgtasks.store.StoreTransaction;
import dev.bgtasks.task.BackgroundTaskCancellationReason;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Background access (SPEC A): an app's status is computed from the admin policy and the user's setting, stored, and
 * applied at once: a newly denied app's running instances are cancelled with {@code SYSTEM_POLICY} (A4), and an app
 * that became {@code ALWAYS_ALLOWED} may start what energy saver held back.
 *
 * <pre>{@code
 * BackgroundAccessStatus status = access.request("com.example.notes");   // under the broker's lock
 * access.setUser("com.example.notes", UserAccessSetting.DENY);
 * }</pre>
 */
final class AccessControl {
    private static final Logger LOG = LoggerFactory.getLogger(Broker.class);

    private final BrokerContext ctx;
    private final Registrations registrations;
    private final TaskRuns runs;
    private final SignalReactions reactions;
    /** Guarded by the broker's lock. */
    private AccessPolicy policy;

    AccessControl(BrokerContext ctx, Registrations registrations, TaskRuns runs, SignalReactions reactions) {
        this.ctx = ctx;
        this.registrations = registrations;
        this.runs = runs;
        this.reactions = reactions;
        this.policy = loadPolicy(ctx.config, null);
    }

    AccessPolicy policy() {
        return policy;
    }

    /** SPEC A2: computes, stores and returns the app's status. */
    BackgroundAccessStatus request(String appId) {
        AccessChange change = ctx.store.write(tx -> recompute(tx, appId, true));
        apply(change);
        LOG.info("access for {}: {}", appId, change.now());
        return change.now();
    }

    /** SPEC A3: the app's registrations go (running instances cancelled with {@code ABORT}), then its status. */
    void remove(String appId) {
        registrations.unregisterAll(appId);
        ctx.store.run(tx -> tx.clearAccessStatus(appId));
        LOG.info("access for {} removed; its registrations are gone", appId);
        // Its hardware conditions are no longer needed, so a polled reading may stop (SPEC H4).
        registrations.refreshHardwareNeeds();
    }

    void setUser(String appId, UserAccessSetting setting) {
        AccessChange change = ctx.store.write(tx -> {
            tx.setUserAccessSetting(appId, setting);
            return recompute(tx, appId, false);
        });
        LOG.info("user access setting for {}: {}", appId, setting);
        apply(change);
    }

    void clearUser(String appId) {
        AccessChange change = ctx.store.write(tx -> {
            tx.clearUserAccessSetting(appId);
            return recompute(tx, appId, false);
        });
        LOG.info("user access setting for {} cleared", appId);
        apply(change);
    }

    /** SPEC A4, A5: re-reads the admin policy file and applies it to every app at once. */
    void reloadPolicy() {
        AccessPolicy before = policy;
        policy = loadPolicy(ctx.config, before);
        if (before.error().isPresent() && policy.error().isEmpty()) {
            LOG.info("admin policy {} is good again and in force", policy.file());
        }
        applyPolicy();
    }

    /**
     * SPEC A4, A5: recomputes every app's status under the policy in force and applies the changes. A starting
     * broker does this too: the file may have changed while no broker ran, or be broken and deny every app.
     */
    void applyPolicy() {
        List<AccessChange> changes = ctx.store.write(tx -> {
            List<AccessChange> all = new ArrayList<>();
            for (String appId : tx.appsWithAccessStatus()) {
                all.add(recompute(tx, appId, false));
            }
            return all;
        });
        changes.forEach(this::apply);
    }

    private static AccessPolicy loadPolicy(BrokerConfig config, AccessPolicy inForce) {
        AccessPolicy loaded = AccessPolicy.load(config.policyFile(), inForce);
        loaded.error().ifPresent(LOG::error);
        return loaded;
    }

    /** The status before and after. */
    private record AccessChange(String appId, BackgroundAccessStatus before, BackgroundAccessStatus now) {
    }

    /** {@code request} false leaves an app that never asked at {@code UNSPECIFIED}. */
    private AccessChange recompute(StoreTransaction tx, String appId, boolean request) {
        Optional<BackgroundAccessStatus> stored = tx.accessStatus(appId);
        BackgroundAccessStatus before = stored.orElse(BackgroundAccessStatus.UNSPECIFIED);
        if (stored.isEmpty() && !request) {
            return new AccessChange(appId, before, before);
        }
        BackgroundAccessStatus now;
        if (policy.denies(appId)) {
            now = BackgroundAccessStatus.DENIED_BY_SYSTEM_POLICY;
        } else {
            UserAccessSetting setting = tx.userAccessSetting(appId).orElse(UserAccessSetting.ALLOW);
            now = switch (setting) {
                case DENY -> BackgroundAccessStatus.DENIED_BY_USER;
                case ALWAYS -> BackgroundAccessStatus.ALWAYS_ALLOWED;
                case ALLOW -> BackgroundAccessStatus.ALLOWED_SUBJECT_TO_SYSTEM_POLICY;
            };
        }
        tx.setAccessStatus(appId, now);
        return new AccessChange(appId, before, now);
    }

    private void apply(AccessChange change) {
        if (change.now().isDenied()) {
            if (!change.before().isDenied()) {
                LOG.info("{} is now {}: cancelling its running tasks", change.appId(), change.now());
            }
            runs.cancelAll(change.appId(), BackgroundTaskCancellationReason.SYSTEM_POLICY);
        } else if (change.now() != change.before()) {
            // ALWAYS_ALLOWED may free instances that waited for energy saver to go off.
            reactions.startPendingWhereConditionsHold();
        }
    }
}
