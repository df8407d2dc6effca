package dev.bgtasks.ipc;

import static dev.bgtasks.ipc.IpcFixtures.APP;
import static dev.bgtasks.ipc.IpcFixtures.WAIT;
import static dev.bgtasks.ipc.IpcFixtures.frame;
import static dev.bgtasks.ipc.IpcFixtures.header;
import static dev.bgtasks.ipc.IpcFixtures.helloApp;
import static dev.bgtasks.ipc.IpcFixtures.javaTask;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bgtasks.ApplicationTriggerResult;
import dev.bgtasks.BackgroundAccessStatus;
import dev.bgtasks.SystemConditionType;
import dev.bgtasks.TriggerResponse;
import dev.bgtasks.broker.TriggerRequest;
import dev.bgtasks.testing.BrokerHarness;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPEC B2: random, truncated, oversized and garbage frames over many connections, from fixed seeds, while a
 * well-formed client keeps getting correct answers.
 */
class BadInputFuzzTest {
    private static final int FRAMES = 10_000;
    private static final int SENDERS = 4;
    private static final long SEED = 0xB2_2026_1125L;
    /** Operations the fuzz may name; none changes anything the well-formed client depends on. */
    private static final List<String> OPERATIONS = List.of("requestAccess", "accessStatus", "removeAccess",
            "setUserAccess", "clearUserAccess", "register", "registrations", "unregister", "requestTrigger",
            "instances", "cancel", "undeliveredCompletions", "claimCompletion", "subscribe", "unsubscribe",
            "signals", "progress", "result", "hello", "response", "event", "cancel", "error", "");
    private static final List<String> FIELDS = List.of("appId", "setting", "definition", "taskId", "cancelTask",
            "request", "instanceId", "overrides", "subscription", "progress", "errorClass", "errorMessage",
            "version", "role", "runToken", "type", "id");

    @TempDir
    Path dir;
    private BrokerHarness h;
    private BrokerServer server;

    @BeforeEach
    void start() throws Exception {
        h = new BrokerHarness(dir);
        server = BrokerServer.start(h.broker(), IpcFixtures.socketIn(dir));
    }

    @AfterEach
    void stop() {
        server.close();
        h.close();
    }

    @Test
    @Timeout(120)
    void garbageOnManyConnectionsNeitherCrashesNorBlocksTheBroker() throws Exception { // SPEC B2
        Path socket = server.socket();
        BrokerClient good = BrokerClient.connect(socket, Duration.ofSeconds(10));
        good.requestAccess(APP);
        // Stays pending (the fake user is present), so every later trigger must answer CURRENTLY_RUNNING.
        good.register(APP, javaTask("export", SystemConditionType.USER_NOT_PRESENT));
        TriggerResponse first = good.requestTrigger(new TriggerRequest(APP, "", new byte[0], null));
        assertThat(first.result()).isEqualTo(ApplicationTriggerResult.ALLOWED);

        AtomicBoolean fuzzing = new AtomicBoolean(true);
        AtomicInteger goodRounds = new AtomicInteger();
        AtomicLong slowestNanos = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(SENDERS + 1);
        try {
            Future<?> checker = pool.submit(() -> {
                while (fuzzing.get()) {
                    long before = System.nanoTime();
                    assertThat(good.requestTrigger(new TriggerRequest(APP, "", new byte[0], null)))
                            .isEqualTo(new TriggerResponse(ApplicationTriggerResult.CURRENTLY_RUNNING,
                                    first.instanceId()));
                    assertThat(good.accessStatus(APP))
                            .isEqualTo(BackgroundAccessStatus.ALLOWED_SUBJECT_TO_SYSTEM_POLICY);
                    assertThat(good.registrations(APP)).hasSize(1);
                    slowestNanos.accumulateAndGet(System.nanoTime() - before, Math::max);
                    goodRounds.incrementAndGet();
                }
                return null;
            });
            List<Future<Integer>> senders = new ArrayList<>();
            for (int i = 0; i < SENDERS; i++) {
                Random random = new Random(SEED + i);
                senders.add(pool.submit(() -> fuzz(socket, random, FRAMES / SENDERS)));
            }
            int sent = 0;
            for (Future<Integer> sender : senders) {
                sent += sender.get(100, TimeUnit.SECONDS);
            }
            fuzzing.set(false);
            checker.get(30, TimeUnit.SECONDS);
            assertThat(sent).isEqualTo(FRAMES);
        } finally {
            fuzzing.set(false);
            pool.shutdownNow();
        }
        assertThat(goodRounds.get()).isPositive();
        assertThat(Duration.ofNanos(slowestNanos.get())).isLessThan(Duration.ofSeconds(5));
        assertThat(h.broker().instances(APP)).hasSize(1);

        // Still serving, to the old client and to new ones.
        assertThat(good.accessStatus(APP)).isEqualTo(BackgroundAccessStatus.ALLOWED_SUBJECT_TO_SYSTEM_POLICY);
        good.close();
        try (BrokerClient fresh = BrokerClient.connect(socket)) {
            assertThat(fresh.requestTrigger(new TriggerRequest(APP, "", new byte[0], null)).result())
                    .isEqualTo(ApplicationTriggerResult.CURRENTLY_RUNNING);
        }
    }

    /** Sends {@code frames} frames over as many connections as it takes; returns how many it sent. */
    private int fuzz(Path socket, Random random, int frames) throws IOException, InterruptedException {
        int sent = 0;
        while (sent < frames) {
            try (RawClient raw = RawClient.discarding(socket)) {
                boolean open = true;
                if (random.nextInt(8) != 0) {
                    raw.sendFrame(random.nextInt(30) == 0 ? badHello(random) : helloApp());
                    sent++;
                }
                int burst = 1 + random.nextInt(12);
                for (int i = 0; i < burst && sent < frames && open; i++) {
                    Garbage garbage = garbage(random);
                    try {
                        raw.send(garbage.bytes());
                    } catch (IOException closedByServer) {
                        open = false;
                    }
                    sent++;
                    if (garbage.endsStream()) {
                        break;
                    }
                }
                try {
                    raw.endOutput();
                } catch (IOException closedByServer) {
                    // Already gone.
                }
                // Wait for the server to finish with this connection, so connections do not pile up past its bound.
                assertThat(raw.awaitClosedByServer(WAIT)).as("the server ends a connection whose peer ended").isTrue();
            }
        }
        return sent;
    }

    private record Garbage(byte[] bytes, boolean endsStream) {
    }

    private static Garbage garbage(Random random) {
        switch (random.nextInt(14)) {
            case 0: // random bytes, correct length
                return new Garbage(frame(randomBytes(random, random.nextInt(300))), false);
            case 1: // oversized or negative length
                int length = random.nextBoolean() ? Frames.MAX_FRAME_BYTES + 1 + random.nextInt(Integer.MAX_VALUE
                        - Frames.MAX_FRAME_BYTES - 1) : -1 - random.nextInt(Integer.MAX_VALUE);
                return new Garbage(concat(header(length), randomBytes(random, random.nextInt(64))), true);
            case 2: { // truncated: the stream ends inside the frame
                byte[] whole = frame(validRequest(random));
                return new Garbage(java.util.Arrays.copyOf(whole, 1 + random.nextInt(whole.length - 1)), true);
            }
            case 3: // valid JSON that is not an object
                String[] notObjects = {"[1,2,3]", "\"text\"", "42", "null", "true", "", " ", "{}{}", "{\"a\":1} x"};
                return new Garbage(frame(notObjects[random.nextInt(notObjects.length)]), false);
            case 4: // no id, or an id that is not an int
                String[] ids = {"", ",\"id\":\"7\"", ",\"id\":1.5", ",\"id\":99999999999", ",\"id\":null",
                        ",\"id\":[1]"};
                return new Garbage(frame("{\"type\":\"accessStatus\",\"appId\":\"fuzz.app\""
                        + ids[random.nextInt(ids.length)] + "}"), false);
            case 5: // unknown type
                return new Garbage(frame("{\"type\":\"" + randomText(random, 20) + "\",\"id\":"
                        + random.nextInt() + "}"), false);
            case 6: // deep nesting
                int depth = 500 + random.nextInt(3000);
                return new Garbage(frame("{\"type\":\"signals\",\"id\":1,\"x\":" + "[".repeat(depth)
                        + "]".repeat(depth) + "}"), false);
            case 7: { // a valid request with a few bytes flipped
                byte[] body = validRequest(random).getBytes(StandardCharsets.UTF_8);
                for (int i = 0, n = 1 + random.nextInt(3); i < n; i++) {
                    body[random.nextInt(body.length)] = (byte) random.nextInt(256);
                }
                return new Garbage(frame(body), false);
            }
            case 8: // invalid UTF-8 inside a string
                return new Garbage(frame(concat("{\"type\":\"accessStatus\",\"id\":3,\"appId\":\""
                        .getBytes(StandardCharsets.UTF_8), new byte[] {(byte) 0xC3, (byte) 0x28, '"', '}'})), false);
            case 9: // a large field
                return new Garbage(frame("{\"type\":\"" + "t".repeat(random.nextInt(200_000)) + "\",\"id\":5,"
                        + "\"appId\":\"" + "a".repeat(random.nextInt(200_000)) + "\"}"), false);
            case 10: // a header and nothing after it, then the end
                return new Garbage(header(random.nextInt(Frames.MAX_FRAME_BYTES)), true);
            default: // a known operation with fields of random types
                return new Garbage(frame(validRequest(random)), false);
        }
    }

    /** A well-formed frame naming an operation, with random fields; never for the good client's app. */
    private static String validRequest(Random random) {
        StringBuilder json = new StringBuilder("{\"type\":\"")
                .append(OPERATIONS.get(random.nextInt(OPERATIONS.size()))).append("\",\"id\":")
                .append(random.nextInt(1000));
        for (int i = 0, n = random.nextInt(5); i < n; i++) {
            json.append(",\"").append(FIELDS.get(random.nextInt(FIELDS.size()))).append("\":")
                    .append(randomValue(random, 2));
        }
        return json.append('}').toString();
    }

    private static String randomValue(Random random, int depth) {
        switch (random.nextInt(depth > 0 ? 9 : 7)) {
            case 0:
                return "null";
            case 1:
                return Boolean.toString(random.nextBoolean());
            case 2:
                return Integer.toString(random.nextInt());
            case 3:
                return Double.toString(random.nextGaussian() * 1e6);
            case 4:
                return "\"fuzz.app" + random.nextInt(5) + "\"";
            case 5:
                return "\"" + java.util.UUID.randomUUID() + "\"";
            case 6:
                return "\"" + randomText(random, 12) + "\"";
            case 7:
                return "[" + randomValue(random, depth - 1) + "," + randomValue(random, depth - 1) + "]";
            default:
                return "{\"" + FIELDS.get(random.nextInt(FIELDS.size())) + "\":" + randomValue(random, depth - 1)
                        + ",\"type\":\"" + (random.nextBoolean() ? "java" : "command") + "\"}";
        }
    }

    private static String badHello(Random random) {
        String[] hellos = {"{\"type\":\"hello\",\"version\":2,\"role\":\"app\"}",
            "{\"type\":\"hello\",\"version\":\"1\",\"role\":\"app\"}",
            "{\"type\":\"hello\",\"version\":1,\"role\":\"root\"}",
            "{\"type\":\"hello\",\"version\":1,\"role\":\"host\",\"runToken\":\"" + randomText(random, 43) + "\"}",
            "{\"type\":\"hello\",\"version\":1,\"role\":\"host\"}",
            "{\"type\":\"hello\"}"};
        return hellos[random.nextInt(hellos.length)];
    }

    private static String randomText(Random random, int maxLength) {
        StringBuilder text = new StringBuilder();
        for (int i = 0, n = random.nextInt(maxLength + 1); i < n; i++) {
            char c = (char) (' ' + random.nextInt(95));
            text.append(c == '"' || c == '\\' ? '_' : c);
        }
        return text.toString();
    }

    private static byte[] randomBytes(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(a);
        out.writeBytes(b);
        return out.toByteArray();
    }
}
