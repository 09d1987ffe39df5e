package org.paqet4j.grpcws;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalIoHandler;
import io.netty.channel.local.LocalServerChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LocalPassThroughReadsTest {

    private EventLoopGroup group;

    @BeforeEach
    void start() {
        group = new MultiThreadIoEventLoopGroup(1, LocalIoHandler.newFactory());
    }

    @AfterEach
    void stop() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Records what one accepted local channel reads: each read burst as the list of its buffers. */
    private static final class Bursts extends ChannelInboundHandlerAdapter {
        final BlockingQueue<List<ByteBuf>> completed = new LinkedBlockingQueue<>();
        volatile Channel accepted;
        private List<ByteBuf> current = new ArrayList<>();

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            accepted = ctx.channel();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            current.add((ByteBuf) msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (!current.isEmpty()) {
                completed.add(current);
                current = new ArrayList<>();
            }
        }
    }

    /** Writes {@code buffers} in one flush from the writer's loop, so all queue up before any read. */
    private static void writeInOneFlush(Channel writer, List<ByteBuf> buffers) throws Exception {
        writer.eventLoop()
                .submit(() -> {
                    for (ByteBuf b : buffers) {
                        writer.write(b.retain());
                    }
                    writer.flush();
                })
                .get(10, TimeUnit.SECONDS);
    }

    private Channel connect(LocalAddress address, RecvByteBufAllocator reads, Bursts bursts, boolean autoRead)
            throws Exception {
        Channel server = new ServerBootstrap()
                .group(group)
                .channel(LocalServerChannel.class)
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, reads)
                .childOption(ChannelOption.AUTO_READ, autoRead)
                .childHandler(bursts)
                .bind(address)
                .sync()
                .channel();
        Channel client = new Bootstrap()
                .group(group)
                .channel(LocalChannel.class)
                .handler(new ChannelInboundHandlerAdapter())
                .connect(address)
                .sync()
                .channel();
        client.closeFuture().addListener(f -> server.close());
        return client;
    }

    private static List<ByteBuf> chunks(int n, int size) {
        List<ByteBuf> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] bytes = new byte[size];
            Arrays.fill(bytes, (byte) i);
            out.add(Unpooled.directBuffer(size).writeBytes(bytes));
        }
        return out;
    }

    @Test
    void theWrittenBuffersArriveThemselvesInOneBurst() throws Exception {
        Bursts bursts = new Bursts();
        Channel client =
                connect(new LocalAddress("pass-through-one-burst"), LocalPassThroughReads.standard(), bursts, true);
        List<ByteBuf> sent = chunks(5, 1000);
        try {
            writeInOneFlush(client, sent);
            List<ByteBuf> burst = bursts.completed.poll(10, TimeUnit.SECONDS);
            assertThat(burst).as("one read burst").isNotNull();
            assertThat(burst).as("the same buffers, not copies").hasSize(5);
            for (int i = 0; i < 5; i++) {
                assertThat(burst.get(i)).isSameAs(sent.get(i));
            }
            burst.forEach(ByteBuf::release);
        } finally {
            sent.forEach(ByteBuf::release);
            client.close().sync();
        }
    }

    /** The behaviour the allocator exists to avoid: Netty's defaults copy a burst into a new buffer. */
    @Test
    void nettysDefaultReadsCopyTheBurst() throws Exception {
        Bursts bursts = new Bursts();
        Channel client =
                connect(new LocalAddress("pass-through-default"), new AdaptiveRecvByteBufAllocator(), bursts, true);
        List<ByteBuf> sent = chunks(5, 1000);
        try {
            writeInOneFlush(client, sent);
            List<ByteBuf> burst = bursts.completed.poll(10, TimeUnit.SECONDS);
            assertThat(burst).isNotNull();
            assertThat(burst.getFirst()).isNotSameAs(sent.getFirst());
            burst.forEach(ByteBuf::release);
        } finally {
            sent.forEach(ByteBuf::release);
            client.close().sync();
        }
    }

    @Test
    void aBurstEndsAfterMaxMessagesAndReadingContinuesWithTheRest() throws Exception {
        Bursts bursts = new Bursts();
        Channel client = connect(new LocalAddress("pass-through-max"), new LocalPassThroughReads(2), bursts, true);
        List<ByteBuf> sent = chunks(5, 100);
        try {
            writeInOneFlush(client, sent);
            List<Integer> sizes = new ArrayList<>();
            List<ByteBuf> received = new ArrayList<>();
            while (received.size() < 5) {
                List<ByteBuf> burst = bursts.completed.poll(10, TimeUnit.SECONDS);
                assertThat(burst).as("after %s buffers", received.size()).isNotNull();
                sizes.add(burst.size());
                received.addAll(burst);
            }
            assertThat(sizes).containsExactly(2, 2, 1);
            for (int i = 0; i < 5; i++) {
                assertThat(received.get(i)).isSameAs(sent.get(i));
            }
            received.forEach(ByteBuf::release);
        } finally {
            sent.forEach(ByteBuf::release);
            client.close().sync();
        }
    }

    @Test
    void withAutoReadOffNothingIsReadAndOneReadPassesOneBuffer() throws Exception {
        Bursts bursts = new Bursts();
        Channel client =
                connect(new LocalAddress("pass-through-no-auto"), LocalPassThroughReads.standard(), bursts, false);
        List<ByteBuf> sent = chunks(3, 100);
        try {
            writeInOneFlush(client, sent);
            // The write has completed on the (only) loop; a read, had it happened, would be recorded.
            client.eventLoop().submit(() -> {}).get(10, TimeUnit.SECONDS);
            assertThat(bursts.completed).isEmpty();
            // As with Netty's own read settings, a read() while auto-read is off passes on one buffer.
            bursts.accepted.read();
            List<ByteBuf> one = bursts.completed.poll(10, TimeUnit.SECONDS);
            assertThat(one).isNotNull().hasSize(1);
            assertThat(one.getFirst()).isSameAs(sent.getFirst());
            one.getFirst().release();
            bursts.accepted.config().setAutoRead(true);
            List<ByteBuf> burst = bursts.completed.poll(10, TimeUnit.SECONDS);
            assertThat(burst).isNotNull().hasSize(2);
            assertThat(burst.get(1)).isSameAs(sent.get(2));
            burst.forEach(ByteBuf::release);
        } finally {
            sent.forEach(ByteBuf::release);
            client.close().sync();
        }
    }
}
