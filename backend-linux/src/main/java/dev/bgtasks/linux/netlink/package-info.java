/**
 * The kernel's netlink: {@link dev.bgtasks.linux.netlink.NetlinkSocket} (an {@code AF_NETLINK} socket, woken by an
 * eventfd, behind the {@link dev.bgtasks.linux.netlink.NetlinkChannel} that tests script), the message formats
 * ({@code NetlinkMessage}, {@code Rtnetlink}, {@link dev.bgtasks.linux.netlink.Uevent}), and the INTERNET signal from
 * links, addresses and routes ({@link dev.bgtasks.linux.netlink.RtnetlinkInternetSource} over
 * {@code RtnetlinkModel}).
 *
 * <p>May use: the SPI, SLF4J and the {@code jna} package for the socket calls.
 */
package dev.bgtasks.linux.netlink;
