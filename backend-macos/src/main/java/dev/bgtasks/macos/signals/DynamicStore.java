package dev.bgtasks.macos.signals;

import com.sun.jna.Pointer;
import dev.bgtasks.macos.jna.CoreFoundationValues;
import dev.bgtasks.macos.jna.SystemConfigurationLib;
import java.io.IOException;
import java.util.Objects;
import java.util.Optional;

/**
 * A session to configd's dynamic store and the keys the macOS signals read: the primary IPv4 and IPv6 services and
 * the console user. Every value it copies is released before a read returns; the session itself on {@link #close()}.
 *
 * <pre>{@code
 * try (DynamicStore store = DynamicStore.open(SystemConfigurationLib.instance(), values)) {
 *     MacSignalRules.NetworkReading primary = store.network();
 * }
 * }</pre>
 */
final class DynamicStore implements AutoCloseable {
    static final String IPV4 = "State:/Network/Global/IPv4";
    static final String IPV6 = "State:/Network/Global/IPv6";
    static final String CONSOLE_USER = "State:/Users/ConsoleUser";

    private final SystemConfigurationLib sc;
    private final CoreFoundationValues cf;
    private final Object lock = new Object();
    private Pointer store;

    private DynamicStore(SystemConfigurationLib sc, CoreFoundationValues cf, Pointer store) {
        this.sc = sc;
        this.cf = cf;
        this.store = store;
    }

    /** Opens a session named "dev.bgtasks". */
    static DynamicStore open(SystemConfigurationLib sc, CoreFoundationValues cf) throws IOException {
        Objects.requireNonNull(sc, "sc");
        Objects.requireNonNull(cf, "cf");
        Pointer name = cf.createString("dev.bgtasks");
        Pointer store;
        try {
            store = sc.SCDynamicStoreCreate(null, name, null, null);
        } finally {
            cf.release(name);
        }
        if (store == null) {
            throw new IOException("SCDynamicStoreCreate failed");
        }
        return new DynamicStore(sc, cf, store);
    }

    /** The primary interface and router of each family; absent keys are null. */
    MacSignalRules.NetworkReading network() throws IOException {
        String[] v4 = primary(IPV4);
        String[] v6 = primary(IPV6);
        return new MacSignalRules.NetworkReading(v4[0], v4[1], v6[0], v6[1]);
    }

    private String[] primary(String key) throws IOException {
        synchronized (lock) {
            Pointer value = copy(key);
            try {
                if (!cf.isDictionary(value)) {
                    return new String[2];
                }
                return new String[] {cf.stringIn(value, "PrimaryInterface").orElse(null),
                    cf.stringIn(value, "Router").orElse(null)};
            } finally {
                cf.release(value);
            }
        }
    }

    /** The console user's name ("loginwindow" at the login window), empty when nobody is on the console. */
    Optional<String> consoleUser() throws IOException {
        synchronized (lock) {
            Pointer value = copy(CONSOLE_USER);
            try {
                return cf.isDictionary(value) ? cf.stringIn(value, "Name") : Optional.empty();
            } finally {
                cf.release(value);
            }
        }
    }

    /** An owned value, or null when the key is absent. */
    private Pointer copy(String key) throws IOException {
        if (store == null) {
            throw new IOException("the dynamic store session is closed");
        }
        Pointer cfKey = cf.createString(key);
        try {
            return sc.SCDynamicStoreCopyValue(store, cfKey);
        } finally {
            cf.release(cfKey);
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            cf.release(store);
            store = null;
        }
    }
}
