package dev.bgtasks.generic;

import oshi.SystemInfo;

/**
 * The one OSHI {@link SystemInfo} of the generic platform, created on first use so that loading the platform with
 * {@link java.util.ServiceLoader} (which happens even when another backend wins) costs nothing.
 */
final class Oshi {
    private Oshi() {
    }

    static SystemInfo systemInfo() {
        return Holder.INSTANCE;
    }

    private static final class Holder {
        static final SystemInfo INSTANCE = new SystemInfo();
    }
}
