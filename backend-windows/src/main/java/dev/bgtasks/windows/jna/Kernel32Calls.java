package dev.bgtasks.windows.jna;

import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.BaseTSD;
import com.sun.jna.platform.win32.Kernel32;
import com.sun.jna.platform.win32.WinBase;
import com.sun.jna.platform.win32.WinDef;
import com.sun.jna.platform.win32.WinNT;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;

/**
 * The kernel32 functions the job sandbox takes from jna-platform's {@link Kernel32}, behind an interface of their
 * own so tests can script them on any OS (loading {@code Kernel32.INSTANCE} needs Windows).
 *
 * <pre>{@code
 * Kernel32Calls calls = Kernel32Calls.system();
 * int waited = calls.WaitForSingleObject(process, WinBase.INFINITE);
 * if (!calls.CloseHandle(process)) {
 *     log.warn("CloseHandle failed: {}", Win32Errors.lastError(calls));   // "error 6: The handle is invalid."
 * }
 * }</pre>
 */
public interface Kernel32Calls {
    /** The real functions; only on Windows. */
    static Kernel32Calls system() {
        return new Native32();
    }

    boolean CreateProcessW(String application, char[] commandLine, WinBase.SECURITY_ATTRIBUTES processAttributes,
                           WinBase.SECURITY_ATTRIBUTES threadAttributes, boolean inheritHandles, int flags,
                           Pointer environment, String currentDirectory, WinBase.STARTUPINFO startupInfo,
                           WinBase.PROCESS_INFORMATION processInformation);

    WinNT.HANDLE CreateFile(String fileName, int access, int shareMode, WinBase.SECURITY_ATTRIBUTES attributes,
                            int creation, int flags, WinNT.HANDLE template);

    boolean TerminateProcess(WinNT.HANDLE process, int exitCode);

    boolean CloseHandle(WinNT.HANDLE handle);

    int WaitForSingleObject(WinNT.HANDLE handle, int milliseconds);

    boolean GetExitCodeProcess(WinNT.HANDLE process, IntByReference exitCode);

    WinNT.HANDLE CreateIoCompletionPort(WinNT.HANDLE file, WinNT.HANDLE existingPort, Pointer key, int threads);

    boolean GetQueuedCompletionStatus(WinNT.HANDLE port, IntByReference bytes, BaseTSD.ULONG_PTRByReference key,
                                      PointerByReference overlapped, int milliseconds);

    boolean GenerateConsoleCtrlEvent(int event, int processGroupId);

    boolean AttachConsole(int processId);

    boolean FreeConsole();

    /** The console's input code page: 0 when this process has no console. */
    int GetConsoleCP();

    /** The calling thread's last error, as JNA kept it after the last call. */
    int lastError();

    /** The system's text for an error code. */
    String errorText(int code);

    /** Delegates to {@link Kernel32#INSTANCE}. */
    final class Native32 implements Kernel32Calls {
        private final Kernel32 k = Win32Libraries.platformKernel32();

        @Override
        public boolean CreateProcessW(String application, char[] commandLine, WinBase.SECURITY_ATTRIBUTES pa,
                                      WinBase.SECURITY_ATTRIBUTES ta, boolean inheritHandles, int flags,
                                      Pointer environment, String currentDirectory, WinBase.STARTUPINFO si,
                                      WinBase.PROCESS_INFORMATION pi) {
            return k.CreateProcessW(application, commandLine, pa, ta, inheritHandles, new WinDef.DWORD(flags),
                    environment, currentDirectory, si, pi);
        }

        @Override
        public WinNT.HANDLE CreateFile(String fileName, int access, int shareMode, WinBase.SECURITY_ATTRIBUTES sa,
                                       int creation, int flags, WinNT.HANDLE template) {
            return k.CreateFile(fileName, access, shareMode, sa, creation, flags, template);
        }

        @Override
        public boolean TerminateProcess(WinNT.HANDLE process, int exitCode) {
            return k.TerminateProcess(process, exitCode);
        }

        @Override
        public boolean CloseHandle(WinNT.HANDLE handle) {
            return k.CloseHandle(handle);
        }

        @Override
        public int WaitForSingleObject(WinNT.HANDLE handle, int milliseconds) {
            return k.WaitForSingleObject(handle, milliseconds);
        }

        @Override
        public boolean GetExitCodeProcess(WinNT.HANDLE process, IntByReference exitCode) {
            return k.GetExitCodeProcess(process, exitCode);
        }

        @Override
        public WinNT.HANDLE CreateIoCompletionPort(WinNT.HANDLE file, WinNT.HANDLE existingPort, Pointer key,
                                                   int threads) {
            return k.CreateIoCompletionPort(file, existingPort, key, threads);
        }

        @Override
        public boolean GetQueuedCompletionStatus(WinNT.HANDLE port, IntByReference bytes,
                                                 BaseTSD.ULONG_PTRByReference key, PointerByReference overlapped,
                                                 int milliseconds) {
            return k.GetQueuedCompletionStatus(port, bytes, key, overlapped, milliseconds);
        }

        @Override
        public boolean GenerateConsoleCtrlEvent(int event, int processGroupId) {
            return k.GenerateConsoleCtrlEvent(event, processGroupId);
        }

        @Override
        public boolean AttachConsole(int processId) {
            return k.AttachConsole(processId);
        }

        @Override
        public boolean FreeConsole() {
            return k.FreeConsole();
        }

        @Override
        public int GetConsoleCP() {
            return k.GetConsoleCP();
        }

        @Override
        public int lastError() {
            return Win32Errors.lastError();
        }

        @Override
        public String errorText(int code) {
            return Win32Errors.text(code);
        }
    }
}
