package dev.bgtasks.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RunningModulesTest {
    @Test
    void modulesOfTheRuntimeImageNeedNoModulePath() {
        // The unit tests run on the classpath: the boot layer holds the JDK's modules only, all inside its image.
        assertThat(RunningModules.modulePath(String.class.getModule())).isEmpty();
    }

    @Test
    void anUnnamedModuleHasNoModulePath() {
        assertThatThrownBy(() -> RunningModules.modulePath(RunningModulesTest.class.getModule()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
