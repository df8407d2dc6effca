package dev.bgtasks.linux;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Struct layouts match the kernel headers; runs on every OS since nothing here loads libc. */
class LinuxLibcStructTest {
    @Test
    void sockaddrNlIsTwelveBytesWithTheKernelsOffsets() {
        LinuxLibc.SockaddrNl addr = new LinuxLibc.SockaddrNl(0x41);
        addr.nl_pid = 0x01020304;
        addr.write();
        assertThat(addr.size()).isEqualTo(12);
        assertThat(addr.getPointer().getShort(0)).isEqualTo((short) LinuxLibc.AF_NETLINK);
        assertThat(addr.getPointer().getInt(4)).isEqualTo(0x01020304);
        assertThat(addr.getPointer().getInt(8)).isEqualTo(0x41);
    }

    @Test
    void pollFdIsEightBytesWithTheKernelsOffsets() {
        LinuxLibc.PollFd fd = new LinuxLibc.PollFd();
        fd.fd = 7;
        fd.events = LinuxLibc.POLLIN;
        fd.revents = LinuxLibc.POLLHUP;
        fd.write();
        assertThat(fd.size()).isEqualTo(8);
        assertThat(fd.getPointer().getInt(0)).isEqualTo(7);
        assertThat(fd.getPointer().getShort(4)).isEqualTo(LinuxLibc.POLLIN);
        assertThat(fd.getPointer().getShort(6)).isEqualTo(LinuxLibc.POLLHUP);
    }
}
