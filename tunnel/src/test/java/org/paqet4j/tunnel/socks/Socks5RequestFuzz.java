package org.paqet4j.tunnel.socks;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;

class Socks5RequestFuzz {

    /** Greeting, then request: only Socks5Exception may escape, and a decoded target is always valid. */
    @FuzzTest
    void greetingAndRequest(byte[] input) throws IOException {
        ByteArrayInputStream in = new ByteArrayInputStream(input);
        try {
            assertThat(Socks5Codec.readGreeting(in)).isNotEmpty();
            Socks5Request request = Socks5Codec.readRequest(in);
            assertThat(request.target().host()).isNotEmpty();
            assertThat(request.target().port()).isBetween(0, 65535);
        } catch (Socks5Exception e) {
            assertThat(e.replyCode()).isBetween(1, 8);
        }
    }

    /** The SOCKS UDP header decoder never reads outside the datagram. */
    @FuzzTest
    void udpDatagram(byte[] input) {
        try {
            Socks5Datagram datagram = Socks5Codec.decodeDatagram(input, input.length);
            assertThat(datagram.dataOffset() + datagram.dataLength()).isEqualTo(input.length);
            assertThat(datagram.dataLength()).isNotNegative();
        } catch (Socks5Exception e) {
            assertThat(e.replyCode()).isBetween(1, 8);
        }
    }
}
