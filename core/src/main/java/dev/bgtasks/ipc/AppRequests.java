package dev.bgtasks.ipc;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import dev.bgtasks.UserAccessSetting;
import dev.bgtasks.broker.BrokerOperations;
import dev.bgtasks.broker.TaskDefinition;
import dev.bgtasks.broker.TriggerRequest;
import dev.bgtasks.spi.HardwareReadings;
import dev.bgtasks.spi.HostSignal;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Carries one app request to the broker: each {@link BrokerOperations} method is the request type of the same
 * name, its parameters are fields of the same names, and its return value is the {@code result}. Nothing is
 * decided here; the broker's own exceptions travel back as they are.
 */
final class AppRequests {
    private static final JavaType SIGNAL_OVERRIDES = WireJson.MAPPER.getTypeFactory()
            .constructMapType(Map.class, HostSignal.class, Boolean.class);

    /** What a connection does for {@code subscribe}, {@code subscribeSignals} and {@code unsubscribe}. */
    interface Subscriptions {
        /**
         * Opens a subscription whose frames are pushed on the connection.
         *
         * @param subscription its id: the id of the request that opens it
         * @param subscribe subscribes to the broker, given what queues a frame on the connection (from the broker's
         *     thread, maybe under its lock: it never blocks); returns the handle that ends the subscription
         */
        void open(int subscription, Function<Consumer<byte[]>, AutoCloseable> subscribe);

        boolean unsubscribe(int subscription);
    }

    private final BrokerOperations broker;

    AppRequests(BrokerOperations broker) {
        this.broker = broker;
    }

    /**
     * @param id the request id, which also names a subscription the request opens
     * @param answer sends the result, once; {@code requestTrigger} sends it as soon as its instance is durable,
     *     before the launch (SPEC B4), and its work goes on after it
     * @throws BadRequestException for an unknown type or a missing or wrongly typed field
     */
    void handle(String type, int id, Params p, Subscriptions subscriptions, Consumer<JsonNode> answer) {
        if (type.equals("requestTrigger")) {
            broker.requestTrigger(p.value(Messages.REQUEST, TriggerRequest.class),
                    response -> answer.accept(WireJson.MAPPER.valueToTree(response)));
            return;
        }
        Object result = switch (type) {
            case "requestAccess" -> broker.requestAccess(p.text(Messages.APP_ID));
            case "accessStatus" -> broker.accessStatus(p.text(Messages.APP_ID));
            case "removeAccess" -> {
                broker.removeAccess(p.text(Messages.APP_ID));
                yield null;
            }
            case "setUserAccess" -> {
                broker.setUserAccess(p.text(Messages.APP_ID), p.value(Messages.SETTING, UserAccessSetting.class));
                yield null;
            }
            case "clearUserAccess" -> {
                broker.clearUserAccess(p.text(Messages.APP_ID));
                yield null;
            }
            case "register" -> broker.register(p.text(Messages.APP_ID),
                    p.value(Messages.DEFINITION, TaskDefinition.class));
            case "registrations" -> broker.registrations(p.text(Messages.APP_ID));
            case "unregister" -> broker.unregister(p.text(Messages.APP_ID), p.uuid(Messages.TASK_ID),
                    p.bool(Messages.CANCEL_TASK));
            case "instances" -> broker.instances(p.text(Messages.APP_ID));
            case "cancel" -> broker.cancel(p.text(Messages.APP_ID), p.uuid(Messages.INSTANCE_ID));
            case "undeliveredCompletions" -> broker.undeliveredCompletions(p.text(Messages.APP_ID));
            case "claimCompletion" -> broker.claimCompletion(p.text(Messages.APP_ID), p.uuid(Messages.INSTANCE_ID));
            case Messages.SUBSCRIBE -> {
                String appId = p.text(Messages.APP_ID);
                subscriptions.open(id, push -> broker.subscribe(appId, e -> push.accept(ServerFrames.event(id, e))));
                yield null;
            }
            case Messages.SUBSCRIBE_SIGNALS -> {
                subscriptions.open(id, push -> broker.subscribeSignals(s -> push.accept(ServerFrames.signals(id, s))));
                yield null;
            }
            case Messages.UNSUBSCRIBE -> subscriptions.unsubscribe(p.integer(Messages.SUBSCRIPTION));
            case "signals" -> broker.signals();
            case "describePlatform" -> broker.describePlatform();
            case "simulate" -> {
                Map<HostSignal, Boolean> overrides = p.value(Messages.OVERRIDES, SIGNAL_OVERRIDES);
                broker.simulate(overrides);
                yield null;
            }
            case "simulateHardware" -> {
                broker.simulateHardware(p.value(Messages.OVERRIDES, HardwareReadings.class));
                yield null;
            }
            case "clearSimulation" -> {
                broker.clearSimulation();
                yield null;
            }
            default -> throw new BadRequestException(Messages.TYPE,
                    "unknown request type \"" + Messages.brief(type) + "\"");
        };
        answer.accept(WireJson.MAPPER.valueToTree(result));
    }
}
