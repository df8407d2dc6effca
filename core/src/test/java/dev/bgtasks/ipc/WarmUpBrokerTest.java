package dev.bgtasks.ipc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bgtasks.arguments.ValueMapCodec;
import dev.bgtasks.broker.HostAttachment;
import dev.bgtasks.task.BackgroundWorkCost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stand-in broker of the task host's training run (issue 15): a host attaches to it as to a broker, through the
 * same connection code, and its reports are answered, so the training walks a cold start's whole path.
 */
@Timeout(60)
class WarmUpBrokerTest {
    @TempDir
    Path dir;

    @Test
    void aHostAttachesLearnsItsAttachmentAndHasItsReportsAnswered() throws Exception {
        HostAttachment given = new HostAttachment(UUID.randomUUID(), UUID.randomUUID(), "warm.up", "warm-up",
                "warm.Up", ValueMapCodec.encode(Map.of("warm", "up")), false, BackgroundWorkCost.LOW);
        Path socket = IpcFixtures.socketIn(dir);
        Files.createDirectories(socket.getParent());
        try (WarmUpBroker broker = WarmUpBroker.start(socket, given)) {
            try (HostConnection host = HostConnection.attach(broker.socket(), "warm-up", reason -> { })) {
                HostAttachment attached = host.attachment();
                assertThat(attached.instanceId()).isEqualTo(given.instanceId());
                assertThat(attached.entryPoint()).isEqualTo("warm.Up");
                assertThat(ValueMapCodec.decode(attached.arguments())).isEqualTo(Map.of("warm", "up"));
                assertThat(attached.backgroundWorkCost()).isEqualTo(BackgroundWorkCost.LOW);
                host.progress(100);
                host.result(null, null);
            }
        }
        assertThat(Files.exists(socket)).as("the stand-in deletes its socket").isFalse();
    }
}
