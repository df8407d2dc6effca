package dev.bgtasks.examples.desktopsync;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * What "Sync now" asks for: the folder, how many files, and how slowly, from the command line.
 *
 * <pre>{@code
 * SyncSettings s = SyncSettings.parse(new String[] {"--folder", "/tmp/synced", "--files", "30"});
 * }</pre>
 *
 * @param folder where the files go
 * @param files how many files one sync writes
 * @param millisPerFile how long each file takes
 */
record SyncSettings(Path folder, int files, int millisPerFile) {
    static final String USAGE = "usage: DesktopSync [--folder DIR] [--files N] [--millis-per-file MS]\n"
            + "  --folder DIR          where the sync writes its files (default: ~/bgtasks-desktop-sync)\n"
            + "  --files N             files per sync, 1 to 10000 (default: 20)\n"
            + "  --millis-per-file MS  time per file, 0 to 60000 (default: 250)";

    SyncSettings {
        Objects.requireNonNull(folder, "folder");
        if (files < 1 || files > 10_000) {
            throw new IllegalArgumentException("--files must be from 1 to 10000, got " + files);
        }
        if (millisPerFile < 0 || millisPerFile > 60_000) {
            throw new IllegalArgumentException("--millis-per-file must be from 0 to 60000, got " + millisPerFile);
        }
        folder = folder.toAbsolutePath().normalize();
    }

    static SyncSettings parse(String[] args) {
        Path folder = Path.of(System.getProperty("user.home"), "bgtasks-desktop-sync");
        int files = 20;
        int millisPerFile = 250;
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("unknown option or missing value: " + option);
            }
            String value = args[++i];
            switch (option) {
                case "--folder" -> folder = Path.of(value);
                case "--files" -> files = parseInt(option, value);
                case "--millis-per-file" -> millisPerFile = parseInt(option, value);
                default -> throw new IllegalArgumentException("unknown option: " + option);
            }
        }
        return new SyncSettings(folder, files, millisPerFile);
    }

    private static int parseInt(String option, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs a whole number, got '" + value + "'", e);
        }
    }

    /** The trigger arguments {@link SyncTask} reads. */
    Map<String, Object> triggerArguments() {
        return Map.of(SyncTask.FOLDER, folder.toString(), SyncTask.FILES, files,
                SyncTask.MILLIS_PER_FILE, millisPerFile);
    }
}
