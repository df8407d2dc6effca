package dev.bgtasks.windows.signals;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The one thread every COM call of the network source runs on. COM is initialised per thread and interface
 * pointers belong to the apartment that made them, so initialising, calling and uninitialising must all happen on
 * the same thread; a dedicated thread also keeps COM's state away from threads the application owns.
 *
 * <pre>{@code
 * ComThread com = ComThread.dedicated("bgtasks-nlm-com");
 * int connectivity = com.call(() -> reader.read().connectivity());
 * com.close();
 * }</pre>
 */
public interface ComThread extends AutoCloseable {
    /** Runs {@code work} on the thread and waits for it; its exception is thrown as is. */
    <T> T call(Callable<T> work) throws Exception;

    /** Queues {@code work} on the thread; silently dropped once closed. */
    void post(Runnable work);

    /** Runs what is queued, then stops the thread. */
    @Override
    void close();

    /**
     * A daemon thread of its own.
     *
     * @param name the thread's name
     * @return the thread, started on the first call
     */
    static ComThread dedicated(String name) {
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread thread = new Thread(r, name);
            thread.setDaemon(true);
            return thread;
        });
        return new ComThread() {
            @Override
            public <T> T call(Callable<T> work) throws Exception {
                Future<T> result = executor.submit(work);
                try {
                    return result.get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof Exception cause) {
                        throw cause;
                    }
                    throw e;
                } catch (TimeoutException e) {
                    result.cancel(true);
                    throw new TimeoutException("a COM call on " + name + " took longer than 30 s");
                }
            }

            @Override
            public void post(Runnable work) {
                try {
                    executor.execute(work);
                } catch (RejectedExecutionException closed) {
                    // Closed: nobody listens any more.
                }
            }

            @Override
            public void close() {
                executor.shutdown();
                try {
                    if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                        executor.shutdownNow();
                    }
                } catch (InterruptedException e) {
                    executor.shutdownNow();
                    Thread.currentThread().interrupt();
                }
            }
        };
    }
}
