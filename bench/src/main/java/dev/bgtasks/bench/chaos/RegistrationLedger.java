package dev.bgtasks.bench.chaos;

import dev.bgtasks.broker.RegistrationInfo;
import dev.bgtasks.broker.TaskDefinition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * What the broker's registrations must be after a crash. A call the broker answered is durable (SPEC B4): an
 * acknowledged registration is there with its definition intact, an acknowledged unregistration is gone. A call
 * cut off by the kill is in doubt: either outcome is fine, but nothing else (a half-written definition, a second
 * registration in one slot, a registration nobody asked for).
 */
final class RegistrationLedger {
    private final Map<UUID, TaskDefinition> confirmed = new LinkedHashMap<>();
    private final Set<UUID> removed = new HashSet<>();
    /** Trigger name to the definition of a register call that got no answer. */
    private final Map<String, TaskDefinition> registerInDoubt = new HashMap<>();
    private final Set<UUID> unregisterInDoubt = new HashSet<>();

    synchronized void registering(TaskDefinition definition) {
        registerInDoubt.put(definition.triggerName(), definition);
    }

    synchronized void registered(RegistrationInfo info) {
        registerInDoubt.remove(info.definition().triggerName());
        confirmed.put(info.taskId(), info.definition());
    }

    /** The broker refused the call: nothing was written. */
    synchronized void registerRefused(TaskDefinition definition) {
        registerInDoubt.remove(definition.triggerName(), definition);
    }

    synchronized void unregistering(UUID taskId) {
        unregisterInDoubt.add(taskId);
    }

    synchronized void unregistered(UUID taskId, boolean existed) {
        unregisterInDoubt.remove(taskId);
        if (existed) {
            confirmed.remove(taskId);
            removed.add(taskId);
        }
    }

    /** Registrations that should exist now, for drivers that pick one. */
    synchronized List<UUID> live() {
        return new ArrayList<>(confirmed.keySet());
    }

    synchronized Optional<TaskDefinition> definition(UUID taskId) {
        return Optional.ofNullable(confirmed.get(taskId));
    }

    /** Trigger names that hold a confirmed or possible registration. */
    synchronized Set<String> takenSlots() {
        Set<String> taken = new HashSet<>(registerInDoubt.keySet());
        confirmed.values().forEach(d -> taken.add(d.triggerName()));
        return taken;
    }

    /**
     * Checks the broker's registrations against the ledger and settles every call in doubt by what the broker
     * holds.
     *
     * @return the violations; empty when the registrations are intact
     */
    synchronized List<String> reconcile(List<RegistrationInfo> actual) {
        List<String> problems = new ArrayList<>();
        Map<UUID, RegistrationInfo> byId = new HashMap<>();
        Set<String> slots = new HashSet<>();
        for (RegistrationInfo info : actual) {
            byId.put(info.taskId(), info);
            if (!slots.add(info.definition().triggerName())) {
                problems.add("two registrations in trigger slot \"" + info.definition().triggerName() + "\"");
            }
        }
        for (Map.Entry<UUID, TaskDefinition> entry : confirmed.entrySet()) {
            RegistrationInfo found = byId.get(entry.getKey());
            if (found == null) {
                if (!unregisterInDoubt.contains(entry.getKey())) {
                    problems.add("acknowledged registration " + entry.getKey() + " is missing");
                }
            } else if (!found.definition().equals(entry.getValue())) {
                problems.add("registration " + entry.getKey() + " changed: stored " + found.definition()
                        + ", registered " + entry.getValue());
            }
        }
        for (UUID gone : removed) {
            if (byId.containsKey(gone)) {
                problems.add("acknowledged unregistration of " + gone + " did not hold: it is back");
            }
        }
        for (RegistrationInfo info : actual) {
            if (confirmed.containsKey(info.taskId()) || removed.contains(info.taskId())) {
                continue; // checked above
            }
            TaskDefinition asked = registerInDoubt.get(info.definition().triggerName());
            if (asked == null) {
                problems.add("registration " + info.taskId() + " in slot \"" + info.definition().triggerName()
                        + "\" was never asked for");
            } else if (!asked.equals(info.definition())) {
                problems.add("registration " + info.taskId() + " cut off by the kill holds " + info.definition()
                        + ", not what was sent: " + asked);
            }
        }
        settle(byId);
        return problems;
    }

    private void settle(Map<UUID, RegistrationInfo> byId) {
        for (UUID taskId : unregisterInDoubt) {
            if (!byId.containsKey(taskId) && confirmed.remove(taskId) != null) {
                removed.add(taskId);
            }
        }
        unregisterInDoubt.clear();
        for (RegistrationInfo info : byId.values()) {
            TaskDefinition asked = registerInDoubt.get(info.definition().triggerName());
            if (!confirmed.containsKey(info.taskId()) && asked != null && asked.equals(info.definition())) {
                confirmed.put(info.taskId(), info.definition());
            }
        }
        registerInDoubt.clear();
    }
}
