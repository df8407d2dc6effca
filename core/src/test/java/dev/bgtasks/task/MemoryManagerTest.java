package dev.bgtasks.task;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MemoryManagerTest {
    private StubSource stub;

    @BeforeEach
    void install() {
        stub = new StubSource();
        MemoryManager.install(stub);
    }

    @AfterEach
    void reset() {
        MemoryManager.install(new StubSource());
    }

    @Test
    void reportsTheSourcesUsageLimitAndLevel() { // SPEC X11
        stub.usage = 600;
        stub.limit = 1000;
        assertThat(MemoryManager.appMemoryUsage()).isEqualTo(600);
        assertThat(MemoryManager.appMemoryUsageLimit()).isEqualTo(1000);
        assertThat(MemoryManager.appMemoryUsageLevel()).isEqualTo(AppMemoryUsageLevel.MEDIUM);
    }

    @Test
    void levelChangesFireTheListenersOfTheirDirectionOnce() throws Exception { // SPEC X11
        stub.limit = 1000;
        stub.usage = 100;
        List<String> heard = new ArrayList<>();
        try (AutoCloseable up = MemoryManager.onAppMemoryUsageIncreased(() -> heard.add("up"));
             AutoCloseable down = MemoryManager.onAppMemoryUsageDecreased(() -> heard.add("down"))) {
            MemoryManager.sampleOnce();
            stub.usage = 850;
            MemoryManager.sampleOnce();
            MemoryManager.sampleOnce();
            stub.usage = 1200;
            MemoryManager.sampleOnce();
            stub.usage = 300;
            MemoryManager.sampleOnce();
        }
        assertThat(heard).containsExactly("up", "up", "down");
    }

    @Test
    void theBackgroundSamplerHearsACrossingByItself() throws Exception { // SPEC X11
        stub.limit = 1000;
        stub.usage = 100;
        CountDownLatch heard = new CountDownLatch(1);
        try (AutoCloseable up = MemoryManager.onAppMemoryUsageIncreased(heard::countDown)) {
            stub.usage = 900;
            assertThat(heard.await(10, TimeUnit.SECONDS)).as("heard before the deadline").isTrue();
        }
    }

    @Test
    void trySetGoesToTheSourceAndRefusesNonPositive() { // SPEC X11
        stub.accept = true;
        assertThat(MemoryManager.trySetAppMemoryUsageLimit(512)).isTrue();
        assertThat(stub.lastSet).isEqualTo(512);
        assertThat(MemoryManager.trySetAppMemoryUsageLimit(0)).isFalse();
        stub.accept = false;
        assertThat(MemoryManager.trySetAppMemoryUsageLimit(256)).isFalse();
    }

    private static final class StubSource implements MemoryManager.Source {
        volatile long usage;
        volatile long limit;
        volatile boolean accept;
        volatile long lastSet;

        @Override
        public long usage() {
            return usage;
        }

        @Override
        public long limit() {
            return limit;
        }

        @Override
        public boolean trySetLimit(long bytes) {
            lastSet = bytes;
            return accept;
        }
    }
}
