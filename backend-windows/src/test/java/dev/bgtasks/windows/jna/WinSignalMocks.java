package dev.bgtasks.windows.jna;

import org.mockito.MockMakers;
import org.mockito.Mockito;

/**
 * Mocks of jna-platform's library interfaces ({@code User32}, {@code Kernel32}, {@code Ole32}, {@code Wtsapi32}).
 * Their {@code INSTANCE} field loads the Windows DLL when the interface is initialised, which the inline mock maker
 * does; a subclass mock implements the interface without initialising it, so these mocks work on Linux too.
 */
public final class WinSignalMocks {
    private WinSignalMocks() {
    }

    public static <T> T library(Class<T> type) {
        return Mockito.mock(type, Mockito.withSettings().mockMaker(MockMakers.SUBCLASS));
    }
}
