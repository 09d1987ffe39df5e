package org.paqet4j.cli.log;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.spi.ContextAwareBase;
import org.paqet4j.cli.config.LogLevel;

/**
 * Logback's first configuration, found through {@code ServiceLoader}: paqet4j's format at
 * info level from the first log line on, until the configuration's {@code log.level} (or
 * {@code --log-level}) is applied with {@link Logging#configure(LogLevel)}.
 */
public final class PaqetLogConfigurator extends ContextAwareBase implements Configurator {
    @Override
    public ExecutionStatus configure(LoggerContext context) {
        Logging.configure(context, LogLevel.INFO);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
