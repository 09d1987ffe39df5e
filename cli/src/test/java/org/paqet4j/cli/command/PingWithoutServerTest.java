package org.paqet4j.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.paqet4j.cli.ExitCodes;
import org.paqet4j.cli.Paqet;

/**
 * {@code paqet ping} towards a port where no server answers (UDP carrier on loopback, no root
 * needed): every attempt ends after one ping timeout, not the longer stream-open timeout, with a
 * line that says what is likely wrong.
 */
class PingWithoutServerTest {

    @Test
    void eachAttemptSaysNoAnswerAndNamesTheLikelyCauses(@TempDir Path dir) throws Exception {
        int silentPort;
        try (DatagramSocket reserved = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            silentPort = reserved.getLocalPort(); // nothing listens there once this closes
        }
        Path client = Files.writeString(dir.resolve("client.yaml"), """
        role: client
        socks5:
          - listen: "127.0.0.1:1080"
        network:
          carrier: udp
          ipv4:
            addr: "127.0.0.1:0"
        server:
          addr: "127.0.0.1:%d"
        transport:
          protocol: kcp
          kcp:
            block: aes
            key: "ping without server"
        """.formatted(silentPort));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Paqet.commandLine(new PrintWriter(out, true), new PrintWriter(err, true))
                .execute("ping", "-c", client.toString(), "-n", "2", "-i", "100ms");
        String server = "127.0.0.1:" + silentPort;
        assertThat(code).as("stdout:\n%s\nstderr:\n%s", out, err).isEqualTo(ExitCodes.FAILURE);
        assertThat(out.toString())
                .contains(
                        "no answer from " + server + " (is the server running, and does the key match?): seq=1",
                        "no answer from " + server + " (is the server running, and does the key match?): seq=2",
                        "2 sent, 0 received, 100% loss");
    }
}
