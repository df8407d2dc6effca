/**
 * The macOS backend: the footprint watchdog and SCDynamicStore, IOKit and HID signals behind
 * {@link dev.bgtasks.spi.HostPlatform}. Apps never call it: core finds it with {@link java.util.ServiceLoader}
 * when it is on the module path or in the runtime image.
 *
 * <pre>{@code
 * jlink --module-path mods --add-modules com.example.app,dev.bgtasks.macos --output image
 * }</pre>
 */
module dev.bgtasks.macos {
    requires transitive dev.bgtasks.core;
    requires com.sun.jna;
    requires com.sun.jna.platform;
    requires org.slf4j;
    requires org.apache.commons.exec;

    exports dev.bgtasks.macos;

    // JNA reads and writes structure fields and calls callbacks reflectively.
    opens dev.bgtasks.macos.jna to com.sun.jna;

    provides dev.bgtasks.spi.HostPlatform with dev.bgtasks.macos.MacPlatform;
}
