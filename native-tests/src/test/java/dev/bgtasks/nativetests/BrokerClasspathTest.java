package dev.bgtasks.nativetests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bgtasks.spi.HostPlatform;
import dev.bgtasks.spi.HostPlatforms;
import org.junit.jupiter.api.Test;

/** SPEC B1: a broker started from an app's separate jars finds every library its backend needs. */
class BrokerClasspathTest {
    @Test
    void everyBackendNamesLibrariesThatThisClasspathHas() {
        for (HostPlatform platform : HostPlatforms.all()) {
            for (String resource : platform.runtimeResources()) {
                assertThat(getClass().getClassLoader().getResource(resource)).as(platform.name() + ": " + resource)
                        .isNotNull();
            }
        }
    }
}
