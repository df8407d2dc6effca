/**
 * The Linux backend: {@link dev.bgtasks.linux.LinuxPlatform}, found by {@link java.util.ServiceLoader}, picks the
 * sandbox (a cgroup of the broker's own, else a systemd user scope, else rlimits) and combines the signal sources
 * (rtnetlink, D-Bus services, power supplies, X11 idle time, no display) into one snapshot ({@code LinuxSignals}).
 *
 * <p>Each job has its sub-package: {@code cgroup} (task cgroups and systemd scopes), {@code rlimit} (the fallback
 * without cgroups), {@code netlink} (kernel sockets, the INTERNET signal), {@code dbus} (logind, NetworkManager,
 * UPower, power-profiles-daemon, the desktop portal), {@code power} ({@code /sys/class/power_supply}),
 * {@code presence} (X11 idle time, headless) and {@code jna}, the only package that touches JNA.
 *
 * <p>May use: the SPI, SLF4J and the sub-packages; never the broker, the store or the wire.
 */
package dev.bgtasks.linux;
