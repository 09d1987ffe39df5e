package org.paqet4j.grpcws;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;

/**
 * Opens one client WebSocket for {@link H2cListener}: the future completes, on {@code loop}, with
 * the upgraded channel (AUTO_READ off, only the frame codec in its pipeline) or fails with an
 * IOException that says why.
 */
interface WebSocketOpener {

    Future<Channel> open(EventLoop loop);
}
