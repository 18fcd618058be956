package io.overlay4j.internal;

/**
 * DEBUG logging through SLF4J when the host application has it, and silence
 * when it does not: the jar needs no logging library on its class path.
 */
public abstract class Log {
    private static final boolean SLF4J = slf4jPresent();

    private static boolean slf4jPresent() {
        try {
            Class.forName("org.slf4j.LoggerFactory", false, Log.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    public static Log get(Class<?> owner) {
        return SLF4J ? new Slf4jLog(owner) : Silent.INSTANCE;
    }

    public abstract boolean isDebugEnabled();

    /** SLF4J-style message with {} placeholders. */
    public abstract void debug(String format, Object... args);

    private static final class Silent extends Log {
        static final Silent INSTANCE = new Silent();

        @Override
        public boolean isDebugEnabled() {
            return false;
        }

        @Override
        public void debug(String format, Object... args) {
        }
    }
}
