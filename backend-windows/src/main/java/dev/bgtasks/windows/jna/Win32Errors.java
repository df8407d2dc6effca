package dev.bgtasks.windows.jna;

import com.sun.jna.Native;
import com.sun.jna.platform.win32.Kernel32Util;
import com.sun.jna.platform.win32.W32Errors;
import java.io.IOException;
import java.util.Locale;

/**
 * The one place where a Win32 error code ({@code GetLastError}, a {@code NETIO_STATUS}) or an {@code HRESULT}
 * becomes a message or an exception. The system's text comes from jna-platform's {@link Kernel32Util}
 * ({@code FormatMessage}); the success test of an {@code HRESULT} from {@link W32Errors}.
 *
 * <pre>{@code
 * if (!kernel32.SetInformationJobObject(job, infoClass, info, info.size())) {
 *     throw Win32Errors.failure("could not set the job's limits", calls);
 *     // java.io.IOException: could not set the job's limits: error 5: Access is denied.
 * }
 * }</pre>
 */
public final class Win32Errors {
    private Win32Errors() {
    }

    /**
     * The calling thread's last error as JNA saved it right after its last native call (calling
     * {@code GetLastError} through JNA could see a value JNA itself left).
     *
     * @return the Win32 error code
     */
    public static int lastError() {
        return Native.getLastError();
    }

    /**
     * The system's text for an error code, from {@code FormatMessage}; {@code "error N"} when there is none (or this
     * is not Windows).
     *
     * @param code a Win32 error code
     * @return the text, trimmed
     */
    public static String text(int code) {
        try {
            return Kernel32Util.formatMessageFromLastErrorCode(code).trim();
        } catch (RuntimeException | LinkageError e) {
            return "error " + code;
        }
    }

    /**
     * An error with its text.
     *
     * @param code a Win32 error code
     * @param text its text, as {@link #text} gives it
     * @return {@code error N: text}
     */
    public static String describe(int code, String text) {
        return "error " + code + ": " + text;
    }

    /**
     * What failed, and why.
     *
     * @param what what could not be done
     * @param code the Win32 error code
     * @param text its text, as {@link #text} gives it
     * @return an exception saying {@code what: error N: text}
     */
    public static IOException failure(String what, int code, String text) {
        return new IOException(what + ": " + describe(code, text));
    }

    /**
     * The last error of {@code calls} with its text, read once right after the failed call.
     *
     * @param calls where the error and its text come from (a mock in tests)
     * @return {@code error N: text}
     */
    public static String lastError(Kernel32Calls calls) {
        int error = calls.lastError();
        return describe(error, calls.errorText(error));
    }

    /**
     * The exception for a failed call, with the last error of {@code calls} and its text.
     *
     * @param what what could not be done
     * @param calls where the error and its text come from (a mock in tests)
     * @return an exception saying {@code what: error N: text}
     */
    public static IOException failure(String what, Kernel32Calls calls) {
        int error = calls.lastError();
        return failure(what, error, calls.errorText(error));
    }

    /**
     * A failed call without the system's text, where the code alone is kept (a listener's reason, a poll's
     * failure).
     *
     * @param call the call, e.g. {@code GetLastInputInfo}
     * @param code the Win32 error code
     * @return {@code call failed with error N}
     */
    public static String failedWith(String call, int code) {
        return call + " failed with error " + code;
    }

    /**
     * Whether an {@code HRESULT} reports failure (its severity bit is set).
     *
     * @param hr the result of a COM call
     * @return true on failure; {@code S_OK} and {@code S_FALSE} succeed
     */
    public static boolean failed(int hr) {
        return W32Errors.FAILED(hr);
    }

    /**
     * An {@code HRESULT} as Windows prints it.
     *
     * @param hr the result of a COM call
     * @return {@code HRESULT 0x80040154}
     */
    public static String hresult(int hr) {
        return String.format(Locale.ROOT, "HRESULT 0x%08X", hr);
    }

    /**
     * Throws when a COM call failed.
     *
     * @param what the call, e.g. {@code INetworkListManager::GetConnectivity}
     * @param hr its result
     * @throws IOException saying {@code what failed: HRESULT 0x...} when {@link #failed} holds
     */
    public static void checkHresult(String what, int hr) throws IOException {
        if (failed(hr)) {
            throw new IOException(what + " failed: " + hresult(hr));
        }
    }
}
