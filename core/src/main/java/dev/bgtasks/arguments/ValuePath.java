package dev.bgtasks.arguments;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Where a value sits, as {@code arguments["files"][2]}; built only when a message needs it, so the happy path
 * allocates one small node per value and no strings.
 *
 * <pre>{@code
 * ValuePath.ROOT.key("files").index(2).toString();   // arguments["files"][2]
 * }</pre>
 */
record ValuePath(ValuePath parent, String key, int index) {
    static final ValuePath ROOT = new ValuePath(null, null, -1);

    ValuePath key(String childKey) {
        return new ValuePath(this, childKey, -1);
    }

    ValuePath index(int childIndex) {
        return new ValuePath(this, null, childIndex);
    }

    @Override
    public String toString() {
        List<ValuePath> chain = new ArrayList<>();
        for (ValuePath p = this; p.parent != null; p = p.parent) {
            chain.add(p);
        }
        Collections.reverse(chain);
        StringBuilder text = new StringBuilder("arguments");
        for (ValuePath p : chain) {
            text.append('[').append(p.key != null ? Quoting.quote(p.key) : Integer.toString(p.index)).append(']');
        }
        return text.toString();
    }
}
