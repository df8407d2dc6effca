/**
 * The wire between processes: the protocol, the Unix-domain-socket server inside the broker process, and the two
 * kinds of client (an app, a task host). Carries what the broker decided; never decides.
 *
 * <ul>
 *   <li>Wire protocol: {@link dev.bgtasks.ipc.Frames} (length-prefixed JSON frames), {@code Messages} (frame
 *       types and field names), {@code WireJson} (the one Jackson mapper), {@code Params}, {@code WireError}
 *       (how a broker exception travels and comes back as itself), {@code FrameException},
 *       {@code BadRequestException}, {@link dev.bgtasks.ipc.BrokerProtocolException}.</li>
 *   <li>Server: {@link dev.bgtasks.ipc.BrokerServer} (owns the socket file through {@code SocketFiles}, the
 *       limits in {@code ConnectionLimits} and the worker pool), {@code ServerLoop} (the one I/O thread: a
 *       selector that accepts, checks each peer with {@code PeerCheck}, reads through a {@code FrameDecoder} per
 *       connection, and sweeps for hello, frame and linger deadlines), {@code ServerConnection} (one per client:
 *       hello, requests, pushes, {@code busy} answers) with its {@code ConnectionInbox} (requests in order on the
 *       workers), {@code ConnectionSlot} (its place in the limits) and {@code ChannelOutput} (bounded,
 *       non-blocking writes to a slow client), {@code ServerFrames} (what only the server sends),
 *       {@code AppRequests} (an app request to a {@code BrokerOperations} call).</li>
 *   <li>Clients: {@link dev.bgtasks.ipc.BrokerClient} (an app's {@code BrokerOperations} over the socket),
 *       {@link dev.bgtasks.ipc.HostConnection} (a task process's protocol: attach by run token, progress, result,
 *       cancellation) over {@code HostLink} (its reconnect state machine, SPEC B3), both on
 *       {@code ClientChannel} (one socket, a reader thread, request/answer matching, {@code Outbox} for its
 *       writes, and the retries when the broker answers {@code busy}: {@link dev.bgtasks.ipc.BrokerBusyException}).
 *       {@link dev.bgtasks.ipc.BrokerTreeClient} is the {@code bgtask} command's client of the same channel: the
 *       read-only requests answered as the wire's JSON trees, no typed mapper, with
 *       {@link dev.bgtasks.ipc.WireRecords} to read a few records from them field by field (issue 18). Its
 *       one-shot form ({@code BrokerTreeClient.connectOneShot}) runs on {@code DirectChannel} instead: the hello
 *       and each call written and read on the calling thread, a watchdog thread keeping the deadline, for a
 *       {@code bgtask} call that asks and exits.
 *       {@link dev.bgtasks.ipc.WarmUpBroker} is no client and no broker: the stand-in a task host's training run
 *       attaches to, so a class-data archive holds a cold start's whole path (issue 15).
 *       </li>
 * </ul>
 *
 * <pre>{@code
 * try (BrokerServer server = BrokerServer.start(broker, socket);
 *      BrokerClient app = BrokerClient.connect(socket)) {
 *     app.requestTrigger(request);
 * }
 * }</pre>
 *
 * <p>May use the broker's operations and values, the SPI, Jackson, SLF4J and {@code jdk.net} for peer credentials
 * (config/import-control.xml). Never {@code dev.bgtasks.daemon}: the daemon starts this server and the starter
 * uses this client, not the other way round. {@code SuppressForbidden} lives here for want of a better home: it
 * marks the few places that use an API the forbidden-apis check bans in general.
 */
package dev.bgtasks.ipc;
