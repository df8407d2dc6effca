/**
 * Everything of the Windows backend that binds native code, and nothing else: one hand-mapped library interface per
 * DLL where jna-platform lacks functions ({@code Kernel32Library}, {@code IphlpapiLibrary}, {@code Cfgmgr32Library}) with their structures and
 * constants, the mockable seams over jna-platform ({@code Kernel32Calls}, {@code ComCalls} and the vtable invoker),
 * the readers and pumps that turn Win32 calls and callbacks into Java values and listener calls
 * ({@code MessageWindow}, {@code NetworkIpHelper}, {@code NlmReader}, {@code WtsSession}, {@code LastInput},
 * {@code DeviceInterfaceNotifications}), and
 * the Win32 identities the backend uses (power setting GUIDs, Network List Manager CLSID/IIDs, vtable slots).
 *
 * <p>Libraries load on first use, in {@code Win32Libraries} only. A Win32 error code or an {@code HRESULT} becomes a
 * message or an exception in {@code Win32Errors} only (texts from jna-platform's {@code Kernel32Util}). Every
 * structure and constant is held to the mingw-w64 Windows headers by {@code WindowsHeaderLayoutTest}.
 *
 * <p>May use: JNA and jna-platform, SLF4J, the JDK; nothing of bgtasks.
 */
package dev.bgtasks.windows.jna;
