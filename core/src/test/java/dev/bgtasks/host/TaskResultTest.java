package dev.bgtasks.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class TaskResultTest {

    @Test
    void successCarriesNoError() {
        // SPEC X4: a success makes checkResult() return normally, so it carries nothing to rethrow.
        TaskResult result = TaskResult.success();

        assertThat(result.succeeded()).isTrue();
        assertThat(result.errorClass()).isNull();
        assertThat(result.errorMessage()).isNull();
    }

    @Test
    void failureCarriesClassAndMessage() {
        // SPEC X4: the task's exception class and message are carried.
        TaskResult result = TaskResult.failure(new IOException("disk gone"));

        assertThat(result.succeeded()).isFalse();
        assertThat(result.errorClass()).isEqualTo("java.io.IOException");
        assertThat(result.errorMessage()).isEqualTo("disk gone");
    }

    @Test
    void failureWithoutMessageCarriesEmptyMessage() {
        // SPEC X4
        TaskResult result = TaskResult.failure(new IllegalStateException());

        assertThat(result.errorClass()).isEqualTo("java.lang.IllegalStateException");
        assertThat(result.errorMessage()).isEmpty();
    }

    @Test
    void rejectsInconsistentComponents() {
        // SPEC X4: a result is either a success or a failure with a class, never half of each.
        assertThatThrownBy(() -> TaskResult.failure(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new TaskResult(null, "message")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TaskResult(" ", "message")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TaskResult("java.io.IOException", null))
                .isInstanceOf(NullPointerException.class);
    }
}
