package org.paqet4j.reassembly;

import java.util.Arrays;

/** The unordered pair of endpoints: both directions of a connection map to the same key. */
record ConnectionKey(Endpoint low, Endpoint high) {

    static ConnectionKey of(Endpoint a, Endpoint b) {
        return compare(a, b) <= 0 ? new ConnectionKey(a, b) : new ConnectionKey(b, a);
    }

    private static int compare(Endpoint a, Endpoint b) {
        int byAddress = Arrays.compareUnsigned(a.address().getAddress(), b.address().getAddress());
        return byAddress != 0 ? byAddress : Integer.compare(a.port(), b.port());
    }
}
