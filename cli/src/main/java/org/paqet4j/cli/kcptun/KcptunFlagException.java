package org.paqet4j.cli.kcptun;

/** A kcptun flag or JSON key paqet4j cannot honour, with a message naming it. */
public final class KcptunFlagException extends Exception {
    public KcptunFlagException(String message) {
        super(message);
    }
}
