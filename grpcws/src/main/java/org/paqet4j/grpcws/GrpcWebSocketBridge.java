package org.paqet4j.grpcws;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.NettyServerBuilder;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalServerChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * A WebSocket port in front of gRPC. Each WebSocket carries one plain-text HTTP/2 connection,
 * chunked into binary messages. In <b>direct</b> mode the bridge hosts {@link BindableService}s
 * in an in-process grpc-java server and pipes every WebSocket into it over a Netty
 * {@link LocalChannel}; in <b>proxy</b> mode every WebSocket is piped to a TCP connection to an
 * existing gRPC server.
 *
 * <pre>{@code
 * try (GrpcWebSocketBridge bridge = GrpcWebSocketBridge.builder(new InetSocketAddress("127.0.0.1", 8080))
 *         .direct(new EchoService())
 *         .start()) {
 *     // ws://127.0.0.1:8080/grpc now serves the Echo service
 * }
 * }</pre>
 *
 * {@link #close()} shuts down gracefully: it stops accepting, sends GOAWAY on every HTTP/2
 * connection (the in-process servers do it in direct mode, the bridge itself in proxy mode), gives
 * running calls {@link BridgeLimits#shutdownGrace()} to finish, then sends every WebSocket still
 * open a 1001 close frame.
 */
public final class GrpcWebSocketBridge implements AutoCloseable {

    /** Builds a bridge; {@link #start()} binds it. */
    public static final class Builder {
        private final InetSocketAddress listen;
        private final List<ServerServiceDefinition> services = new ArrayList<>();
        private InetSocketAddress backend;
        private boolean backendLoopbackOnly;
        private boolean proxyProtocol;
        private String path = "/grpc";
        private BridgeLimits limits = BridgeLimits.defaults();
        private final Set<String> allowedOrigins = new HashSet<>();
        private final Set<InetAddress> trustedProxies = new HashSet<>();
        private Consumer<NettyServerBuilder> serverConfig = b -> {};
        private SslContext tls;
        private int threads = 0;

        private Builder(InetSocketAddress listen) {
            this.listen = Objects.requireNonNull(listen, "listen");
        }

        /** Direct mode: host these services in-process. */
        public Builder direct(BindableService... bindable) {
            for (BindableService s : bindable) {
                services.add(s.bindService());
            }
            return this;
        }

        /** Direct mode: host these service definitions (e.g. already intercepted) in-process. */
        public Builder direct(ServerServiceDefinition... definitions) {
            services.addAll(List.of(definitions));
            return this;
        }

        /** Proxy mode: pipe every WebSocket to a gRPC server at this address. */
        public Builder proxy(InetSocketAddress backendAddress) {
            this.backend = Objects.requireNonNull(backendAddress, "backend");
            return this;
        }

        /** Proxy mode only: refuse to start unless the backend is a loopback address. */
        public Builder backendLoopbackOnly(boolean v) {
            this.backendLoopbackOnly = v;
            return this;
        }

        /**
         * Proxy mode only: start every backend connection with a PROXY protocol v2 header naming
         * the client address and the Origin ({@link ProxyProtocolHeader}). The backend must expect
         * it (a plain gRPC server would read it as a broken HTTP/2 preface).
         */
        public Builder proxyProtocol(boolean v) {
            this.proxyProtocol = v;
            return this;
        }

        public Builder path(String webSocketPath) {
            if (!webSocketPath.startsWith("/")) {
                throw new IllegalArgumentException("WebSocket path " + webSocketPath + " does not start with /");
            }
            this.path = webSocketPath;
            return this;
        }

        public Builder limits(BridgeLimits l) {
            this.limits = Objects.requireNonNull(l, "limits");
            return this;
        }

        /**
         * Lets browsers from this origin (e.g. {@code https://app.example}) connect; {@code *} lets any.
         * Without any, only clients that send no Origin (non-browsers) and pages the bridge served
         * itself (Origin host equals the Host header) may connect.
         */
        public Builder allowOrigin(String origin) {
            allowedOrigins.add(origin.toLowerCase(Locale.ROOT));
            return this;
        }

        /** Believe X-Forwarded-For from this proxy address. */
        public Builder trustProxy(InetAddress proxy) {
            trustedProxies.add(proxy);
            return this;
        }

        /**
         * Direct mode: adjust the in-process server (message size limits, executor, interceptors).
         * There is one in-process server per event loop, so this runs once for each.
         */
        public Builder configureServer(Consumer<NettyServerBuilder> config) {
            this.serverConfig = Objects.requireNonNull(config, "config");
            return this;
        }

        /** Serve wss:// with this TLS context. */
        public Builder tls(SslContext context) {
            this.tls = context;
            return this;
        }

        /** Event loop threads (0: Netty's default, twice the cores). */
        public Builder threads(int n) {
            this.threads = n;
            return this;
        }

        public GrpcWebSocketBridge start() throws IOException {
            if (services.isEmpty() == (backend == null)) {
                throw new IllegalStateException(
                        "a bridge needs either services (direct mode) or a backend (proxy mode)");
            }
            if (backend != null
                    && backendLoopbackOnly
                    && (backend.getAddress() == null || !backend.getAddress().isLoopbackAddress())) {
                throw new IllegalArgumentException("backend " + backend + " is not a loopback address");
            }
            if (proxyProtocol && backend == null) {
                throw new IllegalStateException("the PROXY protocol header is for proxy mode (a backend)");
            }
            GrpcWebSocketBridge bridge = new GrpcWebSocketBridge(this);
            try {
                bridge.bind(this);
            } catch (IOException | RuntimeException e) {
                bridge.close();
                throw e;
            }
            return bridge;
        }
    }

    public static Builder builder(InetSocketAddress listen) {
        return new Builder(listen);
    }

    static final WebSocketCloseStatus GOING_AWAY = new WebSocketCloseStatus(1001, "server shutting down");

    private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(256 * 1024, 1024 * 1024);

    private final String path;
    private final BridgeLimits limits;
    private final Set<String> allowedOrigins;
    private final Set<InetAddress> trustedProxies;
    private final InetSocketAddress backend;
    private final boolean proxyProtocol;
    private final SslContext tls;
    private final StaticFiles staticFiles = new StaticFiles(GrpcWebSocketBridge.class.getClassLoader());
    private final Admission admission;
    /** Runs the WebSockets and, in direct mode, the in-process connections they carry. */
    private final EventLoopGroup group;

    private final Set<Pipe> pipes = ConcurrentHashMap.newKeySet();
    /** Proxy mode: the HTTP/2 follower of each carried connection (touched on its event loop only). */
    private final Map<Pipe, ProxiedH2> proxied = new ConcurrentHashMap<>();

    private final Map<SocketAddress, WebSocketPeer> peers = new ConcurrentHashMap<>();
    private final AtomicLong closedConnections = new AtomicLong();
    private final AtomicBoolean closing = new AtomicBoolean();
    private volatile boolean shuttingDown;
    private final ExecutorService callExecutor;
    /**
     * Direct mode: one in-process server per event loop, bound to that loop, so a WebSocket and
     * the HTTP/2 connection it carries run on one thread (no hand-off per chunk).
     */
    private final Map<EventLoop, LocalAddress> inProcess = new HashMap<>();

    private final List<Server> servers = new ArrayList<>();
    private Channel serverChannel;

    private GrpcWebSocketBridge(Builder b) {
        this.path = b.path;
        this.limits = b.limits;
        this.allowedOrigins = Set.copyOf(b.allowedOrigins);
        this.trustedProxies = Set.copyOf(b.trustedProxies);
        this.backend = b.backend;
        this.proxyProtocol = b.proxyProtocol;
        this.tls = b.tls;
        this.admission = new Admission(limits, System::nanoTime);
        this.group = new MultiThreadIoEventLoopGroup(
                b.threads,
                new DefaultThreadFactory("grpcws-bridge", true),
                b.services.isEmpty() ? NioIoHandler.newFactory() : SocketAndLocalIoHandler.newFactory());
        this.callExecutor = b.services.isEmpty() ? null : Executors.newVirtualThreadPerTaskExecutor();
    }

    private void bind(Builder b) throws IOException {
        if (!b.services.isEmpty()) {
            for (EventExecutor executor : group) {
                EventLoop loop = (EventLoop) executor;
                LocalAddress address = new LocalAddress(GrpcWebSocketBridge.class);
                // A single loop is a group of one: the server's channels all stay on it. grpc-java
                // does not shut down groups it was given; close() does.
                NettyServerBuilder sb = NettyServerBuilder.forAddress(address)
                        .channelType(LocalServerChannel.class)
                        .bossEventLoopGroup(loop)
                        .workerEventLoopGroup(loop)
                        .executor(callExecutor)
                        // grpc-netty sets SO_KEEPALIVE, which local channels do not have; Netty would
                        // log a warning for every WebSocket (a line any client could trigger at will).
                        .withChildOption(ChannelOption.SO_KEEPALIVE, null)
                        // Requests reach grpc-java as the WebSocket delivered them, not copied again.
                        .withChildOption(ChannelOption.RCVBUF_ALLOCATOR, LocalPassThroughReads.standard())
                        .intercept(new PeerInterceptor(peers));
                b.services.forEach(sb::addService);
                b.serverConfig.accept(sb);
                servers.add(sb.build().start());
                inProcess.put(loop, address);
            }
        }
        ChannelFuture bound = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (tls != null) {
                            ch.pipeline().addLast(tls.newHandler(ch.alloc()));
                        }
                        ch.pipeline().addLast(new HttpServerCodec(4096, limits.maxRequestBytes(), 8192));
                        ch.pipeline().addLast(new HttpObjectAggregator(8192));
                        ch.pipeline().addLast(new HttpGate(GrpcWebSocketBridge.this, ch.remoteAddress()));
                        // A client that never completes its request would hold the fd forever.
                        ch.eventLoop()
                                .schedule(
                                        () -> {
                                            if (ch.pipeline().get(HttpGate.class) != null) {
                                                ch.close();
                                            }
                                        },
                                        limits.handshakeTimeout().toNanos(),
                                        TimeUnit.NANOSECONDS);
                    }
                })
                .bind(b.listen)
                .awaitUninterruptibly();
        if (!bound.isSuccess()) {
            throw new IOException(
                    "grpc-bridge: cannot listen on " + b.listen + ": "
                            + bound.cause().getMessage(),
                    bound.cause());
        }
        serverChannel = bound.channel();
        // Expired rate windows go even when no new upgrade arrives to trigger the pruning.
        group.next().scheduleAtFixedRate(admission::prune, 1, 1, TimeUnit.MINUTES);
    }

    /** The address the bridge listens on (with the real port when it was bound to port 0). */
    public InetSocketAddress address() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    public String path() {
        return path;
    }

    /** WebSocket connections open now. */
    public int activeConnections() {
        return pipes.size();
    }

    /** WebSocket connections that have been closed (each counted once, whichever side closed it). */
    public long closedConnections() {
        return closedConnections.get();
    }

    /** Client addresses held in the per-address limit maps (shrinks back when clients go away). */
    public int trackedAddresses() {
        return admission.trackedAddresses();
    }

    BridgeLimits limits() {
        return limits;
    }

    Set<InetAddress> trustedProxies() {
        return trustedProxies;
    }

    StaticFiles staticFiles() {
        return staticFiles;
    }

    Admission admission() {
        return admission;
    }

    boolean originAllowed(String origin, String host) {
        if (origin == null) {
            return true;
        }
        String o = origin.toLowerCase(Locale.ROOT);
        if (allowedOrigins.contains("*") || allowedOrigins.contains(o)) {
            return true;
        }
        // A page this bridge served itself (the demo) connects back to the same host:port.
        return host != null
                && (o.equals("http://" + host.toLowerCase(Locale.ROOT))
                        || o.equals("https://" + host.toLowerCase(Locale.ROOT)));
    }

    /** Called by the gate once an upgrade passed every check and holds an admission slot. */
    void upgrade(
            ChannelHandlerContext ctx,
            WebSocketServerHandshaker handshaker,
            FullHttpRequest request,
            WebSocketPeer peer) {
        Channel ws = ctx.channel();
        ws.config().setAutoRead(false);
        AtomicReference<SocketAddress> streamAddress = new AtomicReference<>();
        InetAddress slot = peer.address().getAddress();
        Pipe pipe = new Pipe(
                ws,
                () -> shuttingDown ? WebSocketCloseStatus.ENDPOINT_UNAVAILABLE : WebSocketCloseStatus.NORMAL_CLOSURE,
                () -> {
                    SocketAddress a = streamAddress.get();
                    if (a != null) {
                        peers.remove(a);
                    }
                    admission.release(slot);
                });
        pipes.add(pipe);
        ProxiedH2 h2 = servers.isEmpty() ? new ProxiedH2() : null;
        if (h2 != null) {
            proxied.put(pipe, h2);
        }
        ws.closeFuture().addListener(f -> {
            proxied.remove(pipe);
            pipe.close(WebSocketCloseStatus.ENDPOINT_UNAVAILABLE);
            // Counted before it leaves the open set, so whoever sees it gone from activeConnections
            // also sees it in closedConnections. Counting in Pipe.close was not enough: the close
            // that won may still be running, as its close frame's write can close the socket
            // (and run this listener) from inside it.
            closedConnections.incrementAndGet();
            pipes.remove(pipe);
        });
        ctx.pipeline().addAfter(ctx.name(), "grpcws-pipe", new WebSocketToStream(pipe, limits.readLimitBytes(), h2));
        handshaker.handshake(ws, request).addListener(done -> {
            if (!done.isSuccess()) {
                pipe.close(WebSocketCloseStatus.PROTOCOL_ERROR);
                return;
            }
            ws.pipeline().remove(HttpGate.class);
            if (shuttingDown) {
                pipe.close(WebSocketCloseStatus.ENDPOINT_UNAVAILABLE);
                return;
            }
            pipe.startKeepalive(limits.pingInterval(), limits.idleTimeout());
            connectStream(pipe, ws, peer, streamAddress, h2);
        });
    }

    private void connectStream(
            Pipe pipe, Channel ws, WebSocketPeer peer, AtomicReference<SocketAddress> streamAddress, ProxiedH2 h2) {
        Bootstrap bootstrap = new Bootstrap()
                .group(ws.eventLoop())
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .handler(new StreamToWebSocket(pipe, h2));
        ChannelFuture connecting;
        boolean direct = !servers.isEmpty();
        if (direct) {
            connecting = bootstrap
                    .channel(LocalChannel.class)
                    // grpc-java's frames go into the WebSocket message as written, not copied again.
                    .option(ChannelOption.RCVBUF_ALLOCATOR, LocalPassThroughReads.standard())
                    .connect(inProcess.get(ws.eventLoop()));
        } else {
            connecting = bootstrap
                    .channel(NioSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000)
                    .connect(backend);
        }
        connecting.addListener((ChannelFuture f) -> {
            if (!f.isSuccess()) {
                // The backend is down or restarting: the client may retry.
                pipe.close(shuttingDown ? GOING_AWAY : new WebSocketCloseStatus(1013, "backend unavailable"));
                return;
            }
            Channel stream = f.channel();
            if (direct) {
                streamAddress.set(stream.localAddress());
                peers.put(stream.localAddress(), peer);
            }
            if (proxyProtocol) {
                // Before any byte of the client's: the backend reads it first.
                stream.writeAndFlush(ProxyProtocolHeader.encode(
                        stream.alloc(), peer.address(), (InetSocketAddress) ws.localAddress(), peer.origin()));
            }
            pipe.attachStream(stream);
            stream.closeFuture().addListener(c -> pipe.streamEnded());
            ws.config().setAutoRead(true);
        });
    }

    /**
     * Graceful shutdown: stop accepting, GOAWAY on every HTTP/2 connection, wait up to the
     * shutdown grace for calls to end, then close frames (1001) to every WebSocket still open.
     */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        shuttingDown = true;
        long deadline = System.nanoTime() + limits.shutdownGrace().toNanos();
        if (serverChannel != null) {
            serverChannel.close().syncUninterruptibly();
        }
        // The in-process servers send GOAWAY themselves; in proxy mode the bridge does, as the
        // backend (not shutting down, or slow to say so) cannot be relied on for it.
        servers.forEach(Server::shutdown);
        for (Pipe pipe : List.copyOf(pipes)) {
            goAway(pipe);
        }
        while (!pipes.isEmpty() && System.nanoTime() - deadline < 0) {
            sleepQuietly(10);
        }
        for (Pipe pipe : List.copyOf(pipes)) {
            pipe.close(GOING_AWAY);
        }
        long flushDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        for (Pipe pipe : List.copyOf(pipes)) {
            pipe.webSocket()
                    .closeFuture()
                    .awaitUninterruptibly(
                            Math.max(0, TimeUnit.NANOSECONDS.toMillis(flushDeadline - System.nanoTime())));
        }
        servers.forEach(Server::shutdownNow);
        for (Server server : servers) {
            try {
                server.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        if (callExecutor != null) {
            callExecutor.shutdownNow();
        }
    }

    /**
     * Proxy mode: GOAWAY to the client at the next frame boundary; the WebSocket closes (1001) once
     * its last stream ended. A WebSocket whose backend connection is not up yet closes at once.
     */
    private void goAway(Pipe pipe) {
        ProxiedH2 h2 = proxied.get(pipe);
        if (h2 == null) {
            return;
        }
        try {
            pipe.webSocket().eventLoop().execute(() -> {
                if (pipe.isClosed()) {
                    return;
                }
                if (pipe.stream() == null) {
                    pipe.close(GOING_AWAY);
                    return;
                }
                ByteBuf now = h2.goAway();
                if (now != null) {
                    pipe.webSocket().writeAndFlush(new BinaryWebSocketFrame(now));
                }
                if (h2.drained()) {
                    pipe.close(GOING_AWAY);
                }
            });
        } catch (RejectedExecutionException e) {
            pipe.close(GOING_AWAY);
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException("interrupted while shutting down", e));
        }
    }
}
