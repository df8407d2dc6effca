/**
 * The macOS backend's native bindings, and the only package of it that imports {@code com.sun.jna}: one interface
 * per library, named after it ({@code SystemLib} for libSystem, {@code CoreFoundationLib}, {@code IOKitLib},
 * {@code SystemConfigurationLib}, {@code CoreGraphicsLib}, {@code ObjCLib}), structures nested in their library's
 * interface with the C field names, each library loaded on first use and kept ({@code Libraries}), never while a
 * class initialises. libSystem is called through {@code SystemCalls}, which turns every errno into an
 * {@code ErrnoException} in one place; {@code CoreFoundationValues} reads CF values into plain Java.
 *
 * <p>May use: the JDK and JNA. Nothing else of bgtasks: the sandbox and the signals sit on top of it.
 */
package dev.bgtasks.macos.jna;
