package dev.bgtasks.linux.jna;

import com.sun.jna.LastErrorException;

/**
 * A fixed set of descriptors to {@code poll(2)} for input, reused across waits so a reader loop allocates no native
 * memory per wait. One thread uses a set at a time.
 *
 * <pre>{@code
 * PollSet set = new PollSet(socketFd, wakeFd);
 * if (set.poll(500) > 0 && set.readable(0)) { ... }
 * }</pre>
 */
public final class PollSet {
    private final Libc.PollFd[] fds;

    /**
     * @param descriptors the descriptors to wait on, in the order {@link #readable(int)} indexes them
     */
    public PollSet(int... descriptors) {
        this.fds = (Libc.PollFd[]) new Libc.PollFd().toArray(descriptors.length);
        for (int i = 0; i < descriptors.length; i++) {
            fds[i].fd = descriptors[i];
            fds[i].events = Libc.POLLIN;
        }
    }

    /**
     * A set that waits for an exceptional condition ({@code POLLPRI}: {@code /proc/self/mountinfo} changed) on
     * {@code watched}, and for input on {@code wakeUp} (an eventfd that ends the wait).
     *
     * @param watched the descriptor whose changes to wait for, index 0
     * @param wakeUp the descriptor that wakes the waiter, index 1
     * @return the set
     */
    public static PollSet priority(int watched, int wakeUp) {
        PollSet set = new PollSet(watched, wakeUp);
        set.fds[0].events = Libc.POLLPRI;
        return set;
    }

    /**
     * @param index the descriptor's position in the constructor's arguments
     * @return whether the last {@link #poll} saw {@code POLLPRI} or {@code POLLERR} on it (a mount table changed)
     */
    public boolean changed(int index) {
        return (fds[index].revents & (Libc.POLLPRI | Libc.POLLERR)) != 0;
    }

    /**
     * Waits until a descriptor has input, hung up or failed, or the timeout passes.
     *
     * @param timeoutMillis how long at most; -1 waits without limit
     * @return how many descriptors are ready; 0 when the time passed
     * @throws ErrnoException on failure, {@link ErrnoException#EINTR} when a signal interrupted the wait
     */
    public int poll(int timeoutMillis) throws ErrnoException {
        for (Libc.PollFd fd : fds) {
            fd.revents = 0;
        }
        try {
            return Libc.Holder.INSTANCE.poll(fds, fds.length, timeoutMillis);
        } catch (LastErrorException e) {
            throw Syscalls.failed("poll", e);
        }
    }

    /**
     * @param index the descriptor's position in the constructor's arguments
     * @return whether the last {@link #poll} saw input on it
     */
    public boolean readable(int index) {
        return (fds[index].revents & Libc.POLLIN) != 0;
    }

    /**
     * @param index the descriptor's position in the constructor's arguments
     * @return whether the last {@link #poll} saw input, a hang-up or an error on it
     */
    public boolean ready(int index) {
        return (fds[index].revents & (Libc.POLLIN | Libc.POLLHUP | Libc.POLLERR)) != 0;
    }
}
