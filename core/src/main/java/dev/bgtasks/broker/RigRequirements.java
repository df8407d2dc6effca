package dev.bgtasks.broker;

import dev.bgtasks.HardwareCondition;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a test-rig registration asks beyond UWP: hardware conditions (SPEC H1–H6) and the shared fixtures it uses
 * (SPEC F1–F4). Travels and is stored as one optional part of a {@link TaskDefinition}, so definitions without it
 * read as before.
 *
 * <pre>{@code
 * new RigRequirements(List.of(HardwareCondition.usbDevice("1d6b:0002")), Set.of("scope-1"), false);
 * }</pre>
 *
 * @param hardwareConditions AND-ed with the system conditions
 * @param uses the fixtures (resources) the task uses; at most one running instance per fixture
 * @param bestEffortConditions accept hardware conditions this platform can never read (they never hold)
 */
public record RigRequirements(List<HardwareCondition> hardwareConditions, Set<String> uses,
                              boolean bestEffortConditions) {
    /** No hardware conditions, no fixtures. */
    public static final RigRequirements NONE = new RigRequirements(List.of(), Set.of(), false);

    /** Copies into unmodifiable collections; duplicates go, fixtures sort by name. */
    public RigRequirements {
        hardwareConditions = hardwareConditions == null ? List.of()
                : List.copyOf(new java.util.LinkedHashSet<>(hardwareConditions));
        uses = uses == null ? Set.of() : java.util.Collections.unmodifiableSet(new TreeSet<>(uses));
    }

    /** {@return whether it asks nothing} */
    public boolean asksNothing() {
        return hardwareConditions.isEmpty() && uses.isEmpty() && !bestEffortConditions;
    }
}
