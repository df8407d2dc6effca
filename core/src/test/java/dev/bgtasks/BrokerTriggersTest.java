package dev.bgtasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bgtasks.spi.HostSignal;
import dev.bgtasks.testing.BrokerHarness;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SPEC Y1–Y5: time, maintenance and system triggers on the fake platform and the fake clock. */
class BrokerTriggersTest {
    private static final String APP = "com.example.notes";
    private static final Duration SIX_HOURS = Duration.ofHours(6);
    @TempDir
    Path dir;
    private BrokerHarness h;
    private BackgroundTasks bg;

    @BeforeEach
    void start() {
        h = new BrokerHarness(dir);
        bg = h.app(APP);
        bg.executionManager().requestAccess().join();
    }

    @AfterEach
    void stop() {
        bg.close();
        h.close();
    }

    private BackgroundTaskRegistration register(BackgroundTrigger trigger, SystemConditionType... conditions) {
        BackgroundTaskBuilder builder = bg.newTask().name("sync").command(List.of("/bin/true")).setTrigger(trigger);
        for (SystemConditionType c : conditions) {
            builder.addCondition(new SystemCondition(c));
        }
        return builder.register();
    }

    private int runs() {
        return h.platform.processes().size();
    }

    private void finishLast() {
        h.succeed(h.platform.lastProcess());
    }

    @Test
    void aTimeTriggerFiresEveryFreshness() { // SPEC Y1
        BackgroundTaskRegistration reg = register(new TimeTrigger(SIX_HOURS, false));
        assertThat(reg.nextFireTime()).contains(h.clock.now().plus(SIX_HOURS));
        h.clock.advance(SIX_HOURS.minusMinutes(1));
        assertThat(runs()).isZero();
        h.clock.advance(Duration.ofMinutes(1));
        assertThat(runs()).isEqualTo(1);
        finishLast();
        h.clock.advance(SIX_HOURS);
        assertThat(runs()).isEqualTo(2);
        assertThat(bg.allTasks().get(reg.taskId()).nextFireTime()).contains(h.clock.now().plus(SIX_HOURS));
        assertThat(reg.backgroundTrigger()).contains(new TimeTrigger(SIX_HOURS, false));
    }

    @Test
    void aOneShotTimeTriggerFiresOnceAfterFreshness() { // SPEC Y1
        BackgroundTaskRegistration reg = register(new TimeTrigger(SIX_HOURS, true));
        h.clock.advance(SIX_HOURS);
        assertThat(runs()).isEqualTo(1);
        finishLast();
        h.clock.advance(SIX_HOURS.multipliedBy(4));
        assertThat(runs()).isEqualTo(1);
        assertThat(bg.allTasks().get(reg.taskId()).nextFireTime()).isEmpty();
    }

    @Test
    void freshnessBelowFifteenMinutesIsRejectedUnlessTheBrokerAllowsShorter() { // SPEC Y1
        assertThatThrownBy(() -> register(new TimeTrigger(Duration.ofMinutes(14), false)))
                .isInstanceOf(InvalidRegistrationException.class).hasMessageContaining("trigger");
        assertThatThrownBy(() -> register(new MaintenanceTrigger(Duration.ofMinutes(1), false)))
                .isInstanceOf(InvalidRegistrationException.class);
        assertThat(bg.allTasks()).isEmpty();
        register(new TimeTrigger(Duration.ofMinutes(15), false));
        h.minimumFreshness = Duration.ofSeconds(10);
        bg.close();
        h.restart();
        bg = h.app(APP);
        register(new TimeTrigger(Duration.ofSeconds(10), false));
        h.clock.advance(Duration.ofSeconds(10));
        assertThat(runs()).isEqualTo(1);
    }

    @Test
    void aMaintenanceFireOnBatteryWaitsForAcPower() { // SPEC Y2
        register(new MaintenanceTrigger(SIX_HOURS, false));
        h.platform.set(HostSignal.AC_POWER, false);
        h.clock.advance(SIX_HOURS.plusHours(1));
        assertThat(runs()).isZero();
        h.platform.set(HostSignal.AC_POWER, true);
        assertThat(runs()).isEqualTo(1);
        finishLast();
        // On AC, it fires on its period like a time trigger; a second power change fires nothing more.
        h.platform.set(HostSignal.AC_POWER, false);
        h.platform.set(HostSignal.AC_POWER, true);
        assertThat(runs()).isEqualTo(1);
        h.clock.advance(SIX_HOURS);
        assertThat(runs()).isEqualTo(2);
    }

    @Test
    void aSystemTriggerFiresOnItsTransitionOnly() { // SPEC Y3
        h.platform.set(HostSignal.INTERNET, false);
        register(new SystemTrigger(SystemTriggerType.INTERNET_AVAILABLE, false));
        h.platform.set(HostSignal.USER_PRESENT, false);
        assertThat(runs()).isZero();
        h.platform.set(HostSignal.INTERNET, true);
        assertThat(runs()).isEqualTo(1);
        finishLast();
        h.platform.set(HostSignal.INTERNET, true);
        assertThat(runs()).isEqualTo(1);
        h.platform.set(HostSignal.INTERNET, false);
        h.platform.set(HostSignal.INTERNET, true);
        assertThat(runs()).isEqualTo(2);
    }

    @Test
    void aSimulatedTransitionCountsAndAOneShotSystemTriggerFiresOnce() { // SPEC Y3
        register(new SystemTrigger(SystemTriggerType.ENERGY_SAVER_OFF, true));
        h.broker().simulate(java.util.Map.of(HostSignal.ENERGY_SAVER, true));
        h.broker().clearSimulation();
        assertThat(runs()).isEqualTo(1);
        finishLast();
        h.broker().simulate(java.util.Map.of(HostSignal.ENERGY_SAVER, true));
        h.broker().clearSimulation();
        assertThat(runs()).isEqualTo(1);
    }

    @Test
    void eachSystemTriggerTypeNamesItsTransition() { // SPEC Y3
        register(new SystemTrigger(SystemTriggerType.USER_AWAY, false));
        register(new SystemTrigger(SystemTriggerType.POWER_STATE_CHANGE, false));
        register(new SystemTrigger(SystemTriggerType.BACKGROUND_WORK_COST_CHANGE, false));
        h.platform.set(HostSignal.USER_PRESENT, false); // USER_AWAY; on AC the cost stays LOW
        assertThat(runs()).isEqualTo(1);
        h.platform.set(HostSignal.AC_POWER, false); // POWER_STATE_CHANGE, and the cost goes LOW → HIGH
        assertThat(runs()).isEqualTo(3);
    }

    @Test
    void aFireWhileAnInstanceIsRunningIsDropped() { // SPEC Y4
        bg.newTask().name("long").command(List.of("/bin/true")).setTrigger(new TimeTrigger(SIX_HOURS, false))
                .limits(dev.bgtasks.spi.ResourceLimits.builder().wallClock(Duration.ofDays(1)).build()).register();
        h.clock.advance(SIX_HOURS);
        assertThat(runs()).isEqualTo(1);
        h.clock.advance(SIX_HOURS.multipliedBy(2));
        assertThat(runs()).isEqualTo(1);
        assertThat(bg.instances()).hasSize(1);
        finishLast();
        h.clock.advance(SIX_HOURS);
        assertThat(runs()).isEqualTo(2);
    }

    @Test
    void aFireMeetsAccessEnergySaverAndConditionsLikeRequestAsync() { // SPEC Y4
        register(new TimeTrigger(SIX_HOURS, false), SystemConditionType.FREE_NETWORK_AVAILABLE);
        h.platform.set(HostSignal.ENERGY_SAVER, true);
        h.clock.advance(SIX_HOURS);
        assertThat(bg.instances()).isEmpty(); // T3: refused, and dropped
        h.platform.set(HostSignal.ENERGY_SAVER, false);
        h.platform.set(HostSignal.UNMETERED_NETWORK, false);
        h.clock.advance(SIX_HOURS);
        assertThat(bg.instances()).singleElement().extracting(i -> i.state()).isEqualTo(InstanceState.PENDING);
        assertThat(runs()).isZero(); // T7: pending until its condition holds
        h.platform.set(HostSignal.UNMETERED_NETWORK, true);
        assertThat(runs()).isEqualTo(1);
        finishLast();
        h.broker().setUserAccess(APP, UserAccessSetting.DENY);
        h.clock.advance(SIX_HOURS);
        assertThat(runs()).isEqualTo(1);
    }

    @Test
    void theNextFireTimeIsStoredAndMissedFiresCoalesceAtTheNextStart() { // SPEC Y5
        BackgroundTaskRegistration reg = register(new TimeTrigger(SIX_HOURS, false));
        Instant due = h.clock.now().plus(SIX_HOURS);
        bg.close();
        h.broker().close();
        h.clock.jump(Duration.ofDays(3)); // no broker ran for 12 periods
        h.restart();
        bg = h.app(APP);
        assertThat(runs()).isEqualTo(1);
        finishLast();
        Instant next = bg.allTasks().get(reg.taskId()).nextFireTime().orElseThrow();
        assertThat(next).isAfter(h.clock.now()).isBeforeOrEqualTo(h.clock.now().plus(SIX_HOURS));
        assertThat(Duration.between(due, next).toHours() % 6).isZero(); // the schedule keeps its phase
        h.clock.advance(Duration.between(h.clock.now(), next));
        assertThat(runs()).isEqualTo(2);
    }

    @Test
    void aSuspendOrAClockSetForwardFiresOnceNotABurst() { // SPEC Y5
        register(new TimeTrigger(SIX_HOURS, false));
        h.clock.jump(Duration.ofDays(2)); // the host slept; the timers did not count it
        h.clock.advance(Duration.ofMinutes(1));
        assertThat(runs()).isEqualTo(1);
        finishLast();
        h.clock.advance(Duration.ofHours(5));
        assertThat(runs()).isEqualTo(1);
    }

    @Test
    void aClockSetBackSkipsNoFire() { // SPEC Y5
        register(new TimeTrigger(SIX_HOURS, false));
        h.clock.jump(Duration.ofDays(-2));
        h.clock.advance(SIX_HOURS.plusMinutes(1));
        assertThat(runs()).isEqualTo(1);
    }
}
