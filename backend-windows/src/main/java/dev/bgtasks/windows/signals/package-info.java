/**
 * The Windows signal sources and their rules: network ({@code NetworkSource}, the Network List Manager on its COM
 * thread), power ({@code PowerSource}), session ({@code SessionSource}) and input idle time ({@code PresenceSource}),
 * each turning readings into host signals by {@code WinSignalRules}, which is pure and table-tested; and, for the
 * rig hardware readings, {@code UsbDeviceChangeWatch}: USB devices re-read once per burst of device-change
 * notifications.
 *
 * <p>May use: the SPI, {@code dev.bgtasks.windows.jna} for every native read and notification, and one JNA type:
 * {@code Guid.GUID}, the name of a power setting in a notification.
 */
package dev.bgtasks.windows.signals;
