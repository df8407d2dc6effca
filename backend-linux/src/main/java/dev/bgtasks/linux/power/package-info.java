/**
 * AC_POWER and BATTERY_LOW from {@code /sys/class/power_supply}: {@link dev.bgtasks.linux.power.PowerSupplySource}
 * reads the supplies ({@code PowerSupply}) when the kernel sends a {@code power_supply} uevent, and
 * {@code PowerSupplyRules} decides from them.
 *
 * <p>May use: the SPI, SLF4J and the {@code netlink} package for the uevent socket.
 */
package dev.bgtasks.linux.power;
