package org.paqet4j.cli.log;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.paqet4j.cli.config.LogLevel;

/** The log format, paqet's level names, and an asynchronous appender that never blocks. */
class LoggingTest {
    private static final String TIME = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d)";

    /** A context of our own (the SLF4J one gets its MDC adapter from the provider). */
    private static LoggerContext context() {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter());
        return context;
    }

    /** Logs through a private context at {@code level} and returns what reached standard error. */
    private static String logged(LogLevel level, Consumer<Logger> events) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            LoggerContext context = context();
            Logging.configure(context, level);
            events.accept(context.getLogger("org.paqet4j.tunnel.ServerSession"));
            context.stop(); // drains the queue
        } finally {
            System.setErr(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    @Test
    void oneLinePerEventWithTheExceptionFolded() {
        String out = logged(LogLevel.INFO, log -> {
            log.info("accepted {}", "198.18.0.2:40000");
            log.warn("stream failed", new IllegalStateException("boom"));
            log.debug("not shown at info");
        });
        assertThat(out.lines()).hasSize(2);
        assertThat(out.lines().toList().get(0)).matches(TIME + " INFO  ServerSession: accepted 198.18.0.2:40000");
        assertThat(out.lines().toList().get(1))
                .matches(TIME
                        + " WARN  ServerSession: stream failed \\| java.lang.IllegalStateException: boom \\| at .*");
    }

    @Test
    void debugKeepsWholeStackTraces() {
        String out = logged(LogLevel.DEBUG, log -> log.debug("detail", new IllegalStateException("boom")));
        assertThat(out.lines().count()).isGreaterThan(3);
        assertThat(out).contains("DEBUG ServerSession: detail", "java.lang.IllegalStateException: boom", "\tat ");
    }

    @Test
    void noneIsSilentAndFatalIsErrorsOnly() {
        assertThat(logged(LogLevel.NONE, log -> log.error("lost"))).isEmpty();
        assertThat(logged(LogLevel.FATAL, log -> {
                    log.warn("hidden");
                    log.error("shown");
                }))
                .doesNotContain("hidden")
                .contains("ERROR ServerSession: shown");
    }

    @ParameterizedTest
    @EnumSource(LogLevel.class)
    void levelsMapOntoLogback(LogLevel level) {
        Level expected = switch (level) {
            case NONE -> Level.OFF;
            case DEBUG -> Level.DEBUG;
            case INFO -> Level.INFO;
            case WARN -> Level.WARN;
            case ERROR, FATAL -> Level.ERROR;
        };
        assertThat(Logging.toLogback(level)).isEqualTo(expected);
    }

    @Test
    void appenderNeverBlocksTheCaller() {
        LoggerContext context = context();
        Logging.configure(context, LogLevel.INFO);
        AsyncAppender async =
                (AsyncAppender) context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("async");
        assertThat(async.isNeverBlock()).isTrue();
        assertThat(async.getQueueSize()).isEqualTo(Logging.QUEUE_SIZE);
        assertThat(async.getDiscardingThreshold()).isEqualTo(Logging.QUEUE_SIZE / 5);
        context.stop();
    }
}
