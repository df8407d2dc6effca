package dev.bgtasks.examples.desktopsync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The app's command line: defaults, options, and clear errors for bad input. */
class SyncSettingsTest {
    @Test
    void defaultsToTwentyFilesUnderTheUsersHome() {
        SyncSettings settings = SyncSettings.parse(new String[0]);

        assertThat(settings.folder()).isEqualTo(Path.of(System.getProperty("user.home"), "bgtasks-desktop-sync"));
        assertThat(settings.files()).isEqualTo(20);
        assertThat(settings.millisPerFile()).isEqualTo(250);
    }

    @Test
    void optionsBecomeTheTriggerArgumentsTheTaskReads() {
        SyncSettings settings = SyncSettings.parse(
                new String[] {"--files", "7", "--folder", "rel/dir", "--millis-per-file", "0"});

        assertThat(settings.triggerArguments())
                .containsEntry(SyncTask.FOLDER, Path.of("rel/dir").toAbsolutePath().toString())
                .containsEntry(SyncTask.FILES, 7)
                .containsEntry(SyncTask.MILLIS_PER_FILE, 0)
                .hasSize(3);
    }

    @Test
    void badInputIsRefusedWithTheOptionNamed() {
        assertThatThrownBy(() -> SyncSettings.parse(new String[] {"--files", "0"}))
                .hasMessage("--files must be from 1 to 10000, got 0");
        assertThatThrownBy(() -> SyncSettings.parse(new String[] {"--files", "many"}))
                .hasMessage("--files needs a whole number, got 'many'");
        assertThatThrownBy(() -> SyncSettings.parse(new String[] {"--colour", "blue"}))
                .hasMessage("unknown option: --colour");
        assertThatThrownBy(() -> SyncSettings.parse(new String[] {"--folder"}))
                .hasMessage("unknown option or missing value: --folder");
        assertThatThrownBy(() -> SyncSettings.parse(new String[] {"--millis-per-file", "-1"}))
                .hasMessage("--millis-per-file must be from 0 to 60000, got -1");
    }
}
