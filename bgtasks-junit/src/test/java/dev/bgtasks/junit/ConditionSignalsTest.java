package dev.bgtasks.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bgtasks.SystemConditionType;
import dev.bgtasks.spi.HostSignal;
import dev.bgtasks.spi.SignalSnapshot;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The extension judges conditions exactly as the broker does (issue 7: "the same HostSignals as the broker"). */
class ConditionSignalsTest {
    private static final Boolean[] VALUES = {null, Boolean.TRUE, Boolean.FALSE};

    /** Every snapshot: each signal unknown, true or false (3^8 of them). */
    private static List<SignalSnapshot> everySnapshot() {
        List<SignalSnapshot> all = new ArrayList<>(List.of(SignalSnapshot.empty()));
        for (HostSignal signal : HostSignal.values()) {
            List<SignalSnapshot> next = new ArrayList<>();
            for (SignalSnapshot base : all) {
                for (Boolean value : VALUES) {
                    next.add(base.with(signal, value));
                }
            }
            all = next;
        }
        return all;
    }

    @Test
    void judgesEveryConditionOnEverySnapshotByItsRequiredSignals() {
        List<SignalSnapshot> snapshots = everySnapshot();
        assertThat(snapshots).hasSize(6561);
        for (SystemConditionType type : SystemConditionType.values()) {
            if (type == SystemConditionType.INVALID || type == SystemConditionType.BACKGROUND_WORK_COST_NOT_HIGH) {
                continue;
            }
            for (SignalSnapshot snapshot : snapshots) {
                boolean everyRequiredSignalKnownAndEqual = ConditionSignals.requirements(type).entrySet().stream()
                        .allMatch(e -> snapshot.get(e.getKey()).equals(java.util.Optional.of(e.getValue())));
                assertThat(ConditionSignals.holds(type, snapshot)).as("%s under %s", type, snapshot.known())
                        .isEqualTo(everyRequiredSignalKnownAndEqual);
            }
        }
    }

    @Test
    void theRequirementsOfEachConditionMakeItHold() {
        for (SystemConditionType type : SystemConditionType.values()) {
            if (type == SystemConditionType.INVALID) {
                assertThatThrownBy(() -> ConditionSignals.requirements(type)).hasMessageContaining("not a condition");
                continue;
            }
            SignalSnapshot satisfied = SignalSnapshot.empty();
            for (var entry : ConditionSignals.requirements(type).entrySet()) {
                satisfied = satisfied.with(entry.getKey(), entry.getValue());
            }
            assertThat(ConditionSignals.holds(type, satisfied)).as(type.name()).isTrue();
        }
    }

    @Test
    void explainNamesTheSignalsThatFail() {
        SignalSnapshot offline = SignalSnapshot.empty().with(HostSignal.INTERNET, false);
        assertThat(ConditionSignals.explain(SystemConditionType.FREE_NETWORK_AVAILABLE, offline))
                .contains("INTERNET=true, is false").contains("UNMETERED_NETWORK=true, is unknown");
    }
}
