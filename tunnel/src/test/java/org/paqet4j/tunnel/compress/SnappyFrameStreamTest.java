package org.paqet4j.tunnel.compress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SnappyFrameStreamTest {

    private static final HexFormat HEX = HexFormat.of();
    private static final String IDENTIFIER = "ff060000734e61507059";

    private static byte[] framed(byte[]... writes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (SnappyFrameOutputStream writer = new SnappyFrameOutputStream(out)) {
            for (byte[] w : writes) {
                writer.write(w);
            }
        }
        return out.toByteArray();
    }

    private static byte[] unframed(byte[] framed) throws IOException {
        try (InputStream in = new SnappyFrameInputStream(new ByteArrayInputStream(framed))) {
            return in.readAllBytes();
        }
    }

    @Test
    void shortWriteIsOneUncompressedChunkAfterTheIdentifier() throws IOException {
        // CRC-32C("hello") = 0x9a71bb4c, masked: rotated right by 15 plus 0xa282ead8 = 0x191c1fbb
        assertThat(HEX.formatHex(framed("hello".getBytes(StandardCharsets.US_ASCII))))
                .isEqualTo(IDENTIFIER + "01090000" + "bb1f1c19" + "68656c6c6f");
    }

    @Test
    void identifierOnlyOnceAndOneChunkPerWrite() throws IOException {
        byte[] one = framed("hello".getBytes(StandardCharsets.US_ASCII), "hello".getBytes(StandardCharsets.US_ASCII));
        String chunk = "01090000bb1f1c1968656c6c6f";
        assertThat(HEX.formatHex(one)).isEqualTo(IDENTIFIER + chunk + chunk);
    }

    @Test
    void emptyWriteSendsNothing() throws IOException {
        assertThat(framed(new byte[0])).isEmpty();
    }

    @Test
    void compressesOnlyWhenItSavesAnEighth() throws IOException {
        byte[] text = "abcdefgh".repeat(100).getBytes(StandardCharsets.US_ASCII);
        assertThat(framed(text)[10]).as("chunk type of repetitive text").isEqualTo((byte) 0x00);
        byte[] random = new byte[4096];
        new Random(1).nextBytes(random);
        byte[] f = framed(random);
        assertThat(f[10]).as("chunk type of random bytes").isEqualTo((byte) 0x01);
        assertThat(f).hasSize(10 + 8 + random.length);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 17, 65535, 65536, 65537, 200_000})
    void roundTripsAndSplitsAt64KiB(int size) throws IOException {
        byte[] data = new byte[size];
        Random random = new Random(size);
        for (int i = 0; i < size; i++) {
            data[i] = (byte) (random.nextInt(4) == 0 ? random.nextInt() : 'a' + i % 7);
        }
        byte[] f = framed(data);
        assertThat(unframed(f)).isEqualTo(data);
        int chunks = 0;
        for (int at = 10; at < f.length; chunks++) {
            int length = (f[at + 1] & 0xff) | (f[at + 2] & 0xff) << 8 | (f[at + 3] & 0xff) << 16;
            at += 4 + length;
        }
        assertThat(chunks).isEqualTo((size + 65535) / 65536);
    }

    @Test
    void skipsPaddingAndSkippableChunksAndRepeatedIdentifiers() throws IOException {
        byte[] f = HEX.parseHex(IDENTIFIER + "fe020000abcd" + "80000000" + IDENTIFIER + "01090000bb1f1c1968656c6c6f");
        assertThat(new String(unframed(f), StandardCharsets.US_ASCII)).isEqualTo("hello");
    }

    @Test
    void readsACompressedChunk() throws IOException {
        // a block of one literal: length 5, literal tag (5 - 1) << 2, "hello"
        byte[] f = HEX.parseHex(IDENTIFIER + "000b0000bb1f1c19" + "0510" + "68656c6c6f");
        assertThat(new String(unframed(f), StandardCharsets.US_ASCII)).isEqualTo("hello");
    }

    @Test
    void emptyStreamIsTheEnd() throws IOException {
        assertThat(unframed(new byte[0])).isEmpty();
    }

    private static void refused(String hex, String message) {
        assertThatThrownBy(() -> unframed(HEX.parseHex(hex)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(message);
    }

    @Test
    void refusesAStreamWithoutTheIdentifier() {
        refused("01090000bb1f1c1968656c6c6f", "must start with the stream identifier");
    }

    @Test
    void refusesAWrongIdentifier() {
        refused("ff060000734e61507058", "is not \"sNaPpY\"");
        refused("ff050000734e615070", "stream identifier length 5");
    }

    @Test
    void refusesAChunkLongerThanGoAccepts() {
        // 76494 = 0x012ace is the longest body; one more is refused before anything is read
        refused(IDENTIFIER + "00cf2a01", "length 76495 exceeds 76494");
        refused(IDENTIFIER + "01ffffff", "length 16777215 exceeds 76494");
    }

    @Test
    void refusesAnUncompressedChunkOver64KiB() {
        refused(IDENTIFIER + "01050001", "65537 data bytes exceed the block limit 65536");
    }

    @Test
    void refusesABadChecksum() {
        refused(IDENTIFIER + "01090000bb1f1c1968656c6c6e", "checksum 0x191c1fbb does not match");
    }

    @Test
    void refusesAChunkShorterThanItsChecksum() {
        refused(IDENTIFIER + "00030000aabbcc", "shorter than the 4-byte checksum");
    }

    @Test
    void refusesReservedUnskippableTypes() {
        refused(IDENTIFIER + "02000000", "reserved unskippable chunk type");
        refused(IDENTIFIER + "7f000000", "reserved unskippable chunk type");
    }

    @Test
    void refusesACompressedBlockDecodingBeyond64KiB() {
        // length header 65537 (varint 81 80 04), then whatever
        refused(IDENTIFIER + "000b0000" + "00000000" + "818004" + "00000000", "decoded length 65537 exceeds");
    }

    @Test
    void refusesACorruptCompressedBlock() {
        // claims 100 bytes, then a copy from before the start
        refused(IDENTIFIER + "00070000" + "00000000" + "64" + "0564", "corrupt block");
    }

    @Test
    void truncatedStreamsAreEofErrorsNamingWhere() {
        assertThatThrownBy(() -> unframed(HEX.parseHex(IDENTIFIER + "0109")))
                .isInstanceOf(EOFException.class)
                .hasMessageContaining("offset 10")
                .hasMessageContaining("inside the 4-byte header");
        assertThatThrownBy(() -> unframed(HEX.parseHex(IDENTIFIER + "01090000bb1f1c1968")))
                .isInstanceOf(EOFException.class)
                .hasMessageContaining("after 5 of 9 body bytes");
    }

    @Test
    void staysFailedAfterAnError() throws IOException {
        InputStream in = new SnappyFrameInputStream(new ByteArrayInputStream(HEX.parseHex("02000000")));
        assertThatThrownBy(in::read).isInstanceOf(IOException.class);
        assertThatThrownBy(in::read).hasMessageContaining("already failed");
    }
}
