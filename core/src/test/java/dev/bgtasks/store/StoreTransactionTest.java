package dev.bgtasks.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bgtasks.BackgroundAccessStatus;
import dev.bgtasks.InstanceState;
import dev.bgtasks.TaskOutcome;
import dev.bgtasks.TerminationReason;
import dev.bgtasks.UserAccessSetting;
import dev.bgtasks.task.BackgroundTaskCancellationReason;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreTransactionTest {
    private static final String APP = "com.example.notes";

    @TempDir
    Path dir;

    private Path file;
    private Store store;

    @BeforeEach
    void open() {
        file = dir.resolve("bgtasks.db");
        store = Store.open(file);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private void reopen() {
        store.close();
        store = Store.open(file);
    }

    private void write(Consumer<StoreTransaction> work) {
        store.run(work);
    }

    // SPEC R5: registrations persist across restarts, with the same taskIds.
    @Test
    void registrationRoundTripsAcrossReopen() {
        RegistrationRow row = Rows.registration(APP, "", Rows.T0);
        RegistrationRow other = Rows.registration(APP, "sync", Rows.T0.plusMillis(1));
        write(tx -> {
            tx.insertRegistration(row);
            tx.insertRegistration(other);
        });

        reopen();

        assertThat(store.read((StoreTransaction tx) -> tx.registration(row.taskId()))).contains(row);
        assertThat(store.read((StoreTransaction tx) -> tx.registrationForTrigger(APP, "sync"))).contains(other);
        assertThat(store.read((StoreTransaction tx) -> tx.registrations(APP))).containsExactly(row, other);
        assertThat(store.read((StoreTransaction tx) -> tx.registrations("com.example.other"))).isEmpty();
    }

    // SPEC T7, X5, B3: a pending instance and a completion record survive a restart with every field intact.
    @Test
    void instanceRoundTripsEveryFieldAcrossReopen() {
        InstanceRow full = Rows.full(APP, "a", BackgroundTaskCancellationReason.ABORT, TaskOutcome.TERMINATED,
                TerminationReason.KILLED_AFTER_GRACE);
        InstanceRow sparse = InstanceRow.pending(UUID.randomUUID(), UUID.randomUUID(), APP, "b", new byte[0],
                "token-b", Rows.T0);
        write(tx -> {
            tx.insertInstance(full);
            tx.insertInstance(sparse);
        });

        reopen();

        assertThat(store.read((StoreTransaction tx) -> tx.instance(full.instanceId()))).get()
                .usingRecursiveComparison().isEqualTo(full);
        assertThat(store.read((StoreTransaction tx) -> tx.instance(sparse.instanceId()))).get()
                .usingRecursiveComparison().isEqualTo(sparse);
        assertThat(store.read((StoreTransaction tx) -> tx.instanceByRunToken("token-b"))).get()
                .extracting(InstanceRow::instanceId).isEqualTo(sparse.instanceId());
    }

    // SPEC X5, X6: every outcome, termination and cancellation reason is stored by name and read back.
    @Test
    void everyEnumValueRoundTrips() {
        List<InstanceRow> rows = new ArrayList<>();
        BackgroundTaskCancellationReason[] reasons = BackgroundTaskCancellationReason.values();
        for (int i = 0; i < reasons.length; i++) {
            TaskOutcome outcome = TaskOutcome.values()[i % TaskOutcome.values().length];
            TerminationReason termination = TerminationReason.values()[i % TerminationReason.values().length];
            rows.add(Rows.full(APP, "t" + i, reasons[i], outcome, termination));
        }
        for (InstanceState state : InstanceState.values()) {
            InstanceRow pending = Rows.pending(APP, "state-" + state, Rows.T0);
            rows.add(new InstanceRow(pending.instanceId(), pending.taskId(), APP, pending.triggerName(), state,
                    pending.arguments(), 0, pending.runToken(), null, null, null, null, null, null, null, null,
                    Rows.T0, null, null, null, false, null, 1, null));
        }
        write(tx -> rows.forEach(tx::insertInstance));
        write(tx -> {
            for (BackgroundAccessStatus status : BackgroundAccessStatus.values()) {
                tx.setAccessStatus("app-" + status, status);
            }
            for (UserAccessSetting setting : UserAccessSetting.values()) {
                tx.setUserAccessSetting("app-" + setting, setting);
            }
        });

        reopen();

        for (InstanceRow row : rows) {
            assertThat(store.read((StoreTransaction tx) -> tx.instance(row.instanceId()))).get()
                    .usingRecursiveComparison().isEqualTo(row);
        }
        for (BackgroundAccessStatus status : BackgroundAccessStatus.values()) {
            assertThat(store.read((StoreTransaction tx) -> tx.accessStatus("app-" + status))).contains(status);
        }
        for (UserAccessSetting setting : UserAccessSetting.values()) {
            assertThat(store.read((StoreTransaction tx) -> tx.userAccessSetting("app-" + setting))).contains(setting);
        }
    }

    // SPEC A, B3: access decisions and the user's settings persist; set replaces, clear removes.
    @Test
    void accessStatusAndUserSettingAreReplacedAndCleared() {
        write(tx -> {
            tx.setAccessStatus("b.app", BackgroundAccessStatus.DENIED_BY_USER);
            tx.setAccessStatus("a.app", BackgroundAccessStatus.ALWAYS_ALLOWED);
            tx.setAccessStatus("a.app", BackgroundAccessStatus.ALLOWED_SUBJECT_TO_SYSTEM_POLICY);
            tx.setUserAccessSetting("a.app", UserAccessSetting.DENY);
            tx.setUserAccessSetting("a.app", UserAccessSetting.ALWAYS);
        });
        reopen();

        assertThat(store.read(StoreTransaction::appsWithAccessStatus)).containsExactly("a.app", "b.app");
        assertThat(store.read((StoreTransaction tx) -> tx.accessStatus("a.app")))
                .contains(BackgroundAccessStatus.ALLOWED_SUBJECT_TO_SYSTEM_POLICY);
        assertThat(store.read((StoreTransaction tx) -> tx.userAccessSetting("a.app"))).contains(UserAccessSetting.ALWAYS);

        write(tx -> {
            tx.clearAccessStatus("a.app");
            tx.clearUserAccessSetting("a.app");
        });
        assertThat(store.read((StoreTransaction tx) -> tx.accessStatus("a.app"))).isEmpty();
        assertThat(store.read((StoreTransaction tx) -> tx.userAccessSetting("a.app"))).isEmpty();
        assertThat(store.read(StoreTransaction::appsWithAccessStatus)).containsExactly("b.app");
    }

    // SPEC R3: one registration per (app, trigger), enforced by the database; free again after delete.
    @Test
    void secondRegistrationForATriggerSlotIsRejectedUntilTheFirstIsDeleted() {
        RegistrationRow first = Rows.registration(APP, "", Rows.T0);
        write(tx -> tx.insertRegistration(first));

        RegistrationRow second = Rows.registration(APP, "", Rows.T0.plusSeconds(1));
        assertThatThrownBy(() -> write(tx -> tx.insertRegistration(second)))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("trigger slot already registered")
                .hasMessageContaining(file.toString());
        write(tx -> tx.insertRegistration(Rows.registration("com.example.other", "", Rows.T0)));
        write(tx -> tx.insertRegistration(Rows.registration(APP, "other-trigger", Rows.T0)));

        assertThat(store.write((StoreTransaction tx) -> tx.deleteRegistration(first.taskId()))).isTrue();
        assertThat(store.write((StoreTransaction tx) -> tx.deleteRegistration(first.taskId()))).isFalse();
        write(tx -> tx.insertRegistration(second));
        assertThat(store.read((StoreTransaction tx) -> tx.registrationForTrigger(APP, ""))).contains(second);
    }

    @Test
    void duplicateTaskIdIsRejected() {
        RegistrationRow row = Rows.registration(APP, "a", Rows.T0);
        write(tx -> tx.insertRegistration(row));
        RegistrationRow sameId = new RegistrationRow(row.taskId(), APP, "x", "b", "{}", Rows.T0);

        assertThatThrownBy(() -> write(tx -> tx.insertRegistration(sameId)))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("registration " + row.taskId() + " already exists");
    }

    // SPEC T4: one pending-or-running instance per trigger slot, held by the database.
    @Test
    void secondActiveInstanceIsRejectedUntilTheFirstCompletes() {
        InstanceRow first = Rows.pending(APP, "sync", Rows.T0);
        write(tx -> tx.insertInstance(first));
        InstanceRow second = Rows.pending(APP, "sync", Rows.T0.plusSeconds(1));

        assertThatThrownBy(() -> write(tx -> tx.insertInstance(second)))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("an instance of trigger 'sync' of app '" + APP + "' is already pending or running")
                .hasMessageContaining(file.toString());

        write(tx -> tx.updateInstance(first.started(42, Rows.T0.plusMillis(5))));
        assertThatThrownBy(() -> write(tx -> tx.insertInstance(second))).isInstanceOf(StoreException.class);
        write(tx -> tx.insertInstance(Rows.pending(APP, "other", Rows.T0)));
        write(tx -> tx.insertInstance(Rows.pending("com.example.other", "sync", Rows.T0)));

        write(tx -> tx.updateInstance(Rows.completed(first.started(42, Rows.T0), Rows.T0.plusSeconds(1))));
        write(tx -> tx.insertInstance(second));
        assertThat(store.read((StoreTransaction tx) -> tx.activeInstance(APP, "sync"))).get()
                .extracting(InstanceRow::instanceId).isEqualTo(second.instanceId());
    }

    // SPEC T4: an update cannot bring a completed instance back beside an active one.
    @Test
    void updateCannotCreateASecondActiveInstance() {
        InstanceRow done = Rows.completed(Rows.pending(APP, "sync", Rows.T0), Rows.T0.plusSeconds(1));
        InstanceRow active = Rows.pending(APP, "sync", Rows.T0.plusSeconds(2));
        write(tx -> {
            tx.insertInstance(done);
            tx.insertInstance(active);
        });
        InstanceRow revived = done.started(1, Rows.T0.plusSeconds(3));

        assertThatThrownBy(() -> write(tx -> tx.updateInstance(revived)))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("is already pending or running");
        assertThat(store.read((StoreTransaction tx) -> tx.instance(done.instanceId()))).get()
                .extracting(InstanceRow::state).isEqualTo(InstanceState.COMPLETED);
    }

    @Test
    void updateOfAnUnknownInstanceFails() {
        assertThatThrownBy(() -> write(tx -> tx.updateInstance(Rows.pending(APP, "x", Rows.T0))))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("it is not stored");
    }

    // SPEC S2: a run token identifies one instance only.
    @Test
    void duplicateRunTokenIsRejected() {
        InstanceRow first = Rows.pending(APP, "a", Rows.T0);
        write(tx -> tx.insertInstance(first));
        InstanceRow sameToken = InstanceRow.pending(UUID.randomUUID(), UUID.randomUUID(), APP, "b", new byte[0],
                first.runToken(), Rows.T0);

        assertThatThrownBy(() -> write(tx -> tx.insertInstance(sameToken)))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("run token");
    }

    // SPEC R8: an instance outlives its registration (unregister(false) lets it finish).
    @Test
    void instanceOutlivesItsRegistration() {
        RegistrationRow registration = Rows.registration(APP, "sync", Rows.T0);
        InstanceRow pending = Rows.pending(APP, "sync", Rows.T0);
        InstanceRow running = InstanceRow.pending(pending.instanceId(), registration.taskId(), APP, "sync",
                pending.arguments(), pending.runToken(), Rows.T0).started(7, Rows.T0);
        write(tx -> {
            tx.insertRegistration(registration);
            tx.insertInstance(running);
        });

        write(tx -> tx.deleteRegistration(registration.taskId()));
        write(tx -> tx.updateInstance(Rows.completed(running, Rows.T0.plusSeconds(1))));

        assertThat(store.read((StoreTransaction tx) -> tx.instance(running.instanceId()))).get()
                .extracting(InstanceRow::taskId, InstanceRow::state)
                .containsExactly(registration.taskId(), InstanceState.COMPLETED);
    }

    @Test
    void activeInstanceIgnoresCompletedOnes() {
        InstanceRow done = Rows.completed(Rows.pending(APP, "sync", Rows.T0), Rows.T0);
        write(tx -> tx.insertInstance(done));

        assertThat(store.read((StoreTransaction tx) -> tx.activeInstance(APP, "sync"))).isEmpty();
    }

    @Test
    void instanceListsAreOrderedByRequestTime() {
        // Whole and fractional seconds mixed: text order of the stored instants must still be time order.
        InstanceRow late = Rows.pending(APP, "c", Rows.T0.plusSeconds(1).minusNanos(Rows.T0.getNano()));
        InstanceRow early = Rows.pending(APP, "a", Instant.parse("2026-03-01T10:15:30Z"));
        InstanceRow middle = Rows.pending(APP, "b", Instant.parse("2026-03-01T10:15:30.5Z"));
        InstanceRow running = Rows.pending(APP, "d", Rows.T0).started(1, Rows.T0);
        write(tx -> List.of(late, early, middle, running).forEach(tx::insertInstance));

        assertThat(store.read((StoreTransaction tx) -> tx.instancesInState(InstanceState.PENDING)))
                .extracting(InstanceRow::instanceId)
                .containsExactly(early.instanceId(), middle.instanceId(), late.instanceId());
        assertThat(store.read((StoreTransaction tx) -> tx.instances(APP, 3)))
                .extracting(InstanceRow::instanceId)
                .containsExactly(late.instanceId(), middle.instanceId(), running.instanceId());
        assertThat(store.read((StoreTransaction tx) -> tx.instances(APP, 0))).isEmpty();
        assertThat(store.read((StoreTransaction tx) -> tx.instancesInState(InstanceState.RUNNING)))
                .extracting(InstanceRow::instanceId).containsExactly(running.instanceId());
    }

    @Test
    void registrationsAreListedOldestFirst() {
        RegistrationRow newer = Rows.registration(APP, "b", Instant.parse("2026-03-01T10:15:31Z"));
        RegistrationRow older = Rows.registration(APP, "a", Instant.parse("2026-03-01T10:15:30.999Z"));
        RegistrationRow sameTimeAsNewer = Rows.registration(APP, "c", newer.registeredAt());
        write(tx -> List.of(newer, older, sameTimeAsNewer).forEach(tx::insertRegistration));

        assertThat(store.read((StoreTransaction tx) -> tx.registrations(APP))).containsExactly(older, newer, sameTimeAsNewer);
    }

    // SPEC X5: an undelivered completion is handed out once, oldest end first, then disappears.
    @Test
    void undeliveredCompletionsAreDeliveredOnce() {
        InstanceRow endsLast = Rows.completed(Rows.pending(APP, "a", Rows.T0), Rows.T0.plusSeconds(30));
        InstanceRow endsFirst = Rows.completed(Rows.pending(APP, "b", Rows.T0.plusSeconds(1)),
                Rows.T0.plusSeconds(10));
        InstanceRow stillRunning = Rows.pending(APP, "c", Rows.T0).started(3, Rows.T0);
        InstanceRow otherApp = Rows.completed(Rows.pending("com.example.other", "a", Rows.T0), Rows.T0);
        write(tx -> List.of(endsLast, endsFirst, stillRunning, otherApp).forEach(tx::insertInstance));

        assertThat(store.read((StoreTransaction tx) -> tx.undeliveredCompletions(APP)))
                .extracting(InstanceRow::instanceId)
                .containsExactly(endsFirst.instanceId(), endsLast.instanceId());

        assertThat(store.write((StoreTransaction tx) -> tx.markDelivered(endsFirst.instanceId()))).isTrue();
        assertThat(store.write((StoreTransaction tx) -> tx.markDelivered(endsFirst.instanceId()))).isFalse();
        assertThat(store.write((StoreTransaction tx) -> tx.markDelivered(stillRunning.instanceId()))).isFalse();
        assertThat(store.write((StoreTransaction tx) -> tx.markDelivered(UUID.randomUUID()))).isFalse();

        reopen();
        assertThat(store.read((StoreTransaction tx) -> tx.undeliveredCompletions(APP)))
                .extracting(InstanceRow::instanceId).containsExactly(endsLast.instanceId());
        assertThat(store.read((StoreTransaction tx) -> tx.instance(endsFirst.instanceId()))).get()
                .extracting(InstanceRow::delivered).isEqualTo(true);
    }

    // SPEC B4: a write is all or nothing.
    @Test
    void writeWhoseCallbackThrowsLeavesNothingBehind() {
        RegistrationRow row = Rows.registration(APP, "", Rows.T0);
        IllegalStateException failure = new IllegalStateException("callback failed");

        assertThatThrownBy(() -> write(tx -> {
            tx.insertRegistration(row);
            tx.setAccessStatus(APP, BackgroundAccessStatus.ALWAYS_ALLOWED);
            throw failure;
        })).isSameAs(failure);

        assertThat(store.read((StoreTransaction tx) -> tx.registration(row.taskId()))).isEmpty();
        assertThat(store.read((StoreTransaction tx) -> tx.accessStatus(APP))).isEmpty();
        write(tx -> tx.insertRegistration(row));
        assertThat(store.read((StoreTransaction tx) -> tx.registration(row.taskId()))).contains(row);
    }

    @Test
    void aConflictCaughtInsideTheCallbackKeepsTheRestOfTheTransaction() {
        InstanceRow first = Rows.pending(APP, "sync", Rows.T0);
        write(tx -> tx.insertInstance(first));

        write(tx -> {
            tx.setAccessStatus(APP, BackgroundAccessStatus.ALWAYS_ALLOWED);
            assertThatThrownBy(() -> tx.insertInstance(Rows.pending(APP, "sync", Rows.T0)))
                    .isInstanceOf(StoreException.class);
        });

        assertThat(store.read((StoreTransaction tx) -> tx.accessStatus(APP))).contains(BackgroundAccessStatus.ALWAYS_ALLOWED);
    }

    @Test
    void readThatTriesToWriteThrowsAndWritesNothing() {
        RegistrationRow row = Rows.registration(APP, "", Rows.T0);

        assertThatThrownBy(() -> store.read(tx -> {
            tx.insertRegistration(row);
            return null;
        })).isInstanceOf(StoreException.class).hasMessageContaining("Store.write");
        assertThatThrownBy(() -> store.read(tx -> tx.markDelivered(UUID.randomUUID())))
                .isInstanceOf(StoreException.class);

        assertThat(store.read((StoreTransaction tx) -> tx.registrations(APP))).isEmpty();
    }

    @Test
    void transactionIsUnusableAfterItsCallback() {
        AtomicReference<StoreTransaction> leaked = new AtomicReference<>();
        store.write(tx -> {
            leaked.set(tx);
            return null;
        });

        assertThatThrownBy(() -> leaked.get().registrations(APP))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("outside");
    }

    @Test
    void nestedTransactionIsRefused() {
        assertThatThrownBy(() -> store.write(tx -> store.read(inner -> inner.registrations(APP))))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("inside another transaction");
        write(tx -> tx.insertRegistration(Rows.registration(APP, "", Rows.T0)));
    }

    // SPEC T4 under concurrency: 16 threads race for one slot, exactly one instance is stored.
    @Test
    void concurrentInsertsForOneSlotLetExactlyOneThrough() throws Exception {
        int threads = 16;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Boolean>> results = new ArrayList<>();
        try {
            for (int i = 0; i < threads; i++) {
                InstanceRow row = Rows.pending(APP, "sync", Rows.T0.plusMillis(i));
                Callable<Boolean> attempt = () -> {
                    start.await();
                    try {
                        write(tx -> tx.insertInstance(row));
                        return true;
                    } catch (StoreException e) {
                        return false;
                    }
                };
                results.add(pool.submit(attempt));
            }
            start.countDown();
            int succeeded = 0;
            for (Future<Boolean> result : results) {
                succeeded += result.get(30, TimeUnit.SECONDS) ? 1 : 0;
            }
            assertThat(succeeded).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(store.read((StoreTransaction tx) -> tx.instancesInState(InstanceState.PENDING))).hasSize(1);
    }

    @Test
    void fullDiskIsReportedAsSuch() {
        store.pragma("max_page_count = " + store.pragma("page_count"));
        InstanceRow big = InstanceRow.pending(UUID.randomUUID(), UUID.randomUUID(), APP, "big",
                new byte[1024 * 1024], "token-big", Rows.T0);

        assertThatThrownBy(() -> write(tx -> tx.insertInstance(big)))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("disk is full");
        assertThat(store.read((StoreTransaction tx) -> tx.instance(big.instanceId()))).isEmpty();
    }

    @Test
    void aStatementThatFailedIsPreparedAfreshAndTheSameChangeWorksOnceThereIsRoom() {
        // Statements are cached per connection; one SQLite refused to finish must not poison later calls.
        String pages = store.pragma("page_count");
        store.pragma("max_page_count = " + pages);
        InstanceRow big = InstanceRow.pending(UUID.randomUUID(), UUID.randomUUID(), APP, "big",
                new byte[1024 * 1024], "token-big", Rows.T0);
        assertThatThrownBy(() -> write(tx -> tx.insertInstance(big))).isInstanceOf(StoreException.class);

        store.pragma("max_page_count = 1073741823");
        write(tx -> tx.insertInstance(big));
        assertThat(store.read((StoreTransaction tx) -> tx.instance(big.instanceId()))).isPresent();
    }

    @Test
    void negativeLimitIsRejected() {
        assertThatThrownBy(() -> store.read(tx -> tx.instances(APP, -1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aRidingWriteIsCommittedAndCountedApartThenDurableCommitsResume() { // SPEC B4 (amended)
        RegistrationRow row = Rows.registration(APP, "", Rows.T0);
        write(tx -> tx.insertRegistration(row));
        InstanceRow pending = InstanceRow.pending(UUID.randomUUID(), row.taskId(), APP, "", new byte[0], "token",
                Rows.T0);
        write(tx -> tx.insertInstance(pending));
        assertThat(store.commits()).isEqualTo(new Store.Commits(2, 0));

        InstanceRow running = pending.started(4242, Rows.T0.plusSeconds(1));
        store.writeRiding(tx -> tx.updateInstance(running));
        assertThat(store.commits()).isEqualTo(new Store.Commits(2, 1));
        assertThat(store.read((StoreTransaction tx) -> tx.instance(pending.instanceId())).orElseThrow().pid())
                .isEqualTo(4242L);
        assertThat(store.synchronousSetting()).as("FULL again").isEqualTo("2");

        // A failed riding write rolls back and leaves durable commits on.
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.writeRiding(tx -> {
            throw new IllegalStateException("boom");
        })).hasMessage("boom");
        assertThat(store.synchronousSetting()).isEqualTo("2");
        reopen();
        InstanceRow stored = store.read((StoreTransaction tx) -> tx.instance(pending.instanceId())).orElseThrow();
        assertThat(stored.state()).isEqualTo(dev.bgtasks.InstanceState.RUNNING);
        assertThat(stored.pid()).isEqualTo(4242L);
    }
}
