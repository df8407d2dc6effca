package dev.bgtasks.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bgtasks.InvalidRegistrationException;
import dev.bgtasks.SystemConditionType;
import dev.bgtasks.spi.HostSignal;
import dev.bgtasks.spi.SignalSnapshot;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ConditionRulesTest {
    private static final SignalSnapshot ONLINE_ON_AC = SignalSnapshot.empty()
            .with(HostSignal.INTERNET, true).with(HostSignal.UNMETERED_NETWORK, false)
            .with(HostSignal.USER_PRESENT, false).with(HostSignal.SESSION_CONNECTED, true)
            .with(HostSignal.AC_POWER, true).with(HostSignal.BATTERY_LOW, false)
            .with(HostSignal.STORAGE_LOW, true).with(HostSignal.ENERGY_SAVER, false);

    @Test
    void eachConditionReadsItsSignals() { // SPEC R7 (AND of conditions over host signals)
        assertThat(ConditionRules.unmet(List.of(SystemConditionType.values()).subList(1, 12), ONLINE_ON_AC))
                .containsExactlyInAnyOrder(SystemConditionType.USER_PRESENT,
                        SystemConditionType.INTERNET_NOT_AVAILABLE, SystemConditionType.SESSION_DISCONNECTED,
                        SystemConditionType.FREE_NETWORK_AVAILABLE, SystemConditionType.STORAGE_NOT_LOW);
    }

    @ParameterizedTest
    @EnumSource(value = SystemConditionType.class, names = "INVALID", mode = EnumSource.Mode.EXCLUDE)
    void nothingHoldsWhenNothingIsKnown(SystemConditionType type) { // SPEC T7: unknown is not a guess
        boolean holds = ConditionRules.holds(type, SignalSnapshot.empty());
        // Work cost is LOW on a machine that cannot tell its power source: it has no battery to report.
        assertThat(holds).isEqualTo(type == SystemConditionType.BACKGROUND_WORK_COST_NOT_HIGH);
    }

    @Test
    void contradictionsAreFoundFromTheSignalTable() { // SPEC R7
        for (Set<SystemConditionType> pair : List.of(
                Set.of(SystemConditionType.USER_PRESENT, SystemConditionType.USER_NOT_PRESENT),
                Set.of(SystemConditionType.INTERNET_AVAILABLE, SystemConditionType.INTERNET_NOT_AVAILABLE),
                Set.of(SystemConditionType.SESSION_CONNECTED, SystemConditionType.SESSION_DISCONNECTED),
                Set.of(SystemConditionType.FREE_NETWORK_AVAILABLE, SystemConditionType.INTERNET_NOT_AVAILABLE))) {
            assertThatThrownBy(() -> ConditionRules.validate(pair))
                    .isInstanceOf(InvalidRegistrationException.class).hasMessageContaining("contradict");
        }
        ConditionRules.validate(EnumSet.of(SystemConditionType.FREE_NETWORK_AVAILABLE,
                SystemConditionType.INTERNET_AVAILABLE, SystemConditionType.USER_NOT_PRESENT,
                SystemConditionType.ON_AC_POWER, SystemConditionType.BACKGROUND_WORK_COST_NOT_HIGH));
        ConditionRules.validate(Set.of());
    }

    @Test
    void invalidIsRejected() { // SPEC R1
        assertThatThrownBy(() -> ConditionRules.validate(Set.of(SystemConditionType.INVALID)))
                .isInstanceOf(InvalidRegistrationException.class).hasMessageContaining("INVALID");
    }
}
