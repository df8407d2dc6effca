package dev.bgtasks.nativetests.linux;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.Objects;

/**
 * Runs inside a network namespace ({@code ip netns exec}): starts the real rtnetlink INTERNET source and prints
 * {@code INTERNET true|false|unknown} once at start and again whenever the value changes, one flushed line each.
 * Exits when its stdin closes. Prints nothing else on stdout (logs go to stderr).
 *
 * <p>The source is {@code dev.bgtasks.linux.netlink.RtnetlinkInternetSource}; this reaches it by reflection (the
 * classpath is unnamed-module, so {@code setAccessible} is allowed), as it did while the source was package-private.
 */
public final class NetlinkProbeMain {
    private static final Object LOCK = new Object();
    private static String lastPrinted;

    private NetlinkProbeMain() {
    }

    public static void main(String[] args) throws Exception {
        Class<?> type = Class.forName("dev.bgtasks.linux.netlink.RtnetlinkInternetSource");
        Constructor<?> constructor = type.getDeclaredConstructor();
        constructor.setAccessible(true);
        Object source = constructor.newInstance();
        Method start = accessible(type.getMethod("start", Runnable.class));
        Method current = accessible(type.getMethod("current"));
        Method close = accessible(type.getMethod("close"));
        Runnable report = () -> print(value(source, current));
        start.invoke(source, report);
        report.run();
        try (InputStream in = System.in) {
            while (in.read() >= 0) {
                // wait for the test to close our stdin
            }
        } catch (IOException e) {
            // stdin gone: the test is done with us
        }
        close.invoke(source);
    }

    private static Method accessible(Method method) {
        method.setAccessible(true);
        return method;
    }

    // Printing what current() says (not what a callback implies) keeps one line per observed value.
    private static void print(String value) {
        synchronized (LOCK) {
            if (Objects.equals(value, lastPrinted)) {
                return;
            }
            lastPrinted = value;
            System.out.println("INTERNET " + value);
            System.out.flush();
        }
    }

    private static String value(Object source, Method current) {
        try {
            Map<?, ?> signals = (Map<?, ?>) current.invoke(source);
            Object internet = signals.entrySet().stream().filter(e -> e.getKey().toString().equals("INTERNET"))
                    .map(Map.Entry::getValue).findFirst().orElse(null);
            return internet == null ? "unknown" : internet.toString();
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException(e);
        }
    }
}
