package org.paqet4j.tunnel.client;

import java.io.IOException;
import org.paqet4j.tunnel.protocol.Target;
import org.paqet4j.tunnel.session.TunnelStream;

/** Opens tunnel streams whose header has been written; what SOCKS5 and forwards need from the client. */
public interface StreamOpener {

    /** A stream relaying a TCP connection to {@code target}. */
    TunnelStream openTcp(Target target) throws IOException;

    /** A stream relaying UDP datagrams to {@code target}, one message per datagram. */
    TunnelStream openUdp(Target target) throws IOException;
}
