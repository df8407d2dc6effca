package dev.bgtasks.bench.chaos;

import dev.bgtasks.InstanceInfo;
import dev.bgtasks.InstanceState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * After a broker restart, every instance must be terminal ({@code COMPLETED}) or re-adopted ({@code RUNNING} with
 * its process alive), and no task process may be left without a running instance to own it (SPEC B3, X13).
 */
final class InstanceCheck {
    private InstanceCheck() {
    }

    /**
     * @param instances the broker's instances
     * @param taskProcesses live task processes: pid to the instance id in their environment
     * @return the violations; empty when the invariant holds
     */
    static List<String> problems(List<InstanceInfo> instances, Map<Long, String> taskProcesses) {
        return problems(instances, taskProcesses, id -> false);
    }

    /**
     * Like {@link #problems(List, Map)}, excusing a {@code RUNNING} instance with no live process while
     * {@code inGrace} says the broker may still be waiting for it to reconnect (its re-adoption window).
     */
    static List<String> problems(List<InstanceInfo> instances, Map<Long, String> taskProcesses,
                                 Predicate<String> inGrace) {
        List<String> problems = new ArrayList<>();
        Map<String, List<Long>> pidsByInstance = new HashMap<>();
        taskProcesses.forEach((pid, instance) -> pidsByInstance.computeIfAbsent(instance, k -> new ArrayList<>())
                .add(pid));
        Set<String> known = new HashSet<>();
        for (InstanceInfo instance : instances) {
            String id = instance.instanceId().toString();
            known.add(id);
            List<Long> pids = pidsByInstance.getOrDefault(id, List.of());
            if (instance.state() == InstanceState.PENDING) {
                problems.add("instance " + id + " is still PENDING with no condition to wait for");
            } else if (instance.state() == InstanceState.RUNNING && pids.isEmpty() && !inGrace.test(id)) {
                problems.add("instance " + id + " is RUNNING (pid " + instance.pid() + ") but no process of it"
                        + " is alive: neither re-adopted nor recorded as ended");
            } else if (instance.state() == InstanceState.COMPLETED && !pids.isEmpty()) {
                problems.add("instance " + id + " is COMPLETED (" + instance.outcome() + ", "
                        + instance.terminationReason() + ") but its processes " + pids + " remain");
            }
        }
        pidsByInstance.forEach((instance, pids) -> {
            if (!known.contains(instance)) {
                problems.add("processes " + pids + " carry instance id " + instance
                        + " which the broker does not know");
            }
        });
        return problems;
    }
}
