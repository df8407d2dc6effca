/**
 * The Linux backend: cgroups, rtnetlink, sysfs and D-Bus signals behind {@link dev.bgtasks.spi.HostPlatform}.
 * Apps never call it: core finds it with {@link java.util.ServiceLoader} when it is on the module path or in the
 * runtime image.
 *
 * <pre>{@code
 * jlink --module-path mods --add-modules com.example.app,dev.bgtasks.linux --output image
 * }</pre>
 */
module dev.bgtasks.linux {
    requires transitive dev.bgtasks.core;
    requires com.sun.jna;
    requires com.sun.jna.platform;
    requires org.slf4j;
    requires org.freedesktop.dbus;
    // dbus-java finds its transport with ServiceLoader; required so that jlink and the module path bring it.
    requires org.freedesktop.dbus.transport.jre;

    exports dev.bgtasks.linux;

    // JNA reads and writes structure fields and calls callbacks reflectively.
    opens dev.bgtasks.linux.jna to com.sun.jna;
    // dbus-java creates signal objects and proxies of the remote interfaces reflectively.
    opens dev.bgtasks.linux.dbus to org.freedesktop.dbus;

    provides dev.bgtasks.spi.HostPlatform with dev.bgtasks.linux.LinuxPlatform;
}
