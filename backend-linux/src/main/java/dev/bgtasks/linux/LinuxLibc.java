package dev.bgtasks.linux;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Structure;
import com.sun.jna.Structure.FieldOrder;

/**
 * The libc calls the Linux backend needs that neither the JDK nor jna-platform maps: netlink sockets (rtnetlink,
 * kobject uevents), {@code poll}, signals and {@code pidfd_open}. Raw binding: errors surface as
 * {@link LastErrorException} carrying errno; callers turn them into typed exceptions.
 *
 * <pre>{@code
 * int fd = LinuxLibc.INSTANCE.socket(LinuxLibc.AF_NETLINK, LinuxLibc.SOCK_RAW | LinuxLibc.SOCK_CLOEXEC,
 *         LinuxLibc.NETLINK_ROUTE);
 * }</pre>
 *
 * <p>{@code size_t}/{@code ssize_t} are mapped as Java {@code long}: bgtasks supports 64-bit Linux only (x86-64,
 * aarch64), where both are 64 bits.
 */
interface LinuxLibc extends Library {
    LinuxLibc INSTANCE = Native.load("c", LinuxLibc.class);

    int AF_NETLINK = 16;
    int SOCK_RAW = 3;
    int SOCK_DGRAM = 2;
    int SOCK_CLOEXEC = 0x80000;
    int SOCK_NONBLOCK = 0x800;
    int NETLINK_ROUTE = 0;
    int NETLINK_KOBJECT_UEVENT = 15;
    int SOL_SOCKET = 1;
    int SO_RCVBUF = 8;
    int SO_RCVBUFFORCE = 33;
    int MSG_DONTWAIT = 0x40;
    int MSG_TRUNC = 0x20;
    short POLLIN = 0x1;
    short POLLERR = 0x8;
    short POLLHUP = 0x10;
    int SIGKILL = 9;
    int SIGTERM = 15;
    /** {@code pidfd_open(2)}: the same number on x86-64 and aarch64. */
    long SYS_PIDFD_OPEN = 434;
    int EINTR = 4;
    int EAGAIN = 11;
    int ESRCH = 3;
    int ENOBUFS = 105;

    int socket(int domain, int type, int protocol) throws LastErrorException;

    int bind(int sockfd, SockaddrNl addr, int addrlen) throws LastErrorException;

    long send(int sockfd, byte[] buf, long len, int flags) throws LastErrorException;

    long recv(int sockfd, byte[] buf, long len, int flags) throws LastErrorException;

    long recvfrom(int sockfd, byte[] buf, long len, int flags, SockaddrNl srcAddr, int[] addrlen)
            throws LastErrorException;

    int setsockopt(int sockfd, int level, int optname, int[] optval, int optlen) throws LastErrorException;

    int poll(PollFd[] fds, long nfds, int timeout) throws LastErrorException;

    int EFD_CLOEXEC = 0x80000;
    int EFD_NONBLOCK = 0x800;

    /** An event counter whose descriptor poll(2) sees readable while it is non-zero. */
    int eventfd(int initval, int flags) throws LastErrorException;

    long write(int fd, byte[] buf, long count) throws LastErrorException;

    int close(int fd) throws LastErrorException;

    int kill(int pid, int sig) throws LastErrorException;

    long syscall(long number, Object... args) throws LastErrorException;

    /** {@code struct sockaddr_nl} from linux/netlink.h. */
    @FieldOrder({"nl_family", "nl_pad", "nl_pid", "nl_groups"})
    class SockaddrNl extends Structure {
        public short nl_family;
        public short nl_pad;
        public int nl_pid;
        public int nl_groups;

        public SockaddrNl() {
        }

        public SockaddrNl(int groups) {
            this.nl_family = AF_NETLINK;
            this.nl_groups = groups;
        }
    }

    /** {@code struct pollfd} from poll.h. */
    @FieldOrder({"fd", "events", "revents"})
    class PollFd extends Structure {
        public int fd;
        public short events;
        public short revents;
    }
}
