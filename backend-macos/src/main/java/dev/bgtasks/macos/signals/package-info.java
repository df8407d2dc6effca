/**
 * The macOS host signals: {@code MacSignals} (the {@code HostSignals}, combining its sources through
 * {@code MacSignalState} and the pure {@code MacSignalRules}) over the network source (configd's notification and
 * the dynamic store: {@code NetworkSignalSource}, {@code NotifyWatch}, {@code DynamicStore}), the power source (IOKit
 * power sources on a {@code CoreFoundationRunLoop}, Low Power Mode from {@code FoundationLowPowerMode} or
 * {@code PmsetLowPowerMode}), the presence source ({@code IOKitIdleTime}, {@code SessionReader}) and the storage
 * source of the SPI; and, for the rig hardware readings, {@code IOKitUsbWatch}: USB devices from IOKit matching
 * notifications on a {@code CoreFoundationRunLoop} of their own.
 *
 * <p>May use: the JDK, SLF4J, {@code dev.bgtasks.spi}, commons-exec (the {@code pmset} fallback) and the bindings
 * of {@code jna}. The one JNA type that crosses is {@code com.sun.jna.Pointer}, as the opaque handle of a
 * CoreFoundation or Objective-C object, and only in the classes that hold such objects (see
 * {@code config/import-control.xml}); {@code IOKitUsbWatch} also takes IOKit's by-reference out-parameters. Public:
 * {@code MacSignals} and {@code IOKitUsbWatch} (for {@code MacPlatform} and the native tests).
 */
package dev.bgtasks.macos.signals;
