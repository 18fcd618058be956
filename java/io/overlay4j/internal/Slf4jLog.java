package io.overlay4j.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Loaded only when SLF4J is on the class path (see {@link Log}). */
final class Slf4jLog extends Log {
    private final Logger logger;

    Slf4jLog(Class<?> owner) {
        logger = LoggerFactory.getLogger(owner);
    }

    @Override
    public boolean isDebugEnabled() {
        return logger.isDebugEnabled();
    }

    @Override
    public void debug(String format, Object... args) {
        logger.debug(format, args);
    }

    @Override
    public void warn(String format, Object... args) {
        logger.warn(format, args);
    }
}
