package dev.bgtasks.macos.signals;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.LongByReference;
import dev.bgtasks.macos.jna.CoreFoundationLib;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An in-memory CoreFoundation for tests: strings, booleans, numbers, data and dictionaries behind fake pointers, with
 * ownership. Every object handed to the code under test as owned (created by it, or returned by a mocked Copy/Create
 * function) must be released exactly once; borrowed ones never. {@link #assertAllReleased()} proves it. The run loop
 * blocks in {@code CFRunLoopRunInMode} until {@code CFRunLoopStop}.
 *
 * <pre>{@code
 * CoreFoundationFake fake = new CoreFoundationFake();
 * CoreFoundationLib cf = mock(CoreFoundationLib.class, delegatesTo(fake));
 * Pointer dict = fake.dictionary(true, Map.of("Router", fake.string(false, "192.168.1.1")));
 * }</pre>
 */
class CoreFoundationFake implements CoreFoundationLib {
    static final long STRING = 7;
    static final long BOOLEAN = 21;
    static final long NUMBER = 22;
    static final long DATA = 20;
    static final long DICTIONARY = 18;
    static final long OTHER = 99;

    static final Pointer RUN_LOOP = new Pointer(0x7000);

    private static final class CfObject {
        final long type;
        final Object value;
        final boolean owned;
        int releases;
        int retains;

        CfObject(long type, Object value, boolean owned) {
            this.type = type;
            this.value = value;
            this.owned = owned;
        }
    }

    private final AtomicLong next = new AtomicLong(0x1000);
    private final Map<Long, CfObject> objects = new ConcurrentHashMap<>();
    private final List<String> misuse = new ArrayList<>();
    private final Semaphore stopped = new Semaphore(0);
    final List<Pointer> addedSources = new ArrayList<>();
    final List<Pointer> invalidatedSources = new ArrayList<>();

    private Pointer add(long type, Object value, boolean owned) {
        long address = next.addAndGet(0x10);
        objects.put(address, new CfObject(type, value, owned));
        return new Pointer(address);
    }

    Pointer string(boolean owned, String value) {
        return add(STRING, value, owned);
    }

    Pointer bool(boolean owned, boolean value) {
        return add(BOOLEAN, value, owned);
    }

    Pointer number(boolean owned, long value) {
        return add(NUMBER, value, owned);
    }

    Pointer data(boolean owned, long value) {
        Memory bytes = new Memory(Long.BYTES);
        bytes.setLong(0, value);
        return add(DATA, bytes, owned);
    }

    Pointer other(boolean owned) {
        return add(OTHER, null, owned);
    }

    /** A dictionary of borrowed values (keys are Java strings). */
    Pointer dictionary(boolean owned, Map<String, Pointer> entries) {
        return add(DICTIONARY, new LinkedHashMap<>(entries), owned);
    }

    /** An owned opaque object, such as a run loop source or a dynamic store session. */
    Pointer opaque() {
        return add(OTHER, null, true);
    }

    /** A borrowed opaque object, such as the run loop source an IOKit notification port owns. */
    Pointer borrowedOpaque() {
        return add(OTHER, null, false);
    }

    int releases(Pointer object) {
        return object(object).releases;
    }

    private CfObject object(Pointer pointer) {
        CfObject object = objects.get(Pointer.nativeValue(pointer));
        if (object == null) {
            throw new AssertionError("not a CF object: " + pointer);
        }
        return object;
    }

    /** Every owned object released once and every object once more per CFRetain, no other release or misuse. */
    void assertAllReleased() {
        List<String> problems = new ArrayList<>(misuse);
        objects.forEach((address, object) -> {
            int expected = (object.owned ? 1 : 0) + object.retains;
            if (object.releases != expected) {
                problems.add(String.format("0x%x (%s %s) released %d times, expected %d", address,
                        object.owned ? "owned" : "borrowed", object.value, object.releases, expected));
            }
        });
        assertThat(problems).as("CF ownership").isEmpty();
    }

    /** As {@link #assertAllReleased()}, for a test where {@code never} was never handed over. */
    void assertAllReleasedExcept(Pointer never) {
        CfObject skipped = object(never);
        if (skipped.releases != 0) {
            throw new AssertionError(never + " was released but never handed over");
        }
        skipped.releases = 1;
        try {
            assertAllReleased();
        } finally {
            skipped.releases = 0;
        }
    }

    int ownedCount() {
        return (int) objects.values().stream().filter(o -> o.owned).count();
    }

    @Override
    public synchronized void CFRelease(Pointer object) {
        if (object == null) {
            misuse.add("CFRelease(NULL) crashes");
            return;
        }
        object(object).releases++;
    }

    /** One more reference: the object must then be released once more. */
    @Override
    public synchronized Pointer CFRetain(Pointer object) {
        if (object == null) {
            misuse.add("CFRetain(NULL) crashes");
            return null;
        }
        object(object).retains++;
        return object;
    }

    @Override
    public Pointer CFStringCreateWithCString(Pointer allocator, String text, int encoding) {
        if (encoding != UTF8) {
            misuse.add("encoding " + encoding);
        }
        return string(true, text);
    }

    @Override
    public long CFStringGetLength(Pointer string) {
        return ((String) object(string).value).length();
    }

    @Override
    public long CFStringGetMaximumSizeForEncoding(long length, int encoding) {
        return length * 3;
    }

    @Override
    public byte CFStringGetCString(Pointer string, byte[] buffer, long bufferSize, int encoding) {
        byte[] bytes = ((String) object(string).value).getBytes(StandardCharsets.UTF_8);
        if (bytes.length + 1 > bufferSize || bufferSize > buffer.length) {
            return 0;
        }
        System.arraycopy(bytes, 0, buffer, 0, bytes.length);
        buffer[bytes.length] = 0;
        return 1;
    }

    @Override
    public long CFGetTypeID(Pointer object) {
        return object(object).type;
    }

    @Override
    public long CFStringGetTypeID() {
        return STRING;
    }

    @Override
    public long CFBooleanGetTypeID() {
        return BOOLEAN;
    }

    @Override
    public long CFNumberGetTypeID() {
        return NUMBER;
    }

    @Override
    public long CFDataGetTypeID() {
        return DATA;
    }

    @Override
    public long CFDictionaryGetTypeID() {
        return DICTIONARY;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Pointer CFDictionaryGetValue(Pointer dictionary, Pointer key) {
        CfObject dict = object(dictionary);
        if (dict.type != DICTIONARY) {
            misuse.add("CFDictionaryGetValue on a non-dictionary");
            return null;
        }
        return ((Map<String, Pointer>) dict.value).get((String) object(key).value);
    }

    @Override
    public byte CFBooleanGetValue(Pointer bool) {
        return (byte) ((Boolean) object(bool).value ? 1 : 0);
    }

    @Override
    public byte CFNumberGetValue(Pointer number, long type, LongByReference value) {
        if (type != NUMBER_SINT64) {
            misuse.add("number type " + type);
        }
        value.setValue((Long) object(number).value);
        return 1;
    }

    @Override
    public long CFDataGetLength(Pointer data) {
        return Long.BYTES;
    }

    @Override
    public Pointer CFDataGetBytePtr(Pointer data) {
        return (Memory) object(data).value;
    }

    @Override
    public Pointer CFRunLoopGetCurrent() {
        return RUN_LOOP;
    }

    @Override
    public synchronized void CFRunLoopAddSource(Pointer runLoop, Pointer source, Pointer mode) {
        if (!"kCFRunLoopDefaultMode".equals(object(mode).value)) {
            misuse.add("mode " + object(mode).value);
        }
        addedSources.add(source);
    }

    @Override
    public int CFRunLoopRunInMode(Pointer mode, double seconds, byte returnAfterSourceHandled) {
        try {
            stopped.acquire();
            return 2;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 2;
        }
    }

    @Override
    public void CFRunLoopStop(Pointer runLoop) {
        stopped.release();
    }

    @Override
    public void CFRunLoopWakeUp(Pointer runLoop) {
        // The fake loop wakes on stop.
    }

    @Override
    public synchronized void CFRunLoopSourceInvalidate(Pointer source) {
        invalidatedSources.add(source);
    }

    /** The dictionaries' entries, for tests that build nested values. */
    static Map<String, Pointer> entries(Object... keysAndValues) {
        Map<String, Pointer> map = new HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], (Pointer) keysAndValues[i + 1]);
        }
        return map;
    }
}
