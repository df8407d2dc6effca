package dev.bgtasks.macos.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.sun.jna.LastErrorException;
import com.sun.jna.ptr.IntByReference;
import dev.bgtasks.macos.jna.SystemCalls;
import dev.bgtasks.macos.jna.SystemLib;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Reaping our child and watching a re-adopted process through kqueue, over a mocked libSystem. */
class ExitWatchTest {
    private final SystemLib libc = mock(SystemLib.class);
    private final SystemCalls system = new SystemCalls(libc);

    @Test
    void waitpidIsRetriedOnEintrAndYieldsTheStatus() {
        AtomicInteger calls = new AtomicInteger();
        doAnswer(call -> {
            if (calls.incrementAndGet() == 1) {
                throw new LastErrorException(SystemLib.EINTR);
            }
            call.<IntByReference>getArgument(1).setValue(7 << 8);
            return 42;
        }).when(libc).waitpid(eq(42), any(), eq(0));
        assertThat(ExitWatch.waitFor(system, 42)).isEqualTo(OptionalInt.of(7 << 8));
        assertThat(calls).hasValue(2);
    }

    @Test
    void aChildSomeoneElseReapedHasNoStatus() {
        when(libc.waitpid(eq(42), any(), eq(0))).thenThrow(new LastErrorException(SystemLib.ECHILD));
        assertThat(ExitWatch.waitFor(system, 42)).isEmpty();
    }

    @Test
    void aProcessThatEndedBeforeTheRegistrationCountsAsEnded() throws Exception {
        when(libc.kevent(eq(5), any(), eq(1), isNull(), eq(0), isNull()))
                .thenThrow(new LastErrorException(SystemLib.ESRCH));
        CompletableFuture<OptionalInt> exited = new CompletableFuture<>();
        ExitWatch.awaitExit(system, 5, 42, exited);
        assertThat(exited.get(1, TimeUnit.SECONDS)).isEmpty();
    }

    @Test
    void aTimeoutWithoutEventKeepsWaitingUntilNoteExit() throws Exception {
        AtomicInteger waits = new AtomicInteger();
        doAnswer(call -> {
            if (call.getArgument(1) != null) {
                return 0;
            }
            SystemLib.Kevent[] events = call.getArgument(3);
            if (waits.incrementAndGet() < 3) {
                return 0;   // the 1 s timeout passed
            }
            events[0].fflags = SystemLib.NOTE_EXIT;
            return 1;
        }).when(libc).kevent(eq(5), any(), anyInt(), any(), anyInt(), any());
        CompletableFuture<OptionalInt> exited = new CompletableFuture<>();
        ExitWatch.awaitExit(system, 5, 42, exited);
        assertThat(exited).isCompletedWithValue(OptionalInt.empty());
        assertThat(waits).hasValue(3);
    }
}
