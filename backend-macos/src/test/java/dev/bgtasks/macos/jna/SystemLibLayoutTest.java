package dev.bgtasks.macos.jna;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import org.junit.jupiter.api.Test;

/**
 * Every Darwin number and struct layout the sandbox relies on, against the xnu headers (64-bit macOS). Runs on any
 * 64-bit OS: nothing here loads libSystem, and these structs have the same natural alignment on x86-64 and arm64.
 */
class SystemLibLayoutTest {
    @Test
    void spawnFlagsAreDarwinsNotGlibcs() {
        // sys/spawn.h; glibc's POSIX_SPAWN_SETSID is 0x80, which on Darwin means START_SUSPENDED.
        assertThat(SystemLib.POSIX_SPAWN_SETPGROUP).isEqualTo(0x0002);
        assertThat(SystemLib.POSIX_SPAWN_START_SUSPENDED).isEqualTo(0x0080);
        assertThat(SystemLib.POSIX_SPAWN_SETSID).isEqualTo(0x0400);
        assertThat(SystemLib.POSIX_SPAWN_CLOEXEC_DEFAULT).isEqualTo(0x4000);
    }

    @Test
    void signalErrnoAndOpenFlagNumbersAreDarwins() {
        // sys/signal.h: SIGCONT is 19 and SIGSTOP 17 on Darwin (18 and 19 on Linux).
        assertThat(SystemLib.SIGKILL).isEqualTo(9);
        assertThat(SystemLib.SIGTERM).isEqualTo(15);
        assertThat(SystemLib.SIGSTOP).isEqualTo(17);
        assertThat(SystemLib.SIGCONT).isEqualTo(19);
        // sys/errno.h
        assertThat(SystemLib.EPERM).isEqualTo(1);
        assertThat(SystemLib.ENOENT).isEqualTo(2);
        assertThat(SystemLib.ESRCH).isEqualTo(3);
        assertThat(SystemLib.EINTR).isEqualTo(4);
        assertThat(SystemLib.ECHILD).isEqualTo(10);
        assertThat(SystemLib.EINVAL).isEqualTo(22);
        // sys/fcntl.h: O_CREAT 0x200 and O_APPEND 0x8 on Darwin (0x40 and 0x400 on Linux).
        assertThat(SystemLib.O_RDONLY).isZero();
        assertThat(SystemLib.O_WRONLY).isEqualTo(1);
        assertThat(SystemLib.O_APPEND).isEqualTo(0x8);
        assertThat(SystemLib.O_CREAT).isEqualTo(0x200);
    }

    @Test
    void kqueueProcRusageAndSysctlNumbersAreDarwins() {
        // sys/event.h
        assertThat(SystemLib.EVFILT_PROC).isEqualTo((short) -5);
        assertThat(SystemLib.EV_ADD).isEqualTo((short) 0x1);
        assertThat(SystemLib.EV_ENABLE).isEqualTo((short) 0x4);
        assertThat(SystemLib.EV_ONESHOT).isEqualTo((short) 0x10);
        assertThat(SystemLib.EV_ERROR).isEqualTo((short) 0x4000);
        assertThat(SystemLib.NOTE_EXIT).isEqualTo(0x80000000);
        // sys/resource.h, libproc.h / sys/proc_info.h, sys/sysctl.h
        assertThat(SystemLib.RUSAGE_INFO_V4).isEqualTo(4);
        assertThat(SystemLib.PROC_ALL_PIDS).isEqualTo(1);
        assertThat(SystemLib.PROC_PGRP_ONLY).isEqualTo(2);
        assertThat(SystemLib.PROC_PPID_ONLY).isEqualTo(6);
        assertThat(SystemLib.PROC_PIDTBSDINFO).isEqualTo(3);
        assertThat(SystemLib.CTL_KERN).isEqualTo(1);
        assertThat(SystemLib.KERN_ARGMAX).isEqualTo(8);
        assertThat(SystemLib.KERN_PROCARGS2).isEqualTo(49);
    }

    @Test
    void rusageInfoV4Is296BytesWithFootprintAt72AndLifetimePeakAt240() {
        assertThat(Native.POINTER_SIZE).as("64-bit JVM").isEqualTo(8);
        SystemLib.RusageInfoV4 info = new SystemLib.RusageInfoV4();
        assertThat(info.size()).isEqualTo(296);
        Pointer p = info.getPointer();
        p.setLong(16, 111);    // ri_user_time
        p.setLong(24, 222);    // ri_system_time
        p.setLong(64, 333);    // ri_resident_size
        p.setLong(72, 444);    // ri_phys_footprint
        p.setLong(240, 555);   // ri_lifetime_max_phys_footprint
        p.setLong(288, 666);   // ri_runnable_time, the last field
        info.read();
        assertThat(info.ri_user_time).isEqualTo(111);
        assertThat(info.ri_system_time).isEqualTo(222);
        assertThat(info.ri_resident_size).isEqualTo(333);
        assertThat(info.ri_phys_footprint).isEqualTo(444);
        assertThat(info.ri_lifetime_max_phys_footprint).isEqualTo(555);
        assertThat(info.ri_runnable_time).isEqualTo(666);
    }

    @Test
    void keventIs32BytesWithTheHeadersOffsets() {
        SystemLib.Kevent ev = new SystemLib.Kevent();
        ev.ident = 4242;
        ev.filter = SystemLib.EVFILT_PROC;
        ev.flags = (short) (SystemLib.EV_ADD | SystemLib.EV_ONESHOT);
        ev.fflags = SystemLib.NOTE_EXIT;
        ev.data = 7;
        ev.write();
        Pointer p = ev.getPointer();
        assertThat(ev.size()).isEqualTo(32);
        assertThat(p.getLong(0)).isEqualTo(4242);
        assertThat(p.getShort(8)).isEqualTo((short) -5);
        assertThat(p.getShort(10)).isEqualTo((short) 0x11);
        assertThat(p.getInt(12)).isEqualTo(0x80000000);
        assertThat(p.getLong(16)).isEqualTo(7);
        assertThat(p.getPointer(24)).isNull();
    }

    @Test
    void timespecAndTimebaseLayouts() {
        SystemLib.Timespec t = new SystemLib.Timespec(1500);
        t.write();
        assertThat(t.size()).isEqualTo(16);
        assertThat(t.getPointer().getLong(0)).isEqualTo(1);
        assertThat(t.getPointer().getLong(8)).isEqualTo(500_000_000L);
        assertThat(new SystemLib.MachTimebaseInfo().size()).isEqualTo(8);
    }

    @Test
    void procBsdInfoIs136BytesWithParentAt16AndGroupAt100() {
        SystemLib.ProcBsdInfo info = new SystemLib.ProcBsdInfo();
        assertThat(info.size()).isEqualTo(136);
        Pointer p = info.getPointer();
        p.setInt(12, 4242);   // pbi_pid
        p.setInt(16, 1);      // pbi_ppid
        p.setInt(20, 501);    // pbi_uid
        p.setInt(100, 4240);  // pbi_pgid
        p.setLong(128, 99);   // pbi_start_tvusec, the last field
        info.read();
        assertThat(info.pbi_start_tvusec).isEqualTo(99);
        assertThat(info.pbi_pid).isEqualTo(4242);
        assertThat(info.pbi_ppid).isEqualTo(1);
        assertThat(info.pbi_uid).isEqualTo(501);
        assertThat(info.pbi_pgid).isEqualTo(4240);
    }
}
