package dev.bgtasks.macos;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * SCDynamicStore of SystemConfiguration, hand-mapped (neither jna-platform nor OSHI maps the dynamic store): the
 * configd key-value store that holds the primary network service and the console user.
 *
 * <pre>{@code
 * DynamicStoreLib sc = DynamicStoreLib.load();
 * Pointer store = sc.SCDynamicStoreCreate(null, name, null, null);   // owned; CFRelease it
 * Pointer ipv4 = sc.SCDynamicStoreCopyValue(store, key);             // owned or null
 * }</pre>
 */
interface DynamicStoreLib extends Library {
    static DynamicStoreLib load() {
        return Native.load("SystemConfiguration", DynamicStoreLib.class);
    }

    /** An owned session to configd, or null; no callout here, changes come by notify(3). */
    Pointer SCDynamicStoreCreate(Pointer allocator, Pointer name, Pointer callout, Pointer context);

    /** An owned property list (release it), or null when the key is absent. */
    Pointer SCDynamicStoreCopyValue(Pointer store, Pointer key);
}
