/**
 * The wire between processes: the protocol, the Unix-domain-socket server inside the broker process, and the two
 * kinds of client (an app, a task host). Carries what the broker decided; never decides.
 *
 * <ul>
 *   <li>Wire protocol: {@link dev.bgtasks.ipc.Frames} (length-prefixed JSON frames), {@code Messages} (frame
 *       types and field names), {@code WireJson} (the one Jackson mapper), {@code Params}, {@code WireError}
 *       (how a broker exception travels and comes back as itself), {@code FrameException},
 *       {@code BadRequestException}, {@link dev.bgtasks.ipc.BrokerProtocolException}.</li>
 *   <li>Server: {@link dev.bgtasks.ipc.BrokerServer} (accepts, checks the peer with {@code PeerCheck}, owns the
 *       socket file through {@code SocketFiles}), {@code ServerConnection} (one per client: hello, requests,
 *       pushes), {@code AppRequests} (an app request to a {@code BrokerOperations} call), {@code Outbox}
 *       (bounded pushes to a slow client).</li>
 *   <li>Clients: {@link dev.bgtasks.ipc.BrokerClient} (an app's {@code BrokerOperations} over the socket),
 *       {@link dev.bgtasks.ipc.HostConnection} (a task process's protocol: attach by run token, progress, result,
 *       cancellation) over {@code HostLink} (its reconnect state machine, SPEC B3), both on
 *       {@code ClientChannel} (one socket, a reader thread, request/answer matching).</li>
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
