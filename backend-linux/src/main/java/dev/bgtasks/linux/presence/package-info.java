/**
 * Presence where D-Bus does not tell: {@link dev.bgtasks.linux.presence.X11IdleSource} (USER_PRESENT from the X
 * server's idle time, polled) and {@link dev.bgtasks.linux.presence.HeadlessSource} (no display: nobody present, no
 * session).
 *
 * <p>May use: the SPI, SLF4J and the {@code jna} package for libXss.
 */
package dev.bgtasks.linux.presence;
