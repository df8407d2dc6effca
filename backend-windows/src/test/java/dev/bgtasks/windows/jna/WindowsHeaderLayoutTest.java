package dev.bgtasks.windows.jna;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.platform.win32.Guid;
import com.sun.jna.platform.win32.Ole32;
import com.sun.jna.platform.win32.User32;
import com.sun.jna.platform.win32.WinBase;
import com.sun.jna.platform.win32.WinError;
import com.sun.jna.platform.win32.WinNT;
import com.sun.jna.platform.win32.WinUser;
import com.sun.jna.platform.win32.Wincon;
import com.sun.jna.platform.win32.Wtsapi32;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12, item 5: every Win32 structure, constant and GUID the backend uses is held to the Windows headers of
 * mingw-w64. {@code win32-layouts.c} (beside this class in the test resources) emits, for each of them, its
 * {@code sizeof}, each field's {@code offsetof} or its value into the {@code .bgtasks} section of an object file;
 * {@code x86_64-w64-mingw32-gcc -c} compiles it (nothing runs) and this reads the section back from the COFF file,
 * then compares each record with JNA's layout of the Java structure ({@code size()} and the field offsets, with the
 * type mappers the structures declare, as the backend uses them) or with the Java constant. Every record must be
 * claimed by the Java side and every field of a compared Java structure must have a record, so a field moved,
 * added or dropped on either side fails.
 *
 * <p>JNA lays these structures out on Linux x86-64 by natural alignment, as MSVC does on Windows x64 for these field
 * types (no {@code long double}, no bit fields, no packing pragmas), so the comparison holds the 64-bit Windows
 * layout here.
 *
 * <p>Needs Debian's {@code gcc-mingw-w64-x86-64}; without it this is skipped, unless {@code BGTASKS_REQUIRE_NATIVE=1}
 * (as in {@code .ci/run}), where it fails.
 */
class WindowsHeaderLayoutTest {
    private static final String COMPILER = "x86_64-w64-mingw32-gcc";
    private static final String SECTION = ".bgtasks";
    private static final int NAME_BYTES = 120;
    private static final int RECORD_BYTES = 128;

    private static Map<String, Long> header;

    @BeforeAll
    static void compileTheHeaders(@TempDir Path dir) throws Exception {
        assumeTrue(Native.POINTER_SIZE == 8, "the headers are compared for 64-bit Windows");
        Path compiler = onPath(COMPILER);
        if (compiler == null) {
            String why = COMPILER + " is not on the PATH: apt-get install -y gcc-mingw-w64-x86-64";
            if ("1".equals(System.getenv("BGTASKS_REQUIRE_NATIVE"))) {
                fail(why + " (BGTASKS_REQUIRE_NATIVE=1)");
            }
            assumeTrue(false, why + "; the Windows layouts are not checked against the headers");
        }
        Path source = dir.resolve("win32-layouts.c");
        try (InputStream in = WindowsHeaderLayoutTest.class.getResourceAsStream("win32-layouts.c")) {
            assertThat(in).as("the test resource win32-layouts.c").isNotNull();
            Files.copy(in, source);
        }
        Path object = dir.resolve("win32-layouts.o");
        Process gcc = new ProcessBuilder(compiler.toString(), "-c", "-Wall", "-Werror", "-o", object.toString(),
                source.toString()).redirectErrorStream(true).start();
        String output = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(gcc.waitFor(120, TimeUnit.SECONDS)).as("gcc finished").isTrue();
        assertThat(gcc.exitValue()).as("gcc said:%n%s", output).isZero();
        header = records(Files.readAllBytes(object));
    }

    /** The header's values, read from the COFF object: its one section named {@value #SECTION}. */
    static Map<String, Long> records(byte[] coff) {
        ByteBuffer file = ByteBuffer.wrap(coff).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(file.getShort(0) & 0xFFFF).as("IMAGE_FILE_MACHINE_AMD64").isEqualTo(0x8664);
        int sections = file.getShort(2) & 0xFFFF;
        int optionalHeader = file.getShort(16) & 0xFFFF;
        for (int i = 0; i < sections; i++) {
            int at = 20 + optionalHeader + i * 40;
            String name = new String(coff, at, 8, StandardCharsets.US_ASCII).replace("\0", "");
            if (!name.equals(SECTION)) {
                continue;
            }
            int size = file.getInt(at + 16);
            int data = file.getInt(at + 20);
            int relocations = file.getShort(at + 32) & 0xFFFF;
            assertThat(relocations).as("relocations in %s: every value must be a compile-time constant", SECTION)
                    .isZero();
            assertThat(size % RECORD_BYTES).isZero();
            Map<String, Long> out = new LinkedHashMap<>();
            for (int r = data; r < data + size; r += RECORD_BYTES) {
                int length = 0;
                while (length < NAME_BYTES && coff[r + length] != 0) {
                    length++;
                }
                String key = new String(coff, r, length, StandardCharsets.US_ASCII);
                assertThat(out.put(key, file.getLong(r + NAME_BYTES))).as("record %s twice", key).isNull();
            }
            return out;
        }
        throw new AssertionError("no section " + SECTION + " in the object file");
    }

    /** Each C structure and the Java structure the backend maps it with. */
    private static Map<String, Structure> structures() {
        Map<String, Structure> s = new LinkedHashMap<>();
        s.put("JOBOBJECT_BASIC_LIMIT_INFORMATION", new Kernel32Library.JobObjectBasicLimitInformation());
        s.put("IO_COUNTERS", new WinNT.IO_COUNTERS());
        s.put("JOBOBJECT_EXTENDED_LIMIT_INFORMATION", new Kernel32Library.JobObjectExtendedLimitInformation());
        s.put("JOBOBJECT_BASIC_ACCOUNTING_INFORMATION", new Kernel32Library.JobObjectBasicAccountingInformation());
        s.put("JOBOBJECT_ASSOCIATE_COMPLETION_PORT", new Kernel32Library.JobObjectAssociateCompletionPort());
        s.put("JOBOBJECT_LIMIT_VIOLATION_INFORMATION", new Kernel32Library.JobObjectLimitViolationInformation());
        s.put("STARTUPINFOW", new WinBase.STARTUPINFO());
        s.put("PROCESS_INFORMATION", new WinBase.PROCESS_INFORMATION());
        s.put("SECURITY_ATTRIBUTES", new WinBase.SECURITY_ATTRIBUTES());
        s.put("SYSTEM_POWER_STATUS", new Kernel32Library.SystemPowerStatus());
        s.put("POWERBROADCAST_SETTING", powerBroadcastSetting());
        s.put("WNDCLASSEXW", new WinUser.WNDCLASSEX());
        s.put("MSG", new WinUser.MSG());
        s.put("LASTINPUTINFO", new WinUser.LASTINPUTINFO());
        s.put("NL_NETWORK_CONNECTIVITY_HINT", new IphlpapiLibrary.ConnectivityHint());
        s.put("CM_NOTIFY_FILTER", new Cfgmgr32Library.NotifyFilter());
        return s;
    }

    /** Where jna-platform names a field otherwise than the header: C name to Java name. */
    private static final Map<String, String> FIELD_ALIASES = Map.of(
            "SECURITY_ATTRIBUTES.nLength", "dwLength",
            "MSG.hwnd", "hWnd");

    /** The received form: a one-byte payload, as the header declares {@code UCHAR Data[1]}. */
    private static Structure powerBroadcastSetting() {
        Memory memory = new Memory(64);
        memory.clear();
        memory.setInt(16, 1);
        return new WinUser.POWERBROADCAST_SETTING(memory);
    }

    /** Every constant, GUID part, vtable slot and hand-written offset, as the Java side has it. */
    private static Map<String, Number> values() throws ReflectiveOperationException {
        Map<String, Number> v = new LinkedHashMap<>();
        // Job objects
        v.put("const:JobObjectBasicAccountingInformation", Kernel32Library.JOB_OBJECT_BASIC_ACCOUNTING_INFORMATION);
        v.put("const:JobObjectAssociateCompletionPortInformation",
                Kernel32Library.JOB_OBJECT_ASSOCIATE_COMPLETION_PORT_INFORMATION);
        v.put("const:JobObjectExtendedLimitInformation", Kernel32Library.JOB_OBJECT_EXTENDED_LIMIT_INFORMATION);
        v.put("const:JobObjectLimitViolationInformation", Kernel32Library.JOB_OBJECT_LIMIT_VIOLATION_INFORMATION);
        v.put("const:JOB_OBJECT_LIMIT_ACTIVE_PROCESS", Kernel32Library.JOB_OBJECT_LIMIT_ACTIVE_PROCESS);
        v.put("const:JOB_OBJECT_LIMIT_JOB_MEMORY", Kernel32Library.JOB_OBJECT_LIMIT_JOB_MEMORY);
        v.put("const:JOB_OBJECT_LIMIT_DIE_ON_UNHANDLED_EXCEPTION",
                Kernel32Library.JOB_OBJECT_LIMIT_DIE_ON_UNHANDLED_EXCEPTION);
        v.put("const:JOB_OBJECT_LIMIT_BREAKAWAY_OK", Kernel32Library.JOB_OBJECT_LIMIT_BREAKAWAY_OK);
        v.put("const:JOB_OBJECT_LIMIT_SILENT_BREAKAWAY_OK", Kernel32Library.JOB_OBJECT_LIMIT_SILENT_BREAKAWAY_OK);
        v.put("const:JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE", Kernel32Library.JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE);
        v.put("const:JOB_OBJECT_MSG_END_OF_JOB_TIME", Kernel32Library.JOB_OBJECT_MSG_END_OF_JOB_TIME);
        v.put("const:JOB_OBJECT_MSG_END_OF_PROCESS_TIME", Kernel32Library.JOB_OBJECT_MSG_END_OF_PROCESS_TIME);
        v.put("const:JOB_OBJECT_MSG_ACTIVE_PROCESS_LIMIT", Kernel32Library.JOB_OBJECT_MSG_ACTIVE_PROCESS_LIMIT);
        v.put("const:JOB_OBJECT_MSG_ACTIVE_PROCESS_ZERO", Kernel32Library.JOB_OBJECT_MSG_ACTIVE_PROCESS_ZERO);
        v.put("const:JOB_OBJECT_MSG_NEW_PROCESS", Kernel32Library.JOB_OBJECT_MSG_NEW_PROCESS);
        v.put("const:JOB_OBJECT_MSG_EXIT_PROCESS", Kernel32Library.JOB_OBJECT_MSG_EXIT_PROCESS);
        v.put("const:JOB_OBJECT_MSG_ABNORMAL_EXIT_PROCESS", Kernel32Library.JOB_OBJECT_MSG_ABNORMAL_EXIT_PROCESS);
        v.put("const:JOB_OBJECT_MSG_PROCESS_MEMORY_LIMIT", Kernel32Library.JOB_OBJECT_MSG_PROCESS_MEMORY_LIMIT);
        v.put("const:JOB_OBJECT_MSG_JOB_MEMORY_LIMIT", Kernel32Library.JOB_OBJECT_MSG_JOB_MEMORY_LIMIT);
        // Processes, files, consoles
        v.put("const:CREATE_SUSPENDED", WinBase.CREATE_SUSPENDED);
        v.put("const:CREATE_NEW_PROCESS_GROUP", WinBase.CREATE_NEW_PROCESS_GROUP);
        v.put("const:CREATE_UNICODE_ENVIRONMENT", WinBase.CREATE_UNICODE_ENVIRONMENT);
        v.put("const:CREATE_NO_WINDOW", WinBase.CREATE_NO_WINDOW);
        v.put("const:STARTF_USESTDHANDLES", WinBase.STARTF_USESTDHANDLES);
        v.put("const:INFINITE", WinBase.INFINITE);
        v.put("const:WAIT_OBJECT_0", WinBase.WAIT_OBJECT_0);
        v.put("const:FILE_APPEND_DATA", WinNT.FILE_APPEND_DATA);
        v.put("const:GENERIC_READ", WinNT.GENERIC_READ);
        v.put("const:FILE_SHARE_READ", WinNT.FILE_SHARE_READ);
        v.put("const:FILE_SHARE_WRITE", WinNT.FILE_SHARE_WRITE);
        v.put("const:FILE_SHARE_DELETE", WinNT.FILE_SHARE_DELETE);
        v.put("const:OPEN_ALWAYS", WinNT.OPEN_ALWAYS);
        v.put("const:OPEN_EXISTING", WinNT.OPEN_EXISTING);
        v.put("const:FILE_ATTRIBUTE_NORMAL", WinNT.FILE_ATTRIBUTE_NORMAL);
        v.put("const:CTRL_BREAK_EVENT", Wincon.CTRL_BREAK_EVENT);
        v.put("const:ERROR_ABANDONED_WAIT_0", WinError.ERROR_ABANDONED_WAIT_0);
        v.put("const:STATUS_CONTROL_C_EXIT", constant("sandbox.JobProcess", "STATUS_CONTROL_C_EXIT"));
        // Power
        v.put("const:AC_LINE_OFFLINE", constant("signals.WinSignalRules", "AC_LINE_OFFLINE"));
        v.put("const:AC_LINE_ONLINE", constant("signals.WinSignalRules", "AC_LINE_ONLINE"));
        v.put("const:AC_LINE_UNKNOWN", constant("signals.WinSignalRules", "AC_LINE_UNKNOWN"));
        v.put("const:BATTERY_FLAG_HIGH", constant("signals.WinSignalRules", "BATTERY_FLAG_HIGH"));
        v.put("const:BATTERY_FLAG_LOW", constant("signals.WinSignalRules", "BATTERY_FLAG_LOW"));
        v.put("const:BATTERY_FLAG_CRITICAL", constant("signals.WinSignalRules", "BATTERY_FLAG_CRITICAL"));
        v.put("const:BATTERY_FLAG_CHARGING", constant("signals.WinSignalRules", "BATTERY_FLAG_CHARGING"));
        v.put("const:BATTERY_FLAG_NO_BATTERY",
                constant("signals.WinSignalRules", "BATTERY_FLAG_NO_SYSTEM_BATTERY"));
        v.put("const:BATTERY_FLAG_UNKNOWN", constant("signals.WinSignalRules", "BATTERY_FLAG_UNKNOWN"));
        v.put("const:BATTERY_PERCENTAGE_UNKNOWN", constant("signals.WinSignalRules", "BATTERY_PERCENT_UNKNOWN"));
        v.put("const:SYSTEM_STATUS_FLAG_POWER_SAVING_ON",
                constant("signals.WinSignalRules", "SYSTEM_STATUS_BATTERY_SAVER"));
        v.put("const:WM_POWERBROADCAST", WinUser.WM_POWERBROADCAST);
        v.put("const:PBT_POWERSETTINGCHANGE", WinUser.PBT_POWERSETTINGCHANGE);
        v.put("const:DEVICE_NOTIFY_WINDOW_HANDLE", User32.DEVICE_NOTIFY_WINDOW_HANDLE);
        guid(v, "GUID_ACDC_POWER_SOURCE", PowerSettings.GUID_ACDC_POWER_SOURCE);
        guid(v, "GUID_BATTERY_PERCENTAGE_REMAINING", PowerSettings.GUID_BATTERY_PERCENTAGE_REMAINING);
        guid(v, "GUID_POWER_SAVING_STATUS", PowerSettings.GUID_POWER_SAVING_STATUS);
        guid(v, "GUID_ENERGY_SAVER_STATUS", PowerSettings.GUID_ENERGY_SAVER_STATUS);
        // The message window: HWND_MESSAGE is a pointer, compared in all 64 bits
        v.put("const:HWND_MESSAGE", Pointer.nativeValue(MessageWindow.HWND_MESSAGE.getPointer()));
        v.put("const:WM_WTSSESSION_CHANGE", MessageWindow.WM_WTSSESSION_CHANGE);
        // Presence and sessions
        v.put("offsetof:WTSINFOEXW.Level", WtsSession.INFOEX_LEVEL_OFFSET);
        v.put("offsetof:WTSINFOEXW.Data.WTSInfoExLevel1.SessionFlags", WtsSession.INFOEX_SESSION_FLAGS_OFFSET);
        v.put("const:WTS_SESSIONSTATE_LOCK", constant("signals.SessionSource", "SESSIONSTATE_LOCK"));
        v.put("const:WTS_SESSIONSTATE_UNLOCK", constant("signals.SessionSource", "SESSIONSTATE_UNLOCK"));
        v.put("const:WTS_CURRENT_SESSION", Wtsapi32.WTS_CURRENT_SESSION);
        v.put("const:WTSConnectState", Wtsapi32.WTS_INFO_CLASS.WTSConnectState);
        v.put("const:WTSSessionInfoEx", Wtsapi32.WTS_INFO_CLASS.WTSSessionInfoEx);
        v.put("const:WTSActive", constant("signals.WinSignalRules", "WTS_ACTIVE"));
        v.put("const:WTSShadow", constant("signals.WinSignalRules", "WTS_SHADOW"));
        v.put("const:WTSInit", constant("signals.WinSignalRules", "WTS_LAST_STATE"));
        v.put("const:NOTIFY_FOR_THIS_SESSION", Wtsapi32.NOTIFY_FOR_THIS_SESSION);
        // Network
        guid(v, "CLSID_NetworkListManager", NlmInterfaces.CLSID_NETWORK_LIST_MANAGER);
        guid(v, "IID_INetworkListManager", NlmInterfaces.IID_INETWORK_LIST_MANAGER);
        guid(v, "IID_INetworkCostManager", NlmInterfaces.IID_INETWORK_COST_MANAGER);
        v.put("slot:IUnknownVtbl.QueryInterface", NlmInterfaces.SLOT_QUERY_INTERFACE);
        v.put("slot:IUnknownVtbl.AddRef", NlmInterfaces.SLOT_ADD_REF);
        v.put("slot:IUnknownVtbl.Release", NlmInterfaces.SLOT_RELEASE);
        v.put("slot:INetworkListManagerVtbl.GetConnectivity", NlmInterfaces.SLOT_GET_CONNECTIVITY);
        v.put("slot:INetworkCostManagerVtbl.GetCost", NlmInterfaces.SLOT_GET_COST);
        v.put("const:CLSCTX_ALL", NlmInterfaces.CLSCTX_ALL);
        v.put("const:COINIT_MULTITHREADED", Ole32.COINIT_MULTITHREADED);
        v.put("const:RPC_E_CHANGED_MODE", NlmReader.RPC_E_CHANGED_MODE);
        for (Field f : NlmInterfaces.class.getFields()) {
            if (f.getName().startsWith("NLM_") && !f.getName().equals("NLM_CONNECTION_COST_LEVELS")) {
                v.put("const:" + f.getName(), (Number) f.get(null));
            }
        }
        v.put("const:AF_UNSPEC", IphlpapiLibrary.AF_UNSPEC);
        v.put("const:NO_ERROR", IphlpapiLibrary.NO_ERROR);
        // USB device notifications
        v.put("const:CR_SUCCESS", Cfgmgr32Library.CR_SUCCESS);
        v.put("const:CM_NOTIFY_FILTER_TYPE_DEVICEINTERFACE", Cfgmgr32Library.CM_NOTIFY_FILTER_TYPE_DEVICEINTERFACE);
        v.put("const:CM_NOTIFY_ACTION_DEVICEINTERFACEARRIVAL",
                Cfgmgr32Library.CM_NOTIFY_ACTION_DEVICEINTERFACEARRIVAL);
        v.put("const:CM_NOTIFY_ACTION_DEVICEINTERFACEREMOVAL",
                Cfgmgr32Library.CM_NOTIFY_ACTION_DEVICEINTERFACEREMOVAL);
        v.put("const:ERROR_SUCCESS", Cfgmgr32Library.ERROR_SUCCESS);
        guid(v, "GUID_DEVINTERFACE_USB_DEVICE", DeviceInterfaceNotifications.USB_DEVICE);
        return v;
    }

    @Test
    void everyStructureHasTheHeadersSizeAndFieldOffsets() throws ReflectiveOperationException {
        List<String> wrong = new ArrayList<>();
        Set<String> claimed = new TreeSet<>();
        for (Map.Entry<String, Structure> e : structures().entrySet()) {
            String struct = e.getKey();
            Structure java = e.getValue();
            claimed.add("sizeof:" + struct);
            compare(wrong, "sizeof:" + struct, java.size());
            Set<String> javaFields = new LinkedHashSet<>(fieldOrder(java));
            for (String key : header.keySet()) {
                String prefix = "offsetof:" + struct + ".";
                if (!key.startsWith(prefix)) {
                    continue;
                }
                claimed.add(key);
                String cField = key.substring(prefix.length());
                String javaField = FIELD_ALIASES.getOrDefault(struct + "." + cField, cField);
                if (!javaFields.remove(javaField)) {
                    wrong.add(key + ": the Java structure has no field " + javaField);
                    continue;
                }
                compare(wrong, key, fieldOffset(java, javaField));
            }
            javaFields.forEach(f -> wrong.add(struct + "." + f + ": a Java field the header does not have"));
        }
        assertThat(wrong).as("structures against the mingw-w64 headers").isEmpty();
        assertThat(claimed).as("every structure record has a Java structure")
                .containsAll(header.keySet().stream().filter(k -> k.startsWith("sizeof:")).toList());
    }

    @Test
    void everyConstantGuidAndSlotHasTheHeadersValue() throws ReflectiveOperationException {
        Map<String, Number> values = values();
        List<String> wrong = new ArrayList<>();
        values.forEach((key, value) -> compare(wrong, key, value));
        assertThat(wrong).as("values against the mingw-w64 headers").isEmpty();

        Set<String> unclaimed = new TreeSet<>(header.keySet());
        unclaimed.removeIf(k -> k.startsWith("sizeof:") || values.containsKey(k)
                || structures().keySet().stream().anyMatch(s -> k.startsWith("offsetof:" + s + ".")));
        assertThat(unclaimed).as("header records no Java value is compared with").isEmpty();
    }

    /** The sandbox's composite flags are made of the header's bits, and nothing else. */
    @Test
    void theSandboxFlagsAreTheHeadersBits() throws ReflectiveOperationException {
        assertThat(constant("sandbox.WindowsJobSandbox", "CREATION_FLAGS").intValue())
                .isEqualTo((int) (header.get("const:CREATE_SUSPENDED") | header.get("const:CREATE_NEW_PROCESS_GROUP")
                        | header.get("const:CREATE_UNICODE_ENVIRONMENT")));
        assertThat(constant("sandbox.WindowsJobSandbox", "ALWAYS_LIMITS").intValue())
                .isEqualTo((int) (header.get("const:JOB_OBJECT_LIMIT_ACTIVE_PROCESS")
                        | header.get("const:JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE")
                        | header.get("const:JOB_OBJECT_LIMIT_DIE_ON_UNHANDLED_EXCEPTION")));
    }

    /** jna-platform's {@code WinUser.HWND_MESSAGE} is the one value that is not the header's (issue 12). */
    @Test
    void jnaPlatformsHwndMessageIsNotTheHeadersButOursIs() {
        long headerValue = header.get("const:HWND_MESSAGE");
        assertThat(headerValue).isEqualTo(-3L);
        assertThat(Pointer.nativeValue(WinUser.HWND_MESSAGE.getPointer())).isNotEqualTo(headerValue);
        assertThat(Pointer.nativeValue(MessageWindow.HWND_MESSAGE.getPointer())).isEqualTo(headerValue);
    }

    /** A Java value against its record: an int or short is compared in its own width, a long in all 64 bits. */
    private static void compare(List<String> wrong, String key, Number java) {
        Long c = header.get(key);
        if (c == null) {
            wrong.add(key + ": no such record in win32-layouts.c");
            return;
        }
        boolean same = java instanceof Long ? java.longValue() == c
                : java instanceof Short ? java.shortValue() == c.shortValue()
                : java.intValue() == c.intValue();
        if (!same) {
            wrong.add(key + ": header " + c + " (0x" + Long.toHexString(c) + "), Java " + java + " (0x"
                    + Long.toHexString(java.longValue()) + ")");
        }
    }

    private static void guid(Map<String, Number> v, String name, Guid.GUID guid) {
        v.put("guid:" + name + ".Data1", guid.Data1);
        v.put("guid:" + name + ".Data2", guid.Data2);
        v.put("guid:" + name + ".Data3", guid.Data3);
        v.put("guid:" + name + ".Data4", ByteBuffer.wrap(guid.Data4).order(ByteOrder.BIG_ENDIAN).getLong());
    }

    /** A package-private constant of another package of the backend. */
    private static Number constant(String className, String field) throws ReflectiveOperationException {
        Field f = Class.forName("dev.bgtasks.windows." + className).getDeclaredField(field);
        f.setAccessible(true);
        return (Number) f.get(null);
    }

    @SuppressWarnings("unchecked")
    private static List<String> fieldOrder(Structure s) throws ReflectiveOperationException {
        Method m = Structure.class.getDeclaredMethod("getFieldOrder");
        m.setAccessible(true);
        return (List<String>) m.invoke(s);
    }

    private static int fieldOffset(Structure s, String field) throws ReflectiveOperationException {
        Method m = Structure.class.getDeclaredMethod("fieldOffset", String.class);
        m.setAccessible(true);
        return (Integer) m.invoke(s, field);
    }

    private static Path onPath(String program) throws IOException {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
