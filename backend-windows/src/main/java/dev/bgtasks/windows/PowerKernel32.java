package dev.bgtasks.windows;

import com.sun.jna.Native;
import com.sun.jna.Structure;
import com.sun.jna.win32.StdCallLibrary;
import com.sun.jna.win32.W32APIOptions;

/**
 * {@code GetSystemPowerStatus} of kernel32, hand-mapped: jna-platform 5.19.1 has neither the function nor its
 * structure.
 *
 * <pre>{@code
 * PowerKernel32.SystemPowerStatus status = new PowerKernel32.SystemPowerStatus();
 * if (PowerKernel32.load().GetSystemPowerStatus(status)) {
 *     WinSignalRules.PowerStatus reading = status.toReading();
 * }
 * }</pre>
 */
interface PowerKernel32 extends StdCallLibrary {
    /** {@code BOOL GetSystemPowerStatus(LPSYSTEM_POWER_STATUS)}. */
    boolean GetSystemPowerStatus(SystemPowerStatus status);

    static PowerKernel32 load() {
        return Native.load("kernel32", PowerKernel32.class, W32APIOptions.DEFAULT_OPTIONS);
    }

    /** {@code SYSTEM_POWER_STATUS} of {@code winbase.h}: four BYTEs and two DWORDs, 12 bytes. */
    @Structure.FieldOrder({"ACLineStatus", "BatteryFlag", "BatteryLifePercent", "SystemStatusFlag",
        "BatteryLifeTime", "BatteryFullLifeTime"})
    class SystemPowerStatus extends Structure {
        /** 0 offline, 1 online, 255 unknown. */
        public byte ACLineStatus;
        /** HIGH 1, LOW 2, CRITICAL 4, CHARGING 8, NO_SYSTEM_BATTERY 128, 255 unknown. */
        public byte BatteryFlag;
        /** 0..100, 255 unknown. */
        public byte BatteryLifePercent;
        /** 1: battery saver on (stays 0 for Windows 11 24H2's Energy Saver). */
        public byte SystemStatusFlag;
        /** Seconds left, -1 unknown or on AC. */
        public int BatteryLifeTime;
        /** Seconds on a full charge, -1 unknown. */
        public int BatteryFullLifeTime;

        /** The bytes as unsigned values, for the rules. */
        WinSignalRules.PowerStatus toReading() {
            return new WinSignalRules.PowerStatus(Byte.toUnsignedInt(ACLineStatus), Byte.toUnsignedInt(BatteryFlag),
                    Byte.toUnsignedInt(BatteryLifePercent), Byte.toUnsignedInt(SystemStatusFlag));
        }
    }
}
