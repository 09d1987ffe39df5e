package org.paqet4j.cli;

/** The process exit codes every command uses. */
public final class ExitCodes {
    public static final int OK = 0;
    /** Something failed at run time (I/O, the kernel, the peer). */
    public static final int FAILURE = 1;
    /** The command line or the configuration is wrong; nothing was started. */
    public static final int USAGE = 2;

    private ExitCodes() {}
}
