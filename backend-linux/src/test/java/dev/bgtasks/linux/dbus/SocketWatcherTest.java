package dev.bgtasks.linux.dbus;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The inotify wait for a bus's socket (issue 15: no retry timer while the system bus is missing), on this host. */
class SocketWatcherTest {
    @TempDir
    Path dir;

    @Test
    void theSocketIsSeenWhenItAndTheDirectoriesOnItsWayAppear() throws Exception {
        Path socket = dir.resolve("run/dbus/system_bus_socket");
        CountDownLatch appeared = new CountDownLatch(1);
        try (AutoCloseable wait = SocketWatcher.INOTIFY.watch(socket, appeared::countDown)) {
            assertThat(appeared.getCount()).isEqualTo(1);
            Files.createDirectory(dir.resolve("run"));
            Files.createDirectory(dir.resolve("run/dbus"));
            Files.createFile(socket);
            assertThat(appeared.await(10, TimeUnit.SECONDS)).as("seen within 10 s").isTrue();
        }
    }

    @Test
    void aSocketThatExistsIsSeenAtOnce() throws Exception {
        Path socket = Files.createFile(dir.resolve("bus"));
        CountDownLatch appeared = new CountDownLatch(1);
        try (AutoCloseable wait = SocketWatcher.INOTIFY.watch(socket, appeared::countDown)) {
            assertThat(appeared.await(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void closingEndsTheWaitWithoutACall() throws Exception {
        CountDownLatch appeared = new CountDownLatch(1);
        AutoCloseable wait = SocketWatcher.INOTIFY.watch(dir.resolve("never/bus"), appeared::countDown);
        wait.close();
        Files.createDirectory(dir.resolve("never"));
        Files.createFile(dir.resolve("never/bus"));
        assertThat(appeared.await(200, TimeUnit.MILLISECONDS)).isFalse();
    }

    @Test
    void theNearestDirectoryThatExists() {
        assertThat(SocketWatcher.InotifyWait.nearestDirectory(dir.resolve("a/b/bus"))).isEqualTo(dir);
    }
}
