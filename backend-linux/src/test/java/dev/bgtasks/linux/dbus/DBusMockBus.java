package dev.bgtasks.linux.dbus;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.bgtasks.spi.HostSignal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.freedesktop.dbus.exceptions.DBusExecutionException;
import org.freedesktop.dbus.interfaces.DBus;
import org.freedesktop.dbus.interfaces.DBusInterface;
import org.freedesktop.dbus.interfaces.DBusSigHandler;
import org.freedesktop.dbus.interfaces.Properties;
import org.freedesktop.dbus.matchrules.DBusMatchRule;
import org.freedesktop.dbus.messages.DBusSignal;
import org.freedesktop.dbus.types.Variant;

/**
 * A bus for unit tests: a Mockito mock of {@link DBusConnector.Link} whose remote objects are Mockito mocks of the
 * dbus-java interfaces the sources use ({@link Properties}, {@code LogindSource.Manager}, ...), which records the
 * sources' subscriptions and delivers signals to them as dbus-java's signal thread would.
 */
final class DBusMockBus {
    private record Subscription(DBusMatchRule rule, DBusSigHandler<DBusSignal> handler) {
    }

    final DBusConnector.Link link = mock(DBusConnector.Link.class);
    private final Map<String, String> owners = new ConcurrentHashMap<>();
    private final List<Subscription> subscriptions = new ArrayList<>();
    private final DBusConnector connector = new DBusConnector("system bus", "unix:path=/test/bus",
            (address, onLost) -> link, Duration.ofMillis(10));

    @SuppressWarnings("unchecked")
    DBusMockBus() throws Exception {
        when(link.address()).thenReturn("unix:path=/test/bus");
        // Anything not registered answers as an absent service does.
        when(link.remote(anyString(), anyString(), any(), anyBoolean())).thenAnswer(i -> mock(
                i.<Class<?>>getArgument(2), x -> {
                    throw new DBusExecutionException("Name \"" + i.getArgument(0) + "\" does not exist");
                }));
        when(link.nameOwner(anyString())).thenAnswer(i -> Optional.ofNullable(owners.get(i.<String>getArgument(0))));
        when(link.onSignal(any(), any())).thenAnswer(i -> subscribe(i.getArgument(0), i.getArgument(1)));
        when(link.onAnySignal(any(), any())).thenAnswer(i -> subscribe(i.getArgument(0), i.getArgument(1)));
    }

    DBusConnector connector() {
        return connector;
    }

    void close() {
        connector.close();
    }

    void owner(String busName, String uniqueName) {
        if (uniqueName == null) {
            owners.remove(busName);
        } else {
            owners.put(busName, uniqueName);
        }
    }

    /** A mock of {@code type} answering at {@code busName}/{@code path}. */
    <T extends DBusInterface> T remote(String busName, String path, Class<T> type) throws Exception {
        T object = mock(type);
        when(link.remote(eq(busName), eq(path), eq(type), anyBoolean())).thenReturn(object);
        return object;
    }

    /** A Properties mock at {@code busName}/{@code path} answering GetAll for {@code iface}. */
    Properties properties(String busName, String path, String iface, Map<String, Object> values) throws Exception {
        Properties p = remote(busName, path, Properties.class);
        Map<String, Variant<?>> all = variants(values);
        when(p.GetAll(iface)).thenReturn(all);
        return p;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Variant<?>> variants(Map<String, Object> values) {
        Map<String, Variant<?>> out = new java.util.HashMap<>();
        values.forEach((k, v) -> {
            if (v instanceof Object[]) {
                // A struct as dbus-java delivers it (an Object[]); Variant cannot be built from one.
                Variant<Object> variant = mock(Variant.class);
                when(variant.getValue()).thenReturn(v);
                out.put(k, variant);
            } else {
                out.put(k, new Variant<>(v));
            }
        });
        return out;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private synchronized AutoCloseable subscribe(DBusMatchRule rule, DBusSigHandler handler) {
        Subscription s = new Subscription(rule, handler);
        subscriptions.add(s);
        notifyAll();
        return () -> {
            synchronized (this) {
                subscriptions.remove(s);
            }
        };
    }

    synchronized int subscriptionCount() {
        return subscriptions.size();
    }

    /** Waits until the sources hold at least {@code n} subscriptions. */
    synchronized void awaitSubscriptions(int n) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (subscriptions.size() < n) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("only " + subscriptions.size() + " of " + n + " subscriptions");
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    private synchronized List<Subscription> matching(Predicate<DBusMatchRule> p) {
        return subscriptions.stream().filter(s -> p.test(s.rule())).toList();
    }

    /** Delivers {@code NameOwnerChanged} to the subscriptions for {@code busName}, and updates the owner. */
    void nameOwnerChanged(String busName, String oldOwner, String newOwner) throws Exception {
        owner(busName, newOwner.isEmpty() ? null : newOwner);
        DBus.NameOwnerChanged s = new DBus.NameOwnerChanged("/org/freedesktop/DBus", busName, oldOwner, newOwner);
        for (Subscription sub : matching(r -> "NameOwnerChanged".equals(r.getMember())
                && r.getArg0123() != null && busName.equals(r.getArg0123().get(0)))) {
            sub.handler().handle(s);
        }
    }

    /** Delivers {@code PropertiesChanged} from {@code sender} to the subscriptions for {@code path}. */
    void propertiesChanged(String sender, String path, String iface, Map<String, Object> changed,
            List<String> invalidated) {
        Properties.PropertiesChanged s = mock(Properties.PropertiesChanged.class);
        when(s.getSource()).thenReturn(sender);
        when(s.getPath()).thenReturn(path);
        when(s.getInterfaceName()).thenReturn(iface);
        when(s.getPropertiesChanged()).thenReturn(variants(changed));
        when(s.getPropertiesRemoved()).thenReturn(invalidated);
        for (Subscription sub : matching(r -> "PropertiesChanged".equals(r.getMember())
                && path.equals(r.getPath()))) {
            sub.handler().handle(s);
        }
    }

    /** Delivers a raw signal to the subscriptions for its interface, member and path. */
    void signal(String sender, String path, String iface, String member) {
        DBusSignal s = mock(DBusSignal.class);
        when(s.getSource()).thenReturn(sender);
        when(s.getPath()).thenReturn(path);
        when(s.getInterface()).thenReturn(iface);
        when(s.getName()).thenReturn(member);
        for (Subscription sub : matching(r -> member.equals(r.getMember()) && iface.equals(r.getInterface())
                && Objects.equals(path, r.getPath()))) {
            sub.handler().handle(s);
        }
    }

    /** Waits until everything posted to {@code source}'s serial thread so far has run. */
    static void flush(DBusSource source) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        source.post(done::countDown);
        if (!done.await(5, TimeUnit.SECONDS)) {
            throw new AssertionError("the source's thread did not get to the end of its queue");
        }
    }

    /** Starts {@code source} and waits until it subscribed {@code subscriptions} times and finished attaching. */
    static ChangeCounter start(DBusSource source, DBusMockBus bus, int subscriptions) throws InterruptedException {
        ChangeCounter changes = new ChangeCounter();
        source.start(changes);
        bus.awaitSubscriptions(subscriptions);
        flush(source);
        return changes;
    }

    /** The onChange callback of a test: counts calls. */
    static final class ChangeCounter implements Runnable {
        private int count;

        @Override
        public synchronized void run() {
            count++;
        }

        synchronized int count() {
            return count;
        }
    }

    static Map<HostSignal, Boolean> signals(Object... pairs) {
        Map<HostSignal, Boolean> m = new java.util.EnumMap<>(HostSignal.class);
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((HostSignal) pairs[i], (Boolean) pairs[i + 1]);
        }
        return m;
    }
}
