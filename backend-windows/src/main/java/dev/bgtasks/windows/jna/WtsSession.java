package dev.bgtasks.windows.jna;

import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.WinNT;
import com.sun.jna.platform.win32.Wtsapi32;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import java.util.Objects;

/**
 * The state of this process's own session from {@code WTSQuerySessionInformation}: its connect state
 * ({@code WTSConnectState}) and its lock state ({@code WTSSessionInfoEx}, a {@code WTSINFOEXW}). Every buffer WTS
 * allocates is freed before a method returns.
 *
 * <pre>{@code
 * WtsSession session = WtsSession.system();
 * Integer state = session.connectState();        // WTS_CONNECTSTATE_CLASS, 0 = WTSActive
 * WtsSession.InfoEx info = session.infoEx();     // level 1: SessionFlags 0 locked, 1 unlocked
 * }</pre>
 */
public final class WtsSession {
    /** {@code WTS_CURRENT_SERVER_HANDLE}; not taken from {@link Wtsapi32}, whose constants load the DLL. */
    public static final WinNT.HANDLE CURRENT_SERVER = new WinNT.HANDLE(Pointer.NULL);
    /** {@code WTSINFOEXW.Level}: a DWORD, then the level-1 union at offset 8 (it holds LARGE_INTEGERs). */
    public static final int INFOEX_LEVEL_OFFSET = 0;
    /** {@code WTSINFOEXW.Data.WTSInfoExLevel1.SessionFlags}: after Level and its padding, SessionId, SessionState. */
    public static final int INFOEX_SESSION_FLAGS_OFFSET = 16;

    /**
     * The part of {@code WTSINFOEXW} that tells the lock state.
     *
     * @param level {@code WTSINFOEXW.Level}; only level 1 is defined
     * @param sessionFlags {@code WTSINFOEX_LEVEL1_W.SessionFlags}: {@code WTS_SESSIONSTATE_LOCK} 0,
     *     {@code WTS_SESSIONSTATE_UNLOCK} 1, -1 unknown
     */
    public record InfoEx(int level, int sessionFlags) {
    }

    private final Wtsapi32 wtsapi32;

    /**
     * A reader over the given library.
     *
     * @param wtsapi32 {@code WTSQuerySessionInformation} and {@code WTSFreeMemory}
     */
    public WtsSession(Wtsapi32 wtsapi32) {
        this.wtsapi32 = Objects.requireNonNull(wtsapi32, "wtsapi32");
    }

    /**
     * The reader of this Windows host; loads wtsapi32.
     *
     * @return the reader
     */
    public static WtsSession system() {
        return new WtsSession(Win32Libraries.wtsapi32());
    }

    /**
     * {@code WTSConnectState} of this session.
     *
     * @return a {@code WTS_CONNECTSTATE_CLASS} value, or null when the call failed
     */
    public Integer connectState() {
        Pointer buffer = query(Wtsapi32.WTS_INFO_CLASS.WTSConnectState, 4);
        if (buffer == null) {
            return null;
        }
        try {
            return buffer.getInt(0);
        } finally {
            wtsapi32.WTSFreeMemory(buffer);
        }
    }

    /**
     * The level and session flags of {@code WTSSessionInfoEx} for this session.
     *
     * @return them, or null when the call failed or returned too few bytes
     */
    public InfoEx infoEx() {
        Pointer buffer = query(Wtsapi32.WTS_INFO_CLASS.WTSSessionInfoEx, INFOEX_SESSION_FLAGS_OFFSET + 4);
        if (buffer == null) {
            return null;
        }
        try {
            return new InfoEx(buffer.getInt(INFOEX_LEVEL_OFFSET), buffer.getInt(INFOEX_SESSION_FLAGS_OFFSET));
        } finally {
            wtsapi32.WTSFreeMemory(buffer);
        }
    }

    /** The buffer WTS allocated (free it), or null when the call failed or returned fewer bytes than needed. */
    private Pointer query(int infoClass, int minimumBytes) {
        PointerByReference buffer = new PointerByReference();
        IntByReference bytes = new IntByReference();
        if (!wtsapi32.WTSQuerySessionInformation(CURRENT_SERVER, Wtsapi32.WTS_CURRENT_SESSION, infoClass, buffer,
                bytes)) {
            return null;
        }
        Pointer value = buffer.getValue();
        if (value != null && bytes.getValue() < minimumBytes) {
            wtsapi32.WTSFreeMemory(value);
            return null;
        }
        return value;
    }
}
