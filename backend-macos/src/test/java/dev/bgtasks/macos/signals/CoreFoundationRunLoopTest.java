package dev.bgtasks.macos.signals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.AdditionalAnswers.delegatesTo;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyByte;
import static org.mockito.ArgumentMatchers.anyDouble;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.mock;

import com.sun.jna.Pointer;
import dev.bgtasks.macos.jna.CoreFoundationLib;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** The CFRunLoop thread: runs with its source, close stops it and releases what it made (issue 6). */
class CoreFoundationRunLoopTest {
    private final CoreFoundationFake fake = new CoreFoundationFake();
    private final CoreFoundationLib cf = mock(CoreFoundationLib.class, delegatesTo(fake));

    @Test
    void closeStopsTheLoopAndReleasesTheSourceAndMode() throws IOException {
        Pointer[] source = new Pointer[1];
        CoreFoundationRunLoop loop = new CoreFoundationRunLoop(cf, "test-runloop");
        loop.start(() -> source[0] = fake.opaque());
        assertThat(threadAlive("test-runloop")).isTrue();
        assertThat(fake.addedSources).containsExactly(source[0]);

        loop.close();

        assertThat(threadAlive("test-runloop")).isFalse();
        assertThat(fake.invalidatedSources).containsExactly(source[0]);
        fake.assertAllReleased();
        loop.close();   // twice is harmless
    }

    @Test
    void aLoopWithoutSourcesReturnsAndIsReportedNotSpun() throws IOException {
        doReturn(CoreFoundationLib.RUN_FINISHED).when(cf).CFRunLoopRunInMode(any(), anyDouble(), anyByte());
        CoreFoundationRunLoop loop = new CoreFoundationRunLoop(cf, "test-runloop-finished");
        loop.start(fake::opaque);
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (threadAlive("test-runloop-finished") && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(loop.failure()).contains("no source left");
        loop.close();
        fake.assertAllReleased();
    }

    @Test
    void noSourceFailsTheStartAndReleasesTheMode() {
        CoreFoundationRunLoop loop = new CoreFoundationRunLoop(cf, "test-runloop-none");
        assertThatThrownBy(() -> loop.start(() -> null)).isInstanceOf(IOException.class)
                .hasMessageContaining("cannot set up");
        loop.close();
        fake.assertAllReleased();
    }

    @Test
    void closeBeforeStartIsHarmless() {
        new CoreFoundationRunLoop(cf, "never").close();
        fake.assertAllReleased();
    }

    private static boolean threadAlive(String name) {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(name) && t.isAlive());
    }
}
