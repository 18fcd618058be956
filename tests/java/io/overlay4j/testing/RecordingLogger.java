package io.overlay4j.testing;

import org.slf4j.helpers.FormattingTuple;
import org.slf4j.helpers.MarkerIgnoringBase;
import org.slf4j.helpers.MessageFormatter;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A logger that records every event with its level, so tests can check what the
 * library logs; failNextDebug makes the next debug() throw, to break the code
 * after a successful mount.
 */
public final class RecordingLogger extends MarkerIgnoringBase {
    private static final long serialVersionUID = 1L;
    private static final List<String> EVENTS = Collections.synchronizedList(new ArrayList<String>());
    private static volatile boolean failNextDebug;

    public RecordingLogger(String name) {
        this.name = name;
    }

    public static List<String> events() {
        synchronized (EVENTS) {
            return new ArrayList<>(EVENTS);
        }
    }

    public static void clear() {
        EVENTS.clear();
    }

    public static void failNextDebug() {
        failNextDebug = true;
    }

    private void record(String level, String format, Object... args) {
        FormattingTuple t = MessageFormatter.arrayFormat(format, args);
        EVENTS.add(level + " " + name + ": " + t.getMessage());
    }

    private void debugEvent(String format, Object... args) {
        if (failNextDebug) {
            failNextDebug = false;
            throw new IllegalStateException("logger failure injected by the test");
        }
        record("DEBUG", format, args);
    }

    @Override public boolean isTraceEnabled() { return true; }
    @Override public void trace(String msg) { record("TRACE", msg); }
    @Override public void trace(String f, Object a) { record("TRACE", f, a); }
    @Override public void trace(String f, Object a, Object b) { record("TRACE", f, a, b); }
    @Override public void trace(String f, Object... a) { record("TRACE", f, a); }
    @Override public void trace(String msg, Throwable t) { record("TRACE", msg); }
    @Override public boolean isDebugEnabled() { return true; }
    @Override public void debug(String msg) { debugEvent(msg); }
    @Override public void debug(String f, Object a) { debugEvent(f, a); }
    @Override public void debug(String f, Object a, Object b) { debugEvent(f, a, b); }
    @Override public void debug(String f, Object... a) { debugEvent(f, a); }
    @Override public void debug(String msg, Throwable t) { debugEvent(msg); }
    @Override public boolean isInfoEnabled() { return true; }
    @Override public void info(String msg) { record("INFO", msg); }
    @Override public void info(String f, Object a) { record("INFO", f, a); }
    @Override public void info(String f, Object a, Object b) { record("INFO", f, a, b); }
    @Override public void info(String f, Object... a) { record("INFO", f, a); }
    @Override public void info(String msg, Throwable t) { record("INFO", msg); }
    @Override public boolean isWarnEnabled() { return true; }
    @Override public void warn(String msg) { record("WARN", msg); }
    @Override public void warn(String f, Object a) { record("WARN", f, a); }
    @Override public void warn(String f, Object a, Object b) { record("WARN", f, a, b); }
    @Override public void warn(String f, Object... a) { record("WARN", f, a); }
    @Override public void warn(String msg, Throwable t) { record("WARN", msg); }
    @Override public boolean isErrorEnabled() { return true; }
    @Override public void error(String msg) { record("ERROR", msg); }
    @Override public void error(String f, Object a) { record("ERROR", f, a); }
    @Override public void error(String f, Object a, Object b) { record("ERROR", f, a, b); }
    @Override public void error(String f, Object... a) { record("ERROR", f, a); }
    @Override public void error(String msg, Throwable t) { record("ERROR", msg); }
}
