package dev.bgtasks.bench.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bgtasks.broker.RegistrationInfo;
import dev.bgtasks.broker.TaskDefinition;
import dev.bgtasks.broker.TaskTarget;
import dev.bgtasks.spi.ResourceLimits;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Issue 8, scenario 1: after a SIGKILL every registration is intact (SPEC B4: answered means stored). */
class RegistrationLedgerTest {
    private static final String APP = "dev.bgtasks.test";

    private static TaskDefinition definition(String slot, String seconds) {
        return new TaskDefinition("t-" + slot, slot, new TaskTarget.Command(List.of("/bin/sleep", seconds)), Set.of(),
                false, ResourceLimits.defaults(), false, null, null);
    }

    private static RegistrationInfo info(UUID id, TaskDefinition definition) {
        return new RegistrationInfo(id, APP, Instant.EPOCH, definition);
    }

    @Test
    void acknowledgedRegistrationsThatSurviveIntactAreFine() {
        RegistrationLedger ledger = new RegistrationLedger();
        RegistrationInfo a = info(UUID.randomUUID(), definition("a", "1"));
        ledger.registering(a.definition());
        ledger.registered(a);

        assertThat(ledger.reconcile(List.of(a))).isEmpty();
    }

    @Test
    void aMissingOrChangedAcknowledgedRegistrationIsAViolation() {
        RegistrationLedger ledger = new RegistrationLedger();
        RegistrationInfo a = info(UUID.randomUUID(), definition("a", "1"));
        RegistrationInfo b = info(UUID.randomUUID(), definition("b", "1"));
        ledger.registered(a);
        ledger.registered(b);

        List<String> problems = ledger.reconcile(List.of(info(b.taskId(), definition("b", "2"))));

        assertThat(problems).hasSize(2);
        assertThat(problems.get(0)).contains("acknowledged registration " + a.taskId() + " is missing");
        assertThat(problems.get(1)).contains("registration " + b.taskId() + " changed");
    }

    @Test
    void aCallCutOffByTheKillMayLandEitherWayButOnlyAsSent() {
        TaskDefinition sent = definition("c", "1");
        RegistrationLedger landed = new RegistrationLedger();
        landed.registering(sent);
        UUID id = UUID.randomUUID();
        assertThat(landed.reconcile(List.of(info(id, sent)))).isEmpty();
        // Settled: from now on it is an acknowledged registration.
        assertThat(landed.live()).containsExactly(id);
        assertThat(landed.reconcile(List.of())).singleElement().asString().contains("is missing");

        RegistrationLedger lost = new RegistrationLedger();
        lost.registering(sent);
        assertThat(lost.reconcile(List.of())).isEmpty();
        assertThat(lost.live()).isEmpty();

        RegistrationLedger garbled = new RegistrationLedger();
        garbled.registering(sent);
        assertThat(garbled.reconcile(List.of(info(UUID.randomUUID(), definition("c", "9")))))
                .singleElement().asString().contains("not what was sent");
    }

    @Test
    void registrationsNobodyAskedForAndUnregistrationsThatComeBackAreViolations() {
        RegistrationLedger ledger = new RegistrationLedger();
        RegistrationInfo a = info(UUID.randomUUID(), definition("a", "1"));
        ledger.registered(a);
        ledger.unregistering(a.taskId());
        ledger.unregistered(a.taskId(), true);

        List<String> problems = ledger.reconcile(List.of(a, info(UUID.randomUUID(), definition("z", "1"))));

        assertThat(problems).anyMatch(p -> p.contains("unregistration of " + a.taskId() + " did not hold"))
                .anyMatch(p -> p.contains("was never asked for"));
    }

    @Test
    void twoRegistrationsInOneSlotAreAViolation() {
        RegistrationLedger ledger = new RegistrationLedger();
        RegistrationInfo a = info(UUID.randomUUID(), definition("a", "1"));
        ledger.registered(a);
        ledger.registering(definition("a", "1"));

        assertThat(ledger.reconcile(List.of(a, info(UUID.randomUUID(), definition("a", "1")))))
                .anyMatch(p -> p.contains("two registrations in trigger slot \"a\""));
    }

    @Test
    void anUnregistrationInDoubtMayHaveHappened() {
        RegistrationLedger ledger = new RegistrationLedger();
        RegistrationInfo a = info(UUID.randomUUID(), definition("a", "1"));
        ledger.registered(a);
        ledger.unregistering(a.taskId());

        assertThat(ledger.reconcile(List.of())).isEmpty();
        assertThat(ledger.live()).isEmpty();
        assertThat(ledger.reconcile(List.of(a))).singleElement().asString().contains("did not hold");
    }
}
