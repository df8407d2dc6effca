package dev.bgtasks.bench.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 8, scenario 1: the store passes PRAGMA integrity_check, read without writing to it. */
class StoreCheckTest {
    private static Path database(Path dir) throws Exception {
        Path file = dir.resolve("bgtasks.db");
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE instances (instance_id TEXT PRIMARY KEY, run_token TEXT NOT NULL)");
            statement.execute("CREATE INDEX by_token ON instances (run_token)");
            statement.execute("BEGIN");
            for (int i = 0; i < 2000; i++) {
                statement.execute("INSERT INTO instances VALUES ('i" + i + "', 'token" + i + "')");
            }
            statement.execute("COMMIT");
        }
        return file;
    }

    @Test
    void aSoundFilePassesAndItsTokensAreRead(@TempDir Path dir) throws Exception {
        Path file = database(dir);
        long size = Files.size(file);

        assertThat(StoreCheck.integrityProblems(file)).isEmpty();
        assertThat(StoreCheck.runTokens(file)).hasSize(2000).contains("token0", "token1999");
        assertThat(Files.size(file)).isEqualTo(size);
    }

    @Test
    void aDamagedFileIsReported(@TempDir Path dir) throws Exception {
        Path file = database(dir);
        try (RandomAccessFile raw = new RandomAccessFile(file.toFile(), "rw")) {
            // Page 3 onwards: the table and index b-trees, past the header and schema page.
            raw.seek(2 * 4096 + 100);
            raw.write(new byte[4096 * 3]);
        }

        assertThat(StoreCheck.integrityProblems(file)).isNotEmpty()
                .allSatisfy(problem -> assertThat(problem).contains(file.toString()));
    }

    @Test
    void aMissingFileIsReportedNotCreated(@TempDir Path dir) {
        Path file = dir.resolve("absent.db");

        assertThat(StoreCheck.integrityProblems(file)).singleElement().asString().contains("does not exist");
        assertThat(file).doesNotExist();
    }
}
