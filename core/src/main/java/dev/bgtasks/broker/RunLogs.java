package dev.bgtasks.broker;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps each run log within its bound (SPEC B7): the head of the output and its tail, with the cut marked in the
 * file by one line.
 *
 * <pre>{@code
 * RunLogs logs = new RunLogs(1024 * 1024);
 * logs.capRunning(log);   // every few seconds while the task runs
 * logs.trimEnded(log);    // once it has ended
 * }</pre>
 *
 * <p>The task's stdout and stderr go straight from the OS into the file, opened for appending, so the broker never
 * sits in the output's path and a slow broker never blocks a task. Two steps bound it. While the task runs, a log
 * past the bound is cut back to its head and the marker; the task's next write lands after the marker, since an
 * append always goes to the end of the file. Output written in the instant between the size check and the cut is
 * dropped with the rest of the middle, so the file may exceed the bound by what the task writes between two
 * checks. Once the task has ended nothing writes any more, and the file becomes head, marker and as much of the
 * tail as fits. Cuts fall on line ends where one is near.
 */
final class RunLogs {
    /** How far a cut may move to land on a line end. */
    private static final int LINE_SEARCH = 4096;
    private static final String MARKER_START = "\n[bgtasks: output cut here: ";
    private static final Pattern MARKER = Pattern.compile(
            "\n\\[bgtasks: output cut here: (\\d{12}) bytes dropped to keep this log within \\d+ bytes]\n");

    private final long maxBytes;
    private final int markerLength;

    RunLogs(long maxBytes) {
        this.maxBytes = maxBytes;
        this.markerLength = marker(0).length;
    }

    private byte[] marker(long dropped) {
        return String.format(Locale.ROOT, "%s%012d bytes dropped to keep this log within %d bytes]\n", MARKER_START,
                dropped, maxBytes).getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * While the task runs: a log past the bound keeps its head and the marker, and the task's output goes on after
     * it.
     *
     * @return whether the log was cut
     * @throws IOException when the log cannot be read or written
     */
    boolean capRunning(Path log) throws IOException {
        return cut(log, 0);
    }

    /**
     * Once the task has ended: a log past the bound becomes its head, the marker and its tail, within the bound.
     *
     * @return whether the log was cut
     * @throws IOException when the log cannot be read or written
     */
    boolean trimEnded(Path log) throws IOException {
        return cut(log, maxBytes - headBytes() - markerLength);
    }

    private long headBytes() {
        return maxBytes / 2;
    }

    private boolean cut(Path log, long tailBytes) throws IOException {
        try (FileChannel file = FileChannel.open(log, StandardOpenOption.READ, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS)) {
            long size = file.size();
            if (size <= maxBytes) {
                return false;
            }
            long head = lineEndBefore(file, headBytes());
            long dropped = 0;
            long keptFrom = head;
            Matcher earlier = MARKER.matcher(new String(read(file, head, markerLength), StandardCharsets.US_ASCII));
            if (earlier.matches()) {
                // Cut while the task ran: what was dropped then stays counted.
                dropped = Long.parseLong(earlier.group(1));
                keptFrom = head + markerLength;
            }
            long tailStart = Math.max(keptFrom, size - tailBytes);
            if (tailStart > keptFrom && tailStart < size) {
                tailStart = lineStartAfter(file, tailStart, size);
            }
            byte[] tail = read(file, tailStart, (int) (size - tailStart));
            dropped += tailStart - keptFrom;
            write(file, head, marker(dropped));
            write(file, head + markerLength, tail);
            file.truncate(head + markerLength + tail.length);
            return true;
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    /** Just after the last line end in the few KiB before {@code limit}, else {@code limit}. */
    private static long lineEndBefore(FileChannel file, long limit) throws IOException {
        long from = Math.max(0, limit - LINE_SEARCH);
        byte[] window = read(file, from, (int) (limit - from));
        for (int i = window.length - 1; i >= 0; i--) {
            if (window[i] == '\n') {
                return from + i + 1;
            }
        }
        return limit;
    }

    /** Just after the first line end in the few KiB from {@code start}, else {@code start}. */
    private static long lineStartAfter(FileChannel file, long start, long size) throws IOException {
        byte[] window = read(file, start, (int) Math.min(LINE_SEARCH, size - start));
        for (int i = 0; i < window.length - 1; i++) {
            if (window[i] == '\n') {
                return start + i + 1;
            }
        }
        return start;
    }

    private static byte[] read(FileChannel file, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            if (file.read(buffer, position + buffer.position()) < 0) {
                break;
            }
        }
        byte[] bytes = new byte[buffer.position()];
        buffer.flip().get(bytes);
        return bytes;
    }

    private static void write(FileChannel file, long position, byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            file.write(buffer, position + buffer.position());
        }
    }
}
