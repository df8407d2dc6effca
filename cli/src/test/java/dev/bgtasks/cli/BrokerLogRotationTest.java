package dev.bgtasks.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bgtasks.daemon.BrokerLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SPEC B7: the broker log rotates by size and keeps a bounded number of files, with logback as the bgtask jar has it. */
class BrokerLogRotationTest {
    @TempDir
    Path dir;

    @Test
    void theBrokerLogRotatesAtItsSizeAndKeepsItsNumberOfFiles() throws Exception { // SPEC B7
        assertThat(BrokerLog.rotationAvailable(getClass().getClassLoader())).isTrue();
        Path log = dir.resolve("broker.log");
        BrokerLog bounds = new BrokerLog(64 * 1024, 3);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString()));
        command.addAll(bounds.jvmOptions(log));
        command.add("-Dbgtasks.log.checkMillis=5");
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), LogSpammer.class.getName(), "6000"));
        Process spammer = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("stdio.txt").toFile()).start();
        assertThat(spammer.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(spammer.exitValue()).as(Files.readString(dir.resolve("stdio.txt"))).isZero();

        List<String> names;
        try (Stream<Path> files = Files.list(dir)) {
            names = files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("broker.log")).sorted()
                    .toList();
        }
        assertThat(names).containsExactly("broker.log", "broker.log.1", "broker.log.2");
        for (String name : names) {
            // logback looks at the size every few milliseconds here, so a file may pass the bound by a little.
            assertThat(Files.size(dir.resolve(name))).as(name).isLessThan(2 * 64 * 1024);
        }
        assertThat(Files.readString(log)).contains("INFO Broker - line 5999 x").doesNotContain("line 0 ");
        assertThat(Files.readString(dir.resolve("stdio.txt"))).doesNotContain("SLF4J(W)");
    }
}
