package dev.bgtasks.macos.signals;

import java.util.Optional;

/**
 * Where Low Power Mode is read from: {@code NSProcessInfo} through the Objective-C runtime, or {@code pmset -g} where
 * the selector is missing.
 *
 * <pre>{@code
 * PowerModeReader reader = PowerModeReader.choose(foundation, PmsetLowPowerMode::new);
 * Optional<Boolean> low = reader.lowPowerMode();
 * }</pre>
 */
interface PowerModeReader {
    /** Low Power Mode now; empty when it cannot be told. */
    Optional<Boolean> lowPowerMode();

    /** The mechanism, for describe(). */
    String describe();

    /**
     * {@code foundation} when {@code NSProcessInfo} answers {@code isLowPowerModeEnabled}, else the pmset fallback,
     * whose description says why it was chosen.
     */
    static PowerModeReader choose(FoundationLowPowerMode foundation, java.util.function.Supplier<PmsetLowPowerMode>
            fallback) {
        Optional<String> missing = foundation.open();
        if (missing.isEmpty()) {
            return foundation;
        }
        PmsetLowPowerMode pmset = fallback.get();
        pmset.because(missing.get());
        return pmset;
    }
}
