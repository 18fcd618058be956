package org.slf4j.impl;

import io.overlay4j.testing.RecordingLogger;
import org.slf4j.ILoggerFactory;
import org.slf4j.spi.LoggerFactoryBinder;

/** The tests' SLF4J 1.7 binding: every logger records what it is given (see RecordingLogger). */
public final class StaticLoggerBinder implements LoggerFactoryBinder {
    /** Read by SLF4J to check the binding's API version. */
    public static String REQUESTED_API_VERSION = "1.6.99";
    private static final StaticLoggerBinder SINGLETON = new StaticLoggerBinder();
    private final ILoggerFactory factory = RecordingLogger::new;

    public static StaticLoggerBinder getSingleton() {
        return SINGLETON;
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return factory;
    }

    @Override
    public String getLoggerFactoryClassStr() {
        return RecordingLogger.class.getName();
    }
}
