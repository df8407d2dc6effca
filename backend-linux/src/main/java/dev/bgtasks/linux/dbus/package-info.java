/**
 * Host signals from system and session services over D-Bus (dbus-java): logind (USER_PRESENT, SESSION_CONNECTED),
 * NetworkManager (INTERNET, UNMETERED_NETWORK), UPower (AC_POWER, BATTERY_LOW), power-profiles-daemon (ENERGY_SAVER)
 * and the desktop portal (INTERNET, UNMETERED_NETWORK, ENERGY_SAVER). {@link dev.bgtasks.linux.dbus.DBusSignals}
 * combines them; each service is a {@code DBusSource} fed by {@code DBusPropertyWatch}, and {@code DBusConnector}
 * keeps one connection per bus and reconnects when it is lost.
 *
 * <p>May use: the SPI, SLF4J and dbus-java.
 */
package dev.bgtasks.linux.dbus;
