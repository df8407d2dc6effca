package dev.bgtasks.broker;

import dev.bgtasks.store.Store;

/**
 * The task host's half of the broker facade ({@link HostOperations}: a host attaches by its run token and reports
 * progress, its result and memory, S2; a standby host attaches and confirms its take, W1), beside the app's half in
 * {@link Broker}. The two halves are one object and one lock: every method here is {@code synchronized} on the
 * broker itself, as the app's are, and hands the work to {@link HostSessions} or {@link Standbys}.
 *
 * <pre>{@code
 * HostOperations hostSide = broker;   // what the server's host connections call
 * HostAttachment attachment = hostSide.attachHost(runToken, control);
 * }</pre>
 */
abstract class HostFacade implements HostOperations {
    /** What every part shares; its lock is this object, the {@link Broker}. */
    final BrokerContext ctx;
    final BrokerParts parts;

    HostFacade(BrokerConfig config, Store store) {
        this.ctx = new BrokerContext(this, config, store);
        this.parts = new BrokerParts(ctx);
    }

    @Override
    public synchronized HostAttachment attachHost(String runToken, HostControl control) {
        ctx.ensureOpen();
        return parts.hosts.attach(runToken, control);
    }

    @Override
    public synchronized void reportProgress(String runToken, int progress) {
        parts.hosts.progress(runToken, progress);
    }

    @Override
    public synchronized void reportResult(String runToken, String errorClass, String errorMessage, boolean retry) {
        parts.hosts.result(runToken, errorClass, errorMessage, retry);
    }

    @Override
    public void setResult(String runToken, byte[] encoded) {
        // Outside the lock: decoding checks every value of up to 64 KiB.
        HostSessions.checkResult(encoded);
        synchronized (this) {
            parts.hosts.setResult(runToken, encoded);
        }
    }

    @Override
    public synchronized MemoryReport memoryOf(String runToken) {
        return parts.hosts.memory(runToken);
    }

    @Override
    public synchronized boolean trySetMemoryLimit(String runToken, long bytes) {
        return parts.hosts.trySetMemoryLimit(runToken, bytes);
    }

    @Override
    public synchronized void detachHost(String runToken) {
        parts.hosts.detach(runToken);
        parts.standbys.detached(runToken);
    }

    @Override
    public synchronized StandbyAttachment attachStandby(String token, StandbyControl control) {
        ctx.ensureOpen();
        Standbys.Standby standby = parts.standbys.attach(token, control);
        TaskTarget.JavaEntryPoint java = (TaskTarget.JavaEntryPoint) standby.definition.target();
        return new StandbyAttachment(standby.taskId, java.className());
    }

    @Override
    public synchronized void confirmTaken(String runToken) {
        parts.hosts.confirmTaken(runToken);
    }
}
