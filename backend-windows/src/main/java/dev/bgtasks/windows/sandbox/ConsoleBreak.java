package dev.bgtasks.windows.sandbox;

import com.sun.jna.platform.win32.WinBase;
import com.sun.jna.platform.win32.Wincon;
import dev.bgtasks.windows.jna.Kernel32Calls;

/**
 * Polite cancel of a console program: {@code CTRL_BREAK_EVENT} to its process group (every task starts a group of
 * its own with {@code CREATE_NEW_PROCESS_GROUP}, whose id is the task's pid). A console control event reaches only
 * processes on the sender's console, so where the broker has a console the tasks share it; where it has none (the
 * usual case of a broker started in the background), each task gets a console of its own without a window
 * ({@code CREATE_NO_WINDOW}) and the broker attaches to it just long enough to send the event.
 *
 * <p>Java task hosts are cancelled over their control channel by the broker, never by this: a JVM answers
 * {@code CTRL_BREAK} with a thread dump, not an exit.
 *
 * <pre>{@code
 * ConsoleBreak consoles = ConsoleBreak.detect(calls);
 * int flags = WinBase.CREATE_SUSPENDED | consoles.creationFlags();
 * consoles.send(pid);
 * }</pre>
 */
final class ConsoleBreak {
    // A process has at most one console: attach, send, free must not interleave between two cancels.
    private static final Object CONSOLE_LOCK = new Object();

    private final Kernel32Calls calls;
    private final boolean shared;

    ConsoleBreak(Kernel32Calls calls, boolean shared) {
        this.calls = calls;
        this.shared = shared;
    }

    /** Shares the broker's console when it has one ({@code GetConsoleCP} is 0 without a console). */
    static ConsoleBreak detect(Kernel32Calls calls) {
        return new ConsoleBreak(calls, calls.GetConsoleCP() != 0);
    }

    boolean sharesConsole() {
        return shared;
    }

    /** The creation flag the console mode needs: {@code CREATE_NO_WINDOW} when the broker has no console. */
    int creationFlags() {
        return shared ? 0 : WinBase.CREATE_NO_WINDOW;
    }

    /**
     * Sends {@code CTRL_BREAK_EVENT} to the task's process group.
     *
     * @return false when the event could not be sent (the task has no console, or has exited)
     */
    boolean send(long pid) {
        int group = (int) pid;
        if (shared) {
            return calls.GenerateConsoleCtrlEvent(Wincon.CTRL_BREAK_EVENT, group);
        }
        synchronized (CONSOLE_LOCK) {
            if (!calls.AttachConsole(group)) {
                return false;
            }
            try {
                return calls.GenerateConsoleCtrlEvent(Wincon.CTRL_BREAK_EVENT, group);
            } finally {
                calls.FreeConsole();
            }
        }
    }

    String describe() {
        return "CTRL_BREAK_EVENT to the task's process group by GenerateConsoleCtrlEvent ("
                + (shared ? "tasks share the broker's console"
                        : "each task has a console without a window, which the broker attaches to for the event")
                + "); Java task hosts through their control channel";
    }
}
