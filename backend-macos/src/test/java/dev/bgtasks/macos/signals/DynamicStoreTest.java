package dev.bgtasks.macos.signals;

import static dev.bgtasks.macos.signals.CoreFoundationFake.entries;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.AdditionalAnswers.delegatesTo;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.sun.jna.Pointer;
import dev.bgtasks.macos.jna.CoreFoundationLib;
import dev.bgtasks.macos.jna.CoreFoundationValues;
import dev.bgtasks.macos.jna.SystemConfigurationLib;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Dynamic store reads → internet readings and the console user, with every CF object released (issue 6). */
class DynamicStoreTest {
    private final CoreFoundationFake fake = new CoreFoundationFake();
    private final CoreFoundationLib cf = mock(CoreFoundationLib.class, delegatesTo(fake));
    private final CoreFoundationValues values = new CoreFoundationValues(cf);
    private final SystemConfigurationLib sc = mock(SystemConfigurationLib.class);
    private Pointer session;
    /** Key → what each SCDynamicStoreCopyValue returns: a fresh owned copy per call, like configd. */
    private final Map<String, java.util.function.Supplier<Pointer>> keys = new HashMap<>();

    private DynamicStore open() throws IOException {
        session = fake.opaque();
        when(sc.SCDynamicStoreCreate(isNull(), any(), isNull(), isNull())).thenReturn(session);
        when(sc.SCDynamicStoreCopyValue(org.mockito.ArgumentMatchers.eq(session), any())).thenAnswer(i -> {
            Pointer key = i.getArgument(1);
            String name = values.string(key).orElseThrow();
            java.util.function.Supplier<Pointer> value = keys.get(name);
            return value == null ? null : value.get();
        });
        return DynamicStore.open(sc, values);
    }

    @Test
    void aPrimaryIpv4ServiceIsReadAndEverythingReleased() throws IOException {
        keys.put(DynamicStore.IPV4, () -> fake.dictionary(true, entries(
                "PrimaryInterface", fake.string(false, "en0"), "Router", fake.string(false, "192.168.1.1"),
                "PrimaryService", fake.string(false, "5A1B"))));
        try (DynamicStore store = open()) {
            MacSignalRules.NetworkReading reading = store.network();
            assertThat(reading).isEqualTo(new MacSignalRules.NetworkReading("en0", "192.168.1.1", null, null));
            assertThat(MacSignalRules.network(reading).get(dev.bgtasks.spi.HostSignal.INTERNET)).isTrue();
        }
        fake.assertAllReleased();
    }

    @Test
    void ipv6OnlyCountsAndAbsentKeysAreNull() throws IOException {
        keys.put(DynamicStore.IPV6, () -> fake.dictionary(true, entries("PrimaryInterface", fake.string(false, "en1"))));
        try (DynamicStore store = open()) {
            assertThat(store.network()).isEqualTo(new MacSignalRules.NetworkReading(null, null, "en1", null));
        }
        fake.assertAllReleased();
    }

    @Test
    void noPrimaryServiceIsNoInternet() throws IOException {
        try (DynamicStore store = open()) {
            MacSignalRules.NetworkReading reading = store.network();
            assertThat(reading).isEqualTo(MacSignalRules.NetworkReading.NONE);
            assertThat(MacSignalRules.network(reading).get(dev.bgtasks.spi.HostSignal.INTERNET)).isFalse();
        }
        fake.assertAllReleased();
    }

    @Test
    void aValueOfTheWrongTypeIsIgnoredButStillReleased() throws IOException {
        keys.put(DynamicStore.IPV4, () -> fake.other(true));
        keys.put(DynamicStore.IPV6, () -> fake.dictionary(true, entries("PrimaryInterface", fake.number(false, 3))));
        try (DynamicStore store = open()) {
            assertThat(store.network()).isEqualTo(MacSignalRules.NetworkReading.NONE);
        }
        fake.assertAllReleased();
    }

    @Test
    void theConsoleUserIsItsName() throws IOException {
        keys.put(DynamicStore.CONSOLE_USER, () -> fake.dictionary(true, entries("Name", fake.string(false, "alice"),
                "UID", fake.number(false, 501))));
        try (DynamicStore store = open()) {
            assertThat(store.consoleUser()).contains("alice");
            assertThat(store.consoleUser()).contains("alice");
        }
        fake.assertAllReleased();
    }

    @Test
    void aFailedCreateIsAnErrorAndReleasesTheName() {
        when(sc.SCDynamicStoreCreate(isNull(), any(), isNull(), isNull())).thenReturn(null);
        assertThatThrownBy(() -> DynamicStore.open(sc, values)).isInstanceOf(IOException.class)
                .hasMessageContaining("SCDynamicStoreCreate");
        fake.assertAllReleased();
    }

    @Test
    void theSessionIsCreatedWithOurNameAndReadsAfterCloseFail() throws IOException {
        DynamicStore store = open();
        org.mockito.Mockito.verify(sc).SCDynamicStoreCreate(isNull(),
                argThat(name -> values.string(name).orElse("").equals("dev.bgtasks")), isNull(), isNull());
        store.close();
        assertThatThrownBy(store::network).isInstanceOf(IOException.class);
        assertThat(fake.releases(session)).isEqualTo(1);
        fake.assertAllReleased();
    }
}
