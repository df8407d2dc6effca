package dev.bgtasks.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * picocli is compiled in this module from its published sources (cli/pom.xml, issue 18): the version the build
 * names, as class files of this build's release, which the JVM verifies once, when a class-data archive is dumped,
 * rather than with its old verifier at each start, as it did the jar's Java 5 class files.
 */
class PicocliBuildTest {
    /** The class file version of Java 17, the release bgtasks is built for. */
    private static final int JAVA_17 = 61;

    @Test
    void picocliIsTheVersionTheBuildNames() {
        assertThat(System.getProperty("picocli.version")).as("set by cli/pom.xml for this test").isNotBlank();
        assertThat(CommandLine.VERSION).isEqualTo(System.getProperty("picocli.version"));
    }

    @Test
    void picocliClassesAreClassFilesOfThisBuildsRelease() throws IOException {
        for (Class<?> type : new Class<?>[] {CommandLine.class, CommandLine.Model.CommandSpec.class,
                CommandLine.Model.OptionSpec.Builder.class, picocli.AutoComplete.class}) {
            assertThat(majorVersion(type)).as("class file version of %s", type.getName())
                    .isGreaterThanOrEqualTo(JAVA_17);
        }
    }

    @Test
    void picocliLivesWithTheCommandsItParses() {
        // One copy of picocli: the module's own, from the same place as the commands (no picocli jar beside it).
        assertThat(CommandLine.class.getProtectionDomain().getCodeSource().getLocation())
                .isEqualTo(Bgtask.class.getProtectionDomain().getCodeSource().getLocation());
    }

    private static int majorVersion(Class<?> type) throws IOException {
        String resource = type.getName().substring(type.getPackageName().length() + 1) + ".class";
        try (InputStream in = type.getResourceAsStream(resource)) {
            assertThat(in).as("the class file of %s", type.getName()).isNotNull();
            DataInputStream data = new DataInputStream(in);
            assertThat(data.readInt()).isEqualTo(0xCAFEBABE);
            data.readUnsignedShort();
            return data.readUnsignedShort();
        }
    }
}
