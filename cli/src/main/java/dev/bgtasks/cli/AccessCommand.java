package dev.bgtasks.cli;

import dev.bgtasks.BackgroundAccessStatus;
import dev.bgtasks.UserAccessSetting;
import dev.bgtasks.ipc.BrokerClient;
import dev.bgtasks.ipc.BrokerTreeClient;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code bgtask access}: an app's background access, and the user's own setting for it. */
@Command(name = "access", mixinStandardHelpOptions = true,
        description = "Request, show or remove an app's background access; set the user's choice for an app.",
        subcommands = {AccessCommand.Request.class, AccessCommand.Status.class, AccessCommand.Remove.class,
                AccessCommand.Allow.class, AccessCommand.Always.class, AccessCommand.Deny.class,
                AccessCommand.Clear.class})
final class AccessCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "request", mixinStandardHelpOptions = true,
            description = "Request access for an app, as the app itself would (never prompts).")
    static final class Request implements Callable<Integer> {
        @Mixin
        AppOption app;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            try (BrokerClient broker = BrokerConnection.connect()) {
                BackgroundAccessStatus status = broker.requestAccess(app.appId);
                spec.commandLine().getOut().println(status);
                return status.isDenied() ? 1 : 0;
            }
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Show an app's access status.")
    static final class Status implements Callable<Integer> {
        @Mixin
        AppOption app;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            return run(app.appId, spec.commandLine().getOut());
        }

        /** The command itself, for this class's model and for {@link QuickCalls}' alike. */
        static int run(String appId, PrintWriter out) {
            try (BrokerTreeClient broker = BrokerConnection.oneShot()) {
                out.println(broker.accessStatus(appId).textValue());
                out.flush();
                return 0;
            }
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = "Remove an app's access: back to UNSPECIFIED, its tasks unregistered and cancelled.")
    static final class Remove implements Callable<Integer> {
        @Mixin
        AppOption app;

        @Override
        public Integer call() {
            try (BrokerClient broker = BrokerConnection.connect()) {
                broker.removeAccess(app.appId);
                return 0;
            }
        }
    }

    /** Changes the user's own setting for the app named as the parameter. */
    abstract static class UserSetting implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "APP", description = "The app id.")
        String appId;

        abstract void apply(BrokerClient broker);

        @Override
        public Integer call() {
            try (BrokerClient broker = BrokerConnection.connect()) {
                apply(broker);
                return 0;
            }
        }
    }

    @Command(name = "allow", mixinStandardHelpOptions = true,
            description = "Allow APP subject to system policy (not while energy saver is on).")
    static final class Allow extends UserSetting {
        @Override
        void apply(BrokerClient broker) {
            broker.setUserAccess(appId, UserAccessSetting.ALLOW);
        }
    }

    @Command(name = "always", mixinStandardHelpOptions = true,
            description = "Always allow APP, even while energy saver is on.")
    static final class Always extends UserSetting {
        @Override
        void apply(BrokerClient broker) {
            broker.setUserAccess(appId, UserAccessSetting.ALWAYS);
        }
    }

    @Command(name = "deny", mixinStandardHelpOptions = true,
            description = "Deny APP; its running tasks are cancelled at once (SYSTEM_POLICY).")
    static final class Deny extends UserSetting {
        @Override
        void apply(BrokerClient broker) {
            broker.setUserAccess(appId, UserAccessSetting.DENY);
        }
    }

    @Command(name = "clear", mixinStandardHelpOptions = true, description = "Forget the user's setting for APP.")
    static final class Clear extends UserSetting {
        @Override
        void apply(BrokerClient broker) {
            broker.clearUserAccess(appId);
        }
    }
}
