package dev.bgtasks.macos.jna;

import com.sun.jna.Library;
import com.sun.jna.Pointer;

/**
 * SystemConfiguration's SCDynamicStore, hand-mapped (neither jna-platform nor OSHI maps the dynamic store): the
 * configd key-value store that holds the primary network service and the console user.
 *
 * <pre>{@code
 * SystemConfigurationLib sc = SystemConfigurationLib.instance();
 * Pointer store = sc.SCDynamicStoreCreate(null, name, null, null);   // owned; CFRelease it
 * Pointer ipv4 = sc.SCDynamicStoreCopyValue(store, key);             // owned or null
 * }</pre>
 */
public interface SystemConfigurationLib extends Library {
    /**
     * The loaded framework, loaded on the first call (only on macOS) and kept: see {@link Libraries}.
     *
     * @return the binding
     */
    static SystemConfigurationLib instance() {
        return Libraries.load("SystemConfiguration", SystemConfigurationLib.class);
    }

    /** An owned session to configd, or null; no callout here, changes come by notify(3). */
    Pointer SCDynamicStoreCreate(Pointer allocator, Pointer name, Pointer callout, Pointer context);

    /** An owned property list (release it), or null when the key is absent. */
    Pointer SCDynamicStoreCopyValue(Pointer store, Pointer key);
}
