package dev.bgtasks.daemon;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads the admin policy when its file changes, so an admin's change takes effect at once (SPEC A4). Watches
 * the file's directory, since editors replace files rather than write them in place.
 */
final class PolicyWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PolicyWatcher.class);
    private final WatchService watcher;

    private PolicyWatcher(WatchService watcher) {
        this.watcher = watcher;
    }

    /** Watches {@code file}; a directory that does not exist is not watched (the admin would create it first). */
    static PolicyWatcher start(Path file, Runnable onChange) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            LOG.info("admin policy directory {} does not exist; policy changes need a broker restart", dir);
            return new PolicyWatcher(null);
        }
        WatchService service = FileSystems.getDefault().newWatchService();
        dir.register(service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                StandardWatchEventKinds.ENTRY_DELETE);
        Thread thread = new Thread(() -> loop(service, file.getFileName(), onChange), "bgtasks-policy-watch");
        thread.setDaemon(true);
        thread.start();
        return new PolicyWatcher(service);
    }

    private static void loop(WatchService service, Path name, Runnable onChange) {
        try {
            while (true) {
                WatchKey key = service.take();
                boolean relevant = false;
                for (WatchEvent<?> event : key.pollEvents()) {
                    relevant |= event.kind() == StandardWatchEventKinds.OVERFLOW || name.equals(event.context());
                }
                key.reset();
                if (relevant) {
                    LOG.info("admin policy {} changed; reloading", name);
                    try {
                        onChange.run();
                    } catch (RuntimeException e) {
                        LOG.error("reloading the admin policy failed", e);
                    }
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closed: stop watching
        }
    }

    @Override
    public void close() {
        if (watcher != null) {
            try {
                watcher.close();
            } catch (IOException e) {
                LOG.warn("closing the policy watch failed", e);
            }
        }
    }
}
