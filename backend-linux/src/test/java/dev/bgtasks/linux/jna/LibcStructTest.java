package dev.bgtasks.linux.jna;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Struct layouts match the kernel headers; runs on every OS since nothing here loads libc. */
class LibcStructTest {
    @Test
    void sockaddrNlIsTwelveBytesWithTheKernelsOffsets() {
        Libc.SockaddrNl addr = new Libc.SockaddrNl(0x41);
        addr.nl_pid = 0x01020304;
        addr.write();
        assertThat(addr.size()).isEqualTo(12);
        assertThat(addr.getPointer().getShort(0)).isEqualTo((short) Libc.AF_NETLINK);
        assertThat(addr.getPointer().getInt(4)).isEqualTo(0x01020304);
        assertThat(addr.getPointer().getInt(8)).isEqualTo(0x41);
    }

    @Test
    void pollFdIsEightBytesWithTheKernelsOffsets() {
        Libc.PollFd fd = new Libc.PollFd();
        fd.fd = 7;
        fd.events = Libc.POLLIN;
        fd.revents = Libc.POLLHUP;
        fd.write();
        assertThat(fd.size()).isEqualTo(8);
        assertThat(fd.getPointer().getInt(0)).isEqualTo(7);
        assertThat(fd.getPointer().getShort(4)).isEqualTo(Libc.POLLIN);
        assertThat(fd.getPointer().getShort(6)).isEqualTo(Libc.POLLHUP);
    }
}
