package dev.bgtasks.macos.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The KERN_PROCARGS2 layout: argc, exec path, padding, argv, environment, apple strings. */
class ProcArgsTest {
    private static byte[] procargs(int argc, String execPath, int padding, String... strings) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(argc).array());
        out.writeBytes(execPath.getBytes(StandardCharsets.UTF_8));
        out.write(0);
        for (int i = 0; i < padding; i++) {
            out.write(0);
        }
        for (String s : strings) {
            out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
            out.write(0);
        }
        return out.toByteArray();
    }

    @Test
    void theEnvironmentFollowsTheArgumentsAndStopsBeforeTheAppleStrings() {
        byte[] buf = procargs(2, "/usr/bin/java", 7, "java", "-version",
                "HOME=/Users/a", "BGTASKS_RUN_TOKEN=t-1", "", "executable_path=/usr/bin/java", "ptr_munge=");
        assertThat(ProcArgs.environment(buf, buf.length))
                .containsExactly("HOME=/Users/a", "BGTASKS_RUN_TOKEN=t-1");
    }

    @Test
    void anArgumentThatLooksLikeAVariableIsNotEnvironment() {
        byte[] buf = procargs(2, "/bin/sh", 3, "sh", "BGTASKS_RUN_TOKEN=t-1", "PATH=/bin");
        assertThat(ProcArgs.environment(buf, buf.length)).containsExactly("PATH=/bin");
    }

    @Test
    void onlyTheBytesTheKernelWroteAreRead() {
        byte[] written = procargs(1, "/bin/cat", 0, "cat", "A=1");
        byte[] buf = new byte[written.length + 64];
        System.arraycopy(written, 0, buf, 0, written.length);
        buf[written.length] = 'X';   // garbage past the end
        assertThat(ProcArgs.environment(buf, written.length)).containsExactly("A=1");
    }

    @Test
    void aTruncatedBufferIsRejected() {
        byte[] buf = procargs(3, "/bin/echo", 0, "echo");
        assertThatThrownBy(() -> ProcArgs.environment(buf, buf.length))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("argument 1 of 3");
        assertThatThrownBy(() -> ProcArgs.environment(new byte[2], 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("too short");
    }
}
