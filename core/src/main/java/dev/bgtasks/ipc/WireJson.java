package dev.bgtasks.ipc;

import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.bgtasks.broker.AppEvent;
import dev.bgtasks.broker.TaskDefinition;
import dev.bgtasks.broker.TaskTarget;

/**
 * The one JSON mapper of the protocol. The broker's records travel as they are: mix-ins here add the type
 * discriminator of the sealed {@link TaskTarget} and {@link AppEvent}, so the broker stays free of wire concerns.
 * Times travel as ISO-8601 text, {@code byte[]} as base64.
 */
final class WireJson {
    static final JsonMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .addMixIn(TaskTarget.class, TaskTargetMixIn.class)
            .addMixIn(AppEvent.class, AppEventMixIn.class)
            .addMixIn(TaskDefinition.class, TaskDefinitionMixIn.class)
            .addMixIn(TaskTarget.JavaEntryPoint.class, JavaEntryPointMixIn.class)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
            // A newer peer may add fields within the same protocol version; new meanings need a new version.
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            // Wrongly typed fields fail instead of being bent into something the sender did not say.
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private WireJson() {
    }

    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
    @JsonSubTypes({
        @JsonSubTypes.Type(value = TaskTarget.JavaEntryPoint.class, name = "java"),
        @JsonSubTypes.Type(value = TaskTarget.Command.class, name = "command")
    })
    private interface TaskTargetMixIn {
    }

    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
    @JsonSubTypes({
        @JsonSubTypes.Type(value = AppEvent.Progress.class, name = "progress"),
        @JsonSubTypes.Type(value = AppEvent.Canceled.class, name = "canceled"),
        @JsonSubTypes.Type(value = AppEvent.Completed.class, name = "completed")
    })
    private interface AppEventMixIn {
    }

    /** SPEC W2's opt-out, added later: a peer that predates it sends none, which means a standby is allowed. */
    private interface JavaEntryPointMixIn {
        @JsonSetter(nulls = Nulls.AS_EMPTY)
        boolean noStandby();
    }

    /** Fields added after the first release: a peer that predates them sends none, which means their default. */
    private interface TaskDefinitionMixIn {
        @JsonSetter(nulls = Nulls.AS_EMPTY)
        boolean sessionEnvironment();
    }
}
