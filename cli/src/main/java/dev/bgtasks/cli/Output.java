package dev.bgtasks.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.bgtasks.InstanceInfo;
import dev.bgtasks.arguments.ValueMapCodec;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** How commands print: {@code --json} for machines, aligned text for people. */
final class Output {
    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
            .setSerializationInclusion(JsonInclude.Include.ALWAYS)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private Output() {
    }

    static void json(PrintWriter out, Object value) {
        try {
            out.println(JSON.writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot print " + value.getClass().getSimpleName() + " as JSON", e);
        }
        out.flush();
    }

    /**
     * An instance as {@code --json} shows it: its fields, with {@code result} as the task's result map (SPEC P2),
     * decoded: {@code {}} when it set none.
     */
    static Map<String, Object> instance(InstanceInfo info) {
        Map<String, Object> fields = JSON.convertValue(info, new TypeReference<LinkedHashMap<String, Object>>() { });
        fields.put("result", info.result() == null ? Map.of() : ValueMapCodec.decode(info.result()));
        return fields;
    }

    static List<Map<String, Object>> instances(List<InstanceInfo> infos) {
        return infos.stream().map(Output::instance).toList();
    }

    static String orDash(Object value) {
        return value == null ? "-" : value.toString();
    }
}
