package org.paqet4j.grpcws;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelConfig;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.local.LocalChannel;
import io.netty.util.UncheckedBooleanSupplier;

/**
 * Read settings for a {@link LocalChannel} that hand its peer's buffers on as they were written.
 * With Netty's default settings a local channel copies every burst of queued buffers into a fresh
 * buffer of its own (heap memory, at most 64 KiB) before passing it on, so every byte of a
 * streamed call was copied once more at each local hop — and on the bridge the copy was a heap
 * buffer, which the socket then copied again into direct memory. Here the buffer the local channel
 * offers for that copy has no room, so it never copies, and a read burst passes on up to
 * {@code maxMessagesPerRead} queued buffers before its read-complete.
 *
 * <p>Only for local channels: a socket channel reads into the buffer it is given, and this one
 * holds nothing.
 */
final class LocalPassThroughReads implements RecvByteBufAllocator {

    private final int maxMessagesPerRead;

    LocalPassThroughReads(int maxMessagesPerRead) {
        if (maxMessagesPerRead < 1) {
            throw new IllegalArgumentException("maxMessagesPerRead " + maxMessagesPerRead + " < 1");
        }
        this.maxMessagesPerRead = maxMessagesPerRead;
    }

    /** Buffers a read burst passes on at most: grpc-java writes a 64 KiB message as a few frames. */
    static LocalPassThroughReads standard() {
        return new LocalPassThroughReads(64);
    }

    @Override
    @SuppressWarnings("deprecation") // Handle is the type newHandle() must return
    public Handle newHandle() {
        return new PassThroughHandle();
    }

    private final class PassThroughHandle implements ExtendedHandle {
        private ChannelConfig config;
        private int messages;
        private int lastBytesRead;
        private int attemptedBytesRead;

        @Override
        public ByteBuf allocate(ByteBufAllocator alloc) {
            // No room: the local channel's "coalesce into this buffer" step never applies.
            return Unpooled.EMPTY_BUFFER;
        }

        @Override
        public int guess() {
            return 0;
        }

        @Override
        public void reset(ChannelConfig config) {
            this.config = config;
            messages = 0;
        }

        @Override
        public void incMessagesRead(int numMessages) {
            messages += numMessages;
        }

        @Override
        public void lastBytesRead(int bytes) {
            lastBytesRead = bytes;
        }

        @Override
        public int lastBytesRead() {
            return lastBytesRead;
        }

        @Override
        public void attemptedBytesRead(int bytes) {
            attemptedBytesRead = bytes;
        }

        @Override
        public int attemptedBytesRead() {
            return attemptedBytesRead;
        }

        @Override
        public boolean continueReading() {
            // A local channel stops by itself when its queue is empty; byte counts mean nothing here.
            return config.isAutoRead() && messages < maxMessagesPerRead;
        }

        @Override
        public boolean continueReading(UncheckedBooleanSupplier maybeMoreDataSupplier) {
            return continueReading();
        }

        @Override
        public void readComplete() {}
    }
}
