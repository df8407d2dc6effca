package dev.bgtasks.windows.jna;

import java.io.IOException;

/**
 * Tells when the machine's network may have changed, without saying how: the network source then re-reads the
 * Network List Manager. The real one is {@link NetworkIpHelper}; tests fire the callback by hand.
 *
 * <pre>{@code
 * NetworkChangeNotifier notifier = NetworkIpHelper.system();
 * String how = notifier.start(source::changed);   // "NotifyNetworkConnectivityHintChange"
 * notifier.close();
 * }</pre>
 */
public interface NetworkChangeNotifier extends AutoCloseable {
    /**
     * Registers for change notifications; {@code onChange} runs on a system thread and must not block.
     *
     * @return which notification API is in use, for describe()
     * @throws IOException when no notification can be registered
     */
    String start(Runnable onChange) throws IOException;

    /** Cancels the notifications and waits for a callback in progress; harmless when not started. */
    @Override
    void close();
}
