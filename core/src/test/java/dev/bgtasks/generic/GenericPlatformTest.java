package dev.bgtasks.generic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bgtasks.spi.HostPlatform;
import dev.bgtasks.spi.HostPlatforms;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GenericPlatformTest {
    @Test
    void selectFindsTheGenericPlatformThroughTheServiceLoader() {
        assertThat(HostPlatforms.all()).extracting(HostPlatform::name).contains(GenericPlatform.NAME);
        HostPlatform selected = HostPlatforms.select();
        assertThat(selected).isInstanceOf(GenericPlatform.class);
        assertThat(selected.name()).isEqualTo("generic");
        assertThat(selected.priority()).isZero();
        assertThat(selected.isSupported()).isTrue();
        assertThat(selected.unavailabilityCause()).isEmpty();
    }

    @Test
    void describeNamesTheSandboxAndEverySignal(@TempDir Path dir) {
        GenericPlatform platform = new GenericPlatform(dir, Duration.ofSeconds(5));
        try {
            String text = platform.describe();
            assertThat(text).startsWith("generic\n").contains("generic: best effort (watchdog), no kernel limits",
                    "polled every 5 s", "unknown", dir.toString());
            assertThat(platform.signals()).isSameAs(platform.signals());
            assertThat(platform.sandbox()).isSameAs(platform.sandbox());
        } finally {
            platform.signals().close();
        }
    }

    @Test
    void rejectsANonPositivePollPeriod(@TempDir Path dir) {
        assertThatThrownBy(() -> new GenericPlatform(dir, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }
}
