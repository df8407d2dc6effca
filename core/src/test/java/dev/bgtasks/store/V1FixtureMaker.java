package dev.bgtasks.store;

import dev.bgtasks.BackgroundTaskRegistration;
import dev.bgtasks.BackgroundTasks;
import dev.bgtasks.SystemCondition;
import dev.bgtasks.SystemConditionType;
import dev.bgtasks.spi.HostSignal;
import dev.bgtasks.testing.BrokerHarness;
import dev.bgtasks.testing.FakePlatform;
import dev.bgtasks.testing.FakeClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How {@code v1-store.db} (the upgrade fixture of {@link StoreUpgradeTest}) was made: with the code of commit
 * 1b7b221, schema version 1, before retention existed. Running it now makes a file of the current version, so it is
 * disabled; it stays as the record of what the fixture holds.
 */
@Disabled("made src/test/resources/dev/bgtasks/store/v1-store.db with the code of commit 1b7b221 (schema 1)")
class V1FixtureMaker {
    @TempDir
    Path dir;

    @Test
    void make() throws Exception {
        FakePlatform platform = FakePlatform.withGoodConditions();
        FakeClock clock = new FakeClock(Instant.parse("2026-01-10T09:00:00Z"));
        try (BrokerHarness h = new BrokerHarness(dir, platform, clock)) {
            h.broker().requestAccess("com.example.notes");
            h.broker().requestAccess("com.example.mail");
            try (BackgroundTasks notes = h.app("com.example.notes"); BackgroundTasks mail = h.app("com.example.mail")) {
                // Five ended instances of "export", the first four seen by a listener, the last one not.
                BackgroundTaskRegistration export = notes.newTask().name("export").command(List.of("/bin/true"))
                        .setTrigger(notes.applicationTrigger("export")).register();
                AutoCloseable listening = export.onCompleted(done -> { });
                for (int i = 0; i < 5; i++) {
                    if (i == 4) {
                        listening.close();
                    }
                    notes.applicationTrigger("export").requestAsync().join();
                    clock.advance(Duration.ofMinutes(1));
                    platform.lastProcess().exit(i == 2 ? 3 : 0);
                    clock.advance(Duration.ofHours(1));
                }
                // One pending instance waiting for the internet.
                notes.newTask().name("upload").command(List.of("/bin/true"))
                        .addCondition(new SystemCondition(SystemConditionType.INTERNET_AVAILABLE))
                        .setTrigger(notes.applicationTrigger("upload")).register();
                platform.set(HostSignal.INTERNET, false);
                notes.applicationTrigger("upload").requestAsync().join();
                // Another app: one undelivered failure.
                mail.newTask().name("fetch").command(List.of("/bin/true"))
                        .setTrigger(mail.applicationTrigger()).register();
                mail.applicationTrigger().requestAsync().join();
                clock.advance(Duration.ofSeconds(30));
                platform.lastProcess().exit(7);
            }
        }
        Path target = Path.of(System.getProperty("fixture.out", "target/v1-store.db"));
        Files.copy(dir.resolve("state").resolve("bgtasks.db"), target, StandardCopyOption.REPLACE_EXISTING);
    }
}
