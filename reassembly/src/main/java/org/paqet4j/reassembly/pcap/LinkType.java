package org.paqet4j.reassembly.pcap;

/** The link-layer header types {@link FrameDecoder} understands (tcpdump.org link-layer header types). */
public final class LinkType {

    public static final int NULL = 0;
    public static final int ETHERNET = 1;
    public static final int RAW = 101;
    public static final int LOOP = 108;
    public static final int LINUX_SLL = 113;
    public static final int IPV4 = 228;
    public static final int IPV6 = 229;
    public static final int LINUX_SLL2 = 276;

    private LinkType() {}
}
