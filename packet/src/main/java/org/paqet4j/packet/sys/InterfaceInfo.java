package org.paqet4j.packet.sys;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * What the kernel says about one interface (index, hardware address and type, MTU), asked with
 * ioctls on a socket of the calling thread's network namespace.
 *
 * @param arpHardwareType ARPHRD_* (1 Ethernet, 772 loopback, 65534 none, e.g. tun)
 */
public record InterfaceInfo(String name, int index, byte[] mac, int arpHardwareType, int mtu) {

    public static final int ARPHRD_ETHER = 1;
    public static final int ARPHRD_LOOPBACK = 772;

    public InterfaceInfo {
        mac = mac.clone();
    }

    @Override
    public byte[] mac() {
        return mac.clone();
    }

    /** Whether frames on this link start with an Ethernet header. */
    public boolean isEthernet() {
        return arpHardwareType == ARPHRD_ETHER;
    }

    /** Whether this is a loopback link, where a capture sees every packet twice (sent, then received). */
    public boolean isLoopback() {
        return arpHardwareType == ARPHRD_LOOPBACK;
    }

    /** Looks {@code name} up in the calling thread's network namespace. */
    public static InterfaceInfo byName(String name) throws IOException {
        byte[] nameBytes = name.getBytes(StandardCharsets.US_ASCII);
        if (nameBytes.length == 0 || nameBytes.length >= Libc.IFNAMSIZ) {
            throw new IOException("invalid interface name '" + name + "' (1 to 15 characters)");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = Libc.newErrnoState(arena);
            int fd = Libc.socket(errno, Libc.AF_INET, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0);
            if (fd < 0) {
                throw Errno.exception("socket(AF_INET, SOCK_DGRAM)", Libc.errno(errno));
            }
            try {
                MemorySegment ifreq = arena.allocate(40, 8);
                MemorySegment.copy(nameBytes, 0, ifreq, ValueLayout.JAVA_BYTE, 0, nameBytes.length);
                ioctl(errno, fd, Libc.SIOCGIFINDEX, ifreq, "SIOCGIFINDEX", name);
                int index = ifreq.get(ValueLayout.JAVA_INT, 16);
                ioctl(errno, fd, Libc.SIOCGIFMTU, ifreq, "SIOCGIFMTU", name);
                int mtu = ifreq.get(ValueLayout.JAVA_INT, 16);
                ioctl(errno, fd, Libc.SIOCGIFHWADDR, ifreq, "SIOCGIFHWADDR", name);
                int type = ifreq.get(ValueLayout.JAVA_SHORT, 16) & 0xFFFF;
                byte[] mac = ifreq.asSlice(18, 6).toArray(ValueLayout.JAVA_BYTE);
                return new InterfaceInfo(name, index, mac, type, mtu);
            } finally {
                Libc.close(errno, fd);
            }
        }
    }

    private static void ioctl(MemorySegment errno, int fd, int request, MemorySegment ifreq, String what, String name)
            throws IOException {
        if (Libc.ioctl(errno, fd, request, ifreq) != 0) {
            throw Errno.exception("ioctl(" + what + ", " + name + ")", Libc.errno(errno));
        }
    }
}
