package org.paqet4j.kcp;

/**
 * How many new sessions one source IP address may open: a burst, then a steady rate (a token
 * bucket). Bounds how fast datagrams replayed or spoofed from many ports of one address can take
 * session slots; an address that spoofs whole IP ranges is bounded only by the session cap.
 *
 * @param burst sessions an address may open at once
 * @param perSecond sessions per second after the burst
 */
public record NewSessionRate(int burst, double perSecond) {

    /** A client with a few connections (and its reconnects) never notices it; a replay flood from one address does. */
    public static final NewSessionRate DEFAULT = new NewSessionRate(32, 2);

    public static final NewSessionRate UNLIMITED = new NewSessionRate(Integer.MAX_VALUE, Double.POSITIVE_INFINITY);

    public NewSessionRate {
        if (burst < 1 || !(perSecond > 0)) {
            throw new IllegalArgumentException("new session rate needs burst >= 1 and a positive rate, got burst "
                    + burst + ", " + perSecond + "/s");
        }
    }
}
