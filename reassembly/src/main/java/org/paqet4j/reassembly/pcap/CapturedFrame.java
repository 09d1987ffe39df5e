package org.paqet4j.reassembly.pcap;

/**
 * One captured frame: its number (1-based, as tshark counts), capture time, link type and the
 * captured bytes ({@code originalLength} may be larger when the capture was truncated).
 */
public record CapturedFrame(long frameNumber, long timestampNanos, int linkType, byte[] data, long originalLength) {}
