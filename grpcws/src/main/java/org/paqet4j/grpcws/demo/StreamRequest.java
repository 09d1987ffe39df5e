package org.paqet4j.grpcws.demo;

/**
 * {@code message StreamRequest { uint64 total_bytes = 1; uint32 chunk_bytes = 2; uint32 seed = 3; }}
 * — unsigned values held in Java's signed types (totalBytes as unsigned 64-bit, the others as
 * unsigned 32-bit).
 */
public record StreamRequest(long totalBytes, int chunkBytes, int seed) {

    /** Byte {@code k} (unsigned) of the stream: {@code (k * 31 + seed) & 0xff}. */
    public static byte patternByte(long k, int seed) {
        return (byte) (k * 31 + seed);
    }
}
