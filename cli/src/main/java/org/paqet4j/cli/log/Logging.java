package org.paqet4j.cli.log;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import org.paqet4j.cli.config.LogLevel;
import org.slf4j.LoggerFactory;

/**
 * paqet4j's logging: one line per event on standard error (standard output stays free for
 * command output such as {@code run --check}), written by a background thread so that logging
 * never blocks the data path: the queue is bounded, a full queue drops events instead of
 * waiting, and from 80 % full on only warnings and errors are queued.
 */
public final class Logging {
    static final int QUEUE_SIZE = 8192;
    /** ISO time, level, logger short name, message; an exception stays on the same line. */
    static final String ONE_LINE = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level %logger{0}: %msg"
            + "%replace(%replace(%ex{short}){'\\s+$', ''}){'(^|\\s*\\R\\s*)(?=\\S)', ' | '}%nopex%n";
    /** At debug level the whole stack trace is worth its lines. */
    static final String WITH_STACK_TRACES = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level %logger{0}: %msg%n%ex{full}";

    private Logging() {}

    /** paqet's level names on Logback's levels: none = off, fatal = error. */
    public static Level toLogback(LogLevel level) {
        return switch (level) {
            case NONE -> Level.OFF;
            case DEBUG -> Level.DEBUG;
            case INFO -> Level.INFO;
            case WARN -> Level.WARN;
            case ERROR, FATAL -> Level.ERROR;
        };
    }

    /** Replaces whatever logging was set up by the layout for this level. */
    public static void configure(LogLevel level) {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            configure(context, level);
        }
    }

    static void configure(LoggerContext context, LogLevel level) {
        context.reset();
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(level == LogLevel.DEBUG ? WITH_STACK_TRACES : ONE_LINE);
        encoder.start();

        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName("stderr");
        console.setTarget("System.err");
        console.setEncoder(encoder);
        console.start();

        AsyncAppender async = new AsyncAppender();
        async.setContext(context);
        async.setName("async");
        async.setQueueSize(QUEUE_SIZE);
        async.setNeverBlock(true);
        async.setDiscardingThreshold(QUEUE_SIZE / 5);
        async.setIncludeCallerData(false);
        async.addAppender(console);
        async.start();

        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(toLogback(level));
        root.addAppender(async);
    }

    /** Drains the queue (up to a second) and stops logging; call once before the JVM exits. */
    public static void shutdown() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.stop();
        }
    }
}
