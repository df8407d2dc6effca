/**
 * The Linux backend's native bindings, and the only package of it that imports JNA: one interface per native
 * library, named after it, with its structures as nested classes carrying the C field names.
 *
 * <p>May use: JNA, jna-platform, SLF4J and the JDK.
 */
package dev.bgtasks.linux.jna;
