package org.paqet4j.kcp;

/**
 * A snapshot of one session's counters and KCP state.
 *
 * @param bytesWritten         bytes the application wrote
 * @param bytesRead            bytes the application read
 * @param segmentsSent         segments put on the wire (PUSH, ACK, WASK, WINS; retransmits included)
 * @param segmentsReceived     well-formed segments taken in
 * @param retransmitsRto       segments resent because their RTO expired
 * @param retransmitsFast      segments resent after {@code resend} duplicate ACKs
 * @param retransmitsEarly     segments resent early (a later segment was ACKed, nothing new to send)
 * @param duplicateSegments    PUSH segments received again or outside the window
 * @param windowProbesSent     WASK segments sent while the peer's window was zero
 * @param windowProbesReceived WASK segments received
 * @param droppedInputs        datagrams cut short: wrong conv, bad command, truncated segment
 * @param sendErrors           datagrams the carrier failed to send (KCP retransmits them)
 * @param codecDrops           datagrams the codec dropped (bad checksum, bad tag, malformed)
 * @param srttMs               smoothed RTT
 * @param rtoMs                current retransmission timeout
 * @param cwnd                 congestion window in segments
 * @param remoteWindow         the peer's last advertised receive window
 * @param sendQueue            segments queued but not yet in the window
 * @param sendBuffer           segments in flight
 * @param receiveQueue         in-order segments waiting for the reader
 * @param receiveBuffer        out-of-order segments waiting for a gap to fill
 */
public record KcpSessionStats(
        long bytesWritten,
        long bytesRead,
        long segmentsSent,
        long segmentsReceived,
        long retransmitsRto,
        long retransmitsFast,
        long retransmitsEarly,
        long duplicateSegments,
        long windowProbesSent,
        long windowProbesReceived,
        long droppedInputs,
        long sendErrors,
        long codecDrops,
        int srttMs,
        int rtoMs,
        int cwnd,
        int remoteWindow,
        int sendQueue,
        int sendBuffer,
        int receiveQueue,
        int receiveBuffer) {}
