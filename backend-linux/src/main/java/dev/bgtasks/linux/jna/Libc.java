package dev.bgtasks.linux.jna;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Structure;
import com.sun.jna.Structure.FieldOrder;

/**
 * The libc calls the Linux backend needs that neither the JDK nor jna-platform maps: netlink sockets (rtnetlink,
 * kobject uevents), {@code poll}, {@code eventfd} and {@code pidfd_open}. Raw binding: errors surface as
 * {@link LastErrorException} carrying errno, which {@link Syscalls}, the only caller, turns into
 * {@link ErrnoException}.
 *
 * <pre>{@code
 * int fd = Libc.Holder.INSTANCE.socket(Libc.AF_NETLINK, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, 0);
 * }</pre>
 *
 * <p>{@code size_t}/{@code ssize_t} are mapped as Java {@code long}: bgtasks supports 64-bit Linux only (x86-64,
 * aarch64), where both are 64 bits.
 */
interface Libc extends Library {
    /**
     * Loaded on first use only: the structures are laid out (and tested) without libc, and JNA initialises the
     * enclosing interface to lay out a nested structure, which would load the library if the interface held it.
     */
    final class Holder {
        static final Libc INSTANCE = Native.load("c", Libc.class);

        private Holder() {
        }
    }

    int AF_NETLINK = 16;
    int SOCK_RAW = 3;
    int SOCK_CLOEXEC = 0x80000;
    int SOL_SOCKET = 1;
    int SO_RCVBUF = 8;
    int SO_RCVBUFFORCE = 33;
    int MSG_DONTWAIT = 0x40;
    int MSG_TRUNC = 0x20;
    short POLLIN = 0x1;
    short POLLPRI = 0x2;
    int O_RDONLY = 0;
    int O_CLOEXEC = 0x80000;
    short POLLERR = 0x8;
    short POLLHUP = 0x10;
    int EFD_CLOEXEC = 0x80000;
    int EFD_NONBLOCK = 0x800;
    /** {@code pidfd_open(2)}: the same number on x86-64 and aarch64. */
    long SYS_PIDFD_OPEN = 434;

    int socket(int domain, int type, int protocol) throws LastErrorException;

    int bind(int sockfd, SockaddrNl addr, int addrlen) throws LastErrorException;

    long send(int sockfd, byte[] buf, long len, int flags) throws LastErrorException;

    long recvfrom(int sockfd, byte[] buf, long len, int flags, SockaddrNl srcAddr, int[] addrlen)
            throws LastErrorException;

    int setsockopt(int sockfd, int level, int optname, int[] optval, int optlen) throws LastErrorException;

    int poll(PollFd[] fds, long nfds, int timeout) throws LastErrorException;

    /** An event counter whose descriptor poll(2) sees readable while it is non-zero. */
    int eventfd(int initval, int flags) throws LastErrorException;

    long write(int fd, byte[] buf, long count) throws LastErrorException;

    int close(int fd) throws LastErrorException;

    int open(String path, int flags) throws LastErrorException;

    long read(int fd, byte[] buf, long count) throws LastErrorException;

    int IN_NONBLOCK = 0x800;
    int IN_CLOEXEC = 0x80000;
    /** inotify events: a name created, moved in or out, changed attributes; the watched directory gone. */
    int IN_ATTRIB = 0x4;
    int IN_MOVED_FROM = 0x40;
    int IN_MOVED_TO = 0x80;
    int IN_CREATE = 0x100;
    int IN_DELETE = 0x200;
    int IN_DELETE_SELF = 0x400;
    int IN_MOVE_SELF = 0x800;

    int inotify_init1(int flags) throws LastErrorException;

    int inotify_add_watch(int fd, String pathname, int mask) throws LastErrorException;

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
