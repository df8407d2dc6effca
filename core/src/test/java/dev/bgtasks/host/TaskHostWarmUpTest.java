package dev.bgtasks.host;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bgtasks.launch.JavaLauncher;
import dev.bgtasks.launch.JavaStartArchives;
import dev.bgtasks.task.BackgroundTask;
import dev.bgtasks.task.BackgroundTaskInstance;
import java.nio.channels.spi.SelectorProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The task host's warm-up, the training run of the broker's start archive: it walks the host's start path
 * without a broker and never runs the app's code. The native tests train a real archive from it.
 */
class TaskHostWarmUpTest {
    static volatile boolean initialized;

    /** An entry point whose static initializer would show that the warm-up ran app code. */
    public static final class InitializerTask implements BackgroundTask {
        static {
            initialized = true;
        }

        @Override
        public void run(BackgroundTaskInstance task) {
        }
    }

    @Test
    void theWarmUpSucceedsWithoutABrokerAndLoadsTheEntryClassWithoutInitializingIt() throws Exception {
        int exit = TaskHost.run(new String[] {"--warm-up", InitializerTask.class.getName()}, Map.of());
        assertThat(exit).isEqualTo(TaskHost.EXIT_SUCCESS);
        assertThat(initialized).isFalse();
        // The class was loaded by the warm-up; initializing it now proves the flag can turn true.
        Class.forName(InitializerTask.class.getName(), true, getClass().getClassLoader());
        assertThat(initialized).isTrue();
    }

    @Test
    void theWarmUpWalksAWholeColdStartAgainstAStandInBroker() {
        // Issue 15: the training run attaches, runs the host's own task and reports its result, as a cold start does,
        // so the archive holds the connection's classes; a failure would only be warned of, so it is asked here.
        assertThat(TaskHost.warmColdStart()).isTrue();
    }

    @Test
    void theTrainingLeavesTheJdksOwnSelectorProviderWhenTheClasspathNamesNone(@TempDir Path dir) throws Exception {
        // Issue 15: no provider is named as a service on this classpath, so the JDK falls back to its own.
        Path file = dir.resolve("key.selector-provider");
        TaskHost.recordSelectorProvider(file);
        assertThat(Files.readString(file)).isEqualTo(SelectorProvider.provider().getClass().getName());
        assertThat(JavaStartArchives.SELECTOR_PROVIDER_FILE_PROPERTY)
                .isEqualTo(TaskHost.SELECTOR_PROVIDER_FILE_PROPERTY);
    }

    @Test
    void aMissingEntryClassFailsTheWarmUp() {
        int exit = TaskHost.run(new String[] {"--warm-up", "tasks.Missing"}, Map.of());
        assertThat(exit).isEqualTo(TaskHost.EXIT_CANNOT_RUN);
    }

    @Test
    void theLauncherAsksForTheWarmUpByTheHostsOwnFlagAndClass() {
        // Neither package may see the other (config/import-control.xml): the two spellings must agree.
        assertThat(JavaLauncher.WARM_UP_FLAG).isEqualTo(TaskHost.WARM_UP_FLAG);
        assertThat(JavaLauncher.TASK_HOST_CLASS).isEqualTo(TaskHost.class.getName());
        // SPEC W1: the broker's standby marker is the one the host reads.
        assertThat(TaskHost.STANDBY_VARIABLE).isEqualTo("BGTASKS_STANDBY");
    }
}
