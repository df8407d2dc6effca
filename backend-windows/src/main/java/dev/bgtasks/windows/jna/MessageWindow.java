package dev.bgtasks.windows.jna;

import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.Guid;
import com.sun.jna.platform.win32.Kernel32;
import com.sun.jna.platform.win32.User32;
import com.sun.jna.platform.win32.WinDef;
import com.sun.jna.platform.win32.WinUser;
import com.sun.jna.platform.win32.Wtsapi32;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A message-only window ({@code HWND_MESSAGE}) on a thread of its own, with a {@code GetMessage} loop, that
 * receives the power setting notifications ({@code RegisterPowerSettingNotification}, {@code WM_POWERBROADCAST} /
 * {@code PBT_POWERSETTINGCHANGE}) and the session notifications ({@code WTSRegisterSessionNotification},
 * {@code WM_WTSSESSION_CHANGE}) and hands them to its listeners on that thread. Windows sends the current value of
 * each power setting once right after registering, so listeners hear the starting values too.
 *
 * <p>A message-only window gets no broadcast messages ({@code PBT_APMPOWERSTATUSCHANGE}); the registered
 * notifications address the window itself, which is all this needs.
 *
 * <pre>{@code
 * MessageWindow window = MessageWindow.system();
 * window.addListener(power);
 * window.start();
 * window.close();   // unregisters everything and ends the thread
 * }</pre>
 */
public final class MessageWindow implements AutoCloseable {
    /** {@code WM_WTSSESSION_CHANGE} of {@code winuser.h}; jna-platform lacks it. */
    public static final int WM_WTSSESSION_CHANGE = 0x02B1;
    /**
     * {@code HWND_MESSAGE}, the parent of a message-only window: {@code ((HWND)-3)} in {@code winuser.h}, a
     * sign-extended pointer (0xFFFFFFFFFFFFFFFD on 64-bit Windows). jna-platform's {@link WinUser#HWND_MESSAGE} is
     * built from the int -3 read as unsigned, 0x00000000FFFFFFFD on 64-bit, which is not the header's value.
     */
    public static final WinDef.HWND HWND_MESSAGE = new WinDef.HWND(Pointer.createConstant(-3L));
    /** A private message (the {@code WM_APP} range) that ends the loop from another thread. */
    static final int WM_STOP = 0x8000 + 0x42;
    static final Duration START_WAIT = Duration.ofSeconds(10);

    private static final Logger LOG = LoggerFactory.getLogger(MessageWindow.class);
    private static final AtomicInteger WINDOWS = new AtomicInteger();

    /**
     * What the window hears; every method runs on the window thread and must return quickly.
     *
     * <pre>{@code
     * window.addListener(new MessageWindow.Listener() {
     *     public void sessionChanged(int event) { refresh(); }
     * });
     * }</pre>
     */
    public interface Listener {
        /** A {@code PBT_POWERSETTINGCHANGE} for {@code setting} with its DWORD value. */
        default void powerSettingChanged(Guid.GUID setting, int value) {
        }

        /** Another {@code WM_POWERBROADCAST} (resume, status change): re-read everything. */
        default void powerStatusChanged() {
        }

        /** A {@code WM_WTSSESSION_CHANGE} with its {@code WTS_*} code (lock, unlock, connect, ...). */
        default void sessionChanged(int event) {
        }

        /** No power notification will come (no window, or no setting registered): learn of changes otherwise. */
        default void powerNotificationsUnavailable(String reason) {
        }

        /** No session notification will come (no window, or WTSRegisterSessionNotification failed). */
        default void sessionNotificationsUnavailable(String reason) {
        }
    }

    private final User32 user32;
    private final Kernel32 kernel32;
    private final Wtsapi32 wtsapi32;
    private final List<Guid.GUID> settings;
    private final IntSupplier lastError;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final String className = "bgtasks-signals-" + ProcessHandle.current().pid() + "-"
            + WINDOWS.incrementAndGet();
    private final CountDownLatch ready = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final List<WinUser.HPOWERNOTIFY> powerHandles = new ArrayList<>();
    private final List<String> registered = new CopyOnWriteArrayList<>();
    private final List<String> notRegistered = new CopyOnWriteArrayList<>();
    // Native code calls this; the field keeps it alive as long as the window class exists.
    private final WinUser.WindowProc windowProc = new WinUser.WindowProc() {
        @Override
        public WinDef.LRESULT callback(WinDef.HWND hwnd, int message, WinDef.WPARAM wParam, WinDef.LPARAM lParam) {
            return handle(hwnd, message, wParam, lParam);
        }
    };
    private final AtomicInteger powerNotifications = new AtomicInteger();
    private final AtomicInteger sessionNotifications = new AtomicInteger();
    private volatile WinDef.HWND window;
    private volatile String failure;
    private volatile boolean sessionRegistered;
    private Thread thread;

    /**
     * A window over the given libraries, for every power setting of {@link PowerSettings#ALL}.
     *
     * @param user32 the window, message and power notification functions
     * @param kernel32 {@code GetModuleHandle}
     * @param wtsapi32 the session notification functions
     */
    public MessageWindow(User32 user32, Kernel32 kernel32, Wtsapi32 wtsapi32) {
        this(user32, kernel32, wtsapi32, PowerSettings.ALL, Win32Errors::lastError);
    }

    /**
     * The window of this Windows host; loads user32, kernel32 and wtsapi32.
     *
     * @return a window that has not started
     */
    public static MessageWindow system() {
        return new MessageWindow(Win32Libraries.user32(), Win32Libraries.platformKernel32(),
                Win32Libraries.wtsapi32());
    }

    /**
     * @param lastError the Win32 error of the thread's last call: JNA saves it right after each call, while calling
     *     GetLastError through JNA may see a value JNA itself left
     */
    MessageWindow(User32 user32, Kernel32 kernel32, Wtsapi32 wtsapi32, List<Guid.GUID> settings,
            IntSupplier lastError) {
        this.user32 = Objects.requireNonNull(user32, "user32");
        this.kernel32 = Objects.requireNonNull(kernel32, "kernel32");
        this.wtsapi32 = Objects.requireNonNull(wtsapi32, "wtsapi32");
        this.settings = List.copyOf(settings);
        this.lastError = Objects.requireNonNull(lastError, "lastError");
    }

    /**
     * Adds a listener; it hears every notification from now on.
     *
     * @param listener what to tell
     */
    public void addListener(Listener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Starts the window thread and waits until the window exists and its notifications are registered.
     *
     * @return null when the window runs, else why it does not (listeners were told too)
     */
    public String start() {
        synchronized (this) {
            if (thread != null) {
                throw new IllegalStateException("already started");
            }
            thread = new Thread(this::run, "bgtasks-windows-messages");
            thread.setDaemon(true);
            thread.start();
        }
        try {
            if (!ready.await(START_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                failure = "the message window thread did not start within " + START_WAIT.toSeconds() + " s";
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = "interrupted while the message window started";
        }
        String why = failure;
        if (why != null) {
            tellUnavailable(why, true, true);
            return why;
        }
        if (!notRegistered.isEmpty()) {
            LOG.info("message window: not registered for {}", notRegistered);
        }
        if (registered.isEmpty()) {
            tellUnavailable("no power setting notification could be registered: " + notRegistered, true, false);
        }
        if (!sessionRegistered) {
            tellUnavailable("WTSRegisterSessionNotification failed", false, true);
        }
        return null;
    }

    private void run() {
        WinDef.HINSTANCE instance = null;
        boolean classRegistered = false;
        try {
            instance = kernel32.GetModuleHandle(null);
            WinUser.WNDCLASSEX windowClass = new WinUser.WNDCLASSEX();
            windowClass.hInstance = instance;
            windowClass.lpszClassName = className;
            windowClass.lpfnWndProc = windowProc;
            WinDef.ATOM atom = user32.RegisterClassEx(windowClass);
            if (atom == null || atom.intValue() == 0) {
                failure = Win32Errors.failedWith("RegisterClassEx", lastError.getAsInt());
                return;
            }
            classRegistered = true;
            WinDef.HWND hwnd = user32.CreateWindowEx(0, className, "bgtasks signals", 0, 0, 0, 0, 0,
                    HWND_MESSAGE, null, instance, null);
            if (hwnd == null) {
                failure = Win32Errors.failedWith("CreateWindowEx(HWND_MESSAGE)", lastError.getAsInt());
                return;
            }
            window = hwnd;
            register(hwnd);
            ready.countDown();
            loop();
        } catch (RuntimeException | LinkageError e) {
            failure = "the message window failed: " + e;
            LOG.warn("the message window failed", e);
        } finally {
            cleanUp(instance, classRegistered);
            ready.countDown();
            stopped.countDown();
        }
    }

    private void register(WinDef.HWND hwnd) {
        for (Guid.GUID setting : settings) {
            WinUser.HPOWERNOTIFY handle = user32.RegisterPowerSettingNotification(hwnd, setting,
                    User32.DEVICE_NOTIFY_WINDOW_HANDLE);
            if (handle == null || handle.getPointer() == null) {
                // GUID_ENERGY_SAVER_STATUS is unknown before Windows 11 24H2; the others are always there.
                notRegistered.add(PowerSettings.name(setting) + " (error " + lastError.getAsInt() + ")");
            } else {
                synchronized (powerHandles) {
                    powerHandles.add(handle);
                }
                registered.add(PowerSettings.name(setting));
            }
        }
        sessionRegistered = wtsapi32.WTSRegisterSessionNotification(hwnd, Wtsapi32.NOTIFY_FOR_THIS_SESSION);
        if (!sessionRegistered) {
            notRegistered.add("WTSRegisterSessionNotification (error " + lastError.getAsInt() + ")");
        }
    }

    private void loop() {
        WinUser.MSG message = new WinUser.MSG();
        while (true) {
            int result = user32.GetMessage(message, null, 0, 0);
            if (result == 0 || message.message == WM_STOP) {
                return;
            }
            if (result == -1) {
                LOG.warn("{}; the message window stops", Win32Errors.failedWith("GetMessage", lastError.getAsInt()));
                tellUnavailable("GetMessage failed", true, true);
                return;
            }
            user32.TranslateMessage(message);
            user32.DispatchMessage(message);
        }
    }

    private void cleanUp(WinDef.HINSTANCE instance, boolean classRegistered) {
        List<WinUser.HPOWERNOTIFY> handles;
        synchronized (powerHandles) {
            handles = new ArrayList<>(powerHandles);
            powerHandles.clear();
        }
        WinDef.HWND hwnd = window;
        try {
            for (WinUser.HPOWERNOTIFY handle : handles) {
                user32.UnregisterPowerSettingNotification(handle);
            }
            if (hwnd != null && sessionRegistered) {
                wtsapi32.WTSUnRegisterSessionNotification(hwnd);
            }
            if (hwnd != null) {
                user32.DestroyWindow(hwnd);
            }
            if (classRegistered) {
                user32.UnregisterClass(className, instance);
            }
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("cleaning up the message window failed", e);
        }
    }

    /** The window procedure; package-private so tests can deliver messages as Windows would. */
    WinDef.LRESULT handle(WinDef.HWND hwnd, int message, WinDef.WPARAM wParam, WinDef.LPARAM lParam) {
        if (message == WinUser.WM_POWERBROADCAST) {
            powerNotifications.incrementAndGet();
            if (wParam.intValue() == WinUser.PBT_POWERSETTINGCHANGE && lParam.longValue() != 0) {
                WinUser.POWERBROADCAST_SETTING setting =
                        new WinUser.POWERBROADCAST_SETTING(new Pointer(lParam.longValue()));
                int value = dword(setting.Data, setting.DataLength);
                // A copy: the structure lives in memory Windows owns only while this message is handled.
                Guid.GUID which = Guid.GUID.fromString(setting.PowerSetting.toGuidString());
                for (Listener listener : listeners) {
                    safely(() -> listener.powerSettingChanged(which, value));
                }
            } else {
                for (Listener listener : listeners) {
                    safely(listener::powerStatusChanged);
                }
            }
            return new WinDef.LRESULT(1);
        }
        if (message == WM_WTSSESSION_CHANGE) {
            sessionNotifications.incrementAndGet();
            int event = wParam.intValue();
            for (Listener listener : listeners) {
                safely(() -> listener.sessionChanged(event));
            }
            return new WinDef.LRESULT(0);
        }
        return user32.DefWindowProc(hwnd, message, wParam, lParam);
    }

    /** The little-endian DWORD a power setting notification carries; shorter data is zero-extended. */
    static int dword(byte[] data, int length) {
        byte[] four = new byte[4];
        System.arraycopy(data, 0, four, 0, Math.min(4, Math.min(length, data.length)));
        return ByteBuffer.wrap(four).order(ByteOrder.LITTLE_ENDIAN).getInt();
    }

    private static void safely(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.error("a message window listener failed", e);
        }
    }

    private void tellUnavailable(String reason, boolean power, boolean session) {
        for (Listener listener : listeners) {
            if (power) {
                safely(() -> listener.powerNotificationsUnavailable(reason));
            }
            if (session) {
                safely(() -> listener.sessionNotificationsUnavailable(reason));
            }
        }
    }

    /** Why the window does not run, or null. */
    String failure() {
        return failure;
    }

    /**
     * The power settings registered, by SDK name.
     *
     * @return the names, in registration order
     */
    public List<String> registeredSettings() {
        return List.copyOf(registered);
    }

    /** What could not be registered (with the Win32 error), for describe(). */
    List<String> notRegistered() {
        return List.copyOf(notRegistered);
    }

    boolean sessionNotifications() {
        return sessionRegistered;
    }

    /**
     * One line for describe(): what is registered and how many notifications arrived. Windows sends each registered
     * power setting once at registration, so a running window shows at least one power notification.
     *
     * @return the line
     */
    public String describe() {
        String why = failure;
        if (why != null) {
            return "message window: none (" + why + ")";
        }
        if (window == null) {
            return "message window: not started";
        }
        String missing = notRegistered.isEmpty() ? "" : "; not registered: " + String.join(", ", notRegistered);
        return "message window: HWND_MESSAGE, " + powerNotifications.get() + " power and "
                + sessionNotifications.get() + " session notifications received" + missing;
    }

    /** Ends the loop, which unregisters every notification and destroys the window; waits up to 5 s. */
    @Override
    public void close() {
        Thread running;
        synchronized (this) {
            running = thread;
        }
        if (running == null) {
            return;
        }
        WinDef.HWND hwnd = window;
        if (hwnd != null) {
            user32.PostMessage(hwnd, WM_STOP, new WinDef.WPARAM(0), new WinDef.LPARAM(0));
        }
        try {
            if (!stopped.await(5, TimeUnit.SECONDS)) {
                LOG.warn("the message window thread did not stop within 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
