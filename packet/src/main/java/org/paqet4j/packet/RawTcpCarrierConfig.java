package org.paqet4j.packet;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.util.Objects;
import org.paqet4j.packet.wire.TcpFlags;

/**
 * Settings of a {@link RawTcpCarrier}; build with {@link #builder(String, int)}.
 *
 * @param interfaceName  the interface to capture on and send through
 * @param ipv4           source address for IPv4 peers, or null
 * @param ipv4NextHopMac MAC of the IPv4 gateway (or of the peer on a shared link), used by
 *                       {@link SendMode#PACKET}; null: the default gateway's, from the kernel
 * @param ipv6           source address for IPv6 peers, or null
 * @param ipv6NextHopMac MAC of the IPv6 gateway, as for IPv4
 * @param port           the tunnel port: our TCP source port and the destination port we capture
 * @param localFlags     flag masks cycled for peers without flags of their own ({@link PacketCarrier#peerFlags})
 * @param receiveBuffer  capture socket buffer in bytes, 0 for the kernel default
 * @param sendBuffer     send socket buffer in bytes, 0 for the kernel default
 * @param receiveBatch   packets per recvmmsg (or taken from the ring at once)
 * @param receiveRing    receive through a TPACKET_V2 ring of {@code receiveBuffer} bytes mapped into
 *                       our memory instead of recvmmsg
 * @param qdiscBypass    {@link SendMode#PACKET} only: set PACKET_QDISC_BYPASS, so frames go straight
 *                       to the driver's queue. Off by default: it also skips the interface's queueing
 *                       discipline, tc and netfilter egress hooks (shaping, policing, the lab's
 *                       impairments), and a full driver queue drops instead of pushing back
 */
public record RawTcpCarrierConfig(
        String interfaceName,
        Inet4Address ipv4,
        byte[] ipv4NextHopMac,
        Inet6Address ipv6,
        byte[] ipv6NextHopMac,
        int port,
        short[] localFlags,
        SendMode sendMode,
        int receiveBuffer,
        int sendBuffer,
        int receiveBatch,
        boolean receiveRing,
        boolean qdiscBypass) {

    public RawTcpCarrierConfig {
        Objects.requireNonNull(interfaceName, "interfaceName");
        Objects.requireNonNull(sendMode, "sendMode");
        if (ipv4 == null && ipv6 == null) {
            throw new IllegalArgumentException("raw carrier on " + interfaceName
                    + ": at least one of an IPv4 and an IPv6 source address is required");
        }
        if (port < 1 || port > 0xFFFF) {
            throw new IllegalArgumentException(
                    "raw carrier on " + interfaceName + ": port " + port + " out of range 1-65535");
        }
        ipv4NextHopMac = mac(ipv4NextHopMac, "ipv4NextHopMac");
        ipv6NextHopMac = mac(ipv6NextHopMac, "ipv6NextHopMac");
        FlagCycle.validate(localFlags);
        localFlags = localFlags.clone();
        if (receiveBuffer < 0 || sendBuffer < 0 || receiveBatch < 1 || receiveBatch > 1024) {
            throw new IllegalArgumentException("raw carrier on " + interfaceName + ": buffers must be >= 0 and "
                    + "receiveBatch 1-1024, got " + receiveBuffer + "/" + sendBuffer + "/" + receiveBatch);
        }
        if (qdiscBypass && sendMode != SendMode.PACKET) {
            throw new IllegalArgumentException("raw carrier on " + interfaceName
                    + ": qdiscBypass applies to send mode PACKET only, send mode is " + sendMode);
        }
    }

    private static byte[] mac(byte[] mac, String what) {
        if (mac == null) {
            return null;
        }
        if (mac.length != 6) {
            throw new IllegalArgumentException(what + " must be 6 bytes, got " + mac.length);
        }
        return mac.clone();
    }

    @Override
    public byte[] ipv4NextHopMac() {
        return ipv4NextHopMac == null ? null : ipv4NextHopMac.clone();
    }

    @Override
    public byte[] ipv6NextHopMac() {
        return ipv6NextHopMac == null ? null : ipv6NextHopMac.clone();
    }

    @Override
    public short[] localFlags() {
        return localFlags.clone();
    }

    public static Builder builder(String interfaceName, int port) {
        return new Builder(interfaceName, port);
    }

    /** Defaults: flags ["PA"], send mode PACKET, 4 MiB receive and 1 MiB send buffers, batch 64. */
    public static final class Builder {
        private final String interfaceName;
        private final int port;
        private Inet4Address ipv4;
        private byte[] ipv4NextHopMac;
        private Inet6Address ipv6;
        private byte[] ipv6NextHopMac;
        private short[] localFlags = {(short) (TcpFlags.PSH | TcpFlags.ACK)};
        private SendMode sendMode = SendMode.PACKET;
        private int receiveBuffer = 4 << 20;
        private int sendBuffer = 1 << 20;
        private int receiveBatch = 64;
        private boolean receiveRing;
        private boolean qdiscBypass;

        private Builder(String interfaceName, int port) {
            this.interfaceName = interfaceName;
            this.port = port;
        }

        public Builder ipv4(Inet4Address source, byte[] nextHopMac) {
            this.ipv4 = source;
            this.ipv4NextHopMac = nextHopMac;
            return this;
        }

        public Builder ipv6(Inet6Address source, byte[] nextHopMac) {
            this.ipv6 = source;
            this.ipv6NextHopMac = nextHopMac;
            return this;
        }

        public Builder localFlags(short... masks) {
            this.localFlags = masks.clone();
            return this;
        }

        public Builder sendMode(SendMode mode) {
            this.sendMode = mode;
            return this;
        }

        public Builder receiveBuffer(int bytes) {
            this.receiveBuffer = bytes;
            return this;
        }

        public Builder sendBuffer(int bytes) {
            this.sendBuffer = bytes;
            return this;
        }

        public Builder receiveBatch(int packets) {
            this.receiveBatch = packets;
            return this;
        }

        public Builder receiveRing(boolean ring) {
            this.receiveRing = ring;
            return this;
        }

        public Builder qdiscBypass(boolean bypass) {
            this.qdiscBypass = bypass;
            return this;
        }

        public RawTcpCarrierConfig build() {
            return new RawTcpCarrierConfig(
                    interfaceName,
                    ipv4,
                    ipv4NextHopMac,
                    ipv6,
                    ipv6NextHopMac,
                    port,
                    localFlags,
                    sendMode,
                    receiveBuffer,
                    sendBuffer,
                    receiveBatch,
                    receiveRing,
                    qdiscBypass);
        }
    }
}
