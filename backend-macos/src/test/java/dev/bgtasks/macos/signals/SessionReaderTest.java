package dev.bgtasks.macos.signals;

import static dev.bgtasks.macos.signals.CoreFoundationFake.entries;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.AdditionalAnswers.delegatesTo;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.sun.jna.Pointer;
import dev.bgtasks.macos.jna.CoreFoundationLib;
import dev.bgtasks.macos.jna.CoreFoundationValues;
import dev.bgtasks.macos.jna.CoreGraphicsLib;
import dev.bgtasks.macos.jna.SystemConfigurationLib;
import org.junit.jupiter.api.Test;

/** The console session: CGSession first, the dynamic store's console user without one; everything released. */
class SessionReaderTest {
    private final CoreFoundationFake fake = new CoreFoundationFake();
    private final CoreFoundationValues values = new CoreFoundationValues(mock(CoreFoundationLib.class,
            delegatesTo(fake)));
    private final CoreGraphicsLib graphics = mock(CoreGraphicsLib.class);
    private final SystemConfigurationLib sc = mock(SystemConfigurationLib.class);

    private DynamicStore store(String consoleUser) throws Exception {
        Pointer session = fake.opaque();
        when(sc.SCDynamicStoreCreate(isNull(), any(), isNull(), isNull())).thenReturn(session);
        when(sc.SCDynamicStoreCopyValue(eq(session), any())).thenAnswer(i -> consoleUser == null ? null
                : fake.dictionary(true, entries("Name", fake.string(false, consoleUser))));
        return DynamicStore.open(sc, values);
    }

    @Test
    void anUnlockedConsoleSession() throws Exception {
        when(graphics.CGSessionCopyCurrentDictionary()).thenAnswer(i -> fake.dictionary(true, entries(
                SessionReader.ON_CONSOLE, fake.bool(false, true), "kCGSSessionUserNameKey", fake.string(false, "alice"))));
        try (SessionReader reader = new SessionReader(graphics, values, store("alice"))) {
            assertThat(reader.read()).isEqualTo(new SessionReader.Reading(true, true, false, null));
        }
        verify(sc, never()).SCDynamicStoreCopyValue(any(), any());
        fake.assertAllReleased();
    }

    @Test
    void aLockedSessionSwitchedAway() throws Exception {
        when(graphics.CGSessionCopyCurrentDictionary()).thenAnswer(i -> fake.dictionary(true, entries(
                SessionReader.ON_CONSOLE, fake.bool(false, false), SessionReader.SCREEN_LOCKED, fake.bool(false, true))));
        try (SessionReader reader = new SessionReader(graphics, values, null)) {
            assertThat(reader.read()).isEqualTo(new SessionReader.Reading(true, false, true, null));
        }
        fake.assertAllReleased();
    }

    @Test
    void withoutAWindowServerSessionTheConsoleUserDecides() throws Exception {
        when(graphics.CGSessionCopyCurrentDictionary()).thenReturn(null);
        try (SessionReader reader = new SessionReader(graphics, values, store("bob"))) {
            assertThat(reader.read()).isEqualTo(new SessionReader.Reading(false, null, false, "bob"));
        }
        fake.assertAllReleased();
    }

    @Test
    void nobodyOnTheConsoleReadsAsTheLoginWindow() throws Exception {
        when(graphics.CGSessionCopyCurrentDictionary()).thenReturn(null);
        try (SessionReader reader = new SessionReader(graphics, values, store(null))) {
            assertThat(reader.read().consoleUser()).isEqualTo("loginwindow");
        }
        fake.assertAllReleased();
    }

    @Test
    void withNeitherNothingIsKnown() {
        when(graphics.CGSessionCopyCurrentDictionary()).thenReturn(null);
        SessionReader reader = new SessionReader(graphics, values, null);
        assertThat(reader.read()).isEqualTo(new SessionReader.Reading(false, null, false, null));
        reader.close();
        fake.assertAllReleased();
    }
}
