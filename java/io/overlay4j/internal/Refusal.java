package io.overlay4j.internal;

/**
 * A failure overlay4j reports with an errno: a refused syscall, or a check made before one. Built
 * with its whole message by {@link Errors}; the facade turns it into the public exception of its
 * errno's type (io.overlay4j's ErrnoExceptions, the only place that constructs those).
 */
public final class Refusal extends Exception {
    private static final long serialVersionUID = 1L;

    private final int errno;
    private final String operation;
    private final String file;

    Refusal(int errno, String operation, String file, String message) {
        super(message);
        this.errno = errno;
        this.operation = operation;
        this.file = file;
    }

    public int errno() {
        return errno;
    }

    public String errnoName() {
        return Errno.name(errno);
    }

    /** The syscall (or the one a check stands for): "mount", "umount2", "open" ... */
    public String operation() {
        return operation;
    }

    /** The path concerned, or null. */
    public String file() {
        return file;
    }
}
