package dev.bgtasks.linux.dbus;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.Struct;
import org.freedesktop.dbus.annotations.Position;
import org.freedesktop.dbus.types.UInt16;
import org.freedesktop.dbus.types.UInt32;
import org.freedesktop.dbus.types.UInt64;
import org.freedesktop.dbus.types.Variant;
import org.junit.jupiter.api.Test;

class DBusValuesTest {
    /** A {@code (so)} as a Struct, the way a typed interface would declare logind's Display. */
    public static final class SessionRef extends Struct {
        @Position(0)
        public final String id;
        @Position(1)
        public final DBusPath path;

        public SessionRef(String id, DBusPath path) {
            this.id = id;
            this.path = path;
        }
    }

    @Test
    void unsignedTypesReadAsLongsAndOthersDoNot() {
        assertThat(DBusValues.unsigned(new UInt32(4))).contains(4L);
        assertThat(DBusValues.unsigned(new UInt16(2))).contains(2L);
        assertThat(DBusValues.unsigned(new UInt64(1_700_000_000_000_000L))).contains(1_700_000_000_000_000L);
        assertThat(DBusValues.unsigned(new UInt64(BigInteger.TWO.pow(64).subtract(BigInteger.ONE))))
                .contains(Long.MAX_VALUE);
        assertThat(DBusValues.unsigned(7)).contains(7L);
        assertThat(DBusValues.unsigned("4")).isEmpty();
        assertThat(DBusValues.unsigned(null)).isEmpty();
        assertThat(DBusValues.unsigned(4.0)).isEmpty();
    }

    @Test
    void booleansAndStringsAreTyped() {
        assertThat(DBusValues.bool(true)).contains(true);
        assertThat(DBusValues.bool("true")).isEmpty();
        assertThat(DBusValues.string("power-saver")).contains("power-saver");
        assertThat(DBusValues.string(1)).isEmpty();
    }

    @Test
    void objectPathsComeFromPathsAndFromStructsInEveryShapeDbusJavaDelivers() {
        assertThat(DBusValues.objectPath(new DBusPath("/a"))).contains("/a");
        // What GetAll of a (so) property returns: an Object[] of its members.
        assertThat(DBusValues.objectPath(new Object[] {"2", new DBusPath("/org/freedesktop/login1/session/_32")}))
                .contains("/org/freedesktop/login1/session/_32");
        assertThat(DBusValues.objectPath(List.of("2", new DBusPath("/b")))).contains("/b");
        assertThat(DBusValues.objectPath(new SessionRef("2", new DBusPath("/c")))).contains("/c");
        assertThat(DBusValues.objectPath(new Object[] {"2", "/not-a-path"})).isEmpty();
        assertThat(DBusValues.objectPath("/str")).isEmpty();
    }

    @Test
    void unwrapStripsVariants() {
        assertThat(DBusValues.unwrap(Map.of("A", new Variant<>(true), "B", new Variant<>(new UInt32(3)))))
                .isEqualTo(Map.of("A", true, "B", new UInt32(3)));
    }
}
