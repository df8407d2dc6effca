package dev.bgtasks.windows.jna;

import com.sun.jna.platform.win32.Guid;
import java.util.List;
import java.util.Map;

/**
 * The power setting GUIDs the power source registers for, from the Windows SDK's {@code winnt.h} (jna-platform maps
 * only {@code GUID_CONSOLE_DISPLAY_STATE}). Each notification carries the setting's new value as a DWORD.
 *
 * <pre>{@code
 * user32.RegisterPowerSettingNotification(hwnd, PowerSettings.GUID_ACDC_POWER_SOURCE, DEVICE_NOTIFY_WINDOW_HANDLE);
 * }</pre>
 */
public final class PowerSettings {
    /** 0 AC, 1 DC (battery), 2 short-term source such as a UPS. */
    public static final Guid.GUID GUID_ACDC_POWER_SOURCE =
            Guid.GUID.fromString("{5D3E9A59-E9D5-4B00-A6BD-FF34FF516548}");
    /** Battery charge in percent. */
    public static final Guid.GUID GUID_BATTERY_PERCENTAGE_REMAINING =
            Guid.GUID.fromString("{A7AD8041-B45A-4CAE-87A3-EECBB468A9E1}");
    /** Energy Saver, Windows 11 24H2 and later: 0 off, 1 standard, 2 high savings. */
    public static final Guid.GUID GUID_ENERGY_SAVER_STATUS =
            Guid.GUID.fromString("{550E8400-E29B-41D4-A716-446655440000}");
    /** Battery saver before 24H2: 0 off, 1 on. */
    public static final Guid.GUID GUID_POWER_SAVING_STATUS =
            Guid.GUID.fromString("{E00958C0-C213-4ACE-AC77-FECCED2EEEA5}");

    /** Every setting registered, in registration order. */
    public static final List<Guid.GUID> ALL = List.of(GUID_ACDC_POWER_SOURCE, GUID_BATTERY_PERCENTAGE_REMAINING,
            GUID_ENERGY_SAVER_STATUS, GUID_POWER_SAVING_STATUS);

    private static final Map<Guid.GUID, String> NAMES = Map.of(
            GUID_ACDC_POWER_SOURCE, "GUID_ACDC_POWER_SOURCE",
            GUID_BATTERY_PERCENTAGE_REMAINING, "GUID_BATTERY_PERCENTAGE_REMAINING",
            GUID_ENERGY_SAVER_STATUS, "GUID_ENERGY_SAVER_STATUS",
            GUID_POWER_SAVING_STATUS, "GUID_POWER_SAVING_STATUS");

    private PowerSettings() {
    }

    /** The SDK name of a setting, or its GUID text when it is not one of these. */
    public static String name(Guid.GUID setting) {
        String name = NAMES.get(setting);
        return name != null ? name : setting.toGuidString();
    }
}
