package dev.bgtasks.broker;

import dev.bgtasks.InstanceState;
import dev.bgtasks.InvalidRegistrationException;
import dev.bgtasks.store.InstanceRow;
import dev.bgtasks.store.StoreTransaction;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Shared fixtures (SPEC F1–F4): a registration names the resources it uses ({@code uses("scope-1")}), and at most one
 * running instance per resource exists across all registrations and apps of the broker. Who holds a resource is
 * never kept apart from the store: it is every RUNNING instance's registration's resources, so a broker restart, a
 * re-adopted instance (F4) or a crash can never leave a resource held by nobody or by two.
 *
 * <pre>{@code
 * Map<String, UUID> held = ctx.store.read(SharedFixtures::holders);
 * List<String> busy = SharedFixtures.busy(definition, held);   // empty: the instance may start
 * }</pre>
 */
final class SharedFixtures {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,63}");

    private SharedFixtures() {
    }

    /** SPEC F1: fixture names are 1 to 64 letters, digits, '.', '_', ':' or '-'. */
    static void validate(Collection<String> uses) {
        for (String name : uses) {
            if (name == null || !NAME.matcher(name).matches()) {
                throw new InvalidRegistrationException("uses", "fixture name '" + name + "' is not valid: 1 to 64"
                        + " letters, digits, '.', '_', ':' or '-', starting with a letter or digit");
            }
        }
    }

    /** Each held resource and the running instance that holds it. */
    static Map<String, UUID> holders(StoreTransaction tx) {
        Map<String, UUID> held = new TreeMap<>();
        for (InstanceRow running : tx.instancesInState(InstanceState.RUNNING)) {
            Optional<TaskDefinition> definition = tx.registration(running.taskId()).map(DefinitionCodec::decode);
            definition.ifPresent(d -> d.rig().uses().forEach(r -> held.putIfAbsent(r, running.instanceId())));
        }
        return held;
    }

    /** The resources of {@code definition} that another instance holds now, in name order. */
    static List<String> busy(TaskDefinition definition, Map<String, UUID> held) {
        List<String> busy = new ArrayList<>();
        for (String resource : definition.rig().uses()) {
            if (held.containsKey(resource)) {
                busy.add(resource);
            }
        }
        return busy;
    }
}
