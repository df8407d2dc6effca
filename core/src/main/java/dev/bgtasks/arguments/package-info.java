/**
 * Typed value maps: what an app passes to a trigger (SPEC T6), checked, bounded and turned into bytes once.
 *
 * <ul>
 *   <li>{@link dev.bgtasks.arguments.ValueMapCodec}: the entry point: {@code encode}, {@code decode},
 *       {@code deepCopy}, and the one size bound ({@link dev.bgtasks.arguments.ValueMapCodec#MAX_ENCODED_BYTES},
 *       64 KiB) that the broker's own check refers to.</li>
 *   <li>{@code ValueMapWriter} validates while it encodes; {@code ValueMapReader} decodes strictly;
 *       {@code ValueTag} is the table of wire tags; {@code ValuePath} and {@code Quoting} shape the error
 *       messages.</li>
 *   <li>{@link dev.bgtasks.arguments.KeyValuePairs}: the command line's {@code --arg KEY=VALUE} form.</li>
 * </ul>
 *
 * <pre>{@code
 * byte[] wire = ValueMapCodec.encode(Map.of("file", "/tmp/in.csv"));   // at the app's call
 * Map<String, Object> args = ValueMapCodec.decode(wire);                 // in the task process
 * }</pre>
 *
 * <p>Task results (SPEC P2: the same types and bound) use the same codec: the task host encodes what a task
 * sets, the broker checks it, the app and {@code bgtask runs} decode it. May use the JDK and
 * Jackson, nothing else (config/import-control.xml): the app facade, the task host, the broker and the command
 * line all depend on this package, never the other way round.
 */
package dev.bgtasks.arguments;
