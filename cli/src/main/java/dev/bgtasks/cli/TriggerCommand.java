package dev.bgtasks.cli;

import dev.bgtasks.ApplicationTriggerResult;
import dev.bgtasks.IfRunning;
import dev.bgtasks.InstanceInfo;
import dev.bgtasks.TaskOutcome;
import dev.bgtasks.TriggerResponse;
import dev.bgtasks.arguments.KeyValuePairs;
import dev.bgtasks.arguments.ValueMapCodec;
import dev.bgtasks.broker.AppEvent;
import dev.bgtasks.broker.TriggerRequest;
import dev.bgtasks.ipc.BrokerClient;
import dev.bgtasks.ipc.BrokerTreeClient;
import dev.bgtasks.spi.RunToken;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/** {@code bgtask trigger}: requests a run, and with {@code --wait} follows it to its end. */
@Command(name = "trigger", mixinStandardHelpOptions = true,
        description = {"Trigger an app's task; prints the ApplicationTriggerResult and the instance id.",
                "With --wait: shows progress until the instance completes; exits 0 only if it succeeded."})
final class TriggerCommand implements Callable<Integer> {
    @Mixin
    AppOption app;
    @Option(names = "--trigger", paramLabel = "SLOT", defaultValue = "", description = "The trigger slot.")
    String trigger;
    @Option(names = "--arg", paramLabel = "KEY=VALUE", description = "An argument for the task (a string).")
    List<String> args = new ArrayList<>();
    @Option(names = "--if-running", paramLabel = "POLICY", defaultValue = "keep",
            description = "When an instance is pending or running: keep (CURRENTLY_RUNNING), replace (cancel it, "
                    + "run anew) or queue (one more run after it) (SPEC P3).")
    String ifRunning;
    @Option(names = "--wait", description = "Wait for the instance to complete, showing its progress.")
    boolean waitForCompletion;
    @Option(names = "--json", description = "Print JSON: {result, instanceId}, with --debug also {debug: {host, "
            + "port}}, and with --wait also {instance}.")
    boolean json;
    @Option(names = "--debug", paramLabel = "PORT", arity = "0..1", fallbackValue = "0",
            description = "Start the instance's JVM (a Java task's) suspended, with JDWP listening on 127.0.0.1:PORT "
                    + "(a free port when none is given), and print where to attach, e.g. jdb -attach.")
    Integer debugPort;
    @Spec
    CommandSpec spec;
    private static final String DEBUG_HOST = "127.0.0.1";
    private Integer debugAddress;

    @Override
    public Integer call() throws InterruptedException {
        if (!waitForCompletion) {
            return once(app.appId, trigger, args, ifRunning(), debugPort, json, spec.commandLine().getOut());
        }
        Map<String, Object> arguments = KeyValuePairs.parse(args);
        BlockingQueue<AppEvent> events = new LinkedBlockingQueue<>();
        PrintWriter out = spec.commandLine().getOut();
        try (BrokerClient broker = BrokerConnection.connect();
             AutoCloseable subscription = waitForCompletion ? broker.subscribe(app.appId, events::add) : () -> { }) {
            Integer port = debugPort == null ? null : debugPort == 0 ? freeLoopbackPort() : debugPort;
            TriggerResponse response = broker.requestTrigger(new TriggerRequest(app.appId, trigger,
                    ValueMapCodec.encode(arguments), System.getenv(RunToken.ENVIRONMENT_VARIABLE), ifRunning(),
                    port));
            debugAddress = port != null && response.result() == ApplicationTriggerResult.ALLOWED ? port : null;
            if (debugAddress != null && !json) {
                // Before any wait: the JVM sits suspended until a debugger attaches here.
                out.println(debugLine(debugAddress));
                out.flush();
            }
            if (!waitForCompletion || response.result() != ApplicationTriggerResult.ALLOWED) {
                print(out, response, null);
                return response.result() == ApplicationTriggerResult.ALLOWED ? 0 : 1;
            }
            if (!json) {
                out.println(response.result() + " " + response.instanceId());
                explainPending(out, broker, response.instanceId());
            }
            InstanceInfo done = follow(events, response.instanceId(), spec.commandLine().getErr());
            print(out, response, done);
            return done.outcome() == TaskOutcome.SUCCEEDED ? 0 : 1;
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            if (e instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** A port nothing listens on now; the task's JVM binds it when it starts (a small race, fine for debugging). */
    private static int freeLoopbackPort() {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free local port for the debugger: " + e.getMessage(), e);
        }
    }

    private IfRunning ifRunning() {
        IfRunning policy = policy(ifRunning);
        if (policy == null) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--if-running " + ifRunning + ": use keep, replace or queue");
        }
        return policy;
    }

    /** {@code --if-running}'s word; null when it is none of them. */
    static IfRunning policy(String word) {
        return switch (word.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "keep" -> IfRunning.KEEP;
            case "replace" -> IfRunning.REPLACE;
            case "queue", "queue-one" -> IfRunning.QUEUE_ONE;
            default -> null;
        };
    }

    /**
     * A trigger without {@code --wait}, for this class's model and for {@link QuickCalls}' alike: one request on a
     * client of the wire's trees, no mapper (issue 18).
     */
    static int once(String appId, String slot, List<String> pairs, IfRunning policy, Integer debugPort, boolean json,
                    PrintWriter out) {
        Map<String, Object> arguments = KeyValuePairs.parse(pairs);
        try (BrokerTreeClient broker = BrokerConnection.oneShot()) {
            Integer port = debugPort == null ? null : debugPort == 0 ? freeLoopbackPort() : debugPort;
            TriggerResponse response = broker.requestTrigger(new TriggerRequest(appId, slot,
                    ValueMapCodec.encode(arguments), System.getenv(RunToken.ENVIRONMENT_VARIABLE), policy, port));
            Integer debugAddress = port != null && response.result() == ApplicationTriggerResult.ALLOWED ? port : null;
            if (json) {
                json(out, response, debugAddress);
            } else {
                if (debugAddress != null) {
                    out.println(debugLine(debugAddress));
                }
                out.println(response.result() + (response.instanceId() == null ? "" : " " + response.instanceId()));
                out.flush();
            }
            return response.result() == ApplicationTriggerResult.ALLOWED ? 0 : 1;
        }
    }

    /** {@code --json} without {@code --wait}: {result, instanceId}, and {debug: {host, port}} with {@code --debug}. */
    static void json(PrintWriter out, TriggerResponse response, Integer debugAddress) {
        TreeOutput.json(out, g -> {
            g.writeStartObject();
            g.writeStringField("result", response.result().name());
            g.writeFieldName("instanceId");
            TreeOutput.value(g, response.instanceId());
            if (debugAddress != null) {
                g.writeObjectFieldStart("debug");
                g.writeStringField("host", DEBUG_HOST);
                g.writeNumberField("port", debugAddress);
                g.writeEndObject();
            }
            g.writeEndObject();
        });
    }

    private static String debugLine(int port) {
        return "debug: the task's JVM waits for a debugger at " + DEBUG_HOST + ":" + port
                + " once it starts; attach with: jdb -attach " + DEBUG_HOST + ":" + port;
    }

    private void explainPending(PrintWriter out, BrokerClient broker, UUID instanceId) {
        broker.instances(app.appId).stream().filter(i -> i.instanceId().equals(instanceId)).findFirst()
                .filter(i -> !i.waitingForAll().isEmpty())
                .ifPresent(i -> out.println("pending: waiting for " + String.join(", ", i.waitingForAll())));
        out.flush();
    }

    private InstanceInfo follow(BlockingQueue<AppEvent> events, UUID instanceId, PrintWriter bar)
            throws InterruptedException {
        while (true) {
            AppEvent event = events.take();
            if (!event.instanceId().equals(instanceId)) {
                continue;
            }
            if (event instanceof AppEvent.Progress p && !json) {
                ProgressBar.draw(bar, p.progress());
            } else if (event instanceof AppEvent.Canceled c && !json) {
                ProgressBar.finish(bar);
                bar.println("cancelled: " + c.reason());
            } else if (event instanceof AppEvent.Completed c) {
                if (!json) {
                    ProgressBar.finish(bar);
                }
                return c.instance();
            }
        }
    }

    private void print(PrintWriter out, TriggerResponse response, InstanceInfo done) {
        if (json) {
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("result", response.result());
            result.put("instanceId", response.instanceId());
            if (debugAddress != null) {
                result.put("debug", Map.of("host", DEBUG_HOST, "port", debugAddress));
            }
            if (done != null) {
                result.put("instance", Output.instance(done));
            }
            Output.json(out, result);
        } else if (done == null) {
            out.println(response.result() + (response.instanceId() == null ? "" : " " + response.instanceId()));
        } else {
            out.println(done.outcome() + (done.terminationReason() == null ? "" : " " + done.terminationReason())
                    + (done.errorMessage() == null ? "" : ": " + Output.orDash(done.errorClass()) + " "
                    + done.errorMessage()));
            if (done.result() != null) {
                out.println("result: " + Output.instance(done).get("result"));
            }
        }
        out.flush();
    }
}
