package org.paqet4j.grpcws;

import io.netty.channel.IoHandle;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.IoRegistration;
import io.netty.channel.local.LocalIoHandle;
import io.netty.channel.local.LocalIoHandler;
import io.netty.channel.nio.NioIoHandler;

/**
 * An event loop that runs NIO sockets and Netty local channels on the same thread. Netty's NIO
 * loops refuse local channels and its local loops cannot select sockets, so a WebSocket (a socket)
 * and the in-process HTTP/2 connection it carries (a local channel) used to live on two threads,
 * and every chunk of every call crossed between them — a wake-up of another thread per hop, which
 * on a busy machine costs more than the work itself. A local channel needs nothing from its loop
 * but a thread to run its tasks (its handler only parks when idle), so the NIO handler does the
 * waiting and the local handler only keeps the registrations.
 */
final class SocketAndLocalIoHandler implements IoHandler {

    private final IoHandler sockets;
    private final IoHandler locals;

    private SocketAndLocalIoHandler(IoHandler sockets, IoHandler locals) {
        this.sockets = sockets;
        this.locals = locals;
    }

    static IoHandlerFactory newFactory() {
        IoHandlerFactory nio = NioIoHandler.newFactory();
        IoHandlerFactory local = LocalIoHandler.newFactory();
        return executor -> new SocketAndLocalIoHandler(nio.newHandler(executor), local.newHandler(executor));
    }

    @Override
    public void initialize() {
        sockets.initialize();
        locals.initialize();
    }

    @Override
    public int run(IoHandlerContext context) {
        // Local channels have no I/O to wait for: their work arrives as tasks, which wake the
        // selector like any other task.
        return sockets.run(context);
    }

    @Override
    public void prepareToDestroy() {
        locals.prepareToDestroy();
        sockets.prepareToDestroy();
    }

    @Override
    public void destroy() {
        locals.destroy();
        sockets.destroy();
    }

    @Override
    public IoRegistration register(IoHandle handle) throws Exception {
        return handle instanceof LocalIoHandle ? locals.register(handle) : sockets.register(handle);
    }

    @Override
    public void wakeup() {
        sockets.wakeup();
    }

    @Override
    public boolean isCompatible(Class<? extends IoHandle> handleType) {
        return sockets.isCompatible(handleType) || locals.isCompatible(handleType);
    }
}
