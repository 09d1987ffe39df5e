package org.paqet4j.tunnel.session;

import java.io.IOException;
import org.paqet4j.packet.PacketCarrier;

/** Opens a fresh carrier for one client connection slot (each slot has its own local port). */
@FunctionalInterface
public interface CarrierFactory {

    PacketCarrier open(int slot) throws IOException;
}
