package dev.bgtasks.linux.jna;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import org.junit.jupiter.api.Test;

/** The libXss structure matches scrnsaver.h; runs on every OS since nothing here loads libXss. */
class LibXssStructTest {
    @Test
    void screenSaverInfoHasTheLayoutOfScrnsaverH() {
        LibXss.XScreenSaverInfo info = new LibXss.XScreenSaverInfo();
        info.window = new NativeLong(0x0102);
        info.state = 3;
        info.kind = 4;
        info.til_or_since = new NativeLong(5);
        info.idle = new NativeLong(123_456);
        info.eventMask = new NativeLong(7);
        info.write();
        int ulong = Native.LONG_SIZE;
        // {ulong window; int state; int kind; ulong til_or_since; ulong idle; ulong eventMask}
        int tilOrSince = ulong == 8 ? 16 : 12;
        assertThat(info.size()).isEqualTo(tilOrSince + 3 * ulong);
        if (ulong == 8) {
            assertThat(info.size()).isEqualTo(40);
            assertThat(info.getPointer().getLong(24)).isEqualTo(123_456);
        }
        assertThat(info.getPointer().getNativeLong(0).longValue()).isEqualTo(0x0102);
        assertThat(info.getPointer().getInt(ulong)).isEqualTo(3);
        assertThat(info.getPointer().getInt(ulong + 4)).isEqualTo(4);
        assertThat(info.getPointer().getNativeLong(tilOrSince).longValue()).isEqualTo(5);
        assertThat(info.getPointer().getNativeLong(tilOrSince + ulong).longValue()).isEqualTo(123_456);
        assertThat(info.getPointer().getNativeLong(tilOrSince + 2 * ulong).longValue()).isEqualTo(7);
    }
}
