package dev.bgtasks.nativetests.macos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import dev.bgtasks.macos.signals.MacSignals;
import dev.bgtasks.spi.HostSignal;
import dev.bgtasks.spi.SignalSnapshot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The macOS signals on a real Mac, checked against independent sources: {@code pmset -g batt} and {@code pmset -g}
 * for power and Low Power Mode, {@code route -n get default} for internet, {@code ioreg -c IOHIDSystem} for idle time.
 * A command that cannot run fails under {@code BGTASKS_REQUIRE_NATIVE=1} and skips otherwise.
 */
@EnabledOnOs(OS.MAC)
@Timeout(60)
class MacSignalsNativeTest {
    /** The presence threshold of the macOS signals. */
    private static final long THRESHOLD_SECONDS = 300;
    /** Readings taken a moment apart may straddle the threshold: no verdict this close to it. */
    private static final long MARGIN_SECONDS = 15;

    private MacSignals signals;

    @BeforeEach
    void start() {
        signals = MacSignals.start();
    }

    @AfterEach
    void close() {
        if (signals != null) {
            signals.close();
        }
    }

    @Test
    void everySourceStartedAndSaysHowItLearns() {
        String text = signals.describe();
        assertThat(text).doesNotContain(": unknown (");
        assertThat(text).contains("INTERNET:", "AC_POWER:", "BATTERY_LOW:", "ENERGY_SAVER:", "USER_PRESENT:",
                "SESSION_CONNECTED:", "STORAGE_LOW:", "event-driven", "polled every");
        SignalSnapshot now = signals.current();
        assertThat(now.get(HostSignal.INTERNET)).isPresent();
        assertThat(now.get(HostSignal.BATTERY_LOW)).isPresent();
        assertThat(now.get(HostSignal.SESSION_CONNECTED)).isPresent();
        assertThat(now.get(HostSignal.STORAGE_LOW)).isPresent();
    }

    @Test
    void acPowerAgreesWithPmsetBatt() {
        String batt = run("pmset", "-g", "batt");
        Matcher drawing = Pattern.compile("drawing from '([^']+)'").matcher(batt);
        if (!drawing.find()) {
            unavailable("pmset -g batt names no power source: " + batt);
        }
        String source = drawing.group(1);
        Optional<Boolean> ac = signals.current().get(HostSignal.AC_POWER);
        if (source.equals("AC Power")) {
            assertThat(ac).contains(true);
        } else if (source.equals("Battery Power") || source.equals("UPS Power")) {
            assertThat(ac).contains(false);
        } else {
            assertThat(ac).isEmpty();
        }
    }

    @Test
    void internetAgreesWithTheDefaultRoute() {
        ProcessResult route = runAllowingFailure("route", "-n", "get", "default");
        boolean hasDefault = route.exit() == 0 && route.output().contains("interface:");
        ProcessResult route6 = runAllowingFailure("route", "-n", "get", "-inet6", "default");
        boolean hasDefault6 = route6.exit() == 0 && route6.output().contains("interface:");
        Optional<Boolean> internet = signals.current().get(HostSignal.INTERNET);
        if (hasDefault) {
            assertThat(internet).as("route: %s", route.output()).contains(true);
        } else if (!hasDefault6) {
            assertThat(internet).as("route: %s%s", route.output(), route6.output()).contains(false);
        } else {
            // Only an IPv6 default: macOS keeps link-local ones through utun interfaces, so no verdict either way.
            assertThat(internet).isPresent();
        }
    }

    @Test
    void lowPowerModeAgreesWithPmset() {
        String settings = run("pmset", "-g");
        Matcher low = Pattern.compile("(?m)^\\s*(lowpowermode|powermode)\\s+(\\d+)\\s*$").matcher(settings);
        Optional<Boolean> energySaver = signals.current().get(HostSignal.ENERGY_SAVER);
        if (low.find()) {
            assertThat(energySaver).contains(low.group(2).equals("1"));
        } else {
            // Neither key: Low Power Mode is known only through NSProcessInfo (macOS 12+), if at all.
            assertThat(signals.describe()).contains("ENERGY_SAVER:");
        }
    }

    @Test
    void presenceAgreesWithTheIdleTimeOfIoreg() {
        String ioreg = run("ioreg", "-c", "IOHIDSystem", "-d", "4");
        Matcher idle = Pattern.compile("\"HIDIdleTime\"\\s*=\\s*(\\d+)").matcher(ioreg);
        if (!idle.find()) {
            unavailable("ioreg shows no HIDIdleTime");
        }
        long idleSeconds = Long.parseLong(idle.group(1)) / 1_000_000_000L;
        Optional<Boolean> present = signals.current().get(HostSignal.USER_PRESENT);
        if (idleSeconds >= THRESHOLD_SECONDS + MARGIN_SECONDS) {
            assertThat(present).as("idle %d s", idleSeconds).contains(false);
        } else {
            assertThat(present).as("idle %d s", idleSeconds).isPresent();
        }
    }

    @Test
    void closeStopsEveryThread() {
        signals.close();
        signals = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (macThreads() > 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(macThreads()).isZero();
    }

    private static long macThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("bgtasks-macos-")).count();
    }

    private record ProcessResult(int exit, String output) {
    }

    private static String run(String... command) {
        ProcessResult result = runAllowingFailure(command);
        if (result.exit() != 0) {
            unavailable(String.join(" ", command) + " exited with " + result.exit() + ": " + result.output());
        }
        return result.output();
    }

    private static ProcessResult runAllowingFailure(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                unavailable(String.join(" ", command) + " did not finish");
            }
            return new ProcessResult(process.exitValue(), output);
        } catch (IOException e) {
            unavailable(String.join(" ", command) + " cannot run: " + e.getMessage());
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void unavailable(String why) {
        if ("1".equals(System.getenv("BGTASKS_REQUIRE_NATIVE"))) {
            fail(why + ", and BGTASKS_REQUIRE_NATIVE=1 forbids skipping");
        }
        Assumptions.abort(why);
    }
}
