package org.paqet4j.packet.firewall;

/**
 * Which end of the tunnel the rules protect. The rules are the same for both — they concern the
 * local port — but the port means something different: the server's listen port, or the client's
 * own local port (the mirror image: the server's packets arrive at it).
 */
public enum Role {
    SERVER("server port"),
    CLIENT("client local port");

    private final String portDescription;

    Role(String portDescription) {
        this.portDescription = portDescription;
    }

    /** "server port 9999" / "client local port 41234", for logs and errors. */
    public String describe(int port) {
        return portDescription + " " + port;
    }
}
