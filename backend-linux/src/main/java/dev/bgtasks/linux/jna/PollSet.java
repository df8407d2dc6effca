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
