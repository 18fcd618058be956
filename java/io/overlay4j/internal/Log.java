package io.overlay4j.internal;

/**
 * Logging through SLF4J when the host application has it; without it, DEBUG is
 * silent and WARN goes to java.util.logging (stderr by default), so that a warning
 * is never lost: the jar needs no logging library on its class path.
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
        return SLF4J ? new Slf4jLog(owner) : new JulLog(owner);
    }

    public abstract boolean isDebugEnabled();

    /** SLF4J-style message with {} placeholders. */
    public abstract void debug(String format, Object... args);

    /** SLF4J-style message with {} placeholders: something the caller should act on. */
    public abstract void warn(String format, Object... args);

    private static final class JulLog extends Log {
        private final String owner;

        JulLog(Class<?> owner) {
            this.owner = owner.getName();
        }

        @Override
        public boolean isDebugEnabled() {
            return false;
        }

        @Override
        public void debug(String format, Object... args) {
        }

        @Override
        public void warn(String format, Object... args) {
            StringBuilder message = new StringBuilder();
            int arg = 0;
            for (int i = 0; i < format.length(); i++) {
                if (format.startsWith("{}", i) && arg < args.length) {
                    message.append(args[arg++]);
                    i++;
                } else {
                    message.append(format.charAt(i));
                }
            }
            java.util.logging.Logger.getLogger(owner).warning(message.toString());
        }
    }
}
