/**
 * The Linux backend's native bindings, and the only package of it that imports JNA: one interface per native
 * library, named after it ({@code Libc}, {@code LibXss}), with its structures as nested classes carrying the C field
 * names, loaded on first use. The rest of the backend calls the wrappers: {@link dev.bgtasks.linux.jna.Syscalls},
 * {@link dev.bgtasks.linux.jna.PollSet} and {@link dev.bgtasks.linux.jna.NetlinkReceiver} over libc, and
 * {@link dev.bgtasks.linux.jna.XScreenSaver} over Xlib and libXss; every libc failure is an
 * {@link dev.bgtasks.linux.jna.ErrnoException} naming the call and its errno.
 *
 * <p>May use: JNA, jna-platform, SLF4J and the JDK.
 */
package dev.bgtasks.linux.jna;
