package dev.bgtasks.spi;

import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a task leaves about its own end for a broker that may not be running when it ends (SPEC B5): two small files
 * beside the instance's run log. The task's supervisor ({@link TaskSupervisor}, a shell that outlives the broker)
 * writes the <em>exit record</em> ({@code <instance>.exit}: exit status, peak memory, the kernel's out-of-memory and
 * process-limit counters); a Java task host writes the <em>result record</em> ({@code <instance>.result}: how
 * {@code run} ended) before it reports it. Each is written whole (a temp file renamed over it) and ends with a line
 * {@code end}, so a reader never takes a half-written file for a record. The broker reads them when it records the
 * instance's end, whenever that is, and then deletes them.
 *
 * <pre>{@code
 * Path log = config.instanceLog(instanceId);
 * Optional<TaskEndRecords.Exit> exit = TaskEndRecords.readExit(TaskEndRecords.exitFile(log));
 * exit.ifPresent(e -> log.info("exited {} at {}", e.exitCode(), e.endedAt()));
 * TaskEndRecords.deleteAll(log);
 * }</pre>
 *
 * <p>The format is {@code key=value} lines; values of the result record are URL-encoded (an exception message may
 * hold anything). The exit record's end time is the file's modification time: the shell that writes it has no clock
 * of its own without starting another program.
 */
public final class TaskEndRecords {
    /** The environment variable that tells a Java task host where its result record goes. */
    public static final String RESULT_FILE_VARIABLE = "BGTASKS_RESULT_FILE";
    static final String END_LINE = "end";

    private TaskEndRecords() {
    }

    /**
     * The supervisor's record of how the task's main process ended.
     *
     * @param exitCode the shell's {@code $?} for the command: its exit code, 128 + the signal when a signal ended it
     * @param peakMemoryBytes the task cgroup's peak memory, 0 when the platform gave none
     * @param oomKills how many processes the kernel's OOM killer killed in the task
     * @param processLimitHits how many forks the process limit refused
     * @param endedAt when the record was written, just after the command ended
     */
    public record Exit(int exitCode, long peakMemoryBytes, long oomKills, long processLimitHits, Instant endedAt) {
        /**
         * Rejects a missing end time.
         *
         * @param exitCode the exit status
         * @param peakMemoryBytes the peak memory, 0 when unknown
         * @param oomKills OOM kills in the task
         * @param processLimitHits refused forks
         * @param endedAt when it ended
         */
        public Exit {
            Objects.requireNonNull(endedAt, "endedAt");
        }

        /**
         * The exit status as a sandbox would have reported it: the same rules as a watched task's (an OOM kill wins;
         * a refused fork counts when the task failed; a code above 128 is a signal's).
         *
         * @return the status
         */
        public ExitStatus toExitStatus() {
            ExitStatus.Reason reason;
            if (oomKills > 0) {
                reason = ExitStatus.Reason.OUT_OF_MEMORY;
            } else if (processLimitHits > 0 && exitCode != 0) {
                reason = ExitStatus.Reason.PROCESS_LIMIT;
            } else {
                reason = exitCode > 128 ? ExitStatus.Reason.SIGNALED : ExitStatus.Reason.EXITED;
            }
            return new ExitStatus(exitCode, reason, peakMemoryBytes);
        }
    }

    /**
     * A Java task host's record of how {@code run} ended (SPEC X4).
     *
     * @param errorClass the exception's class when {@code run} threw, null when it succeeded
     * @param errorMessage its message ({@code ""} when it had none), null when it succeeded
     * @param endedAt when {@code run} ended
     * @param retryRequested whether the task asked for another attempt (SPEC P1), which its retry policy decides on
     */
    public record Result(String errorClass, String errorMessage, Instant endedAt, boolean retryRequested) {
        /**
         * Rejects a missing end time, and a message without a class.
         *
         * @param errorClass the exception class, or null
         * @param errorMessage its message, or null
         * @param endedAt when it ended
         * @param retryRequested whether the task asked for another attempt
         */
        public Result {
            Objects.requireNonNull(endedAt, "endedAt");
            if (errorClass == null && errorMessage != null) {
                throw new IllegalArgumentException("an error message without an error class");
            }
        }

        /**
         * A result without a retry request.
         *
         * @param errorClass the exception class, or null
         * @param errorMessage its message, or null
         * @param endedAt when it ended
         */
        public Result(String errorClass, String errorMessage, Instant endedAt) {
            this(errorClass, errorMessage, endedAt, false);
        }

        /** {@return whether {@code run} returned normally} */
        public boolean succeeded() {
            return errorClass == null;
        }
    }

    /**
     * {@return the exit record's file for an instance whose run log is {@code runLog}: {@code <instance>.exit}}
     *
     * @param runLog the instance's run log, {@code <instance>.log}
     */
    public static Path exitFile(Path runLog) {
        return sibling(runLog, ".exit");
    }

    /**
     * {@return the result record's file for an instance whose run log is {@code runLog}: {@code <instance>.result}}
     *
     * @param runLog the instance's run log, {@code <instance>.log}
     */
    public static Path resultFile(Path runLog) {
        return sibling(runLog, ".result");
    }

    private static Path sibling(Path runLog, String suffix) {
        String name = runLog.getFileName().toString();
        String stem = name.endsWith(".log") ? name.substring(0, name.length() - 4) : name;
        return runLog.resolveSibling(stem + suffix);
    }

    /**
     * Reads an exit record.
     *
     * @param file the record's file
     * @return empty when there is none, or it is not whole (still being written, or cut short)
     */
    public static Optional<Exit> readExit(Path file) {
        Optional<Map<String, String>> fields = readFields(file);
        if (fields.isEmpty()) {
            return Optional.empty();
        }
        try {
            Map<String, String> f = fields.get();
            int code = Integer.parseInt(f.getOrDefault("exit", ""));
            Instant at = Files.getLastModifiedTime(file).toInstant();
            return Optional.of(new Exit(code, number(f, "peak"), number(f, "oom_kill"), number(f, "pids_max"), at));
        } catch (NumberFormatException | IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Reads a result record.
     *
     * @param file the record's file
     * @return empty when there is none, or it is not whole
     */
    public static Optional<Result> readResult(Path file) {
        Optional<Map<String, String>> fields = readFields(file);
        if (fields.isEmpty()) {
            return Optional.empty();
        }
        Map<String, String> f = fields.get();
        try {
            Instant at = Instant.parse(f.getOrDefault("ended-at", ""));
            String outcome = f.get("outcome");
            // Absent in records written before retries existed: no request.
            boolean retry = "1".equals(f.get("retry"));
            if ("succeeded".equals(outcome)) {
                return Optional.of(new Result(null, null, at, retry));
            }
            if (!"failed".equals(outcome) || f.get("error-class") == null) {
                return Optional.empty();
            }
            return Optional.of(new Result(decode(f.get("error-class")),
                    decode(f.getOrDefault("error-message", "")), at, retry));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * Writes an exit record whole: what the supervisor's shell writes, for sandboxes that supervise in Java and
     * for tests.
     *
     * @param file the record's file
     * @param exit the record
     * @throws IOException when it cannot be written
     */
    public static void writeExit(Path file, Exit exit) throws IOException {
        writeWhole(file, "exit=" + exit.exitCode() + "\npeak=" + exit.peakMemoryBytes() + "\noom_kill="
                + exit.oomKills() + "\npids_max=" + exit.processLimitHits() + "\n" + END_LINE + "\n");
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.from(exit.endedAt()));
    }

    /**
     * Writes a result record whole.
     *
     * @param file the record's file
     * @param result the record
     * @throws IOException when it cannot be written
     */
    public static void writeResult(Path file, Result result) throws IOException {
        StringBuilder text = new StringBuilder();
        text.append("outcome=").append(result.succeeded() ? "succeeded" : "failed").append('\n');
        if (!result.succeeded()) {
            text.append("error-class=").append(encode(result.errorClass())).append('\n');
            text.append("error-message=").append(encode(result.errorMessage())).append('\n');
        }
        if (result.retryRequested()) {
            text.append("retry=1\n");
        }
        text.append("ended-at=").append(result.endedAt()).append('\n').append(END_LINE).append('\n');
        writeWhole(file, text.toString());
    }

    /**
     * Deletes both records of an instance, if they are there.
     *
     * @param runLog the instance's run log
     * @return false when a record exists and could not be deleted
     */
    public static boolean deleteAll(Path runLog) {
        boolean all = true;
        for (Path file : List.of(exitFile(runLog), resultFile(runLog))) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                all = false;
            }
        }
        return all;
    }

    private static void writeWhole(Path file, String text) throws IOException {
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(temp, text, StandardCharsets.UTF_8);
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    // The fields of a whole record: its last line is "end".
    private static Optional<Map<String, String>> readFields(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
        if (lines.isEmpty() || !END_LINE.equals(lines.get(lines.size() - 1).trim())) {
            return Optional.empty();
        }
        Map<String, String> fields = new HashMap<>();
        for (String line : lines.subList(0, lines.size() - 1)) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                fields.putIfAbsent(line.substring(0, eq), line.substring(eq + 1).trim());
            }
        }
        return Optional.of(fields);
    }

    private static long number(Map<String, String> fields, String key) {
        String value = fields.get(key);
        if (value == null || value.isEmpty()) {
            return 0;
        }
        try {
            return Math.max(0, Long.parseLong(value));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String decode(String value) {
        return URLDecoder.decode(value, StandardCharsets.UTF_8);
    }
}
