package dev.bgtasks.bench.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The soak's measure and its verdict (issue 14, SPEC B7): flat from the middle to the end, within the bounds. */
class SoakSampleTest {
    @TempDir
    Path dir;

    @Test
    void countsTheWalApartFromTheDataItFills() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Files.write(data.resolve("bgtasks.db"), new byte[4096]);
        Files.write(data.resolve("bgtasks.db-wal"), new byte[1000]);
        Files.write(data.resolve("bgtasks.db-shm"), new byte[32768]);
        Files.write(Files.createDirectories(data.resolve("runs")).resolve("a.log"), new byte[10]);
        Files.write(Files.createDirectories(dir.resolve("logs")).resolve("broker.log"), new byte[77]);

        SoakSample sample = SoakSample.take(5, data, dir.resolve("logs"), 123);

        assertThat(sample).isEqualTo(new SoakSample(5, 4106, 1000, 4, 77, 123));
    }

    @Test
    void growthOfMoreThanTenPercentFromTheMiddleToTheEndFails() {
        SoakSample middle = new SoakSample(50, 1000, 0, 100, 10, 50_000);
        assertThat(SoakSample.problems(middle, new SoakSample(100, 1100, 4000, 110, 20, 55_000), 5000, 100))
                .isEmpty();
        assertThat(SoakSample.problems(middle, new SoakSample(100, 1101, 0, 111, 20, 55_001), 5000, 100))
                .hasSize(3).anySatisfy(p -> assertThat(p).startsWith("data directory bytes grew 10.1 %"));
        assertThat(SoakSample.problems(middle, new SoakSample(100, 1000, 6000, 100, 200, 50_000), 5000, 100))
                .hasSize(2).anySatisfy(p -> assertThat(p).contains("the WAL holds 6000 bytes"))
                .anySatisfy(p -> assertThat(p).contains("the broker log holds 200 bytes"));
    }
}
