package dev.bgtasks.nativetests.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.sun.jna.NativeLong;
import com.sun.jna.platform.unix.X11;
import dev.bgtasks.spi.HostSignal;
import java.io.File;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The X11 idle source against a real X server: a private {@code Xvfb} (Debian package xvfb) with the
 * MIT-SCREEN-SAVER extension, fake input through XTest. Missing Xvfb fails under {@code BGTASKS_REQUIRE_NATIVE=1}
 * and skips otherwise. The constructor with a threshold and a period is package-private, so this reaches it by
 * reflection (unnamed module).
 */
@EnabledOnOs(OS.LINUX)
@Timeout(60)
class X11IdleSourceNativeTest {
    private static final Duration DEADLINE = Duration.ofSeconds(10);

    private Process xvfb;
    private String display;
    private Object source;
    private Method current;

    @BeforeEach
    void startXvfb() throws Exception {
        Path binary = Stream.of(System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator))
                .map(d -> Path.of(d, "Xvfb")).filter(Files::isExecutable).findFirst()
                .or(() -> Stream.of(Path.of("/usr/bin/Xvfb")).filter(Files::isExecutable).findFirst())
                .orElse(null);
        if (binary == null) {
            unavailable("Xvfb is not installed (Debian package xvfb)");
        }
        String lastFailure = "";
        for (int number = 90; number < 200 && xvfb == null; number++) {
            if (Files.exists(Path.of("/tmp/.X" + number + "-lock"))
                    || Files.exists(Path.of("/tmp/.X11-unix/X" + number))) {
                continue;
            }
            Process process = new ProcessBuilder(binary.toString(), ":" + number, "-screen", "0", "320x240x24",
                    "-nolisten", "tcp").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            Path socket = Path.of("/tmp/.X11-unix/X" + number);
            if (await(() -> Files.exists(socket) || !process.isAlive()) && process.isAlive()) {
                xvfb = process;
                display = ":" + number;
            } else {
                lastFailure = process.isAlive() ? "no socket " + socket + " within " + DEADLINE.toSeconds() + " s"
                        : "exited with " + process.exitValue();
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
        if (xvfb == null) {
            unavailable("Xvfb could not start (" + lastFailure + ")");
        }
    }

    private static void unavailable(String why) {
        if ("1".equals(System.getenv("BGTASKS_REQUIRE_NATIVE"))) {
            fail(why + ", and BGTASKS_REQUIRE_NATIVE=1 forbids skipping");
        }
        Assumptions.abort(why);
    }

    @AfterEach
    void stop() throws Exception {
        if (source != null) {
            ((AutoCloseable) source).close();
        }
        if (xvfb != null) {
            xvfb.destroy();
            if (!xvfb.waitFor(5, TimeUnit.SECONDS)) {
                xvfb.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void idleTimeGatesUserPresentAndInputBringsItBack() throws Exception {
        Class<?> type = Class.forName("dev.bgtasks.linux.presence.X11IdleSource");
        Constructor<?> constructor = type.getDeclaredConstructor(Map.class, Duration.class, Duration.class);
        constructor.setAccessible(true);
        source = constructor.newInstance(Map.of("DISPLAY", display), Duration.ofSeconds(1), Duration.ofMillis(100));
        Method start = accessible(type.getMethod("start", Runnable.class));
        current = accessible(type.getMethod("current"));
        Method describe = accessible(type.getMethod("describe"));
        AtomicBoolean sawPresent = new AtomicBoolean();
        start.invoke(source, (Runnable) () -> {
            if (Boolean.TRUE.equals(userPresent())) {
                sawPresent.set(true);
            }
        });
        assertThat((String) describe.invoke(source)).contains("DISPLAY=" + display, "polled every 100 ms")
                .doesNotContain("unknown");

        assertThat(await(() -> Boolean.FALSE.equals(userPresent())))
                .as("USER_PRESENT false after 1 s without input; describe: %s", describe.invoke(source)).isTrue();

        sawPresent.set(false);
        X11 x11 = X11.INSTANCE;
        X11.Display connection = x11.XOpenDisplay(display);
        assertThat(connection).as("XOpenDisplay(%s)", display).isNotNull();
        try {
            // The pointer starts in the middle of the screen: move it elsewhere, or there is no motion.
            X11.XTest.INSTANCE.XTestFakeMotionEvent(connection, -1, 10, 20, new NativeLong(0));
            x11.XFlush(connection);
            // Idle falls back above the threshold 1 s later, so the callback's record counts, not only the end state.
            assertThat(await(sawPresent::get)).as("USER_PRESENT true after a fake pointer motion").isTrue();
        } finally {
            x11.XCloseDisplay(connection);
        }
    }

    private Boolean userPresent() {
        try {
            @SuppressWarnings("unchecked")
            Map<HostSignal, Boolean> now = (Map<HostSignal, Boolean>) current.invoke(source);
            return now.get(HostSignal.USER_PRESENT);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Method accessible(Method method) {
        method.setAccessible(true);
        return method;
    }

    /** Waits up to the deadline, parking 20 ms between checks. */
    private static boolean await(BooleanSupplier condition) {
        long end = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                return false;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        return true;
    }
}
