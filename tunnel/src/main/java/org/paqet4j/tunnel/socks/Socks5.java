package org.paqet4j.tunnel.socks;

/** RFC 1928 / RFC 1929 constants. */
public final class Socks5 {

    public static final int VERSION = 0x05;
    public static final int AUTH_VERSION = 0x01;

    public static final int METHOD_NO_AUTH = 0x00;
    public static final int METHOD_USER_PASS = 0x02;
    public static final int METHOD_NONE_ACCEPTABLE = 0xFF;

    public static final int CMD_CONNECT = 0x01;
    public static final int CMD_BIND = 0x02;
    public static final int CMD_UDP_ASSOCIATE = 0x03;

    public static final int ATYP_IPV4 = 0x01;
    public static final int ATYP_DOMAIN = 0x03;
    public static final int ATYP_IPV6 = 0x04;

    public static final int REP_SUCCEEDED = 0x00;
    public static final int REP_GENERAL_FAILURE = 0x01;
    public static final int REP_NOT_ALLOWED = 0x02;
    public static final int REP_NETWORK_UNREACHABLE = 0x03;
    public static final int REP_HOST_UNREACHABLE = 0x04;
    public static final int REP_CONNECTION_REFUSED = 0x05;
    public static final int REP_COMMAND_NOT_SUPPORTED = 0x07;
    public static final int REP_ADDRESS_TYPE_NOT_SUPPORTED = 0x08;

    private Socks5() {}
}
