package dev.bgtasks.linux.presence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bgtasks.spi.HostSignal;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HeadlessSourceTest {
    @Test
    void aMachineWithoutADisplayHasNobodyAtItAndNoSession() {
        assertThat(new HeadlessSource(Map.of()).current()).containsEntry(HostSignal.USER_PRESENT, false)
                .containsEntry(HostSignal.SESSION_CONNECTED, false);
        assertThat(new HeadlessSource(Map.of("DISPLAY", " ")).current()).hasSize(2);
    }

    @Test
    void aDisplayLeavesPresenceToRicherSources() {
        assertThat(new HeadlessSource(Map.of("DISPLAY", ":0")).current()).isEmpty();
        assertThat(new HeadlessSource(Map.of("WAYLAND_DISPLAY", "wayland-0")).current()).isEmpty();
    }
}
