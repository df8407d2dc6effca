package dev.bgtasks.ipc;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bgtasks.arguments.JsonTrees;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * What a value looks like when it comes off the wire: written by the typed mapper the broker answers with, read
 * back as the frames are read. For tests outside this package (the {@code bgtask} command's printers of the
 * replies) that must see exactly the trees a broker sends.
 *
 * <pre>{@code
 * JsonNode runs = WireTrees.of(List.of(instanceInfo));
 * }</pre>
 */
public final class WireTrees {
    private WireTrees() {
    }

    /**
     * The tree a client reads for {@code value}.
     *
     * @param value a record (or list of them) the broker answers with
     * @return the tree
     */
    public static JsonNode of(Object value) {
        try {
            return JsonTrees.read(WireJson.MAPPER.writeValueAsString(value));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
