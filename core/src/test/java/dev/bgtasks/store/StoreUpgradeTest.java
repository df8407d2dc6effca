package dev.bgtasks.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bgtasks.InstanceState;
import dev.bgtasks.TaskOutcome;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPEC B3, B7 across an upgrade: a store written by the version before retention (schema 1, {@code v1-store.db},
 * made by {@link V1FixtureMaker}) opens migrated forward with nothing lost.
 */
class StoreUpgradeTest {
    @TempDir
    Path dir;

    private Path fixture() throws IOException {
        Path file = dir.resolve("bgtasks.db");
        try (InputStream in = StoreUpgradeTest.class.getResourceAsStream("v1-store.db")) {
            Files.copy(in, file);
        }
        return file;
    }

    @Test
    void aSchemaOneFileIsMigratedWithPendingInstancesAndUndeliveredCompletionsKept() throws IOException { // B3, B7
        Path file = fixture();
        try (Store store = Store.open(file)) {
            assertThat(store.pragma("user_version")).isEqualTo(Integer.toString(Schema.latestVersion()));
            assertThat(store.pragma("auto_vacuum")).isEqualTo(Schema.INCREMENTAL);
            assertThat(store.integrityOk()).isTrue();
            store.read(tx -> {
                assertThat(tx.registrations("com.example.notes")).extracting(RegistrationRow::name)
                        .containsExactly("export", "upload");
                assertThat(tx.registrations("com.example.mail")).extracting(RegistrationRow::name)
                        .containsExactly("fetch");
                assertThat(tx.instancesInState(InstanceState.PENDING)).singleElement()
                        .satisfies(row -> assertThat(row.triggerName()).isEqualTo("upload"));
                assertThat(tx.undeliveredCompletions("com.example.notes")).singleElement()
                        .satisfies(row -> assertThat(row.outcome()).isEqualTo(TaskOutcome.SUCCEEDED));
                assertThat(tx.undeliveredCompletions("com.example.mail")).singleElement().satisfies(row -> {
                    assertThat(row.outcome()).isEqualTo(TaskOutcome.FAILED);
                    assertThat(row.exitCode()).isEqualTo(7);
                });
                assertThat(tx.instances("com.example.notes", 100)).hasSize(6);
                return null;
            });
        }
        // Opened again: nothing is migrated twice.
        try (Store store = Store.open(file)) {
            assertThat((List<?>) store.read(tx -> tx.instances("com.example.notes", 100))).hasSize(6);
        }
    }

    @Test
    void afterTheUpgradeRetentionKeepsPendingAndUndeliveredInstances() throws IOException { // B7
        try (Store store = Store.open(fixture())) {
            // Keep none of the ended ones, nothing is too old: only the delivered completions may go.
            List<EndedInstance> dropped = store.read(tx -> tx.instancesToPrune(0, Instant.EPOCH, 100));
            assertThat(dropped).hasSize(4).allSatisfy(e -> assertThat(e.delivered()).isTrue());
            store.run(tx -> tx.deleteEndedInstances(dropped.stream().map(EndedInstance::instanceId).toList()));
            store.read(tx -> {
                assertThat(tx.instancesInState(InstanceState.PENDING)).hasSize(1);
                assertThat(tx.undeliveredCompletions("com.example.notes")).hasSize(1);
                assertThat(tx.undeliveredCompletions("com.example.mail")).hasSize(1);
                return null;
            });
        }
    }
}
