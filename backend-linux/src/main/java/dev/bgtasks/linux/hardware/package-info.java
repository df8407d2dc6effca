/**
 * Hardware readings for rig conditions (SPEC H1–H7): USB devices from kernel uevents ({@code usb} subsystem) over
 * the sysfs list at start, mounted volumes from {@code /proc/self/mountinfo} watched with poll(2) ({@code POLLPRI}),
 * interfaces up from the rtnetlink source, CPU temperature and idle through OSHI, polled only while needed.
 * {@link dev.bgtasks.linux.hardware.LinuxHardwareSource} wires them; the parsers are pure and tested on fixtures.
 *
 * <p>May use: the JDK, SLF4J, the SPI, the netlink package (uevent sockets, the rtnetlink source), the jna package
 * (poll(2) on the mount table) and the generic platform's OSHI readings.
 */
package dev.bgtasks.linux.hardware;
