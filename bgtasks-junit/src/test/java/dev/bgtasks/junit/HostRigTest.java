package dev.bgtasks.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bgtasks.SystemConditionType;
import dev.bgtasks.spi.HostSignal;
import dev.bgtasks.spi.SignalSnapshot;
import dev.bgtasks.testing.FakePlatform;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Issue 7, test rigs: the rig's simulated host, as a broker given its platform sees it. */
class HostRigTest {
    @Test
    void thePlatformViewHasTheSimulatedSignalsAndTheHostsSandbox() {
        FakePlatform host = FakePlatform.withGoodConditions();
        HostRig rig = HostRig.over(host);
        assertThat(rig.platform().signals()).isSameAs(rig.signals());
        assertThat(rig.platform().sandbox()).isSameAs(host.sandbox());
        assertThat(rig.platform().name()).isEqualTo("fake");

        List<SignalSnapshot> seenByABroker = new CopyOnWriteArrayList<>();
        rig.platform().signals().subscribe(seenByABroker::add);
        rig.set(HostSignal.INTERNET, false);
        host.set(HostSignal.AC_POWER, false);
        assertThat(seenByABroker).extracting(s -> s.get(HostSignal.INTERNET).orElseThrow(),
                s -> s.get(HostSignal.AC_POWER).orElseThrow()).containsExactly(
                        org.assertj.core.groups.Tuple.tuple(false, true),
                        org.assertj.core.groups.Tuple.tuple(false, false));
        rig.set(HostSignal.INTERNET, null);
        assertThat(rig.holds(SystemConditionType.INTERNET_AVAILABLE)).isTrue();
    }

    @Test
    void satisfyOverridesWhatEachConditionNeeds() {
        FakePlatform host = new FakePlatform();
        HostRig rig = HostRig.over(host);
        for (SystemConditionType type : SystemConditionType.values()) {
            // Unknown power counts as external power (no battery to report), so the work cost is low already.
            if (type != SystemConditionType.INVALID && type != SystemConditionType.BACKGROUND_WORK_COST_NOT_HIGH) {
                assertThat(rig.holds(type)).as(type.name()).isFalse();
            }
        }
        rig.set(HostSignal.ENERGY_SAVER, true);
        assertThat(rig.holds(SystemConditionType.BACKGROUND_WORK_COST_NOT_HIGH)).isFalse();
        rig.satisfy(SystemConditionType.FREE_NETWORK_AVAILABLE, SystemConditionType.BACKGROUND_WORK_COST_NOT_HIGH);
        assertThat(rig.holds(SystemConditionType.FREE_NETWORK_AVAILABLE)).isTrue();
        assertThat(rig.holds(SystemConditionType.BACKGROUND_WORK_COST_NOT_HIGH)).isTrue();
        assertThatThrownBy(() -> rig.satisfy(SystemConditionType.USER_PRESENT, SystemConditionType.USER_NOT_PRESENT))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("contradict");
        assertThatThrownBy(() -> rig.satisfy(SystemConditionType.INVALID)).hasMessageContaining("not a condition");
    }

    @Test
    void restorePutsBackTheSavedOverridesWithOneChange() {
        FakePlatform host = FakePlatform.withGoodConditions();
        HostLayer layer = new HostLayer(host, false);
        layer.signals().override(java.util.Map.of(HostSignal.USER_PRESENT, false));
        SignalSnapshot saved = layer.signals().overrides();
        List<SignalSnapshot> published = new CopyOnWriteArrayList<>();
        layer.signals().subscribe(published::add);
        layer.signals().override(java.util.Map.of(HostSignal.INTERNET, false, HostSignal.USER_PRESENT, true));
        layer.restore(saved);
        assertThat(layer.signals().overrides()).isEqualTo(saved);
        assertThat(published).hasSize(2);
        assertThat(published.get(1).is(HostSignal.INTERNET, true)).isTrue();
        assertThat(published.get(1).is(HostSignal.USER_PRESENT, false)).isTrue();
    }

    @Test
    void aRealHostRigOutsideJUnitSaysItIsNotBound() {
        assertThatThrownBy(() -> HostRig.real().signals()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not bound");
    }
}
