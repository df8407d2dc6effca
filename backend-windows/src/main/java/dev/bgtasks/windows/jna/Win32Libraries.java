package dev.bgtasks.windows.jna;

import com.sun.jna.Native;
import com.sun.jna.platform.win32.Kernel32;
import com.sun.jna.platform.win32.Ole32;
import com.sun.jna.platform.win32.User32;
import com.sun.jna.platform.win32.Wtsapi32;
import com.sun.jna.win32.W32APIOptions;

/**
 * Every native library the Windows backend binds, loaded on first use and never before: a JVM that only lists the
 * platforms (an app, {@code bgtask doctor}) on another OS, or a test, never touches a DLL. Our own bindings load with
 * jna-platform's Unicode options; jna-platform's libraries load when their {@code INSTANCE} is first read, which only
 * these methods do.
 *
 * <pre>{@code
 * Kernel32Library kernel32 = Win32Libraries.kernel32();   // loads kernel32 now, once
 * }</pre>
 */
public final class Win32Libraries {
    private Win32Libraries() {
    }

    /**
     * The kernel32 functions jna-platform lacks (job objects, {@code ResumeThread}, {@code GetSystemPowerStatus}).
     *
     * @return the loaded binding; only on Windows
     */
    public static Kernel32Library kernel32() {
        return Kernel32Holder.LIBRARY;
    }

    /**
     * The network change notifications of {@code iphlpapi.dll}.
     *
     * @return the loaded binding; only on Windows
     */
    public static IphlpapiLibrary iphlpapi() {
        return IphlpapiHolder.LIBRARY;
    }

    /**
     * The device notifications of {@code cfgmgr32.dll} (Windows 8 and later).
     *
     * @return the loaded binding; only on Windows
     */
    public static Cfgmgr32Library cfgmgr32() {
        return Cfgmgr32Holder.LIBRARY;
    }

    /**
     * jna-platform's kernel32.
     *
     * @return {@link Kernel32#INSTANCE}; only on Windows
     */
    public static Kernel32 platformKernel32() {
        return Kernel32.INSTANCE;
    }

    /**
     * jna-platform's user32.
     *
     * @return {@link User32#INSTANCE}; only on Windows
     */
    public static User32 user32() {
        return User32.INSTANCE;
    }

    /**
     * jna-platform's wtsapi32.
     *
     * @return {@link Wtsapi32#INSTANCE}; only on Windows
     */
    public static Wtsapi32 wtsapi32() {
        return Wtsapi32.INSTANCE;
    }

    /**
     * jna-platform's ole32.
     *
     * @return {@link Ole32#INSTANCE}; only on Windows
     */
    public static Ole32 ole32() {
        return Ole32.INSTANCE;
    }

    // The holder idiom: the class, and with it the library, is initialised by the first call that reads it.
    private static final class Kernel32Holder {
        static final Kernel32Library LIBRARY =
                Native.load("kernel32", Kernel32Library.class, W32APIOptions.DEFAULT_OPTIONS);
    }

    private static final class IphlpapiHolder {
        static final IphlpapiLibrary LIBRARY =
                Native.load("iphlpapi", IphlpapiLibrary.class, W32APIOptions.DEFAULT_OPTIONS);
    }

    private static final class Cfgmgr32Holder {
        static final Cfgmgr32Library LIBRARY =
                Native.load("cfgmgr32", Cfgmgr32Library.class, W32APIOptions.DEFAULT_OPTIONS);
    }
}
