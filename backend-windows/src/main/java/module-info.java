/**
 * The Windows backend: job objects and Win32 signals behind {@link dev.bgtasks.spi.HostPlatform}. Apps never call
 * it: core finds it with {@link java.util.ServiceLoader} when it is on the module path or in the runtime image.
 *
 * <pre>{@code
 * jlink --module-path mods --add-modules com.example.app,dev.bgtasks.windows --output image
 * }</pre>
 */
module dev.bgtasks.windows {
    requires transitive dev.bgtasks.core;
    requires com.sun.jna;
    requires com.sun.jna.platform;
    requires org.slf4j;

    exports dev.bgtasks.windows;

    // JNA reads and writes structure fields, builds COM vtables and calls callbacks reflectively.
    opens dev.bgtasks.windows.jna to com.sun.jna;

    provides dev.bgtasks.spi.HostPlatform with dev.bgtasks.windows.WindowsPlatform;
}
